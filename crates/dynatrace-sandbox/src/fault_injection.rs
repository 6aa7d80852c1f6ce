//! Middleware that counts requests, adds latency, applies the armed faults and sets the `Date`
//! header (shifted by the clock-skew knob).

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use futures_util::{StreamExt, stream};
use jiff::Timestamp;
use jiff::fmt::rfc2822;

use crate::errors::{ApiError, GatewayResponse, dynatrace_style_error};
use crate::faults::{DropPoint, FaultAction, Target};
use crate::server::ConnectionControl;
use crate::state::AppState;
use crate::ui;

/// Largest request or response body the fault paths buffer.
const BODY_LIMIT: usize = 16 * 1024 * 1024;

/// Value of `X-RateLimit-Limit` on 429 responses.
const RATE_LIMIT_PER_MINUTE: u32 = 50;

/// The kind of endpoint a request is for, as far as faults are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    Sso,
    TokenApi {
        create: bool,
        host: ApiHost,
    },
    /// Admin, UI and everything else: no faults, not counted.
    Other,
}

/// Which Dynatrace host a token path belongs to; each marks its responses differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ApiHost {
    /// `/platform/…` on the apps host, behind the platform API gateway.
    Platform,
    /// `/api/v2/…` on the SaaS live host.
    Live,
    /// `/e/{environmentId}/api/v2/…` on a Managed cluster.
    Managed,
}

impl Endpoint {
    fn of(method: &Method, path: &str) -> Endpoint {
        if path == "/sso/oauth2/token" {
            return Endpoint::Sso;
        }
        let (host, api_path) =
            if let Some(rest) = path.strip_prefix("/platform/classic/environment-api/v2") {
                (ApiHost::Platform, Some(rest))
            } else if let Some(rest) = path.strip_prefix("/api/v2") {
                (ApiHost::Live, Some(rest))
            } else {
                let rest = path
                    .strip_prefix("/e/")
                    .and_then(|rest| rest.split_once('/'))
                    .and_then(|(_, after_id)| after_id.strip_prefix("api/v2"));
                (ApiHost::Managed, rest)
            };

        match api_path {
            Some("/apiTokens" | "/apiTokens/") => Endpoint::TokenApi {
                create: method == Method::POST,
                host,
            },
            Some(rest) if rest.starts_with("/apiTokens/") => Endpoint::TokenApi {
                create: false,
                host,
            },
            _ => Endpoint::Other,
        }
    }

    fn targets(self) -> &'static [Target] {
        match self {
            Endpoint::Sso => &[Target::Sso],
            Endpoint::TokenApi { create: true, .. } => &[Target::TokenApi, Target::Create],
            Endpoint::TokenApi { create: false, .. } => &[Target::TokenApi],
            Endpoint::Other => &[],
        }
    }
}

/// Sets `Dynatrace-Response-Source` as Dynatrace does. On the apps host the platform API
/// gateway itself rejects failed authentication, missing scopes and throttled calls ("API
/// Gateway"), and every other response comes from the service ("Service"). The npm client
/// 9.0.1 turns gateway responses into `ApiGatewayError`. SaaS live hosts send "Server" and
/// Managed clusters "Cluster".
fn mark_response_source(endpoint: Endpoint, response: &mut Response) {
    let Endpoint::TokenApi { host, .. } = endpoint else {
        return;
    };
    let source = match host {
        ApiHost::Platform if response.extensions().get::<GatewayResponse>().is_some() => {
            "API Gateway"
        }
        ApiHost::Platform => "Service",
        ApiHost::Live => "Server",
        ApiHost::Managed => "Cluster",
    };
    response.headers_mut().insert(
        "dynatrace-response-source",
        HeaderValue::from_static(source),
    );
}

pub(crate) async fn apply(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let endpoint = Endpoint::of(request.method(), request.uri().path());
    let mut response = match endpoint {
        Endpoint::Other => next.run(request).await,
        _ => apply_to_api(&state, endpoint, request, next).await,
    };
    mark_response_source(endpoint, &mut response);

    // The skew is bounded, but a date out of range must still not panic: keep the real one.
    let now = Timestamp::now();
    let now = now.checked_add(state.faults.clock_skew()).unwrap_or(now);
    if let Ok(text) = rfc2822::DateTimePrinter::new().timestamp_to_rfc9110_string(&now)
        && let Ok(date) = HeaderValue::from_str(&text)
    {
        response.headers_mut().insert(header::DATE, date);
    }
    response
}

