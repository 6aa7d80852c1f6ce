//! Sandbox configuration: who may authenticate, with which scopes, and what is stored at start.

use std::fmt;
use std::time::Duration;

use crate::seed;

/// An OAuth client that the sandbox's SSO accepts. `Debug` leaves out the secret.
#[derive(Clone)]
pub struct OAuthClientSeed {
    /// `dt0s02.<public part>`.
    pub client_id: String,
    /// `dt0s02.<public part>.<secret part>`.
    pub client_secret: String,
    /// Scopes the client was created with; a grant may request any subset.
    pub scopes: Vec<String>,
    /// Email of the service user the client acts as; owner of the tokens it creates.
    pub service_user_email: String,
    /// When true, the service user's IAM policies deny creating, updating and deleting tokens
    /// even though the client has the write scope.
    pub policy_denies_writes: bool,
}

/// A platform token (`dt0s16.…`) that the token endpoints accept as a bearer. `Debug` leaves out
/// the token.
#[derive(Clone)]
pub struct PlatformTokenSeed {
    pub token: String,
    pub scopes: Vec<String>,
    /// Email of the user who owns the platform token.
    pub owner: String,
}

/// An API token (`dt0c01.…`) stored when the sandbox starts. `Debug` shows only its ID.
#[derive(Clone)]
pub struct ApiTokenSeed {
    /// The full token, `dt0c01.<24 chars>.<64 chars>`.
    pub token: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub owner: String,
    pub enabled: bool,
    /// `None` means the token never expires; a past date seeds an expired token.
    pub expiration_date: Option<jiff::Timestamp>,
}

/// Everything a sandbox starts with.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    pub account_uuid: uuid::Uuid,
    pub environment_id: String,
    pub oauth_clients: Vec<OAuthClientSeed>,
    pub platform_tokens: Vec<PlatformTokenSeed>,
    pub api_tokens: Vec<ApiTokenSeed>,
    /// Lifetime of the bearers the SSO issues (`expires_in`). Dynatrace SSO uses 300 seconds.
    pub bearer_lifetime: Duration,
    /// Number of extra API tokens created at start, for paging tests and benchmarks.
    pub preloaded_tokens: usize,
    /// TCP port to listen on at 127.0.0.1; 0 picks a free port.
    pub port: u16,
}

impl Default for SandboxConfig {
    /// Returns the standard seed documented in [`crate::seed`].
    fn default() -> Self {
        let environment_api_scopes = vec![
            seed::SCOPE_TOKENS_READ.to_owned(),
            seed::SCOPE_TOKENS_WRITE.to_owned(),
            seed::SCOPE_DEPLOYMENT_DOWNLOAD.to_owned(),
        ];
        let oauth_client =
            |id: &str, secret: &str, scopes: Vec<String>, denied: bool| OAuthClientSeed {
                client_id: id.to_owned(),
                client_secret: secret.to_owned(),
                scopes,
                service_user_email: seed::SERVICE_USER_EMAIL.to_owned(),
                policy_denies_writes: denied,
            };

        SandboxConfig {
            account_uuid: seed::ACCOUNT_UUID
                .parse()
                .expect("seed account UUID is valid"),
            environment_id: seed::ENVIRONMENT_ID.to_owned(),
            oauth_clients: vec![
                oauth_client(
                    seed::CLIENT_ID,
                    seed::CLIENT_SECRET,
                    environment_api_scopes.clone(),
                    false,
                ),
                oauth_client(
                    seed::LEGACY_CLIENT_ID,
                    seed::LEGACY_CLIENT_SECRET,
                    vec![
                        seed::LEGACY_SCOPE_TOKENS_READ.to_owned(),
                        seed::LEGACY_SCOPE_TOKENS_WRITE.to_owned(),
                    ],
                    false,
                ),
                oauth_client(
                    seed::READ_ONLY_CLIENT_ID,
                    seed::READ_ONLY_CLIENT_SECRET,
                    vec![seed::SCOPE_TOKENS_READ.to_owned()],
                    false,
                ),
                oauth_client(
                    seed::POLICY_DENIED_CLIENT_ID,
                    seed::POLICY_DENIED_CLIENT_SECRET,
                    environment_api_scopes,
                    true,
                ),
            ],
            platform_tokens: vec![PlatformTokenSeed {
                token: seed::PLATFORM_TOKEN.to_owned(),
                scopes: vec![
                    seed::SCOPE_TOKENS_READ.to_owned(),
                    seed::SCOPE_TOKENS_WRITE.to_owned(),
                ],
                owner: seed::ADMIN_USER_EMAIL.to_owned(),
            }],
            api_tokens: vec![ApiTokenSeed {
                token: seed::API_TOKEN.to_owned(),
                name: seed::API_TOKEN_NAME.to_owned(),
                scopes: vec!["apiTokens.read".to_owned(), "apiTokens.write".to_owned()],
                owner: seed::ADMIN_USER_EMAIL.to_owned(),
                enabled: true,
                expiration_date: None,
            }],
            bearer_lifetime: Duration::from_secs(300),
            preloaded_tokens: 0,
            port: 0,
        }
    }
}

impl fmt::Debug for OAuthClientSeed {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("OAuthClientSeed")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("scopes", &self.scopes)
            .field("service_user_email", &self.service_user_email)
            .field("policy_denies_writes", &self.policy_denies_writes)
            .finish()
    }
}

impl fmt::Debug for PlatformTokenSeed {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("PlatformTokenSeed")
            .field("token", &"<redacted>")
            .field("scopes", &self.scopes)
            .field("owner", &self.owner)
            .finish()
    }
}

impl fmt::Debug for ApiTokenSeed {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = crate::token_format::api_token_id(&self.token).unwrap_or("<malformed token>");
        formatter
            .debug_struct("ApiTokenSeed")
            .field("id", &id)
            .field("name", &self.name)
            .field("scopes", &self.scopes)
            .field("owner", &self.owner)
            .field("enabled", &self.enabled)
            .field("expiration_date", &self.expiration_date)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_has_no_secrets() {
        let debug = format!("{:?}", SandboxConfig::default());

        for secret in [
            seed::CLIENT_SECRET,
            seed::LEGACY_CLIENT_SECRET,
            seed::READ_ONLY_CLIENT_SECRET,
            seed::POLICY_DENIED_CLIENT_SECRET,
            seed::PLATFORM_TOKEN,
            seed::API_TOKEN,
        ] {
            assert!(!debug.contains(secret), "Debug output contains a secret");
        }
        assert!(debug.contains(seed::CLIENT_ID));
        assert!(debug.contains("dt0c01.SANDBOXSEEDTOKENAPIWRITE"));
    }
}
