//! Fault knobs, driven through the library API and through the admin JSON API.

mod common;

use std::time::Duration;

use common::*;
use dynatrace_sandbox::{DropPoint, Target, seed};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn list_status(sandbox: &dynatrace_sandbox::Sandbox, bearer: &str) -> StatusCode {
    http()
        .get(platform_url(sandbox, ""))
        .bearer_auth(bearer)
        .send()
        .await
        .unwrap()
        .status()
}

async fn sso_grant(sandbox: &dynatrace_sandbox::Sandbox) -> reqwest::Result<reqwest::Response> {
    http()
        .post(url(sandbox, "sso/oauth2/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", seed::CLIENT_ID),
            ("client_secret", seed::CLIENT_SECRET),
        ])
        .send()
        .await
}

#[tokio::test]
async fn rate_limit_sends_headers_and_retry_after() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    sandbox
        .faults()
        .rate_limit(Target::TokenApi, 1, Some(Duration::from_millis(1500)));
    let before = jiff::Timestamp::now().as_microsecond();

    let response = http()
        .get(platform_url(&sandbox, ""))
        .bearer_auth(&bearer)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let headers = response.headers().clone();
    assert_eq!(headers["retry-after"], "2");
    assert_eq!(headers["x-ratelimit-remaining"], "0");
    assert!(
        headers["x-ratelimit-limit"]
            .to_str()
            .unwrap()
            .parse::<u32>()
            .unwrap()
            > 0
    );
    let reset: i64 = headers["x-ratelimit-reset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        reset > before,
        "reset {reset} is epoch microseconds in the future"
    );
    assert_eq!(headers["dynatrace-response-source"], "API Gateway");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], 429);
    assert_eq!(body["error"]["retryAfterSeconds"], 2);
}

#[tokio::test]
async fn rate_limit_without_retry_after_omits_the_header() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    sandbox.faults().rate_limit(Target::TokenApi, 1, None);

    let response = http()
        .get(platform_url(&sandbox, ""))
        .bearer_auth(&bearer)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().get("retry-after").is_none());
    assert!(response.headers().get("x-ratelimit-reset").is_some());
}

#[tokio::test]
async fn fault_applies_to_the_next_n_calls_only() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    sandbox.faults().rate_limit(Target::TokenApi, 2, None);

    let statuses = [
        list_status(&sandbox, &bearer).await,
        list_status(&sandbox, &bearer).await,
        list_status(&sandbox, &bearer).await,
    ];

    assert_eq!(
        statuses,
        [
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::OK
        ]
    );
    assert_eq!(sandbox.request_count(), 3);
    assert!(sandbox.faults().snapshot().rules.is_empty());
}

#[tokio::test]
async fn create_target_spares_other_calls() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    sandbox.faults().server_error(Target::Create, 1, 503);

    let listed = list_status(&sandbox, &bearer).await;
    let created = create(&sandbox, &bearer, &create_body("x")).await;

    assert_eq!(listed, StatusCode::OK);
    assert_eq!(created.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = created.json().await.unwrap();
    assert_eq!(body["error"]["code"], 503);
    assert_eq!(sandbox.token_count(), 1);
}

#[tokio::test]
async fn sso_target_spares_token_calls() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    sandbox.faults().server_error(Target::Sso, 1, 502);

    let listed = list_status(&sandbox, &bearer).await;
    let granted = sso_grant(&sandbox).await.unwrap();

    assert_eq!(listed, StatusCode::OK);
    assert_eq!(granted.status(), StatusCode::BAD_GATEWAY);
    let body: Value = granted.json().await.unwrap();
    assert_eq!(body["errorCode"], 502);
    assert_eq!(sandbox.sso_grant_count(), 1);
}

#[tokio::test]
async fn sso_rate_limit_applies_to_grants() {
    let sandbox = start().await;
    sandbox
        .faults()
        .rate_limit(Target::Sso, 1, Some(Duration::from_secs(3)));

    let limited = sso_grant(&sandbox).await.unwrap();
    let granted = sso_grant(&sandbox).await.unwrap();

    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.headers()["retry-after"], "3");
    assert_eq!(granted.status(), StatusCode::OK);
    assert_eq!(sandbox.sso_request_count(), 2);
    assert_eq!(sandbox.sso_grant_count(), 1);
}

#[tokio::test]
async fn drop_before_apply_resets_and_creates_nothing() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    sandbox
        .faults()
        .drop_connection(Target::Create, 1, DropPoint::BeforeApply);

    let result = http()
        .post(platform_url(&sandbox, ""))
        .bearer_auth(&bearer)
        .json(&create_body("lost"))
        .send()
        .await;

    let error = result.expect_err("the connection is reset without a response");
    assert!(
        error.is_request() || error.is_connect() || error.is_body(),
        "{error:?}"
    );
    assert_eq!(sandbox.token_names(), ["sandbox seed token"]);
}

