//! Error bodies in the shapes Dynatrace sends them.
//!
//! - Environment API v2: `{"error":{"code","message","constraintViolations","details"}}`, the
//!   `ErrorEnvelope` of `@dynatrace-sdk/client-classic-environment-v2` 9.0.1.
//! - SSO, OAuth style: `{"error":"invalid_request","error_description":"..."}`.
//! - SSO, Dynatrace style: `{"errorCode":400,"message":"Bad Request","issueId":"<uuid>"}`.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};

/// Where the value named by a constraint violation was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum ParameterLocation {
    PayloadBody,
    Query,
    Path,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ConstraintViolation {
    pub path: String,
    pub message: String,
    pub parameter_location: ParameterLocation,
    /// Always null in the responses Dynatrace sends for these endpoints.
    pub location: Option<String>,
}

impl ConstraintViolation {
    pub fn new(path: &str, location: ParameterLocation, message: impl Into<String>) -> Self {
        ConstraintViolation {
            path: path.to_owned(),
            message: message.into(),
            parameter_location: location,
            location: None,
        }
    }
}

/// An Environment API v2 error, sent as an error envelope.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub message: String,
    pub violations: Vec<ConstraintViolation>,
    pub missing_scopes: Vec<String>,
    /// Whether the platform's API gateway sends this error rather than the token service:
    /// true for failed authentication, missing scopes and throttling.
    pub from_gateway: bool,
    /// `error.retryAfterSeconds`, which the npm client reads from API gateway errors.
    pub retry_after_seconds: Option<u64>,
}

/// Response extension that marks an error the platform's API gateway would send itself.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GatewayResponse;

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            violations: Vec::new(),
            missing_scopes: Vec::new(),
            from_gateway: false,
            retry_after_seconds: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// A 400 listing every violated constraint, with the message Dynatrace uses for it.
    pub fn constraints_violated(violations: Vec<ConstraintViolation>) -> Self {
        ApiError {
            violations,
            ..ApiError::bad_request("Constraints violated.")
        }
    }

    pub fn violation(path: &str, location: ParameterLocation, message: impl Into<String>) -> Self {
        ApiError::constraints_violated(vec![ConstraintViolation::new(path, location, message)])
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        ApiError {
            from_gateway: true,
            ..ApiError::new(StatusCode::UNAUTHORIZED, message)
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }

    /// A 403 of the platform gateway naming the scopes the bearer lacks.
    pub fn missing_scopes(scopes: Vec<String>) -> Self {
        ApiError {
            missing_scopes: scopes,
            from_gateway: true,
            ..ApiError::new(
                StatusCode::FORBIDDEN,
                "Forbidden: the token does not have the required scopes.",
            )
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = serde_json::Map::new();
        error.insert("code".into(), json!(self.status.as_u16()));
        error.insert("message".into(), json!(self.message));
        if !self.violations.is_empty() {
            error.insert("constraintViolations".into(), json!(self.violations));
        }
        if !self.missing_scopes.is_empty() {
            error.insert(
                "details".into(),
                json!({ "missingScopes": self.missing_scopes }),
            );
        }

        if let Some(seconds) = self.retry_after_seconds {
            error.insert("retryAfterSeconds".into(), json!(seconds));
        }

        let mut response =
            (self.status, Json(json!({ "error": Value::Object(error) }))).into_response();
        if self.from_gateway {
            response.extensions_mut().insert(GatewayResponse);
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// A failed SSO token request.
#[derive(Debug, Clone)]
pub(crate) enum SsoError {
    /// HTTP 400 `{"error","error_description"}`.
    OAuth {
        error: &'static str,
        description: String,
    },
    /// `{"errorCode","message","issueId"}`; Dynatrace sends it for requests it cannot parse.
    Dynatrace { status: StatusCode },
}

impl SsoError {
    pub fn invalid_request(description: impl Into<String>) -> Self {
        SsoError::OAuth {
            error: "invalid_request",
            description: description.into(),
        }
    }

    pub fn bad_request() -> Self {
        SsoError::Dynatrace {
            status: StatusCode::BAD_REQUEST,
        }
    }
}

impl IntoResponse for SsoError {
    fn into_response(self) -> Response {
        match self {
            SsoError::OAuth { error, description } => (
                StatusCode::BAD_REQUEST,
                Json(json!({ "error": error, "error_description": description })),
            )
                .into_response(),
            SsoError::Dynatrace { status } => dynatrace_style_error(status).into_response(),
        }
    }
}

/// `{"errorCode":<status>,"message":<reason phrase>,"issueId":<random uuid>}`.
pub(crate) fn dynatrace_style_error(status: StatusCode) -> (StatusCode, Json<Value>) {
    let message = status.canonical_reason().unwrap_or("Error");
    let body = json!({
        "errorCode": status.as_u16(),
        "message": message,
        "issueId": uuid::Uuid::new_v4().to_string(),
    });
    (status, Json(body))
}
