//! The clipboard hook reaches event listeners under the name the bindings use.

use std::sync::mpsc;
use std::time::Duration;

use tauri::Listener;
use token_wizard_lib::clipboard::{CLIPBOARD_CLEARED_EVENT, clipboard_cleared_hook};

#[test]
fn hook_emits_clipboard_cleared_without_payload() {
    let app = tauri::test::mock_builder()
        .build(tauri::test::mock_context(tauri::test::noop_assets()))
        .expect("mock app builds");
    let (sender, receiver) = mpsc::channel();
    app.listen_any(CLIPBOARD_CLEARED_EVENT, move |event| {
        sender.send(event.payload().to_string()).unwrap();
    });

    clipboard_cleared_hook(app.handle().clone())();

    let payload = receiver
        .recv_timeout(Duration::from_secs(10))
        .expect("event arrives");
    assert_eq!(payload, "null");
}

#[test]
fn event_name_matches_bindings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bindings.ts");
    token_wizard_lib::export_bindings(&path).unwrap();
    let bindings = std::fs::read_to_string(&path).unwrap();

    assert!(
        bindings.contains(&format!("(\"{CLIPBOARD_CLEARED_EVENT}\")")),
        "{bindings}"
    );
}
