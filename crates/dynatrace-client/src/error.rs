//! The one error type of the crate: a stable code the UI acts on, our explanation, and the
//! scrubbed server detail.

use std::time::Duration;

use serde::{Deserialize, Serialize, Serializer};

use crate::redact::scrub;

/// Stable error codes. The UI maps each code to its text, severity and action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidEnvironmentUrl,
    InvalidAccountUuid,
    InvalidClientId,
    InvalidClientSecret,
    InvalidCredential,
    InvalidInput,
    /// A secret would go to a host outside `dynatrace.com` / `dynatracelabs.com` / loopback
    /// while `ClientConfig::allow_custom_hosts` is off.
    UntrustedHost,
    /// Wrong client ID or secret.
    OauthInvalidClient,
    /// SSO rejected the requested scopes; `missing_scopes` names them when SSO did.
    OauthInvalidScope,
    /// Wrong account UUID or resource.
    OauthInvalidResource,
    /// Any other OAuth failure.
    OauthError,
    Unauthorized,
    /// 403 naming the scope that is missing.
    ForbiddenMissingScope,
    /// 403 without scope detail: an IAM policy of the service user denies the call.
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
    /// HTML or other non-JSON where JSON was expected.
    UnexpectedContent,
    /// Invalid or truncated JSON.
    MalformedResponse,
    /// The create response was lost, but a token with the requested name appeared since the
    /// attempt.
    ///
    /// `token_id` is set only when exactly one such token is new: it was absent from the list
    /// read just before the create and was created since the attempt. Its owner and creation
    /// time are in the message. When several tokens match, or the list before the create could
    /// not be read, `token_id` is `None` and the message lists the candidates. One of them may
    /// belong to someone else, so nothing is offered for revoking and the user checks them in
    /// Dynatrace first.
    CreatedNotDelivered,
    /// 201 without a token secret (`token_id` is set when the server sent one).
    TokenSecretMissing,
}

/// A 400 constraint violation, kept per field so the UI can show it next to that field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConstraintViolation {
    /// Field the violation refers to, for example `name` or `scopes`.
    pub path: String,
    pub message: String,
    /// `HEADER`, `PATH`, `PAYLOAD_BODY` or `QUERY` when the server sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter_location: Option<String>,
}

/// Error of every call in this crate.
///
/// `message` is our explanation with the cause and the fix; `detail` is the server's own text.
/// Neither ever contains a secret: server text goes through [`scrub`] before it is stored.
#[derive(Debug, Clone, thiserror::Error, Serialize)]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
    pub detail: Option<String>,
    pub violations: Vec<ConstraintViolation>,
    pub missing_scopes: Vec<String>,
    #[serde(rename = "retryAfterMs", serialize_with = "serialize_millis")]
    pub retry_after: Option<Duration>,
    pub host: Option<String>,
    pub token_id: Option<String>,
    pub status: Option<u16>,
    /// Whether the request may have reached the server. `false` only when it surely did not
    /// (connect, DNS, TLS and proxy failures before sending, input checks).
    #[serde(skip)]
    pub(crate) maybe_sent: bool,
}

fn serialize_millis<S: Serializer>(value: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(duration) => s.serialize_some(&(duration.as_millis() as u64)),
        None => s.serialize_none(),
    }
}