#[tokio::test]
async fn drop_after_apply_resets_but_creates_the_token() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    sandbox
        .faults()
        .drop_connection(Target::Create, 1, DropPoint::AfterApply);

    let result = http()
        .post(platform_url(&sandbox, ""))
        .bearer_auth(&bearer)
        .json(&create_body("orphan"))
        .send()
        .await;

    assert!(
        result.is_err(),
        "the connection is reset without a response"
    );
    assert_eq!(sandbox.token_names(), ["sandbox seed token", "orphan"]);
    let (_, page) = get_json(
        &sandbox,
        &bearer,
        "?apiTokenSelector=personalAccessToken(false)",
    )
    .await;
    assert_eq!(page["totalCount"], 2);
}

#[tokio::test]
async fn drop_after_apply_on_sso_issues_a_bearer() {
    let sandbox = start().await;
    sandbox
        .faults()
        .drop_connection(Target::Sso, 1, DropPoint::AfterApply);

    let result = sso_grant(&sandbox).await;

    assert!(result.is_err());
    assert_eq!(sandbox.sso_grant_count(), 1);
}

#[tokio::test]
async fn server_keeps_serving_after_a_reset() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    sandbox
        .faults()
        .drop_connection(Target::TokenApi, 1, DropPoint::BeforeApply);

    let client = http();
    let first = client
        .get(platform_url(&sandbox, ""))
        .bearer_auth(&bearer)
        .send()
        .await;
    let second = client
        .get(platform_url(&sandbox, ""))
        .bearer_auth(&bearer)
        .send()
        .await
        .unwrap();

    assert!(first.is_err());
    assert_eq!(second.status(), StatusCode::OK);
}

#[tokio::test]
async fn truncated_body_fails_to_read() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    sandbox.faults().truncate_body(Target::Create, 1);

    let response = create(&sandbox, &bearer, &create_body("cut")).await;

    assert_eq!(response.status(), StatusCode::CREATED);
    let declared: usize = response.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(declared > 0);
    assert!(
        response.bytes().await.is_err(),
        "reading a truncated body must fail"
    );
    assert_eq!(sandbox.token_names(), ["sandbox seed token", "cut"]);
}

#[tokio::test]
async fn slow_body_arrives_whole() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    sandbox
        .faults()
        .slow_body(Target::TokenApi, 1, Duration::from_millis(200));

    let response = http()
        .get(platform_url(&sandbox, ""))
        .bearer_auth(&bearer)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    let declared: usize = response.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let body = response.bytes().await.unwrap();
    assert_eq!(body.len(), declared);
    let page: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(page["totalCount"], 1);
}

#[tokio::test]
async fn html_body_replaces_json() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    sandbox.faults().html_body(Target::TokenApi, 1);

    let response = http()
        .get(platform_url(&sandbox, ""))
        .bearer_auth(&bearer)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(response.text().await.unwrap().contains("<html"));
}

#[tokio::test]
async fn omitted_secret_still_creates_the_token() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    sandbox.faults().omit_token_secret(1);

    let first = create_ok(&sandbox, &bearer, "secretless").await;
    let second = create_ok(&sandbox, &bearer, "with secret").await;

    assert!(first["id"].is_string());
    assert!(first.get("token").is_none(), "{first}");
    assert!(second["token"].is_string());
    assert_eq!(
        sandbox.token_names(),
        ["sandbox seed token", "secretless", "with secret"]
    );
}

#[tokio::test]
async fn clock_skew_shifts_the_date_header() {
    let sandbox = start().await;
    sandbox
        .faults()
        .set_clock_skew(jiff::SignedDuration::from_hours(2));

    let response = http().get(url(&sandbox, "ui/")).send().await.unwrap();

    let date = response.headers()["date"].to_str().unwrap();
    let server_time = jiff::fmt::rfc2822::parse(date).unwrap().timestamp();
    let skew = server_time.duration_since(jiff::Timestamp::now());
    assert!(skew > jiff::SignedDuration::from_mins(115), "{date}");
    assert!(skew < jiff::SignedDuration::from_mins(125), "{date}");
}

#[tokio::test]
async fn latency_delays_but_still_answers() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    sandbox.faults().set_latency(Duration::from_millis(50));

    let status = list_status(&sandbox, &bearer).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        sandbox.faults().snapshot().latency,
        Duration::from_millis(50)
    );
}

