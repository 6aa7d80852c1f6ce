//! Copying the created token to the system clipboard, and clearing it again.
//!
//! After a copy the backend waits `clipboardClearSeconds`, reads the clipboard, and clears it
//! only if it still contains the token, so text the user copied since is left alone. Only the
//! newest copy's timer acts; it also drops the token from memory.

use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Emitter, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;

use crate::error::{AppError, ErrorCode};
use crate::state::{ClipboardClearedHook, Core};

/// System clipboard access, so the clearing logic runs without a window in tests.
pub trait ClipboardAccess: Send + Sync {
    fn write_text(&self, text: &str) -> Result<(), String>;
    /// Returns the clipboard text, or `None` when it contains no text.
    fn read_text(&self) -> Result<Option<SecretString>, String>;
    fn clear(&self) -> Result<(), String>;
}

/// Start of arboard's `Error::ContentNotAvailable` message.
const EMPTY_CLIPBOARD_MESSAGE: &str = "clipboard contents were not available";

/// The system clipboard through `tauri-plugin-clipboard-manager`.
pub struct PluginClipboard<R: Runtime>(pub tauri::AppHandle<R>);

impl<R: Runtime> ClipboardAccess for PluginClipboard<R> {
    fn write_text(&self, text: &str) -> Result<(), String> {
        // NOTE: the plugin and the platform keep their own copies of the text, which this
        // process cannot zero.
        self.0
            .clipboard()
            .write_text(text)
            .map_err(|e| e.to_string())
    }

