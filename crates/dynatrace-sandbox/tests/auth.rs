//! Authentication and scope checks on the platform, classic and Managed paths.

mod common;

use common::*;
use dynatrace_sandbox::{ApiTokenSeed, SandboxConfig, seed};
use reqwest::StatusCode;
use serde_json::Value;

const DISABLED_TOKEN: &str = "dt0c01.DISABLEDTOKENAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const EXPIRED_TOKEN: &str = "dt0c01.EXPIREDTOKENBBBBBBBBBBBB.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
const READ_ONLY_TOKEN: &str = "dt0c01.READONLYTOKENCCCCCCCCCCC.CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC";

fn config_with_extra_tokens() -> SandboxConfig {
    let mut config = SandboxConfig::default();
    let token = |token: &str, scopes: &[&str], enabled: bool, expired: bool| ApiTokenSeed {
        token: token.to_owned(),
        name: format!("test token {}", &token[7..15]),
        scopes: scopes.iter().map(|scope| (*scope).to_owned()).collect(),
        owner: seed::ADMIN_USER_EMAIL.to_owned(),
        enabled,
        expiration_date: expired
            .then(|| jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1)),
    };
    config
        .api_tokens
        .push(token(DISABLED_TOKEN, &["apiTokens.read"], false, false));
    config
        .api_tokens
        .push(token(EXPIRED_TOKEN, &["apiTokens.read"], true, true));
    config
        .api_tokens
        .push(token(READ_ONLY_TOKEN, &["apiTokens.read"], true, false));
    config
}

async fn classic_list(
    sandbox: &dynatrace_sandbox::Sandbox,
    authorization: Option<&str>,
) -> (StatusCode, Value) {
    let mut request = http().get(classic_url(sandbox, ""));
    if let Some(authorization) = authorization {
        request = request.header("Authorization", authorization);
    }
    let response = request.send().await.unwrap();
    (
        response.status(),
        response.json().await.unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn platform_path_without_authorization_is_unauthorized() {
    let sandbox = start().await;

    let response = http().get(platform_url(&sandbox, "")).send().await.unwrap();

    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], 401);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("'Bearer'")
    );
}

#[tokio::test]
async fn api_token_on_platform_path_is_unauthorized() {
    let sandbox = start().await;

    let response = http()
        .get(platform_url(&sandbox, ""))
        .header("Authorization", api_token_header(seed::API_TOKEN))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Unsupported authorization scheme 'Api-Token'")
    );
}

#[tokio::test]
async fn unknown_bearer_is_unauthorized() {
    let sandbox = start().await;

    let (status, body) = get_json(&sandbox, "not-a-bearer-the-sso-issued", "").await;

    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], 401);
}

#[tokio::test]
async fn platform_token_reads_and_writes() {
    let sandbox = start().await;

    let (status, _) = get_json(&sandbox, seed::PLATFORM_TOKEN, "").await;
    let created = create(
        &sandbox,
        seed::PLATFORM_TOKEN,
        &create_body("via platform token"),
    )
    .await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(created.status(), StatusCode::CREATED);
    let id = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, token) = get_json(&sandbox, seed::PLATFORM_TOKEN, &format!("/{id}")).await;
    assert_eq!(token["owner"], seed::ADMIN_USER_EMAIL);
}

#[tokio::test]
async fn unknown_platform_token_is_unauthorized() {
    let sandbox = start().await;
    let wrong = format!("dt0s16.SBXPLAT1.{}", "X".repeat(64));

    let (status, _) = get_json(&sandbox, &wrong, "").await;

    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn read_only_bearer_cannot_create() {
    let sandbox = start().await;
    let bearer = bearer_for(
        &sandbox,
        seed::READ_ONLY_CLIENT_ID,
        seed::READ_ONLY_CLIENT_SECRET,
        "environment-api:api-tokens:read",
    )
    .await;

    let (list_status, _) = get_json(&sandbox, &bearer, "").await;
    let response = create(&sandbox, &bearer, &create_body("denied")).await;

    assert_eq!(list_status, StatusCode::OK);
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], 403);
    assert_eq!(
        body["error"]["details"]["missingScopes"][0],
        "environment-api:api-tokens:write"
    );
    assert_eq!(sandbox.token_count(), 1);
}

