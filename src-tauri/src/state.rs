//! State shared by all commands, and the snapshot the window loads at start.
//!
//! `Core` contains no Tauri types: the store, the clipboard and the event sink come in as trait
//! objects, so tests drive the same logic without a window.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;
use specta::Type;
use wizard_keychain::Keychain;

use crate::clipboard::{ClipboardAccess, HeldToken, PendingCopy};
use crate::error::AppError;
use crate::profiles::Profile;
use crate::sandbox::{RunningSandbox, SandboxInfo};
use crate::store::{self, Settings, SettingsStore};

/// Called after the backend cleared the clipboard; the app emits `clipboard-cleared`.
pub type ClipboardClearedHook = Arc<dyn Fn() + Send + Sync>;

/// Everything the commands work on.
pub struct Core {
    pub(crate) keychain: Keychain,
    pub(crate) store: Arc<dyn SettingsStore>,
    pub(crate) clipboard: Arc<dyn ClipboardAccess>,
    pub(crate) on_clipboard_cleared: ClipboardClearedHook,
    pub(crate) client_config: dynatrace_client::ClientConfig,
    /// Client for real environments, made on first use; it caches bearers between calls.
    pub(crate) client: std::sync::OnceLock<dynatrace_client::DynatraceClient>,
    /// Clients with `allow_custom_hosts`, one per confirmed custom host, made on first use.
    pub(crate) custom_host_clients: Mutex<HashMap<String, dynatrace_client::DynatraceClient>>,
    /// Serialises read-modify-write cycles on the settings file.
    pub(crate) store_lock: tokio::sync::Mutex<()>,
    pub(crate) sandbox: tokio::sync::Mutex<Option<RunningSandbox>>,
    /// The last created token, kept until `forget_token`, the next create or the clipboard timer.
    pub(crate) held_token: Mutex<Option<HeldToken>>,
    /// Counts copies, so only the newest copy's timer clears the clipboard and drops the token.
    pub(crate) copy_generation: Mutex<u64>,
    /// The newest copy until its timer runs, so closing the app can clear the clipboard early.
    pub(crate) pending_copy: Mutex<Option<PendingCopy>>,
    /// Messages about start-up problems, shown in the window.
    pub(crate) notices: Mutex<Vec<String>>,
}

impl Core {
    pub fn new(
        keychain: Keychain,
        store: Arc<dyn SettingsStore>,
        clipboard: Arc<dyn ClipboardAccess>,
        on_clipboard_cleared: ClipboardClearedHook,
    ) -> Self {
        let client_config = dynatrace_client::ClientConfig {
            user_agent: format!("TokenWizardForDynatrace/{}", env!("CARGO_PKG_VERSION")),
            ..Default::default()
        };

        Self {
            keychain,
            store,
            clipboard,
            on_clipboard_cleared,
            client_config,
            client: std::sync::OnceLock::new(),
            custom_host_clients: Mutex::new(HashMap::new()),
            store_lock: tokio::sync::Mutex::new(()),
            sandbox: tokio::sync::Mutex::new(None),
            held_token: Mutex::new(None),
            copy_generation: Mutex::new(0),
            pending_copy: Mutex::new(None),
            notices: Mutex::new(Vec::new()),
        }
    }

    /// Adds a message the window shows on its first screen, for example that the settings file
    /// was moved aside.
    pub fn add_notice(&self, notice: String) {
        self.notices
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(notice);
    }

    /// Returns everything the window shows at start, including a fresh keychain probe.
    pub async fn app_state(&self) -> AppState {
        let keychain = KeychainStatus::from(self.keychain.status().await);
        let sandbox = self.sandbox.lock().await.as_ref().map(RunningSandbox::info);

        AppState {
            profiles: self.profiles(),
            last_profile_id: store::read(self.store.as_ref(), store::LAST_PROFILE_KEY),
            keychain,
            sandbox,
            settings: self.settings(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            notices: self
                .notices
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .clone(),
        }
    }

    pub fn settings(&self) -> Settings {
        store::read(self.store.as_ref(), store::SETTINGS_KEY).unwrap_or_default()
    }

    pub async fn update_settings(&self, settings: Settings) -> Result<Settings, AppError> {
        settings.validate()?;

        let _guard = self.store_lock.lock().await;
        store::write(self.store.as_ref(), store::SETTINGS_KEY, &settings)?;
        tracing::info!(
            clipboard_clear_seconds = settings.clipboard_clear_seconds,
            "settings saved"
        );
        Ok(settings)
    }

    /// Returns the client for real environments, making it on first use.
    pub(crate) fn client(&self) -> Result<&dynatrace_client::DynatraceClient, AppError> {
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
        let client = dynatrace_client::DynatraceClient::new(self.client_config.clone())?;
        Ok(self.client.get_or_init(|| client))
    }

    /// Returns the client for `host`, a custom host the user confirmed, making it on first use.
    pub(crate) fn custom_host_client(
        &self,
        host: &str,
    ) -> Result<dynatrace_client::DynatraceClient, AppError> {
        let mut clients = self
            .custom_host_clients
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(client) = clients.get(host) {
            return Ok(client.clone());
        }
        let config = dynatrace_client::ClientConfig {
            allow_custom_hosts: true,
            ..self.client_config.clone()
        };
        let client = dynatrace_client::DynatraceClient::new(config)?;
        clients.insert(host.to_string(), client.clone());
        Ok(client)
    }

    pub(crate) fn lock_held_token(&self) -> MutexGuard<'_, Option<HeldToken>> {
        // A panic while the lock was held leaves at worst a stale token, which the next
        // create or forget replaces, so a poisoned lock is still usable.
        self.held_token
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Whether the keychain can be used, and why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct KeychainStatus {
    pub available: bool,
    /// Name of the platform store, for example "Secret Service store"; empty when none opened.
    pub backend: String,
    pub problem: Option<AppError>,
}

impl From<wizard_keychain::KeychainStatus> for KeychainStatus {
    fn from(status: wizard_keychain::KeychainStatus) -> Self {
        Self {
            available: status.available,
            backend: status.backend,
            problem: status.problem.map(AppError::from),
        }
    }
}

/// Snapshot the window loads at start.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AppState {
    pub profiles: Vec<Profile>,
    pub last_profile_id: Option<String>,
    pub keychain: KeychainStatus,
    /// Set while the built-in sandbox runs.
    pub sandbox: Option<SandboxInfo>,
    pub settings: Settings,
    pub version: String,
    /// Problems found at start-up that the user should know about, such as a settings file
    /// that could not be read and was moved aside.
    pub notices: Vec<String>,
}
