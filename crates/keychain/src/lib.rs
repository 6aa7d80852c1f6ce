//! OS keychain access for Token Wizard: one entry per profile secret, nothing else.
//!
//! Entries live under a fixed service name (the app identifier, so test and dev builds never
//! share secrets) with the user name `profile:<id>`. keyring 4 with its default `v1` feature
//! picks the platform store: the Secret Service over D-Bus on Linux and BSD, the login Keychain
//! on macOS, Credential Manager on Windows. There is no plaintext or in-memory fallback: when
//! the platform store is missing, every call fails with [`KeychainErrorCode::Unavailable`].
//!
//! Every call runs on a blocking thread under a timeout, because the platform APIs are
//! synchronous and may wait for an unlock prompt.

mod error;

use std::time::Duration;

pub use error::{KeychainError, KeychainErrorCode};
use secrecy::{ExposeSecret, SecretString};

/// How long one keychain call may take before it fails with [`KeychainErrorCode::TimedOut`].
///
/// A write to a locked keyring waits for the desktop's unlock prompt, so the limit leaves time
/// to type a password.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Vendor string prefix of keyring-core's in-memory mock store, which must never hold secrets.
const MOCK_VENDOR_PREFIX: &str = "Mock store";

/// User name of the entry that [`Keychain::status`] looks up; it is never written.
const PROBE_USER: &str = "probe:status";

/// Whether the platform keychain can be used, as shown to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeychainStatus {
    pub available: bool,
    /// Name of the platform store, for example "Secret Service store"; empty when none.
    pub backend: String,
    pub problem: Option<KeychainError>,
}

/// Handle on the keychain entries of one app identifier.
#[derive(Debug, Clone)]
pub struct Keychain {
    service: String,
    timeout: Duration,
}

impl Keychain {
    /// Creates a handle whose entries use `service` (the app identifier) as service name.
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// Changes the time one keychain call may take.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    /// Stores the secret of `profile_id`, replacing any earlier one, and reads it back through
    /// a fresh entry to prove the keychain kept it.
    pub async fn store(
        &self,
        profile_id: &str,
        secret: &SecretString,
    ) -> Result<(), KeychainError> {
        let service = self.service.clone();
        let user = user_name(profile_id);
        let secret = secret.clone();

        self.run(move || {
            entry(&service, &user)?
                .set_password(secret.expose_secret())
                .map_err(|e| error::classify(&e))?;

            let read_back = entry(&service, &user)?
                .get_password()
                .map_err(|e| error::classify(&e))?;
            let read_back = SecretString::from(read_back);
            if read_back.expose_secret() != secret.expose_secret() {
                return Err(KeychainError::new(
                    KeychainErrorCode::Failed,
                    "The keychain returned a different value after saving the secret. Save the \
                     profile again; if it keeps failing, restart the keyring service.",
                ));
            }
            Ok(())
        })
        .await?;

        tracing::info!(profile_id, "keychain entry stored and read back");
        Ok(())
    }

    /// Loads the secret of `profile_id`; `None` when the keychain has no entry for it.
    pub async fn load(&self, profile_id: &str) -> Result<Option<SecretString>, KeychainError> {
        let service = self.service.clone();
        let user = user_name(profile_id);

        self.run(move || match entry(&service, &user)?.get_password() {
            Ok(password) => Ok(Some(SecretString::from(password))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(error::classify(&e)),
        })
        .await
    }

    /// Deletes the secret of `profile_id`; succeeds when there was none.
    pub async fn delete(&self, profile_id: &str) -> Result<(), KeychainError> {
        let service = self.service.clone();
        let user = user_name(profile_id);

        self.run(move || match entry(&service, &user)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(error::classify(&e)),
        })
        .await?;

        tracing::info!(profile_id, "keychain entry deleted");
        Ok(())
    }

    /// Checks that the platform store opens and answers a lookup, without writing anything.
    ///
    /// A locked Secret Service collection still answers lookups of missing entries, so a locked
    /// keyring shows up only on the first [`Keychain::store`].
    pub async fn status(&self) -> KeychainStatus {
        let service = self.service.clone();

        let outcome = self
            .run(move || {
                let probe =
                    entry(&service, PROBE_USER).and_then(|entry| match entry.get_password() {
                        Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
                        Err(e) => Err(error::classify(&e)),
                    });
                Ok((backend_name(), probe))
            })
            .await;

        let (backend, probe) = match outcome {
            Ok(pair) => pair,
            Err(problem) => (String::new(), Err(problem)),
        };
        match probe {
            Ok(()) => KeychainStatus {
                available: true,
                backend,
                problem: None,
            },
            Err(problem) => {
                tracing::warn!(code = ?problem.code, detail = ?problem.detail, "keychain not usable");
                KeychainStatus {
                    available: false,
                    backend,
                    problem: Some(problem),
                }
            }
        }
    }

    /// Runs one synchronous keychain call on a blocking thread under the timeout.
    async fn run<T, F>(&self, call: F) -> Result<T, KeychainError>
    where
        T: Send + 'static,
        F: FnOnce() -> Result<T, KeychainError> + Send + 'static,
    {
        let task = tokio::task::spawn_blocking(call);
        match tokio::time::timeout(self.timeout, task).await {
            Ok(Ok(result)) => result,
            Ok(Err(join_error)) => Err(KeychainError::new(
                KeychainErrorCode::Failed,
                "The keychain call stopped unexpectedly. Try again.",
            )
            .with_detail(join_error.to_string())),
            // NOTE: the blocking thread keeps waiting for the platform call, which cannot be
            // cancelled. A write that completes after the timeout still lands in the keychain.
            Err(_elapsed) => Err(KeychainError::timed_out(self.timeout.as_secs())),
        }
    }
}

fn user_name(profile_id: &str) -> String {
    format!("profile:{profile_id}")
}

/// Opens an entry in the platform store after checking that the store is real.
///
/// keyring 4 opens the store once per process (`Entry::store_status` caches the outcome), so a
/// keyring service started after the app only helps after a restart.
fn entry(service: &str, user: &str) -> Result<keyring::Entry, KeychainError> {
    if let Err(e) = keyring::Entry::store_status() {
        return Err(KeychainError::unavailable(e.to_string()));
    }
    if let Some(store) = keyring_core::get_default_store()
        && store.vendor().starts_with(MOCK_VENDOR_PREFIX)
    {
        return Err(KeychainError::unavailable(
            "the default credential store is a mock",
        ));
    }

    keyring::Entry::new(service, user).map_err(|e| error::classify(&e))
}

/// Returns the platform store's vendor name without its crate URL, or "" when none opened.
fn backend_name() -> String {
    if keyring::Entry::store_status().is_err() {
        return String::new();
    }
    keyring_core::get_default_store()
        .map(|store| {
            let vendor = store.vendor();
            vendor
                .split(", http")
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .unwrap_or_default()
}
