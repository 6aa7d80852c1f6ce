//! Fault knobs that tests turn on to reproduce what goes wrong against a real Dynatrace.
//!
//! Each "next N calls" knob arms a rule for a [`Target`]. A request gets at most one fault: the
//! earliest armed rule whose target matches it, which then counts down by one.

use std::sync::Mutex;
use std::time::Duration;

use jiff::SignedDuration;
use serde::{Deserialize, Serialize};

/// Largest delay [`Faults::set_latency`] and [`Faults::slow_body`] take (ten minutes); longer
/// delays are cut to it.
pub const MAX_DELAY: Duration = Duration::from_secs(10 * 60);

/// Largest clock skew, either way, [`Faults::set_clock_skew`] takes (ten years of 365.25 days);
/// larger skews are cut to it.
pub const MAX_CLOCK_SKEW: SignedDuration =
    SignedDuration::from_secs(10 * 36_525 * 24 * 60 * 60 / 100);

/// Requests a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Target {
    /// `POST /sso/oauth2/token`.
    Sso,
    /// Any of the six API token calls, on every path family.
    TokenApi,
    /// Only `POST …/apiTokens` (create).
    Create,
}

/// When a dropped connection closes, relative to the server doing the work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DropPoint {
    /// The request is read completely, nothing is applied, and the connection is reset.
    BeforeApply,
    /// The request is applied (for a create: the token exists), and the connection is reset
    /// instead of sending the response.
    AfterApply,
}

/// Effect of an armed rule on the request it hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum FaultAction {
    /// 429 with `X-RateLimit-*` headers, plus `Retry-After` when set.
    RateLimit {
        #[serde(rename = "retryAfterMs", with = "optional_millis")]
        retry_after: Option<Duration>,
    },
    /// A 5xx status with an error body.
    ServerError { status: u16 },
    /// The TCP connection is reset without a response.
    DropConnection { when: DropPoint },
    /// The body is cut in half although `Content-Length` names its full size, then the
    /// connection closes.
    TruncateBody,
    /// Headers are sent at once and the body after the delay.
    SlowBody {
        #[serde(rename = "delayMs", with = "millis")]
        delay: Duration,
    },
    /// A 200 HTML page, as a UI URL or the wrong host returns.
    HtmlBody,
}

/// One armed rule: `action` for the next `remaining` requests that match `target`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultRule {
    pub target: Target,
    pub remaining: u32,
    pub action: FaultAction,
}

/// A copy of every knob, for inspection and for `GET /__sandbox/state`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultSnapshot {
    #[serde(rename = "latencyMs", with = "millis")]
    pub latency: Duration,
    pub rules: Vec<FaultRule>,
    pub omit_token_secret: u32,
    #[serde(rename = "clockSkewMs", with = "signed_millis")]
    pub clock_skew: SignedDuration,
    pub reject_environment_api_scopes: bool,
}

/// The fault knobs of one sandbox. All methods take effect for the next request.
#[derive(Debug, Default)]
pub struct Faults {
    state: Mutex<FaultSnapshot>,
}

impl Faults {
    /// Delays every request (SSO and token API) by `delay` (at most [`MAX_DELAY`]) before it is
    /// handled.
    pub fn set_latency(&self, delay: Duration) {
        self.lock().latency = delay.min(MAX_DELAY);
    }

    /// Responds to the next `count` matching calls with 429, `X-RateLimit-Limit`,
    /// `X-RateLimit-Remaining` and `X-RateLimit-Reset`, and `Retry-After` when `retry_after` is
    /// set (rounded up to whole seconds).
    pub fn rate_limit(&self, target: Target, count: u32, retry_after: Option<Duration>) {
        self.arm(target, count, FaultAction::RateLimit { retry_after });
    }

    /// Responds to the next `count` matching calls with `status` and an error body.
    ///
    /// # Panics
    ///
    /// When `status` is not in 500..=599.
    pub fn server_error(&self, target: Target, count: u32, status: u16) {
        assert!(
            (500..=599).contains(&status),
            "server_error needs a 5xx status, got {status}"
        );
        self.arm(target, count, FaultAction::ServerError { status });
    }

