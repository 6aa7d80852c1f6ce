//! Create, get, update, delete and lookup of API tokens.

mod common;

use common::*;
use dynatrace_sandbox::seed;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn is_base32(text: &str) -> bool {
    text.bytes()
        .all(|byte| byte.is_ascii_uppercase() || (b'2'..=b'7').contains(&byte))
}

async fn put(
    sandbox: &dynatrace_sandbox::Sandbox,
    bearer: &str,
    id: &str,
    body: &Value,
) -> StatusCode {
    http()
        .put(platform_url(sandbox, &format!("/{id}")))
        .bearer_auth(bearer)
        .json(body)
        .send()
        .await
        .unwrap()
        .status()
}

async fn delete(
    sandbox: &dynatrace_sandbox::Sandbox,
    bearer: &str,
    id: &str,
) -> (StatusCode, Value) {
    let response = http()
        .delete(platform_url(sandbox, &format!("/{id}")))
        .bearer_auth(bearer)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn lookup(
    sandbox: &dynatrace_sandbox::Sandbox,
    bearer: &str,
    body: &Value,
) -> (StatusCode, Value) {
    let response = http()
        .post(platform_url(sandbox, "/lookup"))
        .bearer_auth(bearer)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn create_returns_id_secret_and_expiry() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;

    let created = create_ok(&sandbox, &bearer, "deployment").await;

    let id = created["id"].as_str().unwrap();
    let token = created["token"].as_str().unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[0], "dt0c01");
    assert_eq!(parts[1].len(), 24);
    assert_eq!(parts[2].len(), 64);
    assert!(is_base32(parts[1]) && is_base32(parts[2]), "{id}");
    assert_eq!(id, format!("dt0c01.{}", parts[1]));

    let expiration: jiff::Timestamp = created["expirationDate"].as_str().unwrap().parse().unwrap();
    let expected = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(14 * 24);
    assert!(expected.duration_since(expiration).abs() < jiff::SignedDuration::from_mins(5));
    assert_eq!(sandbox.token_names(), ["sandbox seed token", "deployment"]);
}

#[tokio::test]
async fn create_without_expiry_never_expires() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;

    let response = create(
        &sandbox,
        &bearer,
        &json!({ "name": "forever", "scopes": ["logs.ingest"] }),
    )
    .await;

    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    assert!(created.get("expirationDate").is_none(), "{created}");
    let (_, token) = get_json(
        &sandbox,
        &bearer,
        &format!("/{}", created["id"].as_str().unwrap()),
    )
    .await;
    assert!(token.get("expirationDate").is_none(), "{token}");
}

#[tokio::test]
async fn get_returns_all_metadata() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    let created = create_ok(&sandbox, &bearer, "metadata").await;
    let id = created["id"].as_str().unwrap();

    let (status, token) = get_json(&sandbox, &bearer, &format!("/{id}")).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(token["id"], id);
    assert_eq!(token["name"], "metadata");
    assert_eq!(token["enabled"], true);
    assert_eq!(token["owner"], seed::SERVICE_USER_EMAIL);
    assert_eq!(token["personalAccessToken"], false);
    assert_eq!(token["scopes"], json!(["metrics.read"]));
    assert_eq!(token["expirationDate"], created["expirationDate"]);
    assert!(
        token.get("token").is_none(),
        "the secret must not come back"
    );
    assert!(token.get("modifiedDate").is_none());
    let creation = token["creationDate"].as_str().unwrap();
    assert_eq!(
        creation.len(),
        "2020-11-05T08:15:30.144Z".len(),
        "{creation}"
    );
    assert!(creation.ends_with('Z'));
}

#[tokio::test]
async fn personal_access_token_flag_is_stored() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    let body = json!({ "name": "mine", "scopes": ["metrics.read"], "personalAccessToken": true });

    let created: Value = create(&sandbox, &bearer, &body).await.json().await.unwrap();
    let (_, token) = get_json(
        &sandbox,
        &bearer,
        &format!("/{}", created["id"].as_str().unwrap()),
    )
    .await;

    assert_eq!(token["personalAccessToken"], true);
}