#[tokio::test]
async fn reset_turns_every_knob_off() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    let faults = sandbox.faults();
    faults.rate_limit(Target::TokenApi, 5, None);
    faults.omit_token_secret(3);
    faults.reject_environment_api_scopes(true);
    faults.set_clock_skew(jiff::SignedDuration::from_hours(1));

    faults.reset();

    assert_eq!(list_status(&sandbox, &bearer).await, StatusCode::OK);
    let snapshot = faults.snapshot();
    assert!(snapshot.rules.is_empty());
    assert_eq!(snapshot.omit_token_secret, 0);
    assert!(!snapshot.reject_environment_api_scopes);
    assert_eq!(snapshot.clock_skew, jiff::SignedDuration::ZERO);
}

#[tokio::test]
async fn admin_api_arms_faults() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    let faults = json!([
        { "fault": "rateLimit", "target": "tokenApi", "count": 1, "retryAfterMs": 1000 },
        { "fault": "serverError", "target": "create", "count": 1, "status": 500 },
        { "fault": "omitTokenSecret", "count": 1 },
    ]);

    let armed = http()
        .post(url(&sandbox, "__sandbox/faults"))
        .json(&faults)
        .send()
        .await
        .unwrap();
    let limited = list_status(&sandbox, &bearer).await;
    let failed = create(&sandbox, &bearer, &create_body("x")).await.status();
    let secretless = create_ok(&sandbox, &bearer, "secretless").await;

    assert_eq!(armed.status(), StatusCode::OK);
    let state: Value = armed.json().await.unwrap();
    assert_eq!(state["faults"]["rules"].as_array().unwrap().len(), 2);
    assert_eq!(state["faults"]["omitTokenSecret"], 1);
    assert_eq!(limited, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(failed, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(secretless.get("token").is_none());
}

#[tokio::test]
async fn admin_api_arms_a_single_fault() {
    let sandbox = start().await;
    let fault =
        json!({ "fault": "dropConnection", "target": "sso", "count": 1, "when": "beforeApply" });

    let armed = http()
        .post(url(&sandbox, "__sandbox/faults"))
        .json(&fault)
        .send()
        .await
        .unwrap();
    let dropped = sso_grant(&sandbox).await;

    assert_eq!(armed.status(), StatusCode::OK);
    assert!(dropped.is_err());
    assert_eq!(sandbox.sso_grant_count(), 0);
}

#[tokio::test]
async fn admin_api_rejects_malformed_faults() {
    let sandbox = start().await;

    for body in [
        json!({ "fault": "explode" }),
        json!({ "fault": "serverError", "target": "sso", "count": 1, "status": 404 }),
        json!({ "fault": "rateLimit", "target": "everything", "count": 1 }),
    ] {
        let response = http()
            .post(url(&sandbox, "__sandbox/faults"))
            .json(&body)
            .send()
            .await
            .unwrap();

        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        let error: Value = response.json().await.unwrap();
        assert!(error["error"].is_string());
    }
    assert!(sandbox.faults().snapshot().rules.is_empty());
}

#[tokio::test]
async fn admin_state_reports_counters_and_tokens() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    create_ok(&sandbox, &bearer, "counted").await;

    let state: Value = http()
        .get(url(&sandbox, "__sandbox/state"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(state["tokenCount"], 2);
    assert_eq!(
        state["tokenNames"],
        json!(["sandbox seed token", "counted"])
    );
    assert_eq!(state["ssoGrantCount"], 1);
    assert_eq!(state["requestCount"], 1);
    assert_eq!(state["environmentId"], seed::ENVIRONMENT_ID);
    assert_eq!(state["baseUrl"], sandbox.base_url().as_str());
}

#[tokio::test]
async fn admin_reset_restores_the_seed() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    create_ok(&sandbox, &bearer, "temporary").await;
    sandbox.faults().rate_limit(Target::Sso, 3, None);

    let response = http()
        .post(url(&sandbox, "__sandbox/reset"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(sandbox.token_names(), ["sandbox seed token"]);
    assert_eq!(sandbox.sso_grant_count(), 0);
    assert_eq!(sandbox.request_count(), 0);
    assert!(sandbox.faults().snapshot().rules.is_empty());
    let (status, _) = get_json(&sandbox, &bearer, "").await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "reset forgets issued bearers"
    );
}

#[tokio::test]
async fn admin_calls_are_not_faulted_or_counted() {
    let sandbox = start().await;
    sandbox.faults().server_error(Target::TokenApi, 5, 500);
    sandbox.faults().server_error(Target::Sso, 5, 500);

    let response = http()
        .get(url(&sandbox, "__sandbox/state"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(sandbox.request_count(), 0);
    assert_eq!(sandbox.sso_request_count(), 0);
}

#[tokio::test]
async fn faults_apply_on_classic_paths() {
    let sandbox = start().await;
    sandbox.faults().rate_limit(Target::TokenApi, 1, None);

    let response = http()
        .get(classic_url(&sandbox, ""))
        .header("Authorization", api_token_header(seed::API_TOKEN))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["dynatrace-response-source"], "Server");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], 429);
}

#[tokio::test]
async fn admin_api_sets_every_knob() {
    let sandbox = start().await;
    let faults = json!([
        { "fault": "latency", "delayMs": 5 },
        { "fault": "truncateBody", "target": "create", "count": 1 },
        { "fault": "slowBody", "target": "tokenApi", "count": 2, "delayMs": 10 },
        { "fault": "htmlBody", "target": "sso", "count": 3 },
        { "fault": "clockSkew", "skewMs": -600000 },
        { "fault": "rejectEnvironmentApiScopes", "on": true },
    ]);

    let response = http()
        .post(url(&sandbox, "__sandbox/faults"))
        .json(&faults)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    let snapshot = sandbox.faults().snapshot();
    assert_eq!(snapshot.latency, Duration::from_millis(5));
    assert_eq!(snapshot.clock_skew, jiff::SignedDuration::from_mins(-10));
    assert!(snapshot.reject_environment_api_scopes);
    let armed: Vec<(Target, u32)> = snapshot
        .rules
        .iter()
        .map(|rule| (rule.target, rule.remaining))
        .collect();
    assert_eq!(
        armed,
        [(Target::Create, 1), (Target::TokenApi, 2), (Target::Sso, 3)]
    );
    let state: Value = response.json().await.unwrap();
    assert_eq!(state["faults"]["rules"][1]["action"]["kind"], "slowBody");
    assert_eq!(state["faults"]["rules"][1]["action"]["delayMs"], 10);
    assert_eq!(state["faults"]["clockSkewMs"], -600000);

    let cleared = http()
        .post(url(&sandbox, "__sandbox/faults"))
        .json(&json!({ "fault": "clear" }))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), StatusCode::OK);
    assert!(sandbox.faults().snapshot().rules.is_empty());
    assert_eq!(sandbox.faults().snapshot().latency, Duration::ZERO);
}

