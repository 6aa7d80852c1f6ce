//! Non-secret data in `settings.json`: profiles, the last used profile and settings.
//!
//! The file is written by `tauri-plugin-store` in the app data folder. Nothing in it is secret:
//! profile secrets live in the keychain, keyed by profile ID.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::Runtime;

use crate::error::{AppError, ErrorCode, FieldMessage};

/// File name of the store, relative to the app data folder.
pub const STORE_FILE: &str = "settings.json";

pub(crate) const PROFILES_KEY: &str = "profiles";
pub(crate) const LAST_PROFILE_KEY: &str = "lastProfileId";
pub(crate) const SETTINGS_KEY: &str = "settings";

/// Maximum clipboard clearing delay a user can set, in seconds (one hour).
pub const MAX_CLIPBOARD_CLEAR_SECONDS: u32 = 3600;

/// Key-value access to the settings file, so the command logic does not depend on a runtime.
pub trait SettingsStore: Send + Sync {
    fn get(&self, key: &str) -> Option<serde_json::Value>;
    fn set(&self, key: &str, value: serde_json::Value);
    /// Writes the file to disk.
    fn save(&self) -> Result<(), String>;
}

impl<R: Runtime> SettingsStore for tauri_plugin_store::Store<R> {
    fn get(&self, key: &str) -> Option<serde_json::Value> {
        tauri_plugin_store::Store::get(self, key)
    }

    fn set(&self, key: &str, value: serde_json::Value) {
        tauri_plugin_store::Store::set(self, key, value);
    }

    fn save(&self) -> Result<(), String> {
        tauri_plugin_store::Store::save(self).map_err(|e| e.to_string())
    }
}

/// User settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// Seconds after a copy until the clipboard is cleared if it still contains the token;
    /// 0 never clears.
    pub clipboard_clear_seconds: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            clipboard_clear_seconds: 60,
        }
    }
}

impl Settings {
    pub fn validate(&self) -> Result<(), AppError> {
        if self.clipboard_clear_seconds > MAX_CLIPBOARD_CLEAR_SECONDS {
            return Err(AppError::invalid_fields(vec![FieldMessage::new(
                "clipboardClearSeconds",
                format!(
                    "Enter at most {MAX_CLIPBOARD_CLEAR_SECONDS} seconds, or 0 to never clear \
                     the clipboard."
                ),
            )]));
        }
        Ok(())
    }
}

/// Moves the settings file at `path` aside when it is not a JSON object, which the store plugin
/// would open as empty and overwrite on the next save. Returns the new path of the file.
///
/// The copy is named `settings.json.unreadable-<UTC time>` next to the original, so the user can
/// recover profiles from it by hand.
pub fn set_aside_unreadable(path: &Path) -> std::io::Result<Option<PathBuf>> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&bytes).is_ok() {
        return Ok(None);
    }

    let stamp = jiff::Timestamp::now().strftime("%Y%m%dT%H%M%SZ");
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".unreadable-{stamp}"));
    let aside = path.with_file_name(name);
    std::fs::rename(path, &aside)?;
    Ok(Some(aside))
}

/// The sentence the window shows once the settings file was moved aside.
pub fn unreadable_notice(aside: &Path) -> String {
    format!(
        "The settings file could not be read, so the app started with no saved profiles. The old \
         file was kept as {}. Secrets saved in the keychain are still there.",
        aside.display()
    )
}

/// Reads `key`, treating a missing or unreadable value as absent.
pub(crate) fn read<T: DeserializeOwned>(store: &dyn SettingsStore, key: &str) -> Option<T> {
    let value = store.get(key)?;
    match serde_json::from_value(value) {
        Ok(parsed) => Some(parsed),
        Err(e) => {
            tracing::warn!(key, error = %e, "ignoring unreadable value in the settings file");
            None
        }
    }
}

/// Writes `value` under `key` and saves the file.
pub(crate) fn write<T: Serialize>(
    store: &dyn SettingsStore,
    key: &str,
    value: &T,
) -> Result<(), AppError> {
    let json = serde_json::to_value(value).map_err(|e| AppError::internal(e.to_string()))?;
    store.set(key, json);
    store.save().map_err(|e| {
        AppError::new(
            ErrorCode::Internal,
            "The settings file could not be written. Check that the disk is not full and that \
             the app data folder is writable.",
        )
        .with_detail(e)
    })
}
