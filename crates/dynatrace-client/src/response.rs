//! Reading responses: content-type checks, JSON parsing, error bodies and retry delays.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::credentials::AuthKind;
use crate::error::{ConstraintViolation, Error, ErrorCode};
use crate::transport::{Incoming, parse_http_date};

/// Shortest and longest wait taken from `Retry-After` or `X-RateLimit-Reset`.
const MIN_RETRY_DELAY: Duration = Duration::from_secs(1);
const MAX_RETRY_DELAY: Duration = Duration::from_secs(300);

/// Content of an error response body, in any of the shapes Dynatrace uses.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct ErrorBody {
    /// `error.message` (Environment API), or top-level `message` (`{errorCode, message,
    /// issueId}` and `{code, message}` shapes).
    pub message: Option<String>,
    pub violations: Vec<ConstraintViolation>,
    /// `error.details.missingScopes`.
    pub missing_scopes: Vec<String>,
    /// OAuth `error` code such as `invalid_request`.
    pub oauth_error: Option<String>,
    pub oauth_description: Option<String>,
    /// `errorCode` of the Dynatrace SSO shape.
    pub error_code: Option<i64>,
}

impl ErrorBody {
    /// Joins the server's own text for `Error::detail`.
    pub(crate) fn detail(&self) -> String {
        let mut parts = Vec::new();
        if let Some(error) = &self.oauth_error {
            parts.push(error.clone());
        }
        if let Some(description) = &self.oauth_description {
            parts.push(description.clone());
        }
        if let Some(message) = &self.message {
            parts.push(message.clone());
        }
        parts.join(": ")
    }
}

fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// Parses an error body of any shape. Invalid JSON and unknown shapes give an empty result.
pub(crate) fn parse_error_body(body: &[u8]) -> ErrorBody {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return ErrorBody::default();
    };
    let mut parsed = ErrorBody::default();
    match value.get("error") {
        Some(Value::String(code)) => {
            parsed.oauth_error = Some(code.clone());
            parsed.oauth_description = text(value.get("error_description"));
        }
        Some(Value::Object(error)) => {
            parsed.message = text(error.get("message"));
            if let Some(Value::Array(items)) = error.get("constraintViolations") {
                parsed.violations = items
                    .iter()
                    .map(|item| ConstraintViolation {
                        path: text(item.get("path")).unwrap_or_default(),
                        message: text(item.get("message")).unwrap_or_default(),
                        parameter_location: text(item.get("parameterLocation")),
                    })
                    .collect();
            }
            if let Some(Value::Array(scopes)) = error
                .get("details")
                .and_then(|details| details.get("missingScopes"))
            {
                parsed.missing_scopes = scopes
                    .iter()
                    .filter_map(|scope| text(Some(scope)))
                    .collect();
            }
        }
        _ => {}
    }
    if parsed.message.is_none() {
        parsed.message = text(value.get("message"));
    }
    parsed.error_code = value.get("errorCode").and_then(Value::as_i64);
    parsed
}

/// Extracts the scopes listed after "Use one of:" in a classic 403 message.
///
/// Each scope may be followed by its title in brackets, as in
/// `Use one of: apiTokens.write (Write API tokens)`; titles are dropped.
pub(crate) fn classic_missing_scopes(message: &str) -> Vec<String> {
    let Some((_, list)) = message.split_once("Use one of:") else {
        return Vec::new();
    };
    let mut without_titles = String::with_capacity(list.len());
    let mut depth = 0usize;
    for c in list.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => without_titles.push(c),
            _ => {}
        }
    }
    without_titles
        .split(',')
        .filter_map(|item| item.split_whitespace().next())
        .map(|scope| scope.trim_end_matches('.'))
        .filter(|scope| !scope.is_empty())
        .map(str::to_string)
        .collect()
}

/// Returns whether the response declares JSON, or declares nothing and looks like JSON.
pub(crate) fn is_json(response: &Incoming) -> bool {
    match response.header("content-type") {
        Some(value) => {
            let mime = value
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            mime == "application/json" || mime.ends_with("+json")
        }
        None => {
            let start = response.body.iter().find(|b| !b.is_ascii_whitespace());
            matches!(start, Some(b'{') | Some(b'['))
        }
    }
}