    /// Resets the TCP connection of the next `count` matching calls without a response.
    pub fn drop_connection(&self, target: Target, count: u32, when: DropPoint) {
        self.arm(target, count, FaultAction::DropConnection { when });
    }

    /// Sends only the first half of the next `count` matching responses' bodies, with a
    /// `Content-Length` of the full body, then closes the connection.
    pub fn truncate_body(&self, target: Target, count: u32) {
        self.arm(target, count, FaultAction::TruncateBody);
    }

    /// Sends the headers of the next `count` matching responses at once and their bodies after
    /// `delay` (at most [`MAX_DELAY`]).
    pub fn slow_body(&self, target: Target, count: u32, delay: Duration) {
        let delay = delay.min(MAX_DELAY);
        self.arm(target, count, FaultAction::SlowBody { delay });
    }

    /// Responds to the next `count` matching calls with a 200 `text/html` page.
    pub fn html_body(&self, target: Target, count: u32) {
        self.arm(target, count, FaultAction::HtmlBody);
    }

    /// Leaves `token` out of the next `count` successful create responses (still 201).
    pub fn omit_token_secret(&self, count: u32) {
        self.lock().omit_token_secret = count;
    }

    /// Shifts the `Date` header of every response by `skew`, cut to [`MAX_CLOCK_SKEW`] either
    /// way.
    pub fn set_clock_skew(&self, skew: SignedDuration) {
        self.lock().clock_skew = skew.clamp(-MAX_CLOCK_SKEW, MAX_CLOCK_SKEW);
    }

    /// Makes the SSO reject every `environment-api:*` scope, as if the OAuth client could no
    /// longer be granted them.
    pub fn reject_environment_api_scopes(&self, on: bool) {
        self.lock().reject_environment_api_scopes = on;
    }

    /// Turns every knob off.
    pub fn reset(&self) {
        *self.lock() = FaultSnapshot::default();
    }

    /// Returns a copy of every knob.
    pub fn snapshot(&self) -> FaultSnapshot {
        self.lock().clone()
    }

    pub(crate) fn latency(&self) -> Duration {
        self.lock().latency
    }

    pub(crate) fn clock_skew(&self) -> SignedDuration {
        self.lock().clock_skew
    }

    pub(crate) fn rejects_environment_api_scopes(&self) -> bool {
        self.lock().reject_environment_api_scopes
    }

    /// Consumes one use of the earliest armed rule that matches a request hitting `targets`.
    pub(crate) fn take(&self, targets: &[Target]) -> Option<FaultAction> {
        let mut state = self.lock();
        let index = state
            .rules
            .iter()
            .position(|rule| targets.contains(&rule.target))?;
        let rule = &mut state.rules[index];
        let action = rule.action;
        rule.remaining -= 1;
        if rule.remaining == 0 {
            state.rules.remove(index);
        }
        Some(action)
    }

    /// Consumes one use of the omit-token-secret knob; returns whether it was armed.
    pub(crate) fn take_omit_token_secret(&self) -> bool {
        let mut state = self.lock();
        if state.omit_token_secret == 0 {
            return false;
        }
        state.omit_token_secret -= 1;
        true
    }

    fn arm(&self, target: Target, count: u32, action: FaultAction) {
        if count == 0 {
            return;
        }
        self.lock().rules.push(FaultRule {
            target,
            remaining: count,
            action,
        });
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FaultSnapshot> {
        // A panic while holding this lock cannot leave the plain data inconsistent.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

mod millis {
    use std::time::Duration;

    pub fn serialize<S: serde::Serializer>(
        value: &Duration,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(u64::try_from(value.as_millis()).unwrap_or(u64::MAX))
    }
}

mod optional_millis {
    use std::time::Duration;

    pub fn serialize<S: serde::Serializer>(
        value: &Option<Duration>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(duration) => super::millis::serialize(duration, serializer),
            None => serializer.serialize_none(),
        }
    }
}

mod signed_millis {
    use jiff::SignedDuration;

    pub fn serialize<S: serde::Serializer>(
        value: &SignedDuration,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(i64::try_from(value.as_millis()).unwrap_or(i64::MAX))
    }
}
