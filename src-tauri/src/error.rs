//! The one error type every command returns, serialised as `{code, message, detail, ...}`.

use serde::Serialize;
use specta::Type;
use wizard_keychain::{KeychainError, KeychainErrorCode};

/// Closed set of error codes the front end maps to a title, a severity and an action.
///
/// The first block mirrors `dynatrace_client::ErrorCode` one to one; the rest are the shell's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidEnvironmentUrl,
    InvalidAccountUuid,
    InvalidClientId,
    InvalidClientSecret,
    InvalidCredential,
    InvalidInput,
    UntrustedHost,
    OauthInvalidClient,
    OauthInvalidScope,
    OauthInvalidResource,
    OauthError,
    Unauthorized,
    ForbiddenMissingScope,
    ForbiddenPolicy,
    NotFound,
    ValidationFailed,
    RateLimited,
    ServerError,
    Timeout,
    Dns,
    Connect,
    Tls,
    Proxy,
    UnexpectedContent,
    MalformedResponse,
    CreatedNotDelivered,
    TokenSecretMissing,
    /// No keychain: no Secret Service on the session bus, or no session bus at all.
    KeychainUnavailable,
    /// The keychain is locked, or did not answer (an unlock prompt may be waiting).
    KeychainLocked,
    KeychainDenied,
    /// The profile has no secret in the keychain.
    SecretNotStored,
    ProfileNotFound,
    SandboxFailed,
    ClipboardFailed,
    /// `copy_token` was called with no created token held in memory.
    NoTokenToCopy,
    Internal,
}

/// A message about one input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct FieldMessage {
    /// Input property the message belongs to (`name`, `environmentUrl`, `accountUuid`,
    /// `clientId`, `secret`, `scopes`, `expiry`, `clipboardClearSeconds`), or for server-side
    /// constraint violations the path the API named (for example `expirationDate`).
    pub field: String,
    pub message: String,
}

impl FieldMessage {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Error returned by every command. Never contains a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct AppError {
    pub code: ErrorCode,
    /// Cause and fix in one or two sentences.
    pub message: String,
    /// Raw server or platform text, shown under the message.
    pub detail: Option<String>,
    pub field_errors: Vec<FieldMessage>,
    pub missing_scopes: Vec<String>,
    pub retry_after_seconds: Option<u32>,
    /// Token ID for `created_not_delivered` and `token_secret_missing`.
    pub token_id: Option<String>,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            detail: None,
            field_errors: Vec::new(),
            missing_scopes: Vec::new(),
            retry_after_seconds: None,
            token_id: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Builds an `invalid_input` error that lists every field problem.
    pub fn invalid_fields(field_errors: Vec<FieldMessage>) -> Self {
        let mut error = Self::new(
            ErrorCode::InvalidInput,
            "Some fields are not valid. Correct the marked fields and try again.",
        );
        error.field_errors = field_errors;
        error
    }

    pub fn profile_not_found(profile_id: &str) -> Self {
        Self::new(
            ErrorCode::ProfileNotFound,
            "This connection profile no longer exists. Choose another profile or create a new one.",
        )
        .with_detail(format!("profile ID {profile_id}"))
    }

