//! Listing API tokens: paging, fields, selectors, sorting and the last-used window.

mod common;

use std::collections::HashSet;

use common::*;
use dynatrace_sandbox::{Sandbox, SandboxConfig, seed};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn preloaded(count: usize) -> Sandbox {
    start_with(SandboxConfig {
        preloaded_tokens: count,
        ..SandboxConfig::default()
    })
    .await
}

async fn list(sandbox: &Sandbox, bearer: &str, query: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = http()
        .get(platform_url(sandbox, ""))
        .bearer_auth(bearer)
        .query(query)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

fn names(page: &Value) -> Vec<String> {
    page["apiTokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|token| token["name"].as_str().unwrap().to_owned())
        .collect()
}

fn assert_query_violation(status: StatusCode, body: &Value, parameter: &str) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{parameter}: {body}");
    assert_eq!(
        violations(body),
        [(parameter.to_owned(), "QUERY".to_owned())],
        "{body}"
    );
}

#[tokio::test]
async fn default_page_has_default_fields_and_size() {
    let sandbox = preloaded(250).await;
    let bearer = bearer(&sandbox).await;

    let (status, page) = list(&sandbox, &bearer, &[]).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["totalCount"], 251);
    assert_eq!(page["pageSize"], 200);
    assert_eq!(page["apiTokens"].as_array().unwrap().len(), 200);
    assert!(page["nextPageKey"].is_string());
    let first = page["apiTokens"][0].as_object().unwrap();
    let mut keys: Vec<&str> = first.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["creationDate", "enabled", "id", "name", "owner"]);
}

#[tokio::test]
async fn last_page_has_null_next_page_key() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;

    let (_, page) = list(&sandbox, &bearer, &[]).await;

    assert_eq!(page["totalCount"], 1);
    assert!(page.as_object().unwrap().contains_key("nextPageKey"));
    assert!(page["nextPageKey"].is_null());
}

#[tokio::test]
async fn next_page_keys_walk_every_token_once() {
    let sandbox = preloaded(450).await;
    let bearer = bearer(&sandbox).await;

    let (_, mut page) = list(
        &sandbox,
        &bearer,
        &[("pageSize", "100"), ("fields", "+scopes")],
    )
    .await;
    let mut seen = HashSet::new();
    let mut pages = 1;
    loop {
        for token in page["apiTokens"].as_array().unwrap() {
            assert!(
                token["scopes"].is_array(),
                "fields carry over to later pages"
            );
            assert!(
                seen.insert(token["id"].as_str().unwrap().to_owned()),
                "duplicate {token}"
            );
        }
        let Some(key) = page["nextPageKey"].as_str().map(str::to_owned) else {
            break;
        };
        let (status, next) = list(&sandbox, &bearer, &[("nextPageKey", &key)]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(next["pageSize"], 100);
        page = next;
        pages += 1;
    }

    assert_eq!(seen.len(), 451);
    assert_eq!(pages, 5);
}

#[tokio::test]
async fn next_page_key_must_be_sent_alone() {
    let sandbox = preloaded(300).await;
    let bearer = bearer(&sandbox).await;
    let (_, page) = list(&sandbox, &bearer, &[]).await;
    let key = page["nextPageKey"].as_str().unwrap();

    let (status, body) = list(
        &sandbox,
        &bearer,
        &[("nextPageKey", key), ("pageSize", "100")],
    )
    .await;

    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], 400);
}

#[tokio::test]
async fn invalid_next_page_key_is_bad_request() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;

    let (status, body) = list(&sandbox, &bearer, &[("nextPageKey", "AQAAABQBAAAABQ==")]).await;

    assert_query_violation(status, &body, "nextPageKey");
}

#[tokio::test]
async fn page_key_past_the_end_is_bad_request() {
    use base64::Engine;
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    let cursor = json!({ "parameters": [["pageSize", "100"]], "offset": 999_999 });
    let key = base64::engine::general_purpose::STANDARD.encode(cursor.to_string());

    let (status, body) = list(&sandbox, &bearer, &[("nextPageKey", &key)]).await;

    assert_query_violation(status, &body, "nextPageKey");
}

#[tokio::test]
async fn page_size_outside_bounds_is_bad_request() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;

    for size in ["99", "10001", "0", "-5", "many"] {
        let (status, body) = list(&sandbox, &bearer, &[("pageSize", size)]).await;

        assert_query_violation(status, &body, "pageSize");
    }
}