    fn read_text(&self) -> Result<Option<SecretString>, String> {
        match self.0.clipboard().read_text() {
            Ok(text) => Ok(Some(SecretString::from(text))),
            // The plugin (2.3, over arboard 3) reports an empty or non-text clipboard only
            // through arboard's `ContentNotAvailable` message.
            Err(e) if e.to_string().contains(EMPTY_CLIPBOARD_MESSAGE) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    fn clear(&self) -> Result<(), String> {
        self.0.clipboard().clear().map_err(|e| e.to_string())
    }
}

/// The created token the backend keeps for `copy_token`.
pub struct HeldToken {
    pub id: String,
    pub secret: SecretString,
}

/// A copy whose clearing timer has not run yet.
pub(crate) struct PendingCopy {
    pub generation: u64,
    pub token_id: String,
    pub secret: SecretString,
}

/// When the clipboard will be cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ClipboardReceipt {
    /// `None` when clearing is off (`clipboardClearSeconds` is 0).
    pub clears_in_seconds: Option<u32>,
}

/// Event sent to the window after the backend cleared the clipboard. Carries no payload.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct ClipboardCleared;

/// Name of [`ClipboardCleared`] on the wire, as tauri-specta derives it from the type name.
pub const CLIPBOARD_CLEARED_EVENT: &str = "clipboard-cleared";

/// Returns the hook that tells every window the clipboard was cleared.
///
/// It emits by name rather than through tauri-specta's typed `emit`, which works only on the
/// runtime the bindings builder was made for, so tests can check it on Tauri's mock runtime.
pub fn clipboard_cleared_hook<R: Runtime>(handle: AppHandle<R>) -> ClipboardClearedHook {
    Arc::new(move || {
        if let Err(e) = handle.emit(CLIPBOARD_CLEARED_EVENT, ClipboardCleared) {
            tracing::warn!(error = %e, "could not send {CLIPBOARD_CLEARED_EVENT}");
        }
    })
}

impl Core {
    /// Writes the held token to the clipboard and schedules clearing it.
    pub async fn copy_token(self: &Arc<Self>) -> Result<ClipboardReceipt, AppError> {
        let (token_id, secret) = {
            let held = self.lock_held_token();
            let token = held.as_ref().ok_or_else(|| {
                AppError::new(
                    ErrorCode::NoTokenToCopy,
                    "No token to copy: the app forgets a token after its clipboard timer or when \
                     you leave the result screen. Create a new token.",
                )
            })?;
            (token.id.clone(), token.secret.clone())
        };

        self.clipboard
            .write_text(secret.expose_secret())
            .map_err(|e| {
                AppError::new(
                    ErrorCode::ClipboardFailed,
                    "The token could not be copied to the clipboard. Select the token and copy it \
                 by hand.",
                )
                .with_detail(e)
            })?;
        let generation = self.next_copy_generation();
        tracing::info!(token_id = %token_id, "token copied to the clipboard");

        let seconds = self.settings().clipboard_clear_seconds;
        if seconds == 0 {
            return Ok(ClipboardReceipt {
                clears_in_seconds: None,
            });
        }

        *self.lock_pending_copy() = Some(PendingCopy {
            generation,
            token_id: token_id.clone(),
            secret: secret.clone(),
        });
        let core = Arc::clone(self);
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(u64::from(seconds))).await;
            core.clear_after_copy(generation, &token_id, &secret);
        });
        Ok(ClipboardReceipt {
            clears_in_seconds: Some(seconds),
        })
    }

    /// Drops the held token; the clipboard timer of an earlier copy still runs.
    pub fn forget_token(&self) {
        if let Some(token) = self.lock_held_token().take() {
            tracing::info!(token_id = %token.id, "token forgotten");
        }
    }

    /// Timer end of copy `generation`: clears the clipboard if it still contains `secret`, and
    /// drops the held token. Returns whether it cleared the clipboard.
    pub fn clear_after_copy(&self, generation: u64, token_id: &str, secret: &SecretString) -> bool {
        if !self.is_latest_copy(generation) {
            return false;
        }

        {
            let mut held = self.lock_held_token();
            if held.as_ref().is_some_and(|token| token.id == token_id) {
                *held = None;
            }
        }
        {
            let mut pending = self.lock_pending_copy();
            if pending
                .as_ref()
                .is_some_and(|copy| copy.generation == generation)
            {
                *pending = None;
            }
        }
        self.clear_if_still_ours(token_id, secret)
    }

    /// Clears the clipboard now if a copy's timer has not run yet and the clipboard still
    /// contains that token, as the app does when its window closes or it quits. Returns whether
    /// it cleared the clipboard.
    pub fn clear_pending_copy(&self) -> bool {
        let Some(copy) = self.lock_pending_copy().take() else {
            return false;
        };
        tracing::info!(token_id = %copy.token_id, "clearing the clipboard before the app closes");
        self.clear_if_still_ours(&copy.token_id, &copy.secret)
    }

    /// Clears the clipboard if it still contains `secret`; text copied since is left alone.
    fn clear_if_still_ours(&self, token_id: &str, secret: &SecretString) -> bool {
        let still_ours = match self.clipboard.read_text() {
            Ok(Some(text)) => text.expose_secret() == secret.expose_secret(),
            Ok(None) => false,
            Err(e) => {
                tracing::warn!(error = %e, "could not read the clipboard to clear it");
                false
            }
        };
        if !still_ours {
            tracing::info!(token_id, "clipboard changed since the copy; left as is");
            return false;
        }

        match self.clipboard.clear() {
            Ok(()) => {
                tracing::info!(token_id, "clipboard cleared");
                (self.on_clipboard_cleared)();
                true
            }
            Err(e) => {
                tracing::warn!(token_id, error = %e, "could not clear the clipboard");
                false
            }
        }
    }

    /// Returns the number of the newest copy, the one whose timer will act.
    pub fn latest_copy_generation(&self) -> u64 {
        *self
            .copy_generation
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    fn lock_pending_copy(&self) -> std::sync::MutexGuard<'_, Option<PendingCopy>> {
        self.pending_copy
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn next_copy_generation(&self) -> u64 {
        let mut generation = self
            .copy_generation
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        *generation += 1;
        *generation
    }

    fn is_latest_copy(&self, generation: u64) -> bool {
        *self
            .copy_generation
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            == generation
    }
}
