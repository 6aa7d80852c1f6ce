//! Every token call against the sandbox with each of the three ways to authenticate.

mod common;

use common::*;
use dynatrace_client::{
    AuthKind, EnvironmentKind, EnvironmentUrl, ErrorCode, ExposeSecret, ListQuery, UpdateApiToken,
};
use dynatrace_sandbox::seed;

#[tokio::test]
async fn full_lifecycle_with_each_auth_kind() {
    let sandbox = start().await;
    let client = client();

    for (label, api) in all_auth_kinds(&sandbox, &client) {
        let name = format!("lifecycle {label}");
        let created = api.create(&create_request(&name)).await.expect(label);
        assert!(created.id.starts_with("dt0c01."), "{label}: {}", created.id);
        let secret = created.token.expose_secret().to_string();
        assert!(secret.starts_with(&format!("{}.", created.id)), "{label}");
        assert!(created.expiration_date.is_some(), "{label}");
        assert_no_secret(&format!("{created:?}"));
        assert!(!format!("{created:?}").contains(&secret), "{label}");

        let fetched = api.get(&created.id).await.expect(label);
        assert_eq!(fetched.name.as_deref(), Some(name.as_str()), "{label}");
        assert_eq!(fetched.enabled, Some(true), "{label}");
        let scopes = fetched.scopes.clone().unwrap_or_default();
        assert_eq!(scopes, vec!["metrics.ingest", "logs.ingest"], "{label}");

        let looked_up = api.lookup(&created.token).await.expect(label);
        assert_eq!(
            looked_up.id.as_deref(),
            Some(created.id.as_str()),
            "{label}"
        );

        let update = UpdateApiToken {
            name: Some(format!("{name} renamed")),
            enabled: Some(false),
            scopes: Some(vec!["metrics.read".to_string()]),
        };
        api.update(&created.id, &update).await.expect(label);
        let changed = api.get(&created.id).await.expect(label);
        assert_eq!(
            changed.name.as_deref(),
            Some(format!("{name} renamed").as_str()),
            "{label}"
        );
        assert_eq!(changed.enabled, Some(false), "{label}");
        assert_eq!(
            changed.scopes.unwrap_or_default(),
            vec!["metrics.read"],
            "{label}"
        );

        let enable = UpdateApiToken {
            enabled: Some(true),
            ..UpdateApiToken::default()
        };
        api.update(&created.id, &enable).await.expect(label);
        assert_eq!(
            api.get(&created.id).await.unwrap().enabled,
            Some(true),
            "{label}"
        );

        let listed = api.list(&ListQuery::default()).await.expect(label);
        assert!(
            listed
                .iter()
                .any(|token| token.id.as_deref() == Some(created.id.as_str())),
            "{label}: created token is listed"
        );

        api.delete(&created.id).await.expect(label);
        let error = api.get(&created.id).await.expect_err(label);
        assert_eq!(error.code, ErrorCode::NotFound, "{label}");
        assert_eq!(
            error.token_id.as_deref(),
            Some(created.id.as_str()),
            "{label}"
        );
        assert_error_clean(&error);

        let error = api.delete(&created.id).await.expect_err(label);
        assert_eq!(error.code, ErrorCode::NotFound, "{label}");
    }
    assert!(
        !sandbox
            .token_names()
            .iter()
            .any(|name| name.starts_with("lifecycle"))
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn list_page_key_sent_alone() {
    let sandbox = start_with(dynatrace_sandbox::SandboxConfig {
        preloaded_tokens: 250,
        ..Default::default()
    })
    .await;
    let client = client();

    for (label, api) in all_auth_kinds(&sandbox, &client) {
        let query = ListQuery {
            page_size: Some(100),
            fields: Some("+scopes,+expirationDate".to_string()),
            sort: Some("+name".to_string()),
            api_token_selector: Some("personalAccessToken(false)".to_string()),
            ..ListQuery::default()
        };
        let first = api.list_page(&query, None).await.expect(label);
        assert_eq!(first.api_tokens.len(), 100, "{label}");
        assert!(first.total_count > 200, "{label}: {}", first.total_count);
        assert!(
            first.api_tokens.iter().all(|token| token.scopes.is_some()),
            "{label}"
        );
        let names: Vec<_> = first
            .api_tokens
            .iter()
            .map(|t| t.name.clone().unwrap())
            .collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted, "{label}: sorted by name");

        let key = first.next_page_key.clone().expect("a second page");
        let second = api.list_page(&query, Some(&key)).await.expect(label);
        assert_eq!(second.api_tokens.len(), 100, "{label}");
        assert!(
            second.api_tokens.iter().all(|token| token.scopes.is_some()),
            "{label}"
        );
        assert_ne!(first.api_tokens[0].id, second.api_tokens[0].id, "{label}");
    }
    sandbox.stop().await;
}

#[tokio::test]
async fn check_connection_reports_each_auth_kind() {
    let sandbox = start().await;
    let client = client();

    let report = api(&sandbox, &client, main_oauth())
        .check_connection()
        .await
        .unwrap();
    assert_eq!(report.auth_kind, AuthKind::OAuth);
    assert_eq!(
        report.scope_family,
        Some(dynatrace_client::ScopeFamily::EnvironmentApi)
    );
    assert!(report.can_read);
    assert!(report.can_write);
    assert!(
        report
            .granted_scopes
            .contains(&seed::SCOPE_TOKENS_WRITE.to_string())
    );
    assert_eq!(report.token_count, 1);
    assert_eq!(report.sso_origin.as_ref(), Some(&sandbox.base_url()));
    assert!(
        report
            .api_base
            .as_str()
            .ends_with("/platform/classic/environment-api/v2/")
    );
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);

    let report = api(&sandbox, &client, platform_token())
        .check_connection()
        .await
        .unwrap();
    assert_eq!(report.auth_kind, AuthKind::PlatformToken);
    assert_eq!(report.scope_family, None);
    assert!(report.can_read);
    assert_eq!(report.token_count, 1);

    let report = api(&sandbox, &client, api_token())
        .check_connection()
        .await
        .unwrap();
    assert_eq!(report.auth_kind, AuthKind::ApiToken);
    assert_eq!(
        report.granted_scopes,
        vec!["apiTokens.read", "apiTokens.write"]
    );
    assert!(report.can_read);
    assert!(report.can_write);
    assert!(report.api_base.as_str().ends_with("/api/v2/"));
    assert_no_secret(&format!("{report:?}"));
    assert_no_secret(&serde_json::to_string(&report).unwrap());
    sandbox.stop().await;
}