#[tokio::test]
async fn page_size_bounds_are_inclusive() {
    let sandbox = preloaded(150).await;
    let bearer = bearer(&sandbox).await;

    let (small_status, small) = list(&sandbox, &bearer, &[("pageSize", "100")]).await;
    let (large_status, large) = list(&sandbox, &bearer, &[("pageSize", "10000")]).await;

    assert_eq!(small_status, StatusCode::OK);
    assert_eq!(small["apiTokens"].as_array().unwrap().len(), 100);
    assert_eq!(large_status, StatusCode::OK);
    assert_eq!(large["apiTokens"].as_array().unwrap().len(), 151);
    assert!(large["nextPageKey"].is_null());
}

#[tokio::test]
async fn fields_operators_and_exact_sets_apply() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    let cases = [
        (
            "+scopes,-creationDate",
            vec!["enabled", "id", "name", "owner", "scopes"],
        ),
        ("name,scopes", vec!["id", "name", "scopes"]),
        (
            "-owner,-enabled,+personalAccessToken",
            vec!["creationDate", "id", "name", "personalAccessToken"],
        ),
    ];

    for (fields, expected) in cases {
        let (status, page) = list(&sandbox, &bearer, &[("fields", fields)]).await;

        assert_eq!(status, StatusCode::OK, "{fields}");
        let mut keys: Vec<&str> = page["apiTokens"][0]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(keys, expected, "{fields}");
    }
}

#[tokio::test]
async fn unknown_field_is_bad_request() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;

    let (status, body) = list(&sandbox, &bearer, &[("fields", "+token")]).await;

    assert_query_violation(status, &body, "fields");
}

#[tokio::test]
async fn selector_filters_by_owner_personal_and_scope() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    for (name, scopes, personal) in [
        ("ingest", json!(["metrics.ingest"]), false),
        ("read", json!(["metrics.read"]), false),
        (
            "personal ingest",
            json!(["metrics.ingest", "logs.ingest"]),
            true,
        ),
    ] {
        let body = json!({ "name": name, "scopes": scopes, "personalAccessToken": personal });
        assert_eq!(
            create(&sandbox, &bearer, &body).await.status(),
            StatusCode::CREATED
        );
    }
    let owner = format!("owner(\"{}\")", seed::SERVICE_USER_EMAIL);
    let owner_and_scope = format!("{owner},scope(\"metrics.ingest\")");
    let cases: Vec<(&str, Vec<&str>)> = vec![
        (&owner, vec!["personal ingest", "read", "ingest"]),
        ("personalAccessToken(true)", vec!["personal ingest"]),
        (
            "personalAccessToken(false),scope(\"metrics.ingest\")",
            vec!["ingest"],
        ),
        (
            "scope(\"metrics.read\",\"logs.ingest\")",
            vec!["personal ingest", "read"],
        ),
        (&owner_and_scope, vec!["personal ingest", "ingest"]),
        ("owner(\"nobody@example.invalid\")", vec![]),
    ];

    for (selector, expected) in cases {
        let (status, page) = list(&sandbox, &bearer, &[("apiTokenSelector", selector)]).await;

        assert_eq!(status, StatusCode::OK, "{selector}");
        assert_eq!(names(&page), expected, "{selector}");
        assert_eq!(page["totalCount"], expected.len(), "{selector}");
    }
}

#[tokio::test]
async fn malformed_selector_is_bad_request() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;

    for selector in ["owner(", "name(\"x\")", "personalAccessToken(maybe)"] {
        let (status, body) = list(&sandbox, &bearer, &[("apiTokenSelector", selector)]).await;

        assert_query_violation(status, &body, "apiTokenSelector");
    }
}

