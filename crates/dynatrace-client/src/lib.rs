//! Client for Dynatrace SSO (OAuth client credentials) and the Environment API v2 token
//! endpoints, with three ways to authenticate: an OAuth client, a platform token or an API
//! token.
//!
//! Secrets are [`SecretString`]s: their `Debug` output is redacted, they are zeroed on drop and
//! no type here serialises one. Every [`Error`] text passes through a scrubber that masks
//! secrets a server may echo.

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
