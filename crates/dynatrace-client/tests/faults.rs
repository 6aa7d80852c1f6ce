//! Every fault knob of the sandbox, and what the client makes of it.

mod common;

use std::time::{Duration, Instant};

use common::*;
use dynatrace_client::{ClientConfig, ErrorCode, ListQuery, RetryPolicy};
use dynatrace_sandbox::{DropPoint, Target};

fn count_named(sandbox: &dynatrace_sandbox::Sandbox, name: &str) -> usize {
    sandbox
        .token_names()
        .iter()
        .filter(|stored| stored.as_str() == name)
        .count()
}

#[tokio::test]
async fn create_dropped_after_apply_is_recovered_once() {
    let sandbox = start().await;
    let client = client();
    for (label, api) in all_auth_kinds(&sandbox, &client) {
        let name = format!("dropped after apply {label}");
        sandbox
            .faults()
            .drop_connection(Target::Create, 1, DropPoint::AfterApply);

        let error = api.create(&create_request(&name)).await.unwrap_err();
        assert_eq!(
            error.code,
            ErrorCode::CreatedNotDelivered,
            "{label}: {error:?}"
        );
        let id = error.token_id.clone().expect("token ID of the lost token");
        assert!(id.starts_with("dt0c01."), "{label}");
        assert!(error.message.contains(&id), "{label}");
        assert!(error.message.contains("delete"), "{label}");
        assert_eq!(count_named(&sandbox, &name), 1, "{label}: never duplicated");
        assert_error_clean(&error);

        api.delete(&id).await.unwrap();
        assert_eq!(count_named(&sandbox, &name), 0, "{label}");
    }
    sandbox.stop().await;
}

#[tokio::test]
async fn create_dropped_before_apply_fails_cleanly() {
    let sandbox = start().await;
    let client = client();
    let api = api(&sandbox, &client, main_oauth());
    sandbox
        .faults()
        .drop_connection(Target::Create, 1, DropPoint::BeforeApply);

    let error = api
        .create(&create_request("dropped before apply"))
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Connect, "{error:?}");
    assert!(error.message.contains("was found yet"), "{}", error.message);
    assert_eq!(count_named(&sandbox, "dropped before apply"), 0);

    api.create(&create_request("dropped before apply"))
        .await
        .unwrap();
    assert_eq!(count_named(&sandbox, "dropped before apply"), 1);
    sandbox.stop().await;
}

#[tokio::test]
async fn create_server_error_is_not_retried_blindly() {
    let sandbox = start().await;
    let client = client();
    let api = api(&sandbox, &client, main_oauth());
    sandbox.faults().server_error(Target::Create, 1, 503);

    let error = api.create(&create_request("after 503")).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::ServerError);
    assert_eq!(error.status, Some(503));
    assert!(error.message.contains("was found yet"), "{}", error.message);
    assert_eq!(count_named(&sandbox, "after 503"), 0);
    sandbox.stop().await;
}

#[tokio::test]
async fn create_rate_limit_is_retried_without_duplicate() {
    let sandbox = start().await;
    let client = client();
    let api = api(&sandbox, &client, api_token());
    sandbox
        .faults()
        .rate_limit(Target::Create, 1, Some(Duration::from_secs(1)));

    api.create(&create_request("after 429")).await.unwrap();
    assert_eq!(count_named(&sandbox, "after 429"), 1);
    sandbox.stop().await;
}

#[tokio::test]
async fn slow_create_is_recovered() {
    let sandbox = start().await;
    let client = client_with(ClientConfig {
        request_timeout: Duration::from_secs(1),
        retry: fast_retry(),
        ..ClientConfig::default()
    });
    let api = api(&sandbox, &client, platform_token());
    sandbox
        .faults()
        .slow_body(Target::Create, 1, Duration::from_secs(3));

    let error = api
        .create(&create_request("slow create"))
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::CreatedNotDelivered, "{error:?}");
    assert!(error.token_id.is_some());
    assert_eq!(count_named(&sandbox, "slow create"), 1);
    sandbox.stop().await;
}

#[tokio::test]
async fn truncated_create_is_recovered() {
    let sandbox = start().await;
    let client = client();
    let api = api(&sandbox, &client, main_oauth());
    sandbox.faults().truncate_body(Target::Create, 1);

    let error = api
        .create(&create_request("truncated create"))
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::CreatedNotDelivered, "{error:?}");
    assert_eq!(count_named(&sandbox, "truncated create"), 1);
    assert_error_clean(&error);
    sandbox.stop().await;
}