#[tokio::test]
async fn get_unknown_id_is_not_found() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;

    let (status, body) = get_json(&sandbox, &bearer, "/dt0c01.AAAAAAAAAAAAAAAAAAAAAAAA").await;

    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], 404);
}

#[tokio::test]
async fn get_malformed_id_is_bad_request() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;

    let (status, body) = get_json(&sandbox, &bearer, "/not-a-token-id").await;

    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(violations(&body), [("id".to_owned(), "PATH".to_owned())]);
}

#[tokio::test]
async fn update_name_sets_modified_date() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    let id = create_ok(&sandbox, &bearer, "before").await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let status = put(&sandbox, &bearer, &id, &json!({ "name": "after" })).await;

    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, token) = get_json(&sandbox, &bearer, &format!("/{id}")).await;
    assert_eq!(token["name"], "after");
    assert!(token["modifiedDate"].is_string(), "{token}");
    assert_eq!(sandbox.token_names(), ["sandbox seed token", "after"]);
}

#[tokio::test]
async fn update_scopes_replaces_the_list() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    let body = json!({ "name": "scoped", "scopes": ["metrics.read", "logs.read"] });
    let created: Value = create(&sandbox, &bearer, &body).await.json().await.unwrap();
    let id = created["id"].as_str().unwrap();

    let status = put(
        &sandbox,
        &bearer,
        id,
        &json!({ "scopes": ["entities.read"] }),
    )
    .await;

    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, token) = get_json(&sandbox, &bearer, &format!("/{id}")).await;
    assert_eq!(token["scopes"], json!(["entities.read"]));
    assert!(token["modifiedDate"].is_string());
}

#[tokio::test]
async fn disabling_does_not_count_as_modification() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    let id = create_ok(&sandbox, &bearer, "toggle").await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let status = put(&sandbox, &bearer, &id, &json!({ "enabled": false })).await;

    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, token) = get_json(&sandbox, &bearer, &format!("/{id}")).await;
    assert_eq!(token["enabled"], false);
    assert!(token.get("modifiedDate").is_none(), "{token}");
}

#[tokio::test]
async fn update_validates_like_create() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    let id = create_ok(&sandbox, &bearer, "valid").await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    for (body, path) in [
        (json!({ "name": "" }), "name"),
        (json!({ "scopes": [] }), "scopes"),
        (json!({ "scopes": ["no.such.scope"] }), "scopes[0]"),
        (json!({ "enabled": "yes" }), "enabled"),
    ] {
        let response = http()
            .put(platform_url(&sandbox, &format!("/{id}")))
            .bearer_auth(&bearer)
            .json(&body)
            .send()
            .await
            .unwrap();

        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(
            violations(&error),
            [(path.to_owned(), "PAYLOAD_BODY".to_owned())],
            "{body}"
        );
    }
}

#[tokio::test]
async fn update_unknown_id_is_not_found() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;

    let status = put(
        &sandbox,
        &bearer,
        "dt0c01.AAAAAAAAAAAAAAAAAAAAAAAA",
        &json!({ "name": "x" }),
    )
    .await;

    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn delete_removes_the_token() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    let id = create_ok(&sandbox, &bearer, "short-lived").await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let (first, _) = delete(&sandbox, &bearer, &id).await;
    let (second, body) = delete(&sandbox, &bearer, &id).await;
    let (get_status, _) = get_json(&sandbox, &bearer, &format!("/{id}")).await;

    assert_eq!(first, StatusCode::NO_CONTENT);
    assert_eq!(second, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], 404);
    assert_eq!(get_status, StatusCode::NOT_FOUND);
    assert_eq!(sandbox.token_names(), ["sandbox seed token"]);
}

