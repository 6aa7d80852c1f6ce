//! Connection profiles: non-secret fields in the settings file, the secret in the keychain.

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{AppError, ErrorCode};
use crate::state::Core;
use crate::store;
use crate::validation;

/// Sign-in method of a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub enum AuthMethod {
    /// An OAuth client of a service user (client ID, secret, account UUID).
    #[serde(rename = "oauth")]
    OAuth,
    /// A platform token (`dt0s16.…`).
    #[serde(rename = "platformToken")]
    PlatformToken,
    /// An API token with `apiTokens.write` (`dt0c01.…`).
    #[serde(rename = "apiToken")]
    ApiToken,
}

impl From<AuthMethod> for dynatrace_client::AuthKind {
    fn from(method: AuthMethod) -> Self {
        match method {
            AuthMethod::OAuth => Self::OAuth,
            AuthMethod::PlatformToken => Self::PlatformToken,
            AuthMethod::ApiToken => Self::ApiToken,
        }
    }
}

impl From<dynatrace_client::AuthKind> for AuthMethod {
    fn from(kind: dynatrace_client::AuthKind) -> Self {
        match kind {
            dynatrace_client::AuthKind::OAuth => Self::OAuth,
            dynatrace_client::AuthKind::PlatformToken => Self::PlatformToken,
            dynatrace_client::AuthKind::ApiToken => Self::ApiToken,
        }
    }
}

/// A saved connection profile, as stored in the settings file and shown in the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub id: String,
    pub name: String,
    pub auth_method: AuthMethod,
    /// Normalised environment address.
    pub environment_url: String,
    pub account_uuid: Option<String>,
    pub client_id: Option<String>,
    /// Whether the keychain contains this profile's secret; the secret itself never leaves Rust.
    pub secret_stored: bool,
    /// Made in sandbox mode: always talks to the built-in sandbox.
    pub sandbox: bool,
    pub last_scopes: Vec<String>,
    pub last_preset_id: Option<String>,
    /// Custom host (outside `dynatrace.com` and `dynatracelabs.com`) the user confirmed for
    /// `environment_url`. The secret goes to no other custom host. Files written before hosts
    /// could be confirmed lack it, which reads as `None`.
    #[serde(default)]
    #[specta(optional)]
    pub trusted_host: Option<String>,
}

/// Contents of the profile form, sent to validate or save.
#[derive(Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ProfileInput {
    /// `None` for a new profile.
    pub id: Option<String>,
    pub name: String,
    pub auth_method: AuthMethod,
    pub environment_url: String,
    pub account_uuid: Option<String>,
    pub client_id: Option<String>,
    /// Client secret, platform token or API token; `None` keeps the stored one.
    #[specta(type = Option<String>)]
    pub secret: Option<SecretString>,
    pub sandbox: bool,
    /// Custom host the user confirmed, as `EnvironmentPreview::custom_host` named it. Saving
    /// fails while the environment URL has a custom host other than this one.
    pub trusted_host: Option<String>,
}

/// Hand-written so the secret never reaches a log line.
impl std::fmt::Debug for ProfileInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileInput")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("auth_method", &self.auth_method)
            .field("environment_url", &self.environment_url)
            .field("account_uuid", &self.account_uuid)
            .field("client_id", &self.client_id)
            .field("secret", &self.secret.as_ref().map(|_| "[REDACTED]"))
            .field("sandbox", &self.sandbox)
            .field("trusted_host", &self.trusted_host)
            .finish()
    }
}

/// A profile as read from the settings file. Every field that is not needed to use the profile
/// has a default, so files written before a field existed, or edited by hand, still load. The
/// window's `Profile` type keeps every field required.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProfileRecord {
    id: String,
    name: String,
    auth_method: AuthMethod,
    environment_url: String,
    #[serde(default)]
    account_uuid: Option<String>,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    secret_stored: bool,
    #[serde(default)]
    sandbox: bool,
    #[serde(default)]
    last_scopes: Vec<String>,
    #[serde(default)]
    last_preset_id: Option<String>,
    #[serde(default)]
    trusted_host: Option<String>,
}

impl From<ProfileRecord> for Profile {
    fn from(record: ProfileRecord) -> Self {
        Self {
            id: record.id,
            name: record.name,
            auth_method: record.auth_method,
            environment_url: record.environment_url,
            account_uuid: record.account_uuid,
            client_id: record.client_id,
            secret_stored: record.secret_stored,
            sandbox: record.sandbox,
            last_scopes: record.last_scopes,
            last_preset_id: record.last_preset_id,
            trusted_host: record.trusted_host,
        }
    }
}

/// One entry of the `profiles` list in the settings file.
enum StoredEntry {
    Readable(Profile),
    /// An entry this version cannot read, written back unchanged so no profile is lost.
    Unreadable(serde_json::Value),
}