#[tokio::test]
async fn list_waits_for_retry_after() {
    let sandbox = start().await;
    let client = client();
    let api = api(&sandbox, &client, api_token());
    sandbox
        .faults()
        .rate_limit(Target::TokenApi, 1, Some(Duration::from_secs(2)));

    let started = Instant::now();
    let tokens = api.list(&ListQuery::default()).await.unwrap();
    assert_eq!(tokens.len(), 1);
    // A lower bound on the wait the server asked for, not a speed check.
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn rate_limit_beyond_attempts_reports_delay() {
    let sandbox = start().await;
    let client = client_with(ClientConfig {
        retry: RetryPolicy {
            max_attempts: 1,
            ..fast_retry()
        },
        ..ClientConfig::default()
    });
    let api = api(&sandbox, &client, api_token());
    sandbox.faults().rate_limit(Target::TokenApi, 1, None);

    let error = api.list(&ListQuery::default()).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::RateLimited);
    let delay = error.retry_after.expect("delay from X-RateLimit-Reset");
    assert!(delay >= Duration::from_secs(1), "{delay:?}");
    assert!(delay <= Duration::from_secs(300), "{delay:?}");
    sandbox.stop().await;
}

#[tokio::test]
async fn gateway_errors_on_reads_are_retried() {
    let sandbox = start().await;
    let client = client();
    for (label, api) in all_auth_kinds(&sandbox, &client) {
        for status in [502, 503, 504] {
            sandbox.faults().server_error(Target::TokenApi, 2, status);
            let tokens = api.list(&ListQuery::default()).await.expect(label);
            assert_eq!(tokens.len(), 1, "{label} after {status}");
        }
    }
    sandbox.stop().await;
}

#[tokio::test]
async fn internal_server_error_is_reported() {
    let sandbox = start().await;
    let client = client();
    let api = api(&sandbox, &client, main_oauth());
    sandbox.faults().server_error(Target::TokenApi, 1, 500);

    let error = api.list(&ListQuery::default()).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::ServerError);
    assert_eq!(error.status, Some(500));
    assert_error_clean(&error);
    sandbox.stop().await;
}

#[tokio::test]
async fn dropped_read_is_retried() {
    let sandbox = start().await;
    let client = client();
    let api = api(&sandbox, &client, main_oauth());
    sandbox
        .faults()
        .drop_connection(Target::TokenApi, 1, DropPoint::BeforeApply);
    assert_eq!(api.list(&ListQuery::default()).await.unwrap().len(), 1);
    sandbox.stop().await;
}

#[tokio::test]
async fn truncated_list_is_malformed() {
    let sandbox = start().await;
    let client = client();
    for (label, api) in all_auth_kinds(&sandbox, &client) {
        sandbox.faults().truncate_body(Target::TokenApi, 1);
        let error = api.list(&ListQuery::default()).await.unwrap_err();
        assert_eq!(
            error.code,
            ErrorCode::MalformedResponse,
            "{label}: {error:?}"
        );
        assert!(
            error.message.contains("cut off"),
            "{label}: {}",
            error.message
        );
        assert_error_clean(&error);
    }
    sandbox.stop().await;
}

#[tokio::test]
async fn slow_read_times_out_then_succeeds_on_retry() {
    let sandbox = start().await;
    let client = client_with(ClientConfig {
        request_timeout: Duration::from_secs(1),
        retry: fast_retry(),
        ..ClientConfig::default()
    });
    let api = api(&sandbox, &client, api_token());
    sandbox
        .faults()
        .slow_body(Target::TokenApi, 1, Duration::from_secs(3));
    assert_eq!(api.list(&ListQuery::default()).await.unwrap().len(), 1);

    sandbox
        .faults()
        .slow_body(Target::TokenApi, 4, Duration::from_secs(3));
    let error = api.list(&ListQuery::default()).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::Timeout);
    assert!(error.message.contains("127.0.0.1"), "{}", error.message);
    sandbox.stop().await;
}

#[tokio::test]
async fn html_page_is_unexpected_content() {
    let sandbox = start().await;
    let client = client();
    for (label, api) in all_auth_kinds(&sandbox, &client) {
        sandbox.faults().html_body(Target::TokenApi, 1);
        let error = api.list(&ListQuery::default()).await.unwrap_err();
        assert_eq!(error.code, ErrorCode::UnexpectedContent, "{label}");
        assert!(
            error.message.contains("web page"),
            "{label}: {}",
            error.message
        );
        assert!(
            error.message.contains("need"),
            "{label}: names the host to use"
        );
        assert_error_clean(&error);
    }
    sandbox.stop().await;
}

#[tokio::test]
async fn created_without_secret_is_reported_with_id() {
    let sandbox = start().await;
    let client = client();
    for (label, api) in all_auth_kinds(&sandbox, &client) {
        let name = format!("no secret {label}");
        sandbox.faults().omit_token_secret(1);
        let error = api.create(&create_request(&name)).await.unwrap_err();
        assert_eq!(error.code, ErrorCode::TokenSecretMissing, "{label}");
        let id = error.token_id.clone().expect("ID of the created token");
        assert!(error.message.contains(&id), "{label}");
        assert_eq!(count_named(&sandbox, &name), 1, "{label}");
        api.delete(&id).await.unwrap();
    }
    sandbox.stop().await;
}