fn managed_style_api(
    sandbox: &dynatrace_sandbox::Sandbox,
    client: &dynatrace_client::DynatraceClient,
) -> dynatrace_client::TokenApi {
    let url = format!(
        "{}e/{}/ui/settings",
        sandbox.base_url(),
        seed::ENVIRONMENT_ID
    );
    let environment = EnvironmentUrl::parse(&url).unwrap();
    assert_eq!(environment.kind(), &EnvironmentKind::Local);
    assert_eq!(environment.environment_id(), Some(seed::ENVIRONMENT_ID));
    let base = environment.token_api_base(AuthKind::ApiToken).unwrap();
    assert_eq!(base.path(), format!("/e/{}/api/v2/", seed::ENVIRONMENT_ID));
    client.token_api(environment, api_token())
}

#[tokio::test]
async fn managed_style_path_creates_lists_and_looks_up() {
    let sandbox = start().await;
    let client = client();
    let api = managed_style_api(&sandbox, &client);

    let created = api.create(&create_request("managed path")).await.unwrap();
    let listed = api.list(&ListQuery::default()).await.unwrap();
    assert!(
        listed
            .iter()
            .any(|token| token.id.as_deref() == Some(created.id.as_str()))
    );
    let found = api.lookup(&created.token).await.unwrap();
    assert_eq!(found.name.as_deref(), Some("managed path"));
    sandbox.stop().await;
}

#[tokio::test]
async fn managed_style_path_gets_updates_and_deletes() {
    let sandbox = start().await;
    let client = client();
    let api = managed_style_api(&sandbox, &client);

    let created = api.create(&create_request("managed path")).await.unwrap();
    assert_eq!(
        api.get(&created.id).await.unwrap().name.as_deref(),
        Some("managed path")
    );
    let rename = UpdateApiToken {
        name: Some("managed renamed".into()),
        ..Default::default()
    };
    api.update(&created.id, &rename).await.unwrap();
    api.delete(&created.id).await.unwrap();
    assert!(
        !sandbox
            .token_names()
            .contains(&"managed renamed".to_string())
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn unknown_environment_id_is_not_found() {
    let sandbox = start().await;
    let client = client();
    let url = format!("{}e/zzz99999", sandbox.base_url());
    let api = client.token_api(EnvironmentUrl::parse(&url).unwrap(), api_token());
    let error = api.list(&ListQuery::default()).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::NotFound);
    assert_error_clean(&error);
    sandbox.stop().await;
}

#[tokio::test]
async fn secret_passed_as_id_is_never_sent() {
    let sandbox = start().await;
    let client = client();
    let api = api(&sandbox, &client, api_token());
    let before = sandbox.request_count();
    let error = api.get(seed::API_TOKEN).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidInput);
    assert_eq!(sandbox.request_count(), before);
    assert_error_clean(&error);
    sandbox.stop().await;
}

#[tokio::test]
async fn duplicate_names_are_reported() {
    let sandbox = start().await;
    let client = client();
    let api = api(&sandbox, &client, main_oauth());
    api.create(&create_request("twin")).await.unwrap();
    let report = api.check_connection().await.unwrap();
    assert!(
        !report.warnings.iter().any(|w| w.contains("twin")),
        "{:?}",
        report.warnings
    );

    api.create(&create_request("twin")).await.unwrap();
    let report = api.check_connection().await.unwrap();
    let warning = report
        .warnings
        .iter()
        .find(|w| w.contains("\"twin\" (2 tokens)"));
    assert!(warning.is_some(), "{:?}", report.warnings);
    sandbox.stop().await;
}
