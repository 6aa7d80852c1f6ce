//! Commands that talk to the environment, and the created token's clipboard life.

use std::sync::Arc;

use tauri::State;

use super::logged;
use crate::clipboard::ClipboardReceipt;
use crate::error::AppError;
use crate::state::Core;
use crate::tokens::{self, ConnectionReport, CreatedToken, Preset, ScopeInfo, TokenRequest};

#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(core), fields(profile_id = %profile_id))]
pub async fn test_connection(
    core: State<'_, Arc<Core>>,
    profile_id: String,
) -> Result<ConnectionReport, AppError> {
    logged("test_connection", core.test_connection(&profile_id).await)
}

#[tauri::command]
#[specta::specta]
pub fn list_scopes() -> Result<Vec<ScopeInfo>, AppError> {
    Ok(tokens::list_scopes())
}

#[tauri::command]
#[specta::specta]
pub fn list_presets() -> Result<Vec<Preset>, AppError> {
    Ok(tokens::list_presets())
}

#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(core, request), fields(profile_id = %profile_id))]
pub async fn create_token(
    core: State<'_, Arc<Core>>,
    profile_id: String,
    request: TokenRequest,
) -> Result<CreatedToken, AppError> {
    logged(
        "create_token",
        core.create_token(&profile_id, request).await,
    )
}

#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(core))]
pub async fn copy_token(core: State<'_, Arc<Core>>) -> Result<ClipboardReceipt, AppError> {
    logged("copy_token", core.copy_token().await)
}

#[tauri::command]
#[specta::specta]
pub fn forget_token(core: State<'_, Arc<Core>>) -> Result<(), AppError> {
    core.forget_token();
    Ok(())
}

#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(core), fields(profile_id = %profile_id, token_id = %token_id))]
pub async fn revoke_token(
    core: State<'_, Arc<Core>>,
    profile_id: String,
    token_id: String,
) -> Result<(), AppError> {
    logged(
        "revoke_token",
        core.revoke_token(&profile_id, &token_id).await,
    )
}
