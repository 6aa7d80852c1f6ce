//! Connection checks, token creation and revocation for a saved profile.

use dynatrace_client::{
    CreateApiToken, Credentials, DynatraceClient, EnvironmentUrl, Expiration, OAuthClient,
    ScopeFamily, TokenApi, parse_account_uuid,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::clipboard::HeldToken;
use crate::error::{AppError, FieldMessage};
use crate::profiles::{AuthMethod, Profile};
use crate::state::Core;
use crate::validation;

/// Maximum relative expiry a user can pick, in days (ten years).
pub const MAX_EXPIRY_DAYS: u32 = 3650;

/// Outcome of a connection check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionReport {
    pub auth_method: AuthMethod,
    /// `environment-api` or `legacy` for OAuth; `None` for token sign-in.
    pub scope_family: Option<String>,
    pub granted_scopes: Vec<String>,
    pub can_read: bool,
    pub can_write: bool,
    /// Number of API tokens in the environment (capped at 4,294,967,295).
    pub token_count: u32,
    pub api_base: String,
    pub sso_origin: Option<String>,
    pub warnings: Vec<String>,
}

impl From<dynatrace_client::ConnectionReport> for ConnectionReport {
    fn from(report: dynatrace_client::ConnectionReport) -> Self {
        Self {
            auth_method: report.auth_kind.into(),
            scope_family: report.scope_family.map(|family| {
                match family {
                    ScopeFamily::EnvironmentApi => "environment-api",
                    ScopeFamily::Legacy => "legacy",
                }
                .to_string()
            }),
            granted_scopes: report.granted_scopes,
            can_read: report.can_read,
            can_write: report.can_write,
            token_count: u32::try_from(report.token_count).unwrap_or(u32::MAX),
            api_base: report.api_base.to_string(),
            sso_origin: report.sso_origin.map(|origin| origin.to_string()),
            warnings: report.warnings,
        }
    }
}

/// A scope a new token can carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct ScopeInfo {
    pub id: String,
    pub meaning: String,
}

/// A named set of scopes for a common job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Preset {
    pub id: String,
    pub name: String,
    pub purpose: String,
    pub scopes: Vec<String>,
    pub docs_url: String,
}

/// When a new token expires.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Expiry {
    /// This many days from now.
    Days {
        days: u32,
    },
    /// At the end of this UTC day (`YYYY-MM-DD`).
    Date {
        date: String,
    },
    Never,
}

/// The token the user asks for.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TokenRequest {
    pub name: String,
    pub scopes: Vec<String>,
    pub expiry: Expiry,
    pub personal_access_token: bool,
    /// Preset the scopes came from, remembered for the next token.
    pub preset_id: Option<String>,
}

/// A created token, returned once with its secret so the window can show and copy it.
#[derive(Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CreatedToken {
    pub id: String,
    /// The token secret. The window shows it once; the backend keeps a copy for `copy_token`.
    pub token: String,
    pub name: String,
    pub scopes: Vec<String>,
    /// RFC 3339 timestamp, or `None` for a token that never expires.
    pub expiration_date: Option<String>,
    pub environment_url: String,
}

/// Hand-written so the token secret never reaches a log line.
impl std::fmt::Debug for CreatedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedToken")
            .field("id", &self.id)
            .field("token", &"[REDACTED]")
            .field("name", &self.name)
            .field("scopes", &self.scopes)
            .field("expiration_date", &self.expiration_date)
            .field("environment_url", &self.environment_url)
            .finish()
    }
}

/// Returns every scope a new token can carry.
pub fn list_scopes() -> Vec<ScopeInfo> {
    dynatrace_scopes::catalogue()
        .iter()
        .map(|scope| ScopeInfo {
            id: scope.id.to_string(),
            meaning: scope.meaning.to_string(),
        })
        .collect()
}

/// Returns the presets for common jobs.
pub fn list_presets() -> Vec<Preset> {
    dynatrace_scopes::PRESETS
        .iter()
        .map(|preset| Preset {
            id: preset.id.to_string(),
            name: preset.name.to_string(),
            purpose: preset.purpose.to_string(),
            scopes: preset
                .scopes
                .iter()
                .map(|scope| scope.to_string())
                .collect(),
            docs_url: preset.docs_url.to_string(),
        })
        .collect()
}

impl Core {
    /// Requests a bearer (OAuth) and lists one page of tokens to prove read access.
    pub async fn test_connection(&self, profile_id: &str) -> Result<ConnectionReport, AppError> {
        let profile = self.profile(profile_id)?;
        let (api, _) = self.token_api(&profile).await?;

        let report = api.check_connection().await?;
        tracing::info!(
            profile_id,
            can_read = report.can_read,
            can_write = report.can_write,
            "connection checked"
        );
        Ok(report.into())
    }