#[tokio::test]
async fn delete_accepts_the_whole_token() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    let created = create_ok(&sandbox, &bearer, "by secret").await;
    let token = created["token"].as_str().unwrap();
    let wrong_secret = format!("{}.{}", created["id"].as_str().unwrap(), "A".repeat(64));

    let (wrong, _) = delete(&sandbox, &bearer, &wrong_secret).await;
    let (right, _) = delete(&sandbox, &bearer, token).await;

    assert_eq!(wrong, StatusCode::NOT_FOUND);
    assert_eq!(right, StatusCode::NO_CONTENT);
    assert_eq!(sandbox.token_count(), 1);
}

#[tokio::test]
async fn api_token_cannot_delete_or_disable_itself() {
    let sandbox = start().await;
    let id = "dt0c01.SANDBOXSEEDTOKENAPIWRITE";
    let authorization = api_token_header(seed::API_TOKEN);

    let deleted = http()
        .delete(classic_url(&sandbox, &format!("/{id}")))
        .header("Authorization", &authorization)
        .send()
        .await
        .unwrap();
    let disabled = http()
        .put(classic_url(&sandbox, &format!("/{id}")))
        .header("Authorization", &authorization)
        .json(&json!({ "enabled": false }))
        .send()
        .await
        .unwrap();

    assert_eq!(deleted.status(), StatusCode::BAD_REQUEST);
    assert_eq!(disabled.status(), StatusCode::BAD_REQUEST);
    assert_eq!(sandbox.token_count(), 1);
}

#[tokio::test]
async fn api_token_creates_tokens_it_owns() {
    let sandbox = start().await;
    let authorization = api_token_header(seed::API_TOKEN);

    let response = http()
        .post(classic_url(&sandbox, ""))
        .header("Authorization", &authorization)
        .json(&create_body("classic"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    let token = http()
        .get(classic_url(
            &sandbox,
            &format!("/{}", created["id"].as_str().unwrap()),
        ))
        .header("Authorization", &authorization)
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(token["owner"], seed::ADMIN_USER_EMAIL);
}

#[tokio::test]
async fn created_token_authenticates_on_classic_path() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    let body = json!({ "name": "reader", "scopes": ["apiTokens.read"] });
    let created: Value = create(&sandbox, &bearer, &body).await.json().await.unwrap();

    let response = http()
        .get(classic_url(&sandbox, ""))
        .header(
            "Authorization",
            api_token_header(created["token"].as_str().unwrap()),
        )
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn lookup_finds_token_by_secret() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    let created = create_ok(&sandbox, &bearer, "looked up").await;

    let (status, token) = lookup(&sandbox, &bearer, &json!({ "token": created["token"] })).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(token["id"], created["id"]);
    assert_eq!(token["name"], "looked up");
    assert_eq!(token["scopes"], json!(["metrics.read"]));
    assert!(token.get("token").is_none());
}

#[tokio::test]
async fn lookup_of_unknown_token_is_not_found() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    let unknown = format!("dt0c01.{}.{}", "A".repeat(24), "B".repeat(64));
    let wrong_secret = format!("dt0c01.SANDBOXSEEDTOKENAPIWRITE.{}", "B".repeat(64));

    for token in [unknown, wrong_secret] {
        let (status, _) = lookup(&sandbox, &bearer, &json!({ "token": token })).await;

        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn lookup_of_malformed_token_is_bad_request() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;

    for body in [
        json!({ "token": "dt0c01.TOO.SHORT" }),
        json!({ "token": "" }),
        json!({}),
    ] {
        let (status, error) = lookup(&sandbox, &bearer, &body).await;

        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(
            violations(&error),
            [("token".to_owned(), "PAYLOAD_BODY".to_owned())]
        );
    }
}

#[tokio::test]
async fn lookup_works_with_api_token() {
    let sandbox = start().await;

    let response = http()
        .post(classic_url(&sandbox, "/lookup"))
        .header("Authorization", api_token_header(seed::API_TOKEN))
        .json(&json!({ "token": seed::API_TOKEN }))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    let token: Value = response.json().await.unwrap();
    assert_eq!(
        token["scopes"],
        json!(["apiTokens.read", "apiTokens.write"])
    );
}
