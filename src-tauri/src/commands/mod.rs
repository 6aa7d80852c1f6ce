//! Tauri command handlers: each one calls `Core` and logs failures (code and message only).
//!
//! Spans name the command and its IDs only: arguments that can carry secrets (profile inputs,
//! token requests) are skipped.

mod profiles;
mod tokens;

use std::sync::Arc;

use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

use crate::error::{AppError, ErrorCode};
use crate::external;
use crate::sandbox::SandboxInfo;
use crate::state::{AppState, Core};
use crate::store::Settings;

pub use profiles::*;
pub use tokens::*;

/// Logs a failed command at `warn` with its code and message, and passes the result on.
pub(crate) fn logged<T>(command: &str, result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(e) = &result {
        tracing::warn!(command, code = ?e.code, message = %e.message, "command failed");
    }
    result
}

#[tauri::command]
#[specta::specta]
pub async fn get_app_state(core: State<'_, Arc<Core>>) -> Result<AppState, AppError> {
    Ok(core.app_state().await)
}

#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(core))]
pub async fn start_sandbox(core: State<'_, Arc<Core>>) -> Result<SandboxInfo, AppError> {
    logged("start_sandbox", core.start_sandbox().await)
}

#[tauri::command]
#[specta::specta]
pub async fn stop_sandbox(core: State<'_, Arc<Core>>) -> Result<(), AppError> {
    core.stop_sandbox().await;
    Ok(())
}

#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(core, settings))]
pub async fn update_settings(
    core: State<'_, Arc<Core>>,
    settings: Settings,
) -> Result<Settings, AppError> {
    logged("update_settings", core.update_settings(settings).await)
}

#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(app))]
pub async fn open_external(app: AppHandle, url: String) -> Result<(), AppError> {
    let result = external::allowed_url(&url).and_then(|url| {
        app.opener()
            .open_url(url.as_str(), None::<&str>)
            .map_err(|e| {
                AppError::new(
                    ErrorCode::Internal,
                    "The system browser could not be opened. Copy the link and open it by hand.",
                )
                .with_detail(e.to_string())
            })
    });
    logged("open_external", result)
}