impl Error {
    /// Creates an error with our explanation and nothing else.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: scrub(&message.into()),
            detail: None,
            violations: Vec::new(),
            missing_scopes: Vec::new(),
            retry_after: None,
            host: None,
            token_id: None,
            status: None,
            maybe_sent: true,
        }
    }

    /// Creates an error about input that was checked before any request.
    pub(crate) fn input(code: ErrorCode, message: impl Into<String>) -> Self {
        Error::new(code, message).not_sent()
    }

    pub(crate) fn with_detail(mut self, detail: impl AsRef<str>) -> Self {
        let detail = scrub(detail.as_ref());
        let detail = detail.trim();
        if !detail.is_empty() {
            self.detail = Some(truncate_chars(detail, 2_000));
        }
        self
    }

    pub(crate) fn with_host(mut self, host: impl Into<String>) -> Self {
        self.host = Some(host.into());
        self
    }

    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    pub(crate) fn with_violations(mut self, violations: Vec<ConstraintViolation>) -> Self {
        self.violations = violations
            .into_iter()
            .map(|violation| ConstraintViolation {
                path: scrub(&violation.path),
                message: scrub(&violation.message),
                parameter_location: violation.parameter_location,
            })
            .collect();
        self
    }

    pub(crate) fn with_missing_scopes(mut self, scopes: Vec<String>) -> Self {
        self.missing_scopes = scopes.into_iter().map(|scope| scrub(&scope)).collect();
        self
    }

    pub(crate) fn with_retry_after(mut self, delay: Option<Duration>) -> Self {
        self.retry_after = delay;
        self
    }

    pub(crate) fn with_token_id(mut self, id: impl Into<String>) -> Self {
        self.token_id = Some(scrub(&id.into()));
        self
    }

    pub(crate) fn not_sent(mut self) -> Self {
        self.maybe_sent = false;
        self
    }

    /// Replaces every occurrence of the given secret values in all text fields.
    ///
    /// Pattern scrubbing catches secrets in their documented formats. This also catches a
    /// server echoing a known secret in another shape, for example only its secret part.
    pub(crate) fn redact_values(mut self, values: &[&str]) -> Self {
        let replace = |text: &mut String| {
            for value in values.iter().filter(|value| value.len() >= 8) {
                if text.contains(*value) {
                    *text = text.replace(*value, "***");
                }
            }
        };
        replace(&mut self.message);
        if let Some(detail) = self.detail.as_mut() {
            replace(detail);
        }
        for violation in &mut self.violations {
            replace(&mut violation.message);
            replace(&mut violation.path);
        }
        for scope in &mut self.missing_scopes {
            replace(scope);
        }
        self
    }

    /// Returns whether an idempotent call may be retried after this error.
    pub(crate) fn is_transient(&self) -> bool {
        match self.code {
            ErrorCode::RateLimited | ErrorCode::Timeout | ErrorCode::Connect => true,
            ErrorCode::ServerError => matches!(self.status, Some(502..=504)),
            _ => false,
        }
    }

    /// Returns whether a failed create may still have been applied by the server: the request
    /// may have arrived and its response was lost, was a 5xx, or arrived cut off or unreadable.
    pub(crate) fn is_ambiguous_for_create(&self) -> bool {
        if !self.maybe_sent {
            return false;
        }
        matches!(
            self.code,
            ErrorCode::Timeout
                | ErrorCode::Connect
                | ErrorCode::ServerError
                | ErrorCode::MalformedResponse
        )
    }
}

fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((index, _)) => format!("{}…", &text[..index]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_code_serialises_snake_case() {
        let json = serde_json::to_string(&ErrorCode::OauthInvalidClient).unwrap();
        assert_eq!(json, "\"oauth_invalid_client\"");
        let json = serde_json::to_string(&ErrorCode::CreatedNotDelivered).unwrap();
        assert_eq!(json, "\"created_not_delivered\"");
    }

    #[test]
    fn error_serialises_code_message_and_fields() {
        let error = Error::new(ErrorCode::RateLimited, "Too many requests.")
            .with_retry_after(Some(Duration::from_secs(2)))
            .with_status(429);
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["code"], "rate_limited");
        assert_eq!(json["message"], "Too many requests.");
        assert_eq!(json["retryAfterMs"], 2000);
        assert_eq!(json["status"], 429);
        assert!(json.get("maybeSent").is_none());
    }

    #[test]
    fn detail_is_scrubbed_and_truncated() {
        let secret = format!("dt0c01.ST2EY72KQINMH574WMNVI7YN.{}", "G".repeat(64));
        let error = Error::new(ErrorCode::ServerError, "failed")
            .with_detail(format!("echo {secret} {}", "x".repeat(3_000)));
        let detail = error.detail.unwrap();
        assert!(!detail.contains(&"G".repeat(64)));
        assert!(detail.contains("dt0c01.ST2EY72KQINMH574WMNVI7YN.***"));
        assert!(detail.chars().count() <= 2_001);
    }

    #[test]
    fn redact_values_replaces_known_secret() {
        let error = Error::new(ErrorCode::OauthError, "failed")
            .with_detail("secret part is ABCDEFGHIJKLMNOP here")
            .redact_values(&["ABCDEFGHIJKLMNOP"]);
        assert_eq!(error.detail.as_deref(), Some("secret part is *** here"));
    }
}
