//! Paging over many tokens, and validation errors kept per field.

mod common;

use std::collections::HashSet;

use common::*;
use dynatrace_client::{CreateApiToken, ErrorCode, Expiration, ListQuery, UpdateApiToken};
use dynatrace_sandbox::SandboxConfig;

#[tokio::test]
async fn paging_returns_every_token_once() {
    let sandbox = start_with(SandboxConfig {
        preloaded_tokens: 2_500,
        ..Default::default()
    })
    .await;
    let client = client();
    let expected = sandbox.token_count();
    assert!(expected > 2_500);

    for (label, api) in all_auth_kinds(&sandbox, &client) {
        let query = ListQuery {
            page_size: Some(1_000),
            ..ListQuery::default()
        };
        let tokens = api.list(&query).await.expect(label);
        assert_eq!(tokens.len(), expected, "{label}");
        let ids: HashSet<_> = tokens
            .iter()
            .map(|token| token.id.clone().unwrap())
            .collect();
        assert_eq!(ids.len(), expected, "{label}: no token twice");
    }
    sandbox.stop().await;
}

#[tokio::test]
async fn client_side_checks_keep_violations_per_field() {
    let sandbox = start().await;
    let client = client();
    let api = api(&sandbox, &client, main_oauth());
    let request = CreateApiToken {
        name: "   ".into(),
        scopes: vec!["metrics.ingest".into(), "metrics.teleport".into()],
        expiration: Some(Expiration::At(
            jiff::Timestamp::from_second(1_600_000_000).unwrap(),
        )),
        personal_access_token: false,
    };

    let error = api.create(&request).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidInput);
    let paths: Vec<&str> = error.violations.iter().map(|v| v.path.as_str()).collect();
    assert_eq!(paths, vec!["name", "scopes", "expirationDate"]);
    assert!(error.violations[1].message.contains("metrics.teleport"));
    assert!(error.violations[2].message.contains("past"));
    assert_eq!(sandbox.request_count(), 0, "nothing was sent");
    assert_eq!(sandbox.sso_grant_count(), 0, "no bearer was requested");

    let error = api
        .create(&CreateApiToken {
            scopes: vec![],
            ..request.clone()
        })
        .await;
    assert!(
        error
            .unwrap_err()
            .violations
            .iter()
            .any(|v| v.path == "scopes")
    );

    let rename = UpdateApiToken {
        name: Some(" ".into()),
        ..Default::default()
    };
    let error = api
        .update("dt0c01.SANDBOXSEEDTOKENAPIWRITE", &rename)
        .await
        .unwrap_err();
    assert_eq!(error.violations[0].path, "name");
    sandbox.stop().await;
}

#[tokio::test]
async fn server_side_violations_are_kept_per_field() {
    let sandbox = start().await;
    let client = client();
    for (label, api) in all_auth_kinds(&sandbox, &client) {
        let long_name = CreateApiToken {
            name: "n".repeat(300),
            ..create_request("x")
        };
        let error = api.create(&long_name).await.unwrap_err();
        assert_eq!(error.code, ErrorCode::ValidationFailed, "{label}");
        assert_eq!(error.status, Some(400), "{label}");
        assert_eq!(error.violations.len(), 1, "{label}");
        assert_eq!(error.violations[0].path, "name", "{label}");
        assert!(error.violations[0].message.contains("200"), "{label}");

        let small_page = ListQuery {
            page_size: Some(5),
            ..ListQuery::default()
        };
        let error = api.list(&small_page).await.unwrap_err();
        assert_eq!(error.code, ErrorCode::ValidationFailed, "{label}");
        assert_eq!(error.violations[0].path, "pageSize", "{label}");
        assert_eq!(
            error.violations[0].parameter_location.as_deref(),
            Some("QUERY"),
            "{label}"
        );
        assert_error_clean(&error);
    }
    sandbox.stop().await;
}
