//! The SSO token endpoint and the authorization redirect.

mod common;

use std::time::Duration;

use common::*;
use dynatrace_sandbox::{SandboxConfig, seed};
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::Value;

fn resource() -> String {
    format!("urn:dtaccount:{}", seed::ACCOUNT_UUID)
}

#[tokio::test]
async fn grant_returns_bearer_with_requested_scopes() {
    let sandbox = start().await;
    let resource = resource();

    let response = request_token(
        &sandbox,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", seed::CLIENT_ID),
            ("client_secret", seed::CLIENT_SECRET),
            ("scope", "environment-api:api-tokens:read"),
            ("resource", &resource),
        ],
    )
    .await;

    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert!(body["access_token"].as_str().unwrap().len() >= 32);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 300);
    assert_eq!(body["scope"], "environment-api:api-tokens:read");
    assert_eq!(body["resource"], resource);
    assert_eq!(sandbox.sso_grant_count(), 1);
}

#[tokio::test]
async fn bearers_are_distinct_per_grant() {
    let sandbox = start().await;

    let first = bearer(&sandbox).await;
    let second = bearer(&sandbox).await;

    assert_ne!(first, second);
    assert_eq!(sandbox.sso_grant_count(), 2);
}

#[tokio::test]
async fn grant_without_scope_or_resource_holds_all_client_scopes() {
    let sandbox = start().await;

    let response = request_token(
        &sandbox,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", seed::CLIENT_ID),
            ("client_secret", seed::CLIENT_SECRET),
        ],
    )
    .await;

    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    let scope = body["scope"].as_str().unwrap();
    for expected in [
        "environment-api:api-tokens:read",
        "environment-api:api-tokens:write",
        "environment-api:deployment:download",
    ] {
        assert!(
            scope.split(' ').any(|granted| granted == expected),
            "{expected} missing in {scope}"
        );
    }
    assert_eq!(body["resource"], resource());
}

#[tokio::test]
async fn environment_resource_is_accepted() {
    let sandbox = start().await;
    let resource = format!("urn:dtenvironment:{}", seed::ENVIRONMENT_ID);

    let response = request_token(
        &sandbox,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", seed::CLIENT_ID),
            ("client_secret", seed::CLIENT_SECRET),
            ("resource", &resource),
        ],
    )
    .await;

    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["resource"], resource);
}

#[tokio::test]
async fn wrong_secret_is_invalid_request() {
    let sandbox = start().await;
    let wrong_secret = format!("{}.{}", seed::CLIENT_ID, "A".repeat(64));

    for (client_id, secret) in [
        (seed::CLIENT_ID, wrong_secret.as_str()),
        ("dt0s02.UNKNOWN1", seed::CLIENT_SECRET),
        (seed::CLIENT_ID, ""),
    ] {
        let response = request_token(
            &sandbox,
            &[
                ("grant_type", "client_credentials"),
                ("client_id", client_id),
                ("client_secret", secret),
            ],
        )
        .await;

        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{client_id}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "invalid_request");
        let description = body["error_description"].as_str().unwrap();
        assert!(
            description.contains("client ID or secret is not correct"),
            "{description}"
        );
    }
    assert_eq!(sandbox.sso_grant_count(), 0);
}

#[tokio::test]
async fn missing_scope_is_named_in_brackets() {
    let sandbox = start().await;

    let response = request_token(
        &sandbox,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", seed::READ_ONLY_CLIENT_ID),
            ("client_secret", seed::READ_ONLY_CLIENT_SECRET),
            (
                "scope",
                "environment-api:api-tokens:read environment-api:api-tokens:write",
            ),
        ],
    )
    .await;

    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
    let description = body["error_description"].as_str().unwrap();
    assert!(
        description.ends_with("[environment-api:api-tokens:write]"),
        "{description}"
    );
}

#[tokio::test]
async fn several_missing_scopes_are_all_listed() {
    let sandbox = start().await;

    let response = request_token(
        &sandbox,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", seed::LEGACY_CLIENT_ID),
            ("client_secret", seed::LEGACY_CLIENT_SECRET),
            (
                "scope",
                "environment-api:api-tokens:read environment-api:api-tokens:write",
            ),
        ],
    )
    .await;

    let body: Value = response.json().await.unwrap();
    let description = body["error_description"].as_str().unwrap();
    assert!(
        description
            .ends_with("[environment-api:api-tokens:read, environment-api:api-tokens:write]"),
        "{description}"
    );
}