    /// Creates a token, keeps its secret in memory for `copy_token` and returns it once.
    pub async fn create_token(
        &self,
        profile_id: &str,
        request: TokenRequest,
    ) -> Result<CreatedToken, AppError> {
        let create = token_request(&request, jiff::Timestamp::now())?;
        let profile = self.profile(profile_id)?;
        let (api, environment_url) = self.token_api(&profile).await?;

        let created = api.create(&create).await?;
        tracing::info!(profile_id, token_id = %created.id, "token created");

        let result = CreatedToken {
            id: created.id.clone(),
            token: created.token.expose_secret().to_string(),
            name: create.name.clone(),
            scopes: create.scopes.clone(),
            expiration_date: created.expiration_date.map(|at| at.to_string()),
            environment_url,
        };
        *self.lock_held_token() = Some(HeldToken {
            id: created.id,
            secret: created.token,
        });

        // The token exists now; failing to remember the scopes must not hide it.
        if let Err(e) = self
            .remember_request(profile_id, &create.scopes, request.preset_id.as_deref())
            .await
        {
            tracing::warn!(profile_id, error = %e, "could not remember the token request");
        }
        Ok(result)
    }

    /// Deletes a token, for example one whose create response was lost.
    pub async fn revoke_token(&self, profile_id: &str, token_id: &str) -> Result<(), AppError> {
        let profile = self.profile(profile_id)?;
        let (api, _) = self.token_api(&profile).await?;

        api.delete(token_id).await?;
        tracing::info!(profile_id, token_id, "token revoked");

        let mut held = self.lock_held_token();
        if held.as_ref().is_some_and(|token| token.id == token_id) {
            *held = None;
        }
        Ok(())
    }

    /// Builds the token API for a profile from its stored fields and keychain secret, and
    /// returns it with the normalised address of the environment it talks to.
    ///
    /// Sandbox profiles always use the running sandbox (started on demand), because its port
    /// changes from run to run.
    async fn token_api(&self, profile: &Profile) -> Result<(TokenApi, String), AppError> {
        let secret = self.profile_secret(profile).await?;
        let credentials = credentials(profile, secret)?;

        if profile.sandbox {
            self.start_sandbox().await?;
            let slot = self.sandbox.lock().await;
            let running = slot
                .as_ref()
                .ok_or_else(|| AppError::internal("sandbox stopped"))?;
            let environment = EnvironmentUrl::parse(running.base_url().as_str())?;
            let display = environment.display();
            return Ok((
                running.client().token_api(environment, credentials),
                display,
            ));
        }

        let environment = EnvironmentUrl::parse(&profile.environment_url)?;
        let display = environment.display();
        let client = self.environment_client(profile, &environment)?;
        Ok((client.token_api(environment, credentials), display))
    }

    /// Picks the client for a real environment. Only an API token profile whose token host is
    /// the custom host it confirmed gets a client with `allow_custom_hosts`. That client would
    /// send the secret to any host a call names, but API token calls go only to the token host
    /// and follow no redirects. OAuth and platform tokens may be sent on to an SSO host, so they
    /// never get it. Every other profile gets the shared client, which rejects a custom host
    /// with `untrusted_host` before sending anything.
    fn environment_client(
        &self,
        profile: &Profile,
        environment: &EnvironmentUrl,
    ) -> Result<DynatraceClient, AppError> {
        let api_base = environment.token_api_base(profile.auth_method.into())?;
        let confirmed = validation::custom_host(&api_base).filter(|host| {
            profile.auth_method == AuthMethod::ApiToken
                && profile.trusted_host.as_deref() == Some(host.as_str())
        });
        match confirmed {
            Some(host) => self.custom_host_client(&host),
            None => self.client().cloned(),
        }
    }
}

fn credentials(profile: &Profile, secret: SecretString) -> Result<Credentials, AppError> {
    let credentials = match profile.auth_method {
        AuthMethod::OAuth => Credentials::OAuth(OAuthClient {
            client_id: profile.client_id.clone().unwrap_or_default(),
            client_secret: secret,
            account_uuid: parse_account_uuid(profile.account_uuid.as_deref().unwrap_or_default())?,
        }),
        AuthMethod::PlatformToken => Credentials::PlatformToken(secret),
        AuthMethod::ApiToken => Credentials::ApiToken(secret),
    };
    credentials.validate()?;
    Ok(credentials)
}