#[tokio::test]
async fn write_only_bearer_cannot_list() {
    let sandbox = start().await;
    let bearer = bearer_for(
        &sandbox,
        seed::CLIENT_ID,
        seed::CLIENT_SECRET,
        "environment-api:api-tokens:write",
    )
    .await;

    let (status, body) = get_json(&sandbox, &bearer, "").await;

    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        body["error"]["details"]["missingScopes"][0],
        "environment-api:api-tokens:read"
    );
}

#[tokio::test]
async fn legacy_scopes_are_accepted() {
    let sandbox = start().await;
    let bearer = bearer_for(
        &sandbox,
        seed::LEGACY_CLIENT_ID,
        seed::LEGACY_CLIENT_SECRET,
        "api-tokens:tokens:read api-tokens:tokens:write",
    )
    .await;

    let (status, _) = get_json(&sandbox, &bearer, "").await;
    let created = create(&sandbox, &bearer, &create_body("legacy")).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(created.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn legacy_bearer_is_told_the_legacy_scope_name() {
    let sandbox = start().await;
    let bearer = bearer_for(
        &sandbox,
        seed::LEGACY_CLIENT_ID,
        seed::LEGACY_CLIENT_SECRET,
        "api-tokens:tokens:read",
    )
    .await;

    let response = create(&sandbox, &bearer, &create_body("legacy read only")).await;

    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["error"]["details"]["missingScopes"][0],
        "api-tokens:tokens:write"
    );
}

#[tokio::test]
async fn policy_denied_client_gets_forbidden_without_details() {
    let sandbox = start().await;
    let bearer = bearer_for(
        &sandbox,
        seed::POLICY_DENIED_CLIENT_ID,
        seed::POLICY_DENIED_CLIENT_SECRET,
        "environment-api:api-tokens:read environment-api:api-tokens:write",
    )
    .await;

    let (list_status, _) = get_json(&sandbox, &bearer, "").await;
    let response = create(&sandbox, &bearer, &create_body("denied by policy")).await;

    assert_eq!(list_status, StatusCode::OK);
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], 403);
    assert!(body["error"].get("details").is_none(), "{body}");
    assert!(!body["error"]["message"].as_str().unwrap().is_empty());
}

#[tokio::test]
async fn classic_path_accepts_api_token() {
    let sandbox = start().await;

    let (status, body) = classic_list(&sandbox, Some(&api_token_header(seed::API_TOKEN))).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["totalCount"], 1);
}

#[tokio::test]
async fn classic_path_without_token_is_unauthorized() {
    let sandbox = start().await;

    let (status, body) = classic_list(&sandbox, None).await;

    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], 401);
}

#[tokio::test]
async fn classic_path_rejects_bad_tokens() {
    let sandbox = start_with(config_with_extra_tokens()).await;
    let wrong_secret = format!("dt0c01.SANDBOXSEEDTOKENAPIWRITE.{}", "A".repeat(64));

    for token in [
        DISABLED_TOKEN,
        EXPIRED_TOKEN,
        wrong_secret.as_str(),
        "dt0c01.SHORT.SECRET",
    ] {
        let (status, body) = classic_list(&sandbox, Some(&api_token_header(token))).await;

        assert_eq!(status, StatusCode::UNAUTHORIZED, "{}", &token[..15]);
        assert_eq!(body["error"]["code"], 401);
    }
}

#[tokio::test]
async fn classic_path_rejects_bearer_scheme() {
    let sandbox = start().await;

    let (status, _) = classic_list(&sandbox, Some(&format!("Bearer {}", seed::API_TOKEN))).await;

    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn classic_missing_scope_names_it() {
    let sandbox = start_with(config_with_extra_tokens()).await;

    let response = http()
        .post(classic_url(&sandbox, ""))
        .header("Authorization", api_token_header(READ_ONLY_TOKEN))
        .json(&create_body("denied"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], 403);
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("Token is missing required scope. Use one of: apiTokens.write"),
        "{message}"
    );
    assert!(body["error"].get("details").is_none());
}

#[tokio::test]
async fn managed_path_serves_the_environment() {
    let sandbox = start().await;
    let path = format!("e/{}/api/v2/apiTokens", seed::ENVIRONMENT_ID);

    let response = http()
        .get(url(&sandbox, &path))
        .header("Authorization", api_token_header(seed::API_TOKEN))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["totalCount"], 1);
}

