//! Admin JSON API under `/__sandbox/` so other processes (for example the desktop app's
//! end-to-end tests) can arm faults, reset the sandbox and inspect it.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jiff::SignedDuration;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::faults::{DropPoint, MAX_CLOCK_SKEW, MAX_DELAY, Target};
use crate::state::AppState;

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/__sandbox/faults", post(arm_faults))
        .route("/__sandbox/reset", post(reset))
        .route("/__sandbox/state", get(state))
}

/// One knob change; `POST /__sandbox/faults` takes one of these or an array of them.
#[derive(Debug, Deserialize)]
#[serde(
    tag = "fault",
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
enum FaultRequest {
    Latency {
        delay_ms: u64,
    },
    RateLimit {
        target: Target,
        count: u32,
        retry_after_ms: Option<u64>,
    },
    ServerError {
        target: Target,
        count: u32,
        status: u16,
    },
    DropConnection {
        target: Target,
        count: u32,
        when: DropPoint,
    },
    TruncateBody {
        target: Target,
        count: u32,
    },
    SlowBody {
        target: Target,
        count: u32,
        delay_ms: u64,
    },
    HtmlBody {
        target: Target,
        count: u32,
    },
    OmitTokenSecret {
        count: u32,
    },
    ClockSkew {
        skew_ms: i64,
    },
    RejectEnvironmentApiScopes {
        on: bool,
    },
    /// Turns every fault knob off; tokens and counters stay.
    Clear,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum FaultRequests {
    One(FaultRequest),
    Many(Vec<FaultRequest>),
}

async fn arm_faults(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let requests = match serde_json::from_slice::<FaultRequests>(&body) {
        Ok(FaultRequests::One(request)) => vec![request],
        Ok(FaultRequests::Many(requests)) => requests,
        Err(error) => return admin_error(format!("invalid fault request: {error}")),
    };
    if let Some(status) = requests.iter().find_map(|request| match request {
        FaultRequest::ServerError { status, .. } if !(500..=599).contains(status) => Some(*status),
        _ => None,
    }) {
        return admin_error(format!("serverError needs a 5xx status, got {status}"));
    }
    if let Some(message) = requests.iter().find_map(out_of_range) {
        return admin_error(message);
    }

    let faults = &state.faults;
    for request in requests {
        tracing::info!(?request, "admin API arms a fault");
        match request {
            FaultRequest::Latency { delay_ms } => {
                faults.set_latency(Duration::from_millis(delay_ms))
            }
            FaultRequest::RateLimit {
                target,
                count,
                retry_after_ms,
            } => {
                faults.rate_limit(target, count, retry_after_ms.map(Duration::from_millis));
            }
            FaultRequest::ServerError {
                target,
                count,
                status,
            } => {
                faults.server_error(target, count, status);
            }
            FaultRequest::DropConnection {
                target,
                count,
                when,
            } => {
                faults.drop_connection(target, count, when);
            }
            FaultRequest::TruncateBody { target, count } => faults.truncate_body(target, count),
            FaultRequest::SlowBody {
                target,
                count,
                delay_ms,
            } => {
                faults.slow_body(target, count, Duration::from_millis(delay_ms));
            }
            FaultRequest::HtmlBody { target, count } => faults.html_body(target, count),
            FaultRequest::OmitTokenSecret { count } => faults.omit_token_secret(count),
            FaultRequest::ClockSkew { skew_ms } => {
                faults.set_clock_skew(SignedDuration::from_millis(skew_ms));
            }
            FaultRequest::RejectEnvironmentApiScopes { on } => {
                faults.reject_environment_api_scopes(on)
            }
            FaultRequest::Clear => faults.reset(),
        }
    }
    Json(snapshot(&state)).into_response()
}

/// Describes a delay or skew outside the bounds the fault knobs take, or returns `None`.
fn out_of_range(request: &FaultRequest) -> Option<String> {
    let max_delay_ms = MAX_DELAY.as_millis();
    let max_skew_ms = MAX_CLOCK_SKEW.as_millis();
    match request {
        FaultRequest::Latency { delay_ms } | FaultRequest::SlowBody { delay_ms, .. }
            if u128::from(*delay_ms) > max_delay_ms =>
        {
            Some(format!(
                "delayMs must be between 0 and {max_delay_ms} (ten minutes), got {delay_ms}"
            ))
        }
        FaultRequest::ClockSkew { skew_ms } if i128::from(*skew_ms).abs() > max_skew_ms => {
            Some(format!(
                "skewMs must be between -{max_skew_ms} and {max_skew_ms} (ten years), got {skew_ms}"
            ))
        }
        _ => None,
    }
}

async fn reset(State(state): State<Arc<AppState>>) -> Json<Value> {
    tracing::info!("admin API resets the sandbox");
    state.reset();
    Json(snapshot(&state))
}

async fn state(State(state): State<Arc<AppState>>) -> Json<Value> {
    Json(snapshot(&state))
}

fn snapshot(state: &AppState) -> Value {
    let token_names = state.store().names();
    json!({
        "baseUrl": state.base_url.as_str(),
        "accountUuid": state.config.account_uuid.to_string(),
        "environmentId": state.config.environment_id,
        "tokenCount": token_names.len(),
        "tokenNames": token_names,
        "ssoGrantCount": state.sso_grant_count(),
        "ssoRequestCount": state.sso_request_count(),
        "requestCount": state.api_request_count(),
        "faults": state.faults.snapshot(),
    })
}

fn admin_error(message: String) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": message }))).into_response()
}