/// Checks the request and turns it into the API's create body.
pub fn token_request(
    request: &TokenRequest,
    now: jiff::Timestamp,
) -> Result<CreateApiToken, AppError> {
    let mut errors = Vec::new();

    let name = request.name.trim();
    if name.is_empty() {
        errors.push(FieldMessage::new("name", "Enter a name for the token."));
    }

    let mut scopes: Vec<String> = Vec::new();
    for scope in &request.scopes {
        if !scopes.contains(scope) {
            scopes.push(scope.clone());
        }
    }
    if scopes.is_empty() {
        errors.push(FieldMessage::new("scopes", "Choose at least one scope."));
    }
    let unknown: Vec<&str> = scopes
        .iter()
        .filter(|scope| dynatrace_scopes::find(scope).is_none())
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        errors.push(FieldMessage::new(
            "scopes",
            format!(
                "These scopes do not exist for new tokens: {}.",
                unknown.join(", ")
            ),
        ));
    }

    let expiration = match expiration(&request.expiry, now) {
        Ok(expiration) => expiration,
        Err(message) => {
            errors.push(FieldMessage::new("expiry", message));
            None
        }
    };

    if !errors.is_empty() {
        return Err(AppError::invalid_fields(errors));
    }
    Ok(CreateApiToken {
        name: name.to_string(),
        scopes,
        expiration,
        personal_access_token: request.personal_access_token,
    })
}

fn expiration(expiry: &Expiry, now: jiff::Timestamp) -> Result<Option<Expiration>, String> {
    match expiry {
        Expiry::Never => Ok(None),
        Expiry::Days { days } if (1..=MAX_EXPIRY_DAYS).contains(days) => {
            Ok(Some(Expiration::Relative(format!("now+{days}d"))))
        }
        Expiry::Days { .. } => Err(format!("Choose between 1 and {MAX_EXPIRY_DAYS} days.")),
        Expiry::Date { date } => {
            let day: jiff::civil::Date = date
                .parse()
                .map_err(|_| format!("Enter the date as YYYY-MM-DD; {date:?} is not a date."))?;
            let end_of_day = day
                .at(23, 59, 59, 0)
                .to_zoned(jiff::tz::TimeZone::UTC)
                .map_err(|e| e.to_string())?
                .timestamp();
            if end_of_day <= now {
                return Err("Choose a date in the future.".to_string());
            }
            Ok(Some(Expiration::At(end_of_day)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(expiry: Expiry) -> TokenRequest {
        TokenRequest {
            name: " deploy ".into(),
            scopes: vec!["InstallerDownload".into(), "InstallerDownload".into()],
            expiry,
            personal_access_token: false,
            preset_id: None,
        }
    }

    fn now() -> jiff::Timestamp {
        "2026-12-04T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn days_become_relative_expiration() {
        let create = token_request(&request(Expiry::Days { days: 14 }), now()).unwrap();

        assert_eq!(create.name, "deploy");
        assert_eq!(create.scopes, ["InstallerDownload"]);
        assert_eq!(
            create.expiration,
            Some(Expiration::Relative("now+14d".into()))
        );
    }

    #[test]
    fn date_expires_at_end_of_utc_day() {
        let create = token_request(
            &request(Expiry::Date {
                date: "2026-12-31".into(),
            }),
            now(),
        )
        .unwrap();

        let expected: jiff::Timestamp = "2026-12-31T23:59:59Z".parse().unwrap();
        assert_eq!(create.expiration, Some(Expiration::At(expected)));
    }

    #[test]
    fn past_date_is_rejected() {
        let error = token_request(
            &request(Expiry::Date {
                date: "2026-12-03".into(),
            }),
            now(),
        )
        .unwrap_err();

        assert_eq!(error.field_errors[0].field, "expiry");
    }

    #[test]
    fn zero_days_are_rejected() {
        let error = token_request(&request(Expiry::Days { days: 0 }), now()).unwrap_err();

        assert_eq!(error.field_errors[0].field, "expiry");
    }

    #[test]
    fn never_has_no_expiration() {
        let create = token_request(&request(Expiry::Never), now()).unwrap();

        assert_eq!(create.expiration, None);
    }

    #[test]
    fn empty_name_and_unknown_scope_are_both_reported() {
        let mut bad = request(Expiry::Never);
        bad.name = "  ".into();
        bad.scopes = vec!["no.such.scope".into()];

        let error = token_request(&bad, now()).unwrap_err();

        let fields: Vec<&str> = error
            .field_errors
            .iter()
            .map(|e| e.field.as_str())
            .collect();
        assert_eq!(fields, ["name", "scopes"]);
        assert!(error.field_errors[1].message.contains("no.such.scope"));
    }

    #[test]
    fn presets_use_catalogue_scopes() {
        for preset in list_presets() {
            for scope in &preset.scopes {
                assert!(
                    dynatrace_scopes::find(scope).is_some(),
                    "{}: {scope}",
                    preset.id
                );
            }
        }
    }
}