fn is_html(response: &Incoming) -> bool {
    let declared = response
        .header("content-type")
        .is_some_and(|value| value.to_ascii_lowercase().contains("html"));
    let start = &response.body[..response.body.len().min(512)];
    let start = String::from_utf8_lossy(start).to_ascii_lowercase();
    declared || start.trim_start().starts_with("<!doctype html") || start.contains("<html")
}

/// Builds the error for a page or other non-JSON body where JSON was expected. `hint` names the
/// host to use instead.
pub(crate) fn unexpected_content(response: &Incoming, hint: &str) -> Error {
    let host = response.host();
    let what = if is_html(response) {
        "a web page (HTML)"
    } else {
        match response.header("content-type") {
            Some(content_type) if !content_type.is_empty() => "content that is not JSON",
            _ => "a body without a content type",
        }
    };
    let content_type = response
        .header("content-type")
        .unwrap_or("none")
        .to_string();
    Error::new(
        ErrorCode::UnexpectedContent,
        format!(
            "{host} returned {what} instead of API data, which happens when the URL points at \
             the user interface or at the wrong host. {hint}"
        ),
    )
    .with_host(host)
    .with_status(response.status.as_u16())
    .with_detail(format!("Content-Type: {content_type}"))
}

/// Parses a successful JSON body, checking the content type first.
pub(crate) fn parse_json<T: DeserializeOwned>(response: &Incoming, hint: &str) -> Result<T, Error> {
    if !is_json(response) {
        return Err(unexpected_content(response, hint));
    }
    serde_json::from_slice(&response.body).map_err(|error| {
        let what = if error.is_eof() {
            "is truncated"
        } else {
            "is not valid JSON of the expected shape"
        };
        Error::new(
            ErrorCode::MalformedResponse,
            format!(
                "The response from {} {what}. A proxy or network problem may have cut it; try \
                 again.",
                response.host()
            ),
        )
        .with_host(response.host())
        .with_status(response.status.as_u16())
        .with_detail(format!(
            "line {}, column {}: {:?}",
            error.line(),
            error.column(),
            error.classify()
        ))
    })
}

/// Returns the delay a 429 or 503 requests: `Retry-After` (seconds or HTTP date), else
/// `X-RateLimit-Reset` (epoch microseconds), clamped to 1 s..5 min.
pub(crate) fn retry_delay(response: &Incoming, now: jiff::Timestamp) -> Option<Duration> {
    let clamp = |delay: Duration| delay.clamp(MIN_RETRY_DELAY, MAX_RETRY_DELAY);

    if let Some(value) = response.header("retry-after") {
        let value = value.trim();
        if let Ok(seconds) = value.parse::<u64>() {
            return Some(clamp(Duration::from_secs(seconds)));
        }
        if let Some(at) = parse_http_date(value) {
            let millis = (at.as_millisecond() - now.as_millisecond()).max(0) as u64;
            return Some(clamp(Duration::from_millis(millis)));
        }
    }
    let reset = response
        .header("x-ratelimit-reset")?
        .trim()
        .parse::<i64>()
        .ok()?;
    let wait_micros = reset.saturating_sub(now.as_microsecond()).max(0) as u64;
    Some(clamp(Duration::from_micros(wait_micros)))
}

/// Maps a non-2xx response of the token API to our error.
///
/// `hint` names the host to use when the body is a web page.
pub(crate) fn api_error(response: &Incoming, auth: AuthKind, hint: &str) -> Error {
    let status = response.status.as_u16();
    let host = response.host();
    let json = is_json(response);
    let body = if json {
        parse_error_body(&response.body)
    } else {
        ErrorBody::default()
    };
    let detail = body.detail();

    let error = match status {
        300..=399 => {
            let target = response
                .header("location")
                .and_then(|location| url::Url::parse(location).ok())
                .and_then(|location| location.host_str().map(str::to_string))
                .unwrap_or_else(|| "another page".to_string());
            Error::new(
                ErrorCode::UnexpectedContent,
                format!(
                    "{host} redirected the API call to {target}, as it does for browser pages. \
                     {hint}"
                ),
            )
        }
        401 => Error::new(ErrorCode::Unauthorized, unauthorized_message(auth, &host)),
        403 => forbidden(auth, &host, &body),
        404 if !json && is_html(response) => return unexpected_content(response, hint),
        404 => Error::new(
            ErrorCode::NotFound,
            format!(
                "{host} has no such token or endpoint ({}). Check the token ID; if every call \
                 fails this way, check the environment URL.",
                response.url.path()
            ),
        ),
        429 => {
            let delay = retry_delay(response, jiff::Timestamp::now());
            let wait = delay
                .map(|d| format!(" Wait {} s and try again.", d.as_secs()))
                .unwrap_or_default();
            Error::new(
                ErrorCode::RateLimited,
                format!("{host} is rate limiting requests (HTTP 429).{wait}"),
            )
            .with_retry_after(delay)
        }
        500..=599 => Error::new(
            ErrorCode::ServerError,
            format!(
                "{host} failed with HTTP {status}. This is a problem on the server side or a \
                 gateway in between; try again in a few minutes."
            ),
        )
        .with_retry_after(retry_delay(response, jiff::Timestamp::now())),
        _ if !json && is_html(response) => return unexpected_content(response, hint),
        _ => Error::new(
            ErrorCode::ValidationFailed,
            format!(
                "{host} rejected the request as invalid (HTTP {status}). Check the fields it \
                 names and try again."
            ),
        )
        .with_violations(body.violations.clone()),
    };
    error
        .with_host(host)
        .with_status(status)
        .with_detail(detail)
}