async fn apply_to_api(
    state: &AppState,
    endpoint: Endpoint,
    request: Request,
    next: Next,
) -> Response {
    match endpoint {
        Endpoint::Sso => state.count_sso_request(),
        _ => state.count_api_request(),
    }

    let latency = state.faults.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }

    let Some(action) = state.faults.take(endpoint.targets()) else {
        return next.run(request).await;
    };
    tracing::info!(?endpoint, ?action, "applying fault");
    match action {
        FaultAction::RateLimit { retry_after } => rate_limited(endpoint, retry_after),
        FaultAction::ServerError { status } => server_error(endpoint, status),
        FaultAction::HtmlBody => (StatusCode::OK, Html(ui::APP_PAGE)).into_response(),
        FaultAction::DropConnection { when } => drop_connection(request, next, when).await,
        FaultAction::TruncateBody => truncate_body(next.run(request).await).await,
        FaultAction::SlowBody { delay } => slow_body(next.run(request).await, delay).await,
    }
}

fn rate_limited(endpoint: Endpoint, retry_after: Option<Duration>) -> Response {
    // NOTE: Dynatrace documents the 429 headers but no body that all services share. The token
    // API sends its error envelope (the npm client parses that shape for every 4xx), marked as
    // coming from the API gateway on the apps host. The SSO sends its Dynatrace-style error.
    let retry_after_seconds =
        retry_after.map(|wait| wait.as_secs() + u64::from(wait.subsec_nanos() > 0));
    let mut response = match endpoint {
        Endpoint::Sso => dynatrace_style_error(StatusCode::TOO_MANY_REQUESTS).into_response(),
        _ => ApiError {
            from_gateway: true,
            retry_after_seconds,
            ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, "Too many requests.")
        }
        .into_response(),
    };

    let wait = retry_after.unwrap_or(Duration::from_secs(1));
    let reset =
        Timestamp::now().as_microsecond() + i64::try_from(wait.as_micros()).unwrap_or(i64::MAX / 2);
    let headers = response.headers_mut();
    headers.insert(
        "x-ratelimit-limit",
        HeaderValue::from(RATE_LIMIT_PER_MINUTE),
    );
    headers.insert("x-ratelimit-remaining", HeaderValue::from(0));
    headers.insert("x-ratelimit-reset", HeaderValue::from(reset));
    if let Some(seconds) = retry_after_seconds {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

fn server_error(endpoint: Endpoint, status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match endpoint {
        Endpoint::Sso => dynatrace_style_error(status).into_response(),
        _ => {
            let message = status.canonical_reason().unwrap_or("Server error");
            ApiError::new(status, message).into_response()
        }
    }
}

/// Reads the whole request, optionally applies it, then resets the connection. The returned
/// future never completes: the connection task drops it together with the connection.
async fn drop_connection(request: Request, next: Next, when: DropPoint) -> Response {
    let Some(control) = request.extensions().get::<ConnectionControl>().cloned() else {
        tracing::error!("request has no connection control; cannot drop its connection");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };

    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .unwrap_or_default();
    if when == DropPoint::AfterApply {
        let response = next.run(Request::from_parts(parts, Body::from(body))).await;
        tracing::info!(status = %response.status(), "request applied; dropping its response");
    }
    control.reset();
    std::future::pending().await
}

/// Sends the first half of the body under a `Content-Length` for all of it, then fails the body
/// stream so the server closes the connection.
async fn truncate_body(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));

    // The error comes one poll after the first half, so hyper flushes the headers and the half
    // to the socket before it gets the error and closes the connection.
    let failure = stream::once(async {
        tokio::task::yield_now().await;
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "truncated body fault",
        ))
    });
    let chunks = stream::once(async move { Ok::<Bytes, std::io::Error>(half) }).chain(failure);
    Response::from_parts(parts, Body::from_stream(chunks))
}

/// Sends the headers at once and the body after `delay`.
async fn slow_body(response: Response, delay: Duration) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .unwrap_or_default();
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));

    let delayed = stream::once(async move {
        tokio::time::sleep(delay).await;
        Ok::<Bytes, std::io::Error>(bytes)
    });
    Response::from_parts(parts, Body::from_stream(delayed))
}