/// The `profiles` list as read from the settings file, unreadable entries included.
pub(crate) struct StoredProfiles {
    entries: Vec<StoredEntry>,
}

impl StoredProfiles {
    /// Reads the list entry by entry. An entry that does not parse is kept as it is and logged
    /// by position and ID only.
    pub(crate) fn load(store: &dyn store::SettingsStore) -> Self {
        let values = match store.get(store::PROFILES_KEY) {
            None | Some(serde_json::Value::Null) => Vec::new(),
            Some(serde_json::Value::Array(values)) => values,
            Some(other) => {
                tracing::warn!(
                    "the profiles in the settings file are not a list; kept as they are"
                );
                vec![other]
            }
        };
        let entries = values
            .into_iter()
            .enumerate()
            .map(|(index, value)| match ProfileRecord::deserialize(&value) {
                Ok(record) => StoredEntry::Readable(record.into()),
                Err(e) => {
                    // The error text can quote a value, so only its kind reaches the log.
                    let error = e.to_string();
                    let kind = error.split(':').next().unwrap_or_default();
                    tracing::warn!(
                        index,
                        profile_id = value.get("id").and_then(serde_json::Value::as_str),
                        error = kind,
                        "skipping an unreadable profile in the settings file; it is kept unchanged"
                    );
                    StoredEntry::Unreadable(value)
                }
            })
            .collect();
        Self { entries }
    }

    /// Returns the readable profiles in the order they were created.
    pub(crate) fn readable(&self) -> Vec<Profile> {
        self.iter().cloned().collect()
    }

    fn iter(&self) -> impl Iterator<Item = &Profile> {
        self.entries.iter().filter_map(|entry| match entry {
            StoredEntry::Readable(profile) => Some(profile),
            StoredEntry::Unreadable(_) => None,
        })
    }

    fn find_mut(&mut self, profile_id: &str) -> Option<&mut Profile> {
        self.entries.iter_mut().find_map(|entry| match entry {
            StoredEntry::Readable(profile) if profile.id == profile_id => Some(profile),
            _ => None,
        })
    }

    /// Replaces the profile with the same ID, or appends it.
    fn upsert(&mut self, profile: Profile) {
        match self.find_mut(&profile.id) {
            Some(stored) => *stored = profile,
            None => self.entries.push(StoredEntry::Readable(profile)),
        }
    }

    fn remove(&mut self, profile_id: &str) {
        self.entries.retain(
            |entry| !matches!(entry, StoredEntry::Readable(profile) if profile.id == profile_id),
        );
    }

    /// Writes every entry back, unreadable ones unchanged, and saves the file.
    fn write(&self, store: &dyn store::SettingsStore) -> Result<(), AppError> {
        let mut values = Vec::with_capacity(self.entries.len());
        for entry in &self.entries {
            values.push(match entry {
                StoredEntry::Readable(profile) => {
                    serde_json::to_value(profile).map_err(|e| AppError::internal(e.to_string()))?
                }
                StoredEntry::Unreadable(value) => value.clone(),
            });
        }
        store::write(store, store::PROFILES_KEY, &values)
    }
}

impl Core {
    /// Returns the saved profiles in the order they were created, without unreadable entries.
    pub fn profiles(&self) -> Vec<Profile> {
        StoredProfiles::load(self.store.as_ref()).readable()
    }

    pub(crate) fn profile(&self, profile_id: &str) -> Result<Profile, AppError> {
        self.profiles()
            .into_iter()
            .find(|profile| profile.id == profile_id)
            .ok_or_else(|| AppError::profile_not_found(profile_id))
    }

    /// Checks the profile form without network calls.
    pub fn validate_profile(&self, input: &ProfileInput) -> validation::ValidationReport {
        let existing = input.id.as_deref().and_then(|id| self.profile(id).ok());
        validation::validate_profile(input, existing.as_ref())
    }

    /// Validates the input, stores its secret in the keychain (read back through a fresh entry)
    /// and the rest in the settings file.
    pub async fn save_profile(&self, input: ProfileInput) -> Result<Profile, AppError> {
        let _guard = self.store_lock.lock().await;
        let mut profiles = StoredProfiles::load(self.store.as_ref());
        let existing = match &input.id {
            Some(id) => Some(
                profiles
                    .iter()
                    .find(|profile| &profile.id == id)
                    .cloned()
                    .ok_or_else(|| AppError::profile_not_found(id))?,
            ),
            None => None,
        };

        let mut report = validation::validate_profile(&input, existing.as_ref());
        if let Some(error) = validation::unconfirmed_host_error(&input, &report) {
            report.field_errors.push(error);
        }
        if !report.field_errors.is_empty() {
            return Err(AppError::invalid_fields(report.field_errors));
        }
        let environment = report
            .environment
            .ok_or_else(|| AppError::internal("validated profile without an environment"))?;

        let id = existing
            .as_ref()
            .map(|profile| profile.id.clone())
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());