#[tokio::test]
async fn sort_orders_by_each_key() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    for (name, expiration) in [("b", Some("now+2d")), ("A", None), ("c", Some("now+1d"))] {
        let mut body = json!({ "name": name, "scopes": ["metrics.read"] });
        if let Some(expiration) = expiration {
            body["expirationDate"] = json!(expiration);
        }
        assert_eq!(
            create(&sandbox, &bearer, &body).await.status(),
            StatusCode::CREATED
        );
    }
    let cases = [
        ("name", vec!["A", "b", "c", "sandbox seed token"]),
        ("-name", vec!["sandbox seed token", "c", "b", "A"]),
        ("+creationDate", vec!["sandbox seed token", "b", "A", "c"]),
        ("+expirationDate", vec!["c", "b", "A", "sandbox seed token"]),
        // Ties (both never expire) go newest first.
        ("-expirationDate", vec!["A", "sandbox seed token", "b", "c"]),
    ];

    for (sort, expected) in cases {
        let (status, page) = list(&sandbox, &bearer, &[("sort", sort)]).await;

        assert_eq!(status, StatusCode::OK, "{sort}");
        assert_eq!(names(&page), expected, "{sort}");
    }
}

#[tokio::test]
async fn default_sort_is_newest_first() {
    let sandbox = preloaded(120).await;
    let bearer = bearer(&sandbox).await;

    let (_, page) = list(&sandbox, &bearer, &[("pageSize", "100")]).await;

    let names = names(&page);
    assert_eq!(names[0], "sandbox seed token");
    assert_eq!(names[1], "preloaded token 00120");
    assert_eq!(names[2], "preloaded token 00119");
}

#[tokio::test]
async fn modified_date_sort_puts_recent_changes_first() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    let first = create_ok(&sandbox, &bearer, "first").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    create_ok(&sandbox, &bearer, "second").await;
    let renamed = http()
        .put(platform_url(&sandbox, &format!("/{first}")))
        .bearer_auth(&bearer)
        .json(&json!({ "name": "first renamed" }))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.status(), StatusCode::NO_CONTENT);

    let (_, descending) = list(&sandbox, &bearer, &[("sort", "-modifiedDate")]).await;
    let (_, ascending) = list(&sandbox, &bearer, &[("sort", "+modifiedDate")]).await;

    assert_eq!(names(&descending)[0], "first renamed");
    assert_eq!(names(&ascending).last().unwrap(), "first renamed");
}

#[tokio::test]
async fn unknown_sort_is_bad_request() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;

    let (status, body) = list(&sandbox, &bearer, &[("sort", "-owner")]).await;

    assert_query_violation(status, &body, "sort");
}

#[tokio::test]
async fn last_used_window_keeps_used_tokens_only() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    create_ok(&sandbox, &bearer, "never used").await;
    let used = http()
        .get(classic_url(&sandbox, ""))
        .header("Authorization", api_token_header(seed::API_TOKEN))
        .send()
        .await
        .unwrap();
    assert_eq!(used.status(), StatusCode::OK);

    let (_, recent) = list(&sandbox, &bearer, &[("from", "now-1h")]).await;
    let (_, old) = list(&sandbox, &bearer, &[("from", "now-2d"), ("to", "now-1d")]).await;
    let (_, all) = list(&sandbox, &bearer, &[]).await;

    assert_eq!(names(&recent), ["sandbox seed token"]);
    assert_eq!(old["totalCount"], 0);
    assert_eq!(all["totalCount"], 2);
}

#[tokio::test]
async fn last_used_sort_puts_never_used_first() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    create_ok(&sandbox, &bearer, "never used").await;
    http()
        .get(classic_url(&sandbox, ""))
        .header("Authorization", api_token_header(seed::API_TOKEN))
        .send()
        .await
        .unwrap();

    let (_, ascending) = list(&sandbox, &bearer, &[("sort", "+lastUsedDate")]).await;
    let (_, descending) = list(&sandbox, &bearer, &[("sort", "-lastUsedDate")]).await;

    assert_eq!(names(&ascending), ["never used", "sandbox seed token"]);
    assert_eq!(names(&descending), ["sandbox seed token", "never used"]);
}

#[tokio::test]
async fn invalid_window_date_is_bad_request() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;

    let (status, body) = list(&sandbox, &bearer, &[("from", "last tuesday")]).await;

    assert_query_violation(status, &body, "from");
}

#[tokio::test]
async fn classic_list_matches_platform_list() {
    let sandbox = preloaded(10).await;
    let bearer = bearer(&sandbox).await;

    let (_, platform) = list(&sandbox, &bearer, &[("fields", "+scopes")]).await;
    let classic: Value = http()
        .get(classic_url(&sandbox, ""))
        .header("Authorization", api_token_header(seed::API_TOKEN))
        .query(&[("fields", "+scopes")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(names(&platform), names(&classic));
    assert_eq!(platform["totalCount"], classic["totalCount"]);
}
