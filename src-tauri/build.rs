//! Generates Tauri's context and one `allow-<command>` permission per app command.
//!
//! Declaring the commands here makes each of them need a grant, so `capabilities/main.json`
//! lists exactly what the window may call. Keep this list equal to `specta_builder()`.

const COMMANDS: &[&str] = &[
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

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri-build reads tauri.conf.json and the capabilities");
}