#[tokio::test]
async fn wrong_resource_is_named() {
    let sandbox = start().await;
    let wrong = "urn:dtaccount:00000000-0000-4000-8000-000000000000";

    let response = request_token(
        &sandbox,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", seed::CLIENT_ID),
            ("client_secret", seed::CLIENT_SECRET),
            ("resource", wrong),
        ],
    )
    .await;

    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
    assert!(body["error_description"].as_str().unwrap().contains(wrong));
}

#[tokio::test]
async fn unknown_grant_type_is_unsupported() {
    let sandbox = start().await;

    let response = request_token(
        &sandbox,
        &[
            ("grant_type", "password"),
            ("client_id", seed::CLIENT_ID),
            ("client_secret", seed::CLIENT_SECRET),
        ],
    )
    .await;

    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "unsupported_grant_type");
}

#[tokio::test]
async fn missing_client_id_gets_dynatrace_error_shape() {
    let sandbox = start().await;

    let response = request_token(
        &sandbox,
        &[
            ("grant_type", "client_credentials"),
            ("client_secret", seed::CLIENT_SECRET),
        ],
    )
    .await;

    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errorCode"], 400);
    assert_eq!(body["message"], "Bad Request");
    let issue_id = body["issueId"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(issue_id).is_ok(), "{issue_id}");
}

#[tokio::test]
async fn json_body_gets_dynatrace_error_shape() {
    let sandbox = start().await;

    let response = http()
        .post(url(&sandbox, "sso/oauth2/token"))
        .json(&serde_json::json!({
            "grant_type": "client_credentials",
            "client_id": seed::CLIENT_ID,
            "client_secret": seed::CLIENT_SECRET,
        }))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errorCode"], 400);
}

#[tokio::test]
async fn bearer_lifetime_comes_from_config() {
    let config = SandboxConfig {
        bearer_lifetime: Duration::from_secs(42),
        ..SandboxConfig::default()
    };
    let sandbox = start_with(config).await;

    let response = request_token(
        &sandbox,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", seed::CLIENT_ID),
            ("client_secret", seed::CLIENT_SECRET),
        ],
    )
    .await;

    let body: Value = response.json().await.unwrap();
    assert_eq!(body["expires_in"], 42);
}

#[tokio::test]
async fn expired_bearer_is_unauthorized() {
    let config = SandboxConfig {
        bearer_lifetime: Duration::ZERO,
        ..SandboxConfig::default()
    };
    let sandbox = start_with(config).await;
    let bearer = bearer(&sandbox).await;

    let (status, body) = get_json(&sandbox, &bearer, "").await;

    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("expired")
    );
}

#[tokio::test]
async fn rejected_environment_api_scopes_fail_the_grant() {
    let sandbox = start().await;
    sandbox.faults().reject_environment_api_scopes(true);

    let response = request_token(
        &sandbox,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", seed::CLIENT_ID),
            ("client_secret", seed::CLIENT_SECRET),
            ("scope", "environment-api:api-tokens:write"),
        ],
    )
    .await;

    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .ends_with("[environment-api:api-tokens:write]")
    );
}

#[tokio::test]
async fn rejected_environment_api_scopes_spare_legacy_scopes() {
    let sandbox = start().await;
    sandbox.faults().reject_environment_api_scopes(true);

    let bearer = bearer_for(
        &sandbox,
        seed::LEGACY_CLIENT_ID,
        seed::LEGACY_CLIENT_SECRET,
        "api-tokens:tokens:read api-tokens:tokens:write",
    )
    .await;

    assert!(!bearer.is_empty());
}

#[tokio::test]
async fn authorization_redirect_points_at_same_origin_sso() {
    let sandbox = start().await;
    let client = reqwest::Client::builder()
        .no_proxy()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let path = url(&sandbox, "platform/oauth2/authorization/dynatrace-sso");

    for request in [client.head(path.clone()), client.get(path.clone())] {
        let response = request.send().await.unwrap();

        assert_eq!(response.status(), StatusCode::FOUND);
        let location = response.headers()["location"].to_str().unwrap();
        let location = url::Url::parse(location).unwrap();
        assert_eq!(location.origin(), sandbox.base_url().origin());
        assert_eq!(location.path(), "/sso/oauth2/authorize");
    }
}