fn unauthorized_message(auth: AuthKind, host: &str) -> String {
    match auth {
        AuthKind::OAuth => format!(
            "{host} rejected the SSO bearer (HTTP 401). Check that the environment belongs to \
             the account UUID entered and that the OAuth client is still active."
        ),
        AuthKind::PlatformToken => format!(
            "{host} rejected the platform token (HTTP 401). It may be expired, revoked, or \
             belong to another account; create a new one in Account Management."
        ),
        AuthKind::ApiToken => format!(
            "{host} rejected the API token (HTTP 401). It may be expired, disabled, deleted, or \
             belong to another environment; check it under Access tokens."
        ),
    }
}

fn forbidden(auth: AuthKind, host: &str, body: &ErrorBody) -> Error {
    let mut missing = body.missing_scopes.clone();
    if missing.is_empty()
        && let Some(message) = &body.message
    {
        missing = classic_missing_scopes(message);
    }
    if !missing.is_empty() {
        let holder = match auth {
            AuthKind::OAuth => "the OAuth client (Account Management > OAuth clients)",
            AuthKind::PlatformToken => "a new platform token",
            AuthKind::ApiToken => "the API token (Access tokens in the environment)",
        };
        return Error::new(
            ErrorCode::ForbiddenMissingScope,
            format!(
                "{host} denied the call because the credentials lack the scope {}. Add it to \
                 {holder} and try again.",
                missing.join(" or ")
            ),
        )
        .with_missing_scopes(missing);
    }
    Error::new(
        ErrorCode::ForbiddenPolicy,
        format!(
            "{host} denied the call (HTTP 403) although the credentials hold the needed scopes. \
             The effective rights of an OAuth client or platform token are its scopes \
             intersected with the IAM policies of its user: give the service user's group a \
             policy that allows managing settings in this environment \
             (environment:roles:manage-settings), which creating API tokens requires."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{HeaderMap, HeaderValue, StatusCode};
    use zeroize::Zeroizing;

    fn response(status: u16, headers: &[(&'static str, &str)], body: &str) -> Incoming {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        Incoming {
            status: StatusCode::from_u16(status).unwrap(),
            headers: map,
            body: Zeroizing::new(body.as_bytes().to_vec()),
            url: url::Url::parse(
                "https://abc12345.apps.dynatrace.com/platform/classic/environment-api/v2/apiTokens",
            )
            .unwrap(),
        }
    }

    const JSON: (&str, &str) = ("content-type", "application/json");

    #[test]
    fn constraint_violations_kept_per_field() {
        let body = r#"{"error":{"code":400,"message":"Constraints violated.","constraintViolations":[
            {"path":"name","message":"must not be empty","parameterLocation":"PAYLOAD_BODY"},
            {"path":"scopes","message":"unknown scope foo","parameterLocation":"PAYLOAD_BODY"}]}}"#;
        let error = api_error(&response(400, &[JSON], body), AuthKind::OAuth, "");
        assert_eq!(error.code, ErrorCode::ValidationFailed);
        assert_eq!(error.violations.len(), 2);
        assert_eq!(error.violations[0].path, "name");
        assert_eq!(error.violations[1].message, "unknown scope foo");
        assert_eq!(error.detail.as_deref(), Some("Constraints violated."));
    }

    #[test]
    fn platform_403_with_missing_scopes() {
        let body = r#"{"error":{"code":403,"message":"Forbidden","details":{"missingScopes":["environment-api:api-tokens:write"]}}}"#;
        let error = api_error(&response(403, &[JSON], body), AuthKind::OAuth, "");
        assert_eq!(error.code, ErrorCode::ForbiddenMissingScope);
        assert_eq!(
            error.missing_scopes,
            vec!["environment-api:api-tokens:write"]
        );
    }

    #[test]
    fn classic_403_lists_scopes() {
        let body = r#"{"error":{"code":403,"message":"Token is missing required scope. Use one of: apiTokens.write (Write API tokens), WriteConfig (Write configuration)"}}"#;
        let error = api_error(&response(403, &[JSON], body), AuthKind::ApiToken, "");
        assert_eq!(error.code, ErrorCode::ForbiddenMissingScope);
        assert_eq!(error.missing_scopes, vec!["apiTokens.write", "WriteConfig"]);
        assert!(error.message.contains("apiTokens.write"));
    }

    #[test]
    fn plain_403_is_policy() {
        let body = r#"{"error":{"code":403,"message":"Access denied"}}"#;
        let error = api_error(&response(403, &[JSON], body), AuthKind::OAuth, "");
        assert_eq!(error.code, ErrorCode::ForbiddenPolicy);
        assert!(error.message.contains("IAM policies"));
        assert!(error.message.contains("manage-settings"));
    }

    #[test]
    fn retry_after_seconds_wins() {
        let reset = (jiff::Timestamp::now().as_microsecond() + 60_000_000).to_string();
        let incoming = response(
            429,
            &[("retry-after", "2"), ("x-ratelimit-reset", reset.as_str())],
            "",
        );
        assert_eq!(
            retry_delay(&incoming, jiff::Timestamp::now()),
            Some(Duration::from_secs(2))
        );
    }

    #[test]
    fn retry_after_http_date() {
        let now = jiff::Timestamp::from_second(1_445_412_470).unwrap();
        let incoming = response(429, &[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")], "");
        assert_eq!(retry_delay(&incoming, now), Some(Duration::from_secs(10)));
    }

    #[test]
    fn ratelimit_reset_is_microseconds_and_clamped() {
        let now = jiff::Timestamp::from_second(1_700_000_000).unwrap();
        let in_30s = (now.as_microsecond() + 30_000_000).to_string();
        let incoming = response(429, &[("x-ratelimit-reset", in_30s.as_str())], "");
        assert_eq!(retry_delay(&incoming, now), Some(Duration::from_secs(30)));

        let far = (now.as_microsecond() + 3_600_000_000).to_string();
        let incoming = response(429, &[("x-ratelimit-reset", far.as_str())], "");
        assert_eq!(retry_delay(&incoming, now), Some(MAX_RETRY_DELAY));

        let past = (now.as_microsecond() - 5_000_000).to_string();
        let incoming = response(429, &[("x-ratelimit-reset", past.as_str())], "");
        assert_eq!(retry_delay(&incoming, now), Some(MIN_RETRY_DELAY));
    }

    #[test]
    fn rate_limited_error_carries_delay() {
        let incoming = response(
            429,
            &[JSON, ("retry-after", "7")],
            r#"{"code":429,"message":"Too many requests."}"#,
        );
        let error = api_error(&incoming, AuthKind::OAuth, "");
        assert_eq!(error.code, ErrorCode::RateLimited);
        assert_eq!(error.retry_after, Some(Duration::from_secs(7)));
        assert_eq!(error.detail.as_deref(), Some("Too many requests."));
    }

    #[test]
    fn html_success_is_unexpected_content() {
        let incoming = response(
            200,
            &[("content-type", "text/html; charset=utf-8")],
            "<!DOCTYPE html><html></html>",
        );
        let error =
            parse_json::<Value>(&incoming, "Use https://abc12345.apps.dynatrace.com.").unwrap_err();
        assert_eq!(error.code, ErrorCode::UnexpectedContent);
        assert!(error.message.contains("web page"));
        assert!(
            error
                .message
                .contains("https://abc12345.apps.dynatrace.com")
        );
    }

    #[test]
    fn truncated_json_is_malformed() {
        let incoming = response(200, &[JSON], r#"{"apiTokens":[{"id":"dt0c01.AB"#);
        let error = parse_json::<Value>(&incoming, "").unwrap_err();
        assert_eq!(error.code, ErrorCode::MalformedResponse);
        assert!(error.message.contains("truncated"));
    }

    #[test]
    fn server_error_is_server_error() {
        let incoming = response(503, &[("content-type", "text/html")], "<html>busy</html>");
        let error = api_error(&incoming, AuthKind::OAuth, "");
        assert_eq!(error.code, ErrorCode::ServerError);
        assert_eq!(error.status, Some(503));
        assert!(error.is_transient());
    }

    mod properties {
        use super::*;
        use crate::credentials::OAuthClient;
        use crate::redact::contains_secret_pattern;
        use crate::sso::sso_error;
        use proptest::prelude::*;

        fn oauth_client() -> OAuthClient {
            OAuthClient {
                client_id: "dt0s02.ABCD1234".into(),
                client_secret: secrecy::SecretString::from("dt0s02.ABCD1234.SECRET"),
                account_uuid: uuid::Uuid::nil(),
            }
        }

        /// Renders every text field of an error, as the UI and logs would show it.
        fn rendered(error: &Error) -> String {
            format!(
                "{error:?} {error} {}",
                serde_json::to_string(error).unwrap()
            )
        }

        /// Generates a secret in one of the formats the scrubber masks.
        fn secret() -> impl Strategy<Value = (String, String)> {
            let prefix = prop_oneof![
                Just("dt0c01"),
                Just("dt0s02"),
                Just("dt0s16"),
                Just("dt0a99")
            ];
            (prefix, "[A-Z0-9]{8,24}", "[A-Z0-9]{16,64}").prop_map(|(prefix, public, secret)| {
                (format!("{prefix}.{public}.{secret}"), secret)
            })
        }

        fn error_body(secret: String) -> impl Strategy<Value = String> {
            let text = "[ -~]{0,20}";
            (text, text, 0usize..6).prop_map(move |(before, after, shape)| {
                let inner = format!("{before}{secret}{after}");
                let inner = serde_json::to_string(&inner).unwrap();
                match shape {
                    0 => format!(r#"{{"error":{{"code":400,"message":{inner}}}}}"#),
                    1 => format!(
                        r#"{{"error":{{"code":400,"message":"x","constraintViolations":[{{"path":{inner},"message":{inner}}}]}}}}"#
                    ),
                    2 => format!(
                        r#"{{"error":{{"code":403,"message":"Use one of: {}","details":{{"missingScopes":[{inner}]}}}}}}"#,
                        &inner[1..inner.len() - 1]
                    ),
                    3 => format!(r#"{{"error":"invalid_request","error_description":{inner}}}"#),
                    4 => format!(r#"{{"errorCode":400,"message":{inner},"issueId":"x"}}"#),
                    _ => format!(r#"{{"code":429,"message":{inner}}}"#),
                }
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            #[test]
            fn arbitrary_bytes_never_panic(
                body in prop::collection::vec(any::<u8>(), 0..512),
                status in prop::sample::select(vec![200u16, 201, 302, 400, 401, 403, 404, 429, 500, 503]),
                json in any::<bool>(),
            ) {
                let content_type = if json { "application/json" } else { "text/html" };
                let mut incoming = response(status, &[("content-type", content_type)], "");
                incoming.body = Zeroizing::new(body);
                let _ = parse_error_body(&incoming.body);
                let error = api_error(&incoming, AuthKind::OAuth, "hint");
                prop_assert!(!contains_secret_pattern(&rendered(&error)));
                let error = sso_error(&incoming, &oauth_client(), &["a:b"]);
                prop_assert!(!contains_secret_pattern(&rendered(&error)));
                let _ = parse_json::<Value>(&incoming, "hint");
            }

            #[test]
            fn echoed_secrets_never_reach_errors(
                (body, secret_part) in secret().prop_flat_map(|(secret, part)| {
                    (error_body(secret), Just(part))
                }),
                status in prop::sample::select(vec![400u16, 401, 403, 404, 429, 500]),
            ) {
                let incoming = response(status, &[JSON], &body);
                for error in [
                    api_error(&incoming, AuthKind::ApiToken, "hint"),
                    sso_error(&incoming, &oauth_client(), &["a:b"]),
                ] {
                    let text = rendered(&error);
                    prop_assert!(!text.contains(&secret_part), "{}", text);
                    prop_assert!(!contains_secret_pattern(&text), "{}", text);
                }
            }
        }
    }
}