        // The keychain goes first: a profile that claims a stored secret must have one.
        if let Some(secret) = &input.secret {
            let secret = SecretString::from(secrecy::ExposeSecret::expose_secret(secret).trim());
            self.keychain.store(&id, &secret).await?;
        }

        let oauth = input.auth_method == AuthMethod::OAuth;
        let profile = Profile {
            id: id.clone(),
            name: input.name.trim().to_string(),
            auth_method: input.auth_method,
            environment_url: environment.display,
            account_uuid: oauth.then(|| trimmed(&input.account_uuid)).flatten(),
            client_id: oauth.then(|| trimmed(&input.client_id)).flatten(),
            secret_stored: input.secret.is_some()
                || existing
                    .as_ref()
                    .is_some_and(|profile| profile.secret_stored),
            sandbox: input.sandbox,
            last_scopes: existing
                .as_ref()
                .map(|p| p.last_scopes.clone())
                .unwrap_or_default(),
            last_preset_id: existing.as_ref().and_then(|p| p.last_preset_id.clone()),
            // Only a confirmed custom host is kept, in the client's spelling; trust sent for
            // a Dynatrace host or an older address is dropped.
            trusted_host: environment.custom_host,
        };

        profiles.upsert(profile.clone());
        profiles.write(self.store.as_ref())?;
        store::write(self.store.as_ref(), store::LAST_PROFILE_KEY, &id)?;

        tracing::info!(
            profile_id = %id,
            auth_method = ?profile.auth_method,
            trusted_host = profile.trusted_host.as_deref(),
            "profile saved"
        );
        Ok(profile)
    }

    /// Deletes the profile and its keychain entry; succeeds when neither exists.
    pub async fn delete_profile(&self, profile_id: &str) -> Result<(), AppError> {
        let _guard = self.store_lock.lock().await;
        let mut profiles = StoredProfiles::load(self.store.as_ref());
        let stored = profiles
            .iter()
            .find(|profile| profile.id == profile_id)
            .cloned();

        match self.keychain.delete(profile_id).await {
            Ok(()) => {}
            // A profile that records no secret can go even while the keychain is unusable.
            Err(e)
                if stored
                    .as_ref()
                    .is_some_and(|profile| !profile.secret_stored) =>
            {
                tracing::warn!(profile_id, code = ?e.code, "keychain delete skipped");
            }
            Err(e) => return Err(e.into()),
        }

        if stored.is_some() {
            profiles.remove(profile_id);
            profiles.write(self.store.as_ref())?;
        }
        let last: Option<String> = store::read(self.store.as_ref(), store::LAST_PROFILE_KEY);
        if last.as_deref() == Some(profile_id) {
            store::write(
                self.store.as_ref(),
                store::LAST_PROFILE_KEY,
                &None::<String>,
            )?;
        }

        tracing::info!(profile_id, "profile deleted");
        Ok(())
    }

    /// Loads the profile's secret, or fails with `secret_not_stored`.
    pub(crate) async fn profile_secret(&self, profile: &Profile) -> Result<SecretString, AppError> {
        if let Some(secret) = self.keychain.load(&profile.id).await? {
            return Ok(secret);
        }

        if profile.secret_stored {
            self.mark_secret_missing(&profile.id).await;
        }
        Err(AppError::new(
            ErrorCode::SecretNotStored,
            "The keychain contains no secret for this profile. Edit the profile, enter the secret \
             again and save it.",
        ))
    }

    /// Records that the keychain entry is gone, for example after it was deleted outside the app.
    async fn mark_secret_missing(&self, profile_id: &str) {
        let _guard = self.store_lock.lock().await;
        let mut profiles = StoredProfiles::load(self.store.as_ref());
        if let Some(profile) = profiles.find_mut(profile_id) {
            profile.secret_stored = false;
        }
        if let Err(e) = profiles.write(self.store.as_ref()) {
            tracing::warn!(profile_id, error = %e, "could not record the missing secret");
        }
    }

    /// Remembers the scopes and preset of the last token created with a profile.
    pub(crate) async fn remember_request(
        &self,
        profile_id: &str,
        scopes: &[String],
        preset_id: Option<&str>,
    ) -> Result<(), AppError> {
        let _guard = self.store_lock.lock().await;
        let mut profiles = StoredProfiles::load(self.store.as_ref());
        if let Some(profile) = profiles.find_mut(profile_id) {
            profile.last_scopes = scopes.to_vec();
            profile.last_preset_id = preset_id.map(str::to_string);
        }
        profiles.write(self.store.as_ref())?;
        store::write(self.store.as_ref(), store::LAST_PROFILE_KEY, &profile_id)
    }
}

fn trimmed(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}
