//! Helpers shared by the integration tests: every test talks to a real sandbox over loopback
//! HTTP.

#![allow(dead_code)]

use dynatrace_sandbox::{Sandbox, SandboxConfig, seed};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use url::Url;

pub const TOKENS_PATH: &str = "platform/classic/environment-api/v2/apiTokens";
pub const CLASSIC_TOKENS_PATH: &str = "api/v2/apiTokens";

pub async fn start() -> Sandbox {
    start_with(SandboxConfig::default()).await
}

pub async fn start_with(config: SandboxConfig) -> Sandbox {
    Sandbox::start(config).await.expect("sandbox starts")
}

/// An HTTP client that never goes through a proxy, so requests reach the loopback sandbox.
pub fn http() -> Client {
    Client::builder().no_proxy().build().expect("client builds")
}

pub fn url(sandbox: &Sandbox, path: &str) -> Url {
    sandbox
        .base_url()
        .join(path)
        .expect("path joins the base URL")
}

pub fn platform_url(sandbox: &Sandbox, suffix: &str) -> Url {
    url(sandbox, &format!("{TOKENS_PATH}{suffix}"))
}

pub fn classic_url(sandbox: &Sandbox, suffix: &str) -> Url {
    url(sandbox, &format!("{CLASSIC_TOKENS_PATH}{suffix}"))
}

/// Sends a client-credentials grant with the given form fields.
pub async fn request_token(sandbox: &Sandbox, form: &[(&str, &str)]) -> Response {
    http()
        .post(url(sandbox, "sso/oauth2/token"))
        .form(form)
        .send()
        .await
        .expect("SSO answers")
}

/// Requests a bearer for `client_id` with `scope`, asserting success.
pub async fn bearer_for(sandbox: &Sandbox, client_id: &str, secret: &str, scope: &str) -> String {
    let resource = format!("urn:dtaccount:{}", seed::ACCOUNT_UUID);
    let response = request_token(
        sandbox,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", secret),
            ("scope", scope),
            ("resource", &resource),
        ],
    )
    .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "SSO grant for {client_id} fails"
    );
    let body: Value = response.json().await.expect("grant is JSON");
    body["access_token"]
        .as_str()
        .expect("access_token is a string")
        .to_owned()
}

/// A bearer of the standard client with token read and write scopes.
pub async fn bearer(sandbox: &Sandbox) -> String {
    bearer_for(
        sandbox,
        seed::CLIENT_ID,
        seed::CLIENT_SECRET,
        "environment-api:api-tokens:read environment-api:api-tokens:write",
    )
    .await
}

pub fn create_body(name: &str) -> Value {
    json!({ "name": name, "scopes": ["metrics.read"], "expirationDate": "now+14d", "personalAccessToken": false })
}

pub async fn create(sandbox: &Sandbox, bearer: &str, body: &Value) -> Response {
    http()
        .post(platform_url(sandbox, ""))
        .bearer_auth(bearer)
        .json(body)
        .send()
        .await
        .expect("create answers")
}

/// Creates a token and returns the 201 body.
pub async fn create_ok(sandbox: &Sandbox, bearer: &str, name: &str) -> Value {
    let response = create(sandbox, bearer, &create_body(name)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.expect("create returns JSON")
}

pub async fn get_json(sandbox: &Sandbox, bearer: &str, suffix: &str) -> (StatusCode, Value) {
    let response = http()
        .get(platform_url(sandbox, suffix))
        .bearer_auth(bearer)
        .send()
        .await
        .expect("GET answers");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub fn api_token_header(token: &str) -> String {
    format!("Api-Token {token}")
}

/// Returns the constraint violations of an error envelope as (path, parameterLocation) pairs.
pub fn violations(body: &Value) -> Vec<(String, String)> {
    body["error"]["constraintViolations"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| {
                    (
                        item["path"].as_str().unwrap_or_default().to_owned(),
                        item["parameterLocation"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}
