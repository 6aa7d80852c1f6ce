//! Validation of create requests: the 400 error envelope with constraint violations.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn create_error(body: Value) -> (StatusCode, Value) {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    let response = create(&sandbox, &bearer, &body).await;
    let status = response.status();
    let error = response.json().await.unwrap();
    assert_eq!(
        sandbox.token_count(),
        1,
        "a rejected create must not store a token"
    );
    (status, error)
}

async fn assert_single_violation(body: Value, path: &str) -> Value {
    let (status, error) = create_error(body.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(error["error"]["code"], 400);
    assert_eq!(
        violations(&error),
        [(path.to_owned(), "PAYLOAD_BODY".to_owned())],
        "{body}"
    );
    let violation = &error["error"]["constraintViolations"][0];
    assert!(violation["location"].is_null());
    assert!(!violation["message"].as_str().unwrap().is_empty());
    error
}

#[tokio::test]
async fn missing_name_is_a_violation() {
    assert_single_violation(json!({ "scopes": ["metrics.read"] }), "name").await;
}

#[tokio::test]
async fn blank_name_is_a_violation() {
    assert_single_violation(json!({ "name": "   ", "scopes": ["metrics.read"] }), "name").await;
}

#[tokio::test]
async fn overlong_name_is_a_violation() {
    let name = "n".repeat(201);

    assert_single_violation(json!({ "name": name, "scopes": ["metrics.read"] }), "name").await;
}

#[tokio::test]
async fn name_of_max_length_is_accepted() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    let body = json!({ "name": "n".repeat(200), "scopes": ["metrics.read"] });

    let response = create(&sandbox, &bearer, &body).await;

    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn missing_scopes_is_a_violation() {
    assert_single_violation(json!({ "name": "x" }), "scopes").await;
}

#[tokio::test]
async fn empty_scopes_is_a_violation() {
    assert_single_violation(json!({ "name": "x", "scopes": [] }), "scopes").await;
}

#[tokio::test]
async fn unknown_scope_is_a_violation() {
    let error = assert_single_violation(
        json!({ "name": "x", "scopes": ["metrics.read", "tokens.steal"] }),
        "scopes[1]",
    )
    .await;

    let message = error["error"]["constraintViolations"][0]["message"]
        .as_str()
        .unwrap();
    assert!(message.contains("tokens.steal"), "{message}");
}

#[tokio::test]
async fn oauth_scope_names_are_not_token_scopes() {
    assert_single_violation(
        json!({ "name": "x", "scopes": ["environment-api:api-tokens:read"] }),
        "scopes[0]",
    )
    .await;
}

#[tokio::test]
async fn past_expiry_is_a_violation() {
    for expiration in [
        json!("now-1d"),
        json!("2020-01-01T00:00:00Z"),
        json!("1000"),
    ] {
        assert_single_violation(
            json!({ "name": "x", "scopes": ["metrics.read"], "expirationDate": expiration }),
            "expirationDate",
        )
        .await;
    }
}

#[tokio::test]
async fn unparsable_expiry_is_a_violation() {
    for expiration in [
        "tomorrow",
        "now+14",
        "now+14q",
        "2030-02-30T00:00",
        "2030-01-01",
    ] {
        assert_single_violation(
            json!({ "name": "x", "scopes": ["metrics.read"], "expirationDate": expiration }),
            "expirationDate",
        )
        .await;
    }
}

#[tokio::test]
async fn several_violations_are_reported_together() {
    let (status, error) =
        create_error(json!({ "name": "", "scopes": [], "expirationDate": "yesterday" })).await;

    assert_eq!(status, StatusCode::BAD_REQUEST);
    let paths: Vec<String> = violations(&error)
        .into_iter()
        .map(|(path, _)| path)
        .collect();
    assert_eq!(paths, ["name", "scopes", "expirationDate"]);
    assert_eq!(error["error"]["message"], "Constraints violated.");
}

#[tokio::test]
async fn expiry_accepts_every_documented_form() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    let in_a_year = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * 365);
    let millis = in_a_year.as_millisecond().to_string();
    let cases = [
        (
            millis.clone(),
            jiff::Timestamp::from_millisecond(in_a_year.as_millisecond()).unwrap(),
        ),
        (
            "2099-01-25T05:57:01.123+01:00".to_owned(),
            "2099-01-25T04:57:01.123Z".parse().unwrap(),
        ),
        (
            "2099-01-25 05:57".to_owned(),
            "2099-01-25T05:57:00Z".parse().unwrap(),
        ),
        (
            "2099-01-25T05:57:01".to_owned(),
            "2099-01-25T05:57:01Z".parse().unwrap(),
        ),
    ];

    for (input, expected) in cases {
        let body = json!({ "name": "x", "scopes": ["metrics.read"], "expirationDate": input });
        let response = create(&sandbox, &bearer, &body).await;

        assert_eq!(response.status(), StatusCode::CREATED, "{input}");
        let created: Value = response.json().await.unwrap();
        let expiration: jiff::Timestamp =
            created["expirationDate"].as_str().unwrap().parse().unwrap();
        assert_eq!(expiration, expected, "{input}");
    }
}

#[tokio::test]
async fn relative_expiry_units_are_accepted() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;

    for input in [
        "now+30m", "now+2h", "now+14d", "now+1w", "now+1M", "now+1y", "now+1d/d",
    ] {
        let body = json!({ "name": "x", "scopes": ["metrics.read"], "expirationDate": input });
        let response = create(&sandbox, &bearer, &body).await;

        assert_eq!(response.status(), StatusCode::CREATED, "{input}");
    }
}

#[tokio::test]
async fn invalid_json_is_bad_request() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;

    let response = http()
        .post(platform_url(&sandbox, ""))
        .bearer_auth(&bearer)
        .header("Content-Type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["error"]["code"], 400);
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Could not map JSON")
    );
}

#[tokio::test]
async fn non_json_content_type_is_unsupported() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;

    let response = http()
        .post(platform_url(&sandbox, ""))
        .bearer_auth(&bearer)
        .header("Content-Type", "text/plain")
        .body(create_body("x").to_string())
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["error"]["code"], 415);
}

#[tokio::test]
async fn duplicate_scopes_are_stored_once() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    let body = json!({ "name": "x", "scopes": ["metrics.read", "metrics.read", "logs.read"] });

    let created: Value = create(&sandbox, &bearer, &body).await.json().await.unwrap();
    let (_, token) = get_json(
        &sandbox,
        &bearer,
        &format!("/{}", created["id"].as_str().unwrap()),
    )
    .await;

    assert_eq!(token["scopes"], json!(["metrics.read", "logs.read"]));
}

#[tokio::test]
async fn validation_comes_after_authorization() {
    let sandbox = start().await;

    let response = create(&sandbox, "no-such-bearer", &json!({})).await;

    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}
