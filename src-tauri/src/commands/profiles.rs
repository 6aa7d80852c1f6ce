//! Commands on connection profiles.

use std::sync::Arc;

use tauri::State;

use super::logged;
use crate::error::AppError;
use crate::profiles::{Profile, ProfileInput};
use crate::state::Core;
use crate::validation::ValidationReport;

#[tauri::command]
#[specta::specta]
pub async fn validate_profile(
    core: State<'_, Arc<Core>>,
    input: ProfileInput,
) -> Result<ValidationReport, AppError> {
    Ok(core.validate_profile(&input))
}

#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(core, input), fields(profile_id = ?input.id))]
pub async fn save_profile(
    core: State<'_, Arc<Core>>,
    input: ProfileInput,
) -> Result<Profile, AppError> {
    logged("save_profile", core.save_profile(input).await)
}

#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(core), fields(profile_id = %id))]
pub async fn delete_profile(core: State<'_, Arc<Core>>, id: String) -> Result<(), AppError> {
    logged("delete_profile", core.delete_profile(&id).await)
}