#[tokio::test]
async fn html_body_on_sso_replaces_the_grant() {
    let sandbox = start().await;
    sandbox.faults().html_body(Target::Sso, 1);

    let response = sso_grant(&sandbox).await.unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(sandbox.sso_grant_count(), 0);
}

async fn arm(sandbox: &dynatrace_sandbox::Sandbox, fault: Value) -> (StatusCode, Value) {
    let response = http()
        .post(url(sandbox, "__sandbox/faults"))
        .json(&fault)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn admin_api_rejects_skew_and_delays_out_of_range() {
    let sandbox = start().await;

    for fault in [
        json!({ "fault": "clockSkew", "skewMs": i64::MAX }),
        json!({ "fault": "clockSkew", "skewMs": i64::MIN }),
        json!({ "fault": "latency", "delayMs": u64::MAX }),
        json!({ "fault": "slowBody", "target": "tokenApi", "count": 1, "delayMs": 600_001 }),
    ] {
        let (status, body) = arm(&sandbox, fault.clone()).await;

        assert_eq!(status, StatusCode::BAD_REQUEST, "{fault}");
        assert!(
            body["error"].as_str().unwrap().contains("must be between"),
            "{body}"
        );
    }
    let snapshot = sandbox.faults().snapshot();
    assert_eq!(snapshot.clock_skew, jiff::SignedDuration::ZERO);
    assert_eq!(snapshot.latency, Duration::ZERO);
    assert!(snapshot.rules.is_empty());
}

#[tokio::test]
async fn largest_skew_still_answers_with_a_date() {
    let sandbox = start().await;
    let (status, _) = arm(
        &sandbox,
        json!({ "fault": "clockSkew", "skewMs": -315_576_000_000_i64 }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let response = http()
        .get(url(&sandbox, "__sandbox/state"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    let date = response.headers()["date"].to_str().unwrap().to_owned();
    assert!(date.ends_with("GMT"), "{date}");
}

#[test]
fn setters_cut_values_to_their_bounds() {
    let faults = dynatrace_sandbox::Faults::default();

    faults.set_clock_skew(jiff::SignedDuration::MAX);
    faults.set_latency(Duration::MAX);

    let snapshot = faults.snapshot();
    assert_eq!(snapshot.clock_skew, dynatrace_sandbox::MAX_CLOCK_SKEW);
    assert_eq!(snapshot.latency, dynatrace_sandbox::MAX_DELAY);
}
