//! The committed TypeScript bindings must match what the Rust commands generate.

use std::path::Path;

#[test]
fn bindings_are_up_to_date() {
    let committed_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(token_wizard_lib::BINDINGS_PATH);
    let fresh_dir = tempfile::tempdir().unwrap();
    let fresh_path = fresh_dir.path().join("bindings.ts");

    token_wizard_lib::export_bindings(&fresh_path).expect("bindings export");

    let fresh = std::fs::read_to_string(&fresh_path).unwrap();
    let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
    assert!(
        fresh == committed,
        "{} is stale or missing. Regenerate it with \
         `cargo run -p token-wizard --example export-bindings` and commit it.",
        committed_path.display()
    );
}

#[test]
fn bindings_name_every_command_and_event() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bindings.ts");
    token_wizard_lib::export_bindings(&path).unwrap();
    let bindings = std::fs::read_to_string(&path).unwrap();

    let commands = [
        "get_app_state",
        "start_sandbox",
        "stop_sandbox",
        "validate_profile",
        "save_profile",
        "delete_profile",
        "test_connection",
        "list_scopes",
        "list_presets",
        "create_token",
        "copy_token",
        "forget_token",
        "revoke_token",
        "update_settings",
        "open_external",
    ];
    for command in commands {
        assert!(
            bindings.contains(&format!("__TAURI_INVOKE(\"{command}\"")),
            "{command}"
        );
    }
    assert!(
        bindings.contains("makeEvent<ClipboardCleared, ClipboardCleared>(\"clipboard-cleared\")")
    );
}