    pub fn internal(detail: impl Into<String>) -> Self {
        Self::new(
            ErrorCode::Internal,
            "Token Wizard hit an internal error. Try again.",
        )
        .with_detail(detail)
    }
}

impl From<dynatrace_client::Error> for AppError {
    fn from(error: dynatrace_client::Error) -> Self {
        let retry_after_seconds = error
            .retry_after
            .map(|delay| u32::try_from(delay.as_secs()).unwrap_or(u32::MAX));

        Self {
            code: client_code(error.code),
            message: error.message,
            detail: error.detail,
            field_errors: error
                .violations
                .into_iter()
                .map(|violation| FieldMessage::new(violation.path, violation.message))
                .collect(),
            missing_scopes: error.missing_scopes,
            retry_after_seconds,
            token_id: error.token_id,
        }
    }
}

fn client_code(code: dynatrace_client::ErrorCode) -> ErrorCode {
    use dynatrace_client::ErrorCode as Client;

    match code {
        Client::InvalidEnvironmentUrl => ErrorCode::InvalidEnvironmentUrl,
        Client::InvalidAccountUuid => ErrorCode::InvalidAccountUuid,
        Client::InvalidClientId => ErrorCode::InvalidClientId,
        Client::InvalidClientSecret => ErrorCode::InvalidClientSecret,
        Client::InvalidCredential => ErrorCode::InvalidCredential,
        Client::InvalidInput => ErrorCode::InvalidInput,
        Client::UntrustedHost => ErrorCode::UntrustedHost,
        Client::OauthInvalidClient => ErrorCode::OauthInvalidClient,
        Client::OauthInvalidScope => ErrorCode::OauthInvalidScope,
        Client::OauthInvalidResource => ErrorCode::OauthInvalidResource,
        Client::OauthError => ErrorCode::OauthError,
        Client::Unauthorized => ErrorCode::Unauthorized,
        Client::ForbiddenMissingScope => ErrorCode::ForbiddenMissingScope,
        Client::ForbiddenPolicy => ErrorCode::ForbiddenPolicy,
        Client::NotFound => ErrorCode::NotFound,
        Client::ValidationFailed => ErrorCode::ValidationFailed,
        Client::RateLimited => ErrorCode::RateLimited,
        Client::ServerError => ErrorCode::ServerError,
        Client::Timeout => ErrorCode::Timeout,
        Client::Dns => ErrorCode::Dns,
        Client::Connect => ErrorCode::Connect,
        Client::Tls => ErrorCode::Tls,
        Client::Proxy => ErrorCode::Proxy,
        Client::UnexpectedContent => ErrorCode::UnexpectedContent,
        Client::MalformedResponse => ErrorCode::MalformedResponse,
        Client::CreatedNotDelivered => ErrorCode::CreatedNotDelivered,
        Client::TokenSecretMissing => ErrorCode::TokenSecretMissing,
    }
}

impl From<KeychainError> for AppError {
    fn from(error: KeychainError) -> Self {
        let code = match error.code {
            KeychainErrorCode::Unavailable => ErrorCode::KeychainUnavailable,
            KeychainErrorCode::Locked | KeychainErrorCode::TimedOut => ErrorCode::KeychainLocked,
            KeychainErrorCode::Denied => ErrorCode::KeychainDenied,
            KeychainErrorCode::Failed => ErrorCode::Internal,
        };
        Self {
            detail: error.detail,
            ..Self::new(code, error.message)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;

    use super::*;

    #[test]
    fn error_serialises_with_camel_case_fields() {
        let mut error = AppError::new(ErrorCode::RateLimited, "Too many requests.");
        error.retry_after_seconds = Some(30);
        error
            .field_errors
            .push(FieldMessage::new("name", "Name is missing."));

        let value = serde_json::to_value(&error).unwrap();

        assert_eq!(
            value,
            json!({
                "code": "rate_limited",
                "message": "Too many requests.",
                "detail": null,
                "fieldErrors": [{"field": "name", "message": "Name is missing."}],
                "missingScopes": [],
                "retryAfterSeconds": 30,
                "tokenId": null
            })
        );
    }

    #[test]
    fn shell_codes_serialise_in_snake_case() {
        let cases = [
            (ErrorCode::KeychainUnavailable, "keychain_unavailable"),
            (ErrorCode::KeychainLocked, "keychain_locked"),
            (ErrorCode::KeychainDenied, "keychain_denied"),
            (ErrorCode::SecretNotStored, "secret_not_stored"),
            (ErrorCode::ProfileNotFound, "profile_not_found"),
            (ErrorCode::SandboxFailed, "sandbox_failed"),
            (ErrorCode::ClipboardFailed, "clipboard_failed"),
            (ErrorCode::NoTokenToCopy, "no_token_to_copy"),
            (ErrorCode::Internal, "internal"),
        ];
        for (code, expected) in cases {
            assert_eq!(serde_json::to_value(code).unwrap(), json!(expected));
        }
    }

    #[test]
    fn client_error_keeps_code_and_fields() {
        let mut client_error = dynatrace_client::Error::new(
            dynatrace_client::ErrorCode::CreatedNotDelivered,
            "The token was created but the response was lost.",
        );
        client_error.detail = Some("connection closed".into());
        client_error.missing_scopes = vec!["environment-api:api-tokens:write".into()];
        client_error.retry_after = Some(Duration::from_secs(12));
        client_error.token_id = Some("dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX".into());

        let error = AppError::from(client_error);

        assert_eq!(error.code, ErrorCode::CreatedNotDelivered);
        assert_eq!(
            error.message,
            "The token was created but the response was lost."
        );
        assert_eq!(error.detail.as_deref(), Some("connection closed"));
        assert_eq!(error.missing_scopes, ["environment-api:api-tokens:write"]);
        assert_eq!(error.retry_after_seconds, Some(12));
        assert_eq!(
            error.token_id.as_deref(),
            Some("dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX")
        );
    }

    #[test]
    fn client_violations_become_field_errors() {
        let mut client_error = dynatrace_client::Error::new(
            dynatrace_client::ErrorCode::ValidationFailed,
            "The server rejected the request.",
        );
        client_error.violations = vec![dynatrace_client::ConstraintViolation {
            path: "expirationDate".into(),
            message: "must be in the future".into(),
            parameter_location: None,
        }];

        let error = AppError::from(client_error);

        assert_eq!(error.code, ErrorCode::ValidationFailed);
        assert_eq!(
            error.field_errors,
            [FieldMessage::new("expirationDate", "must be in the future")]
        );
    }

    #[test]
    fn every_client_code_keeps_its_wire_name() {
        use dynatrace_client::ErrorCode as Client;
        let all = [
            Client::InvalidEnvironmentUrl,
            Client::InvalidAccountUuid,
            Client::InvalidClientId,
            Client::InvalidClientSecret,
            Client::InvalidCredential,
            Client::InvalidInput,
            Client::UntrustedHost,
            Client::OauthInvalidClient,
            Client::OauthInvalidScope,
            Client::OauthInvalidResource,
            Client::OauthError,
            Client::Unauthorized,
            Client::ForbiddenMissingScope,
            Client::ForbiddenPolicy,
            Client::NotFound,
            Client::ValidationFailed,
            Client::RateLimited,
            Client::ServerError,
            Client::Timeout,
            Client::Dns,
            Client::Connect,
            Client::Tls,
            Client::Proxy,
            Client::UnexpectedContent,
            Client::MalformedResponse,
            Client::CreatedNotDelivered,
            Client::TokenSecretMissing,
        ];
        for code in all {
            assert_eq!(
                serde_json::to_value(client_code(code)).unwrap(),
                serde_json::to_value(code).unwrap()
            );
        }
    }

    #[test]
    fn keychain_timeout_counts_as_locked() {
        let keychain_error = KeychainError {
            code: KeychainErrorCode::TimedOut,
            message: "The keychain did not answer.".into(),
            detail: None,
        };

        assert_eq!(
            AppError::from(keychain_error).code,
            ErrorCode::KeychainLocked
        );
    }
}
