//! Token Wizard for Dynatrace: the Tauri shell around the Dynatrace client, the sandbox and the
//! keychain.
//!
//! Command logic lives on [`state::Core`] as plain async methods; `commands` only adapts them to
//! Tauri. Data folders follow the platform conventions, so on Linux `XDG_DATA_HOME` moves the
//! settings file, the logs and WebKit's data together (the end-to-end tests rely on that).

// `AppError` is the IPC error shape with seven fields. Commands fail rarely and serialise the
// error once, so boxing it would add indirection for no measurable gain.
#![allow(clippy::result_large_err)]

pub mod clipboard;
pub mod commands;
pub mod error;
pub mod external;
pub mod logging;
pub mod profiles;
pub mod sandbox;
pub mod state;
pub mod store;
pub mod tokens;
pub mod validation;

use std::sync::Arc;

use tauri::Manager;
use tauri_plugin_store::StoreExt;
use tauri_specta::{collect_commands, collect_events};
use wizard_keychain::Keychain;

use crate::clipboard::{ClipboardCleared, PluginClipboard, clipboard_cleared_hook};
use crate::state::Core;

/// Path of the generated bindings, relative to this crate's manifest folder.
pub const BINDINGS_PATH: &str = "../ui/src/lib/bindings.ts";

const BINDINGS_HEADER: &str =
    "// Regenerate with `cargo run -p token-wizard --example export-bindings` (src-tauri).";

/// The result shape every generated command resolves to, named so `api.ts` can import it.
const RESULT_TYPE: &str =
    "export type Result<T, E> = { status: \"ok\"; data: T } | { status: \"error\"; error: E };";

/// Lists every command and event the window may use, for the invoke handler and the bindings.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            commands::get_app_state,
            commands::start_sandbox,
            commands::stop_sandbox,
            commands::validate_profile,
            commands::save_profile,
            commands::delete_profile,
            commands::test_connection,
            commands::list_scopes,
            commands::list_presets,
            commands::create_token,
            commands::copy_token,
            commands::forget_token,
            commands::revoke_token,
            commands::update_settings,
            commands::open_external,
        ])
        .events(collect_events![ClipboardCleared])
        // One TypeScript type per Rust type: the window sends and receives the same shapes,
        // with `null` (not a missing field) for `None`.
        .disable_serde_phases()
}

/// Generates the TypeScript bindings as the committed file should contain them.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    let typescript = specta_typescript::Typescript::default()
        .header(BINDINGS_HEADER)
        .with_raw(RESULT_TYPE);
    specta_builder()
        .export(typescript, path)
        .map_err(|e| e.to_string())
}

/// Builds and runs the app until its last window closes.
pub fn run() {
    let builder = specta_builder();

    tauri::Builder::default()
        .plugin(tauri_plugin_store::Builder::new().build())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_opener::init())
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);

            // A missing log folder must not keep the app from starting.
            let log_dir = app.path().app_log_dir()?;
            match logging::init(&log_dir) {
                Ok(guard) => {
                    app.manage(guard);
                }
                Err(e) => eprintln!("token-wizard: logging to files is off: {e}"),
            }
            tracing::info!(
                version = env!("CARGO_PKG_VERSION"),
                log_dir = %log_dir.display(),
                "app started"
            );

            // The store plugin opens an unreadable file as empty and overwrites it on the next
            // save, so it is moved aside first.
            let store_path = app.path().app_data_dir()?.join(store::STORE_FILE);
            let set_aside = match store::set_aside_unreadable(&store_path) {
                Ok(Some(aside)) => {
                    tracing::warn!(
                        kept_as = %aside.display(),
                        "the settings file is not valid JSON; moved aside, starting empty"
                    );
                    Some(aside)
                }
                Ok(None) => None,
                Err(e) => {
                    tracing::warn!(error = %e, "could not check or move the settings file");
                    None
                }
            };

            let identifier = app.config().identifier.clone();
            let store = app.store(store::STORE_FILE)?;
            let handle = app.handle().clone();
            let core = Core::new(
                Keychain::new(identifier),
                store,
                Arc::new(PluginClipboard(handle.clone())),
                clipboard_cleared_hook(handle),
            );
            if let Some(aside) = set_aside {
                core.add_notice(store::unreadable_notice(&aside));
            }
            app.manage(Arc::new(core));
            Ok(())
        })
        .build(tauri::generate_context!())
        .expect("Tauri app builds from tauri.conf.json")
        .run(|app, event| match event {
            // The clearing timer dies with the process, so a token copied less than
            // `clipboardClearSeconds` ago is cleared now, if the clipboard still contains it.
            tauri::RunEvent::WindowEvent {
                event: tauri::WindowEvent::CloseRequested { .. },
                ..
            } => {
                if let Some(core) = app.try_state::<Arc<Core>>() {
                    core.clear_pending_copy();
                }
            }
            tauri::RunEvent::Exit => {
                if let Some(core) = app.try_state::<Arc<Core>>() {
                    core.clear_pending_copy();
                    tauri::async_runtime::block_on(core.stop_sandbox());
                }
                tracing::info!("app stopped");
            }
            _ => {}
        });
}
