//! Client for Dynatrace SSO (OAuth client credentials) and the Environment API v2 token
//! endpoints, with three ways to authenticate: an OAuth client, a platform token or an API
//! token.
//!
//! Secrets are [`SecretString`]s: their `Debug` output is redacted, they are zeroed on drop and
//! no type here serialises one. Every [`Error`] text passes through a scrubber that masks
//! secrets a server may echo.
//!
//! ```no_run
//! use dynatrace_client::{
//!     ClientConfig, CreateApiToken, Credentials, DynatraceClient, EnvironmentUrl, Expiration,
//!     ExposeSecret, OAuthClient, SecretString, parse_account_uuid,
//! };
//!
//! # async fn example() -> Result<(), dynatrace_client::Error> {
//! let client = DynatraceClient::new(ClientConfig::default())?;
//! let environment = EnvironmentUrl::parse("https://abc12345.live.dynatrace.com/ui/apps")?;
//! let credentials = Credentials::OAuth(OAuthClient {
//!     client_id: "dt0s02.EXAMPLE1".into(),
//!     client_secret: SecretString::from("dt0s02.EXAMPLE1.SECRETPART"),
//!     account_uuid: parse_account_uuid("urn:dtaccount:8a9f3c1e-2b4d-4e6f-9a1b-3c5d7e9f1a2b")?,
//! });
//! let tokens = client.token_api(environment, credentials);
//!
//! let report = tokens.check_connection().await?;
//! println!("{} tokens, scope family {:?}", report.token_count, report.scope_family);
//!
//! let created = tokens
//!     .create(&CreateApiToken {
//!         name: "Kubernetes ingest".into(),
//!         scopes: vec!["metrics.ingest".into(), "logs.ingest".into()],
//!         expiration: Some(Expiration::Relative("now+14d".into())),
//!         personal_access_token: false,
//!     })
//!     .await?;
//! // Show the secret once, then let it drop: it is zeroed in memory.
//! let secret: &str = created.token.expose_secret();
//! # let _ = secret;
//! # Ok(())
//! # }
//! ```

// `Error` is a plain struct with public fields that the UI reads directly. It is returned only
// on failure, next to an HTTP call that costs far more than moving 170 bytes.
#![allow(clippy::result_large_err)]

mod api_token_types;
mod api_tokens;
mod client;
mod connection;
mod create_recovery;
mod credentials;
mod environment_url;
mod error;
mod proxy;
mod redact;
mod response;
mod sso;
mod token_input;
mod transport;

pub use secrecy::{ExposeSecret, SecretString};

pub use api_token_types::{
    ApiToken, ApiTokenPage, ConnectionReport, CreateApiToken, CreatedApiToken, Expiration,
    ListQuery, ScopeFamily, UpdateApiToken,
};
pub use api_tokens::TokenApi;
pub use client::{ClientConfig, DynatraceClient, RetryPolicy};
pub use credentials::{
    AuthKind, CredentialShape, Credentials, OAuthClient, check_client_id, check_client_secret,
    parse_account_uuid, recognise_credential,
};
pub use environment_url::{EnvironmentKind, EnvironmentUrl, Stage};
pub use error::{ConstraintViolation, Error, ErrorCode};
pub use redact::{contains_secret_pattern, scrub};