#[tokio::test]
async fn clock_skew_is_reported() {
    let sandbox = start().await;
    sandbox
        .faults()
        .set_clock_skew(jiff::SignedDuration::from_mins(10));
    let client = client();
    for (label, api) in all_auth_kinds(&sandbox, &client) {
        let report = api.check_connection().await.expect(label);
        let clock_warnings: Vec<_> = report
            .warnings
            .iter()
            .filter(|w| w.contains("clock"))
            .collect();
        assert_eq!(clock_warnings.len(), 1, "{label}: {:?}", report.warnings);
        let warning = clock_warnings[0];
        assert!(warning.contains("10 minutes ahead"), "{label}: {warning}");
    }
    sandbox.stop().await;
}

#[tokio::test]
async fn latency_only_slows_calls() {
    let sandbox = start().await;
    sandbox.faults().set_latency(Duration::from_millis(200));
    let client = client();
    for (label, api) in all_auth_kinds(&sandbox, &client) {
        assert_eq!(
            api.list(&ListQuery::default()).await.expect(label).len(),
            1,
            "{label}"
        );
    }
    sandbox.stop().await;
}

/// A colleague's token with the same name must never be taken for the one a lost create made.
#[tokio::test]
async fn lost_create_skips_colleague_token() {
    let sandbox = start().await;
    let client = client();
    let colleague = api(&sandbox, &client, api_token())
        .create(&create_request("nightly-ingest"))
        .await
        .unwrap();
    let api = api(&sandbox, &client, main_oauth());
    sandbox
        .faults()
        .drop_connection(Target::Create, 1, DropPoint::BeforeApply);

    let error = api
        .create(&create_request("nightly-ingest"))
        .await
        .unwrap_err();
    assert_ne!(error.code, ErrorCode::CreatedNotDelivered, "{error:?}");
    assert_eq!(error.token_id, None, "{error:?}");
    assert!(!error.message.contains(&colleague.id), "{}", error.message);
    assert_eq!(count_named(&sandbox, "nightly-ingest"), 1);
    sandbox.stop().await;
}

/// With a colleague's same-name token present, the token a lost create made is still found,
/// and the message names its owner and creation time.
#[tokio::test]
async fn lost_create_found_beside_colleague_token() {
    let sandbox = start().await;
    let client = client();
    let colleague = api(&sandbox, &client, api_token())
        .create(&create_request("nightly-ingest"))
        .await
        .unwrap();
    let api = api(&sandbox, &client, main_oauth());
    sandbox
        .faults()
        .drop_connection(Target::Create, 1, DropPoint::AfterApply);

    let error = api
        .create(&create_request("nightly-ingest"))
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::CreatedNotDelivered, "{error:?}");
    let id = error.token_id.clone().expect("ID of the lost token");
    assert_ne!(id, colleague.id);
    let ours = api.get(&id).await.unwrap();
    assert_eq!(
        ours.owner.as_deref(),
        Some(dynatrace_sandbox::seed::SERVICE_USER_EMAIL)
    );
    assert!(
        error
            .message
            .contains(dynatrace_sandbox::seed::SERVICE_USER_EMAIL),
        "{}",
        error.message
    );
    assert!(error.message.contains("created 20"), "{}", error.message);
    assert_eq!(count_named(&sandbox, "nightly-ingest"), 2);
    assert_error_clean(&error);
    sandbox.stop().await;
}

/// When the tokens cannot be listed before the create, a lost create is reported with its
/// candidates but without a token ID, so nothing is offered for revoking.
#[tokio::test]
async fn unlisted_lost_create_has_no_id() {
    let sandbox = start().await;
    let client = client();
    let api = api(&sandbox, &client, api_token());
    // The first token call (the list before the create) fails, then the create is lost.
    sandbox.faults().server_error(Target::TokenApi, 1, 500);
    sandbox
        .faults()
        .drop_connection(Target::Create, 1, DropPoint::AfterApply);

    let error = api
        .create(&create_request("unlisted create"))
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::CreatedNotDelivered, "{error:?}");
    assert_eq!(error.token_id, None, "{error:?}");
    assert_eq!(count_named(&sandbox, "unlisted create"), 1);
    let created = api
        .list(&ListQuery::default())
        .await
        .unwrap()
        .into_iter()
        .find(|token| token.name.as_deref() == Some("unlisted create"))
        .and_then(|token| token.id)
        .unwrap();
    assert!(error.message.contains(&created), "{}", error.message);
    assert!(
        error.message.contains("before revoking"),
        "{}",
        error.message
    );
    assert_error_clean(&error);
    sandbox.stop().await;
}
