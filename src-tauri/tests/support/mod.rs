//! A `Core` over the real keychain, the real store plugin and a recording clipboard.
//!
//! The keychain tests need an unlocked Secret Service, as `cargo test -p wizard-keychain` does.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use secrecy::SecretString;
use tauri::test::MockRuntime;
use tauri_plugin_store::StoreExt;
use token_wizard_lib::clipboard::ClipboardAccess;
use token_wizard_lib::state::Core;
use wizard_keychain::Keychain;

/// An in-memory clipboard that records what the app wrote.
#[derive(Default)]
pub struct RecordingClipboard {
    pub text: Mutex<Option<String>>,
}

impl RecordingClipboard {
    pub fn text(&self) -> Option<String> {
        self.text.lock().unwrap().clone()
    }

    /// Replaces the clipboard text, as another app would.
    pub fn set_text(&self, text: &str) {
        *self.text.lock().unwrap() = Some(text.to_string());
    }
}

impl ClipboardAccess for RecordingClipboard {
    fn write_text(&self, text: &str) -> Result<(), String> {
        self.set_text(text);
        Ok(())
    }

    fn read_text(&self) -> Result<Option<SecretString>, String> {
        Ok(self.text().map(SecretString::from))
    }

    fn clear(&self) -> Result<(), String> {
        *self.text.lock().unwrap() = None;
        Ok(())
    }
}

pub struct Harness {
    pub core: Arc<Core>,
    pub clipboard: Arc<RecordingClipboard>,
    pub cleared_events: Arc<AtomicUsize>,
    pub keychain: Keychain,
    pub store_path: PathBuf,
    /// The settings file the core uses, for tests that write what an older version saved.
    pub store: Arc<tauri_plugin_store::Store<MockRuntime>>,
    // Kept alive for the store plugin and the settings file.
    _app: tauri::App<MockRuntime>,
    _data_dir: tempfile::TempDir,
}

impl Harness {
    /// Builds a core whose keychain entries use a service name unique to this harness.
    pub fn new() -> Self {
        let data_dir = tempfile::tempdir().unwrap();
        let store_path = data_dir.path().join(token_wizard_lib::store::STORE_FILE);
        let app = tauri::test::mock_builder()
            .plugin(tauri_plugin_store::Builder::new().build())
            .build(tauri::test::mock_context(tauri::test::noop_assets()))
            .expect("mock app builds");
        let store = app.store(&store_path).expect("store opens");

        let service = format!("com.tokenwizard.dynatrace.test.{}", uuid::Uuid::new_v4());
        let keychain = Keychain::new(service);
        let clipboard = Arc::new(RecordingClipboard::default());
        let cleared_events = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&cleared_events);
        let core = Core::new(
            keychain.clone(),
            store.clone(),
            clipboard.clone(),
            Arc::new(move || {
                counter.fetch_add(1, Ordering::SeqCst);
            }),
        );

        Self {
            core: Arc::new(core),
            clipboard,
            cleared_events,
            keychain,
            store_path,
            store,
            _app: app,
            _data_dir: data_dir,
        }
    }

    pub fn cleared_count(&self) -> usize {
        self.cleared_events.load(Ordering::SeqCst)
    }

    pub fn store_bytes(&self) -> Vec<u8> {
        std::fs::read(&self.store_path).expect("settings file exists")
    }
}

/// Returns whether `needle` occurs anywhere in `haystack`.
pub fn contains_bytes(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}