#[tokio::test]
async fn managed_path_with_other_environment_is_not_found() {
    let sandbox = start().await;

    let response = http()
        .get(url(&sandbox, "e/abc99999/api/v2/apiTokens"))
        .header("Authorization", api_token_header(seed::API_TOKEN))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn api_token_use_records_last_used() {
    let sandbox = start().await;

    classic_list(&sandbox, Some(&api_token_header(seed::API_TOKEN))).await;
    let response = http()
        .get(classic_url(&sandbox, "/dt0c01.SANDBOXSEEDTOKENAPIWRITE"))
        .header("Authorization", api_token_header(seed::API_TOKEN))
        .send()
        .await
        .unwrap();

    let body: Value = response.json().await.unwrap();
    assert_eq!(body["lastUsedIpAddress"], "127.0.0.1");
    let last_used: jiff::Timestamp = body["lastUsedDate"].as_str().unwrap().parse().unwrap();
    assert!(last_used <= jiff::Timestamp::now());
}

fn response_source(response: &reqwest::Response) -> String {
    response.headers()["dynatrace-response-source"]
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn platform_responses_name_their_source() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    let read_only = bearer_for(
        &sandbox,
        seed::READ_ONLY_CLIENT_ID,
        seed::READ_ONLY_CLIENT_SECRET,
        "environment-api:api-tokens:read",
    )
    .await;
    let denied = bearer_for(
        &sandbox,
        seed::POLICY_DENIED_CLIENT_ID,
        seed::POLICY_DENIED_CLIENT_SECRET,
        "environment-api:api-tokens:write",
    )
    .await;

    let served = http()
        .get(platform_url(&sandbox, ""))
        .bearer_auth(&bearer)
        .send()
        .await
        .unwrap();
    let unauthenticated = http().get(platform_url(&sandbox, "")).send().await.unwrap();
    let missing_scope = create(&sandbox, &read_only, &create_body("x")).await;
    let policy_denied = create(&sandbox, &denied, &create_body("x")).await;

    assert_eq!(response_source(&served), "Service");
    assert_eq!(response_source(&unauthenticated), "API Gateway");
    assert_eq!(missing_scope.status(), StatusCode::FORBIDDEN);
    assert_eq!(response_source(&missing_scope), "API Gateway");
    assert_eq!(policy_denied.status(), StatusCode::FORBIDDEN);
    assert_eq!(response_source(&policy_denied), "Service");
}

#[tokio::test]
async fn classic_responses_name_server_or_cluster() {
    let sandbox = start().await;
    let authorization = api_token_header(seed::API_TOKEN);
    let managed = url(
        &sandbox,
        &format!("e/{}/api/v2/apiTokens", seed::ENVIRONMENT_ID),
    );

    let live = http()
        .get(classic_url(&sandbox, ""))
        .header("Authorization", &authorization)
        .send()
        .await
        .unwrap();
    let cluster = http()
        .get(managed)
        .header("Authorization", &authorization)
        .send()
        .await
        .unwrap();

    assert_eq!(response_source(&live), "Server");
    assert_eq!(response_source(&cluster), "Cluster");
}

#[tokio::test]
async fn managed_path_gets_updates_and_deletes() {
    let sandbox = start().await;
    let authorization = api_token_header(seed::API_TOKEN);
    let tokens = format!("e/{}/api/v2/apiTokens", seed::ENVIRONMENT_ID);
    let created: Value = http()
        .post(url(&sandbox, &tokens))
        .header("Authorization", &authorization)
        .json(&create_body("managed"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token_url = url(
        &sandbox,
        &format!("{tokens}/{}", created["id"].as_str().unwrap()),
    );

    let fetched = http()
        .get(token_url.clone())
        .header("Authorization", &authorization)
        .send()
        .await
        .unwrap();
    let updated = http()
        .put(token_url.clone())
        .header("Authorization", &authorization)
        .json(&serde_json::json!({ "name": "managed renamed" }))
        .send()
        .await
        .unwrap();
    let deleted = http()
        .delete(token_url)
        .header("Authorization", &authorization)
        .send()
        .await
        .unwrap();

    assert_eq!(fetched.status(), StatusCode::OK);
    assert_eq!(fetched.json::<Value>().await.unwrap()["name"], "managed");
    assert_eq!(updated.status(), StatusCode::NO_CONTENT);
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(sandbox.token_names(), ["sandbox seed token"]);
}
