//! OAuth against the sandbox's SSO: wrong credentials, scope families, IAM denials and the
//! bearer cache.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use dynatrace_client::{
    ClientConfig, Credentials, ErrorCode, ListQuery, OAuthClient, ScopeFamily, SecretString,
};
use dynatrace_sandbox::{OAuthClientSeed, SandboxConfig, seed};

#[tokio::test]
async fn wrong_secret_is_invalid_client() {
    let sandbox = start().await;
    let client = client();
    // Right shape and client ID, wrong secret part.
    let wrong = format!("{}.{}", seed::CLIENT_ID, "A".repeat(64));
    let api = api(&sandbox, &client, oauth(seed::CLIENT_ID, &wrong));

    let error = api.list(&ListQuery::default()).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::OauthInvalidClient);
    assert!(error.message.contains(seed::CLIENT_ID), "{}", error.message);
    assert!(
        error.message.contains("Account Management"),
        "{}",
        error.message
    );
    assert_error_clean(&error);
    assert!(!format!("{error:?}").contains(&"A".repeat(64)));
    sandbox.stop().await;
}

#[tokio::test]
async fn wrong_account_is_invalid_resource() {
    let sandbox = start().await;
    let client = client();
    let credentials = Credentials::OAuth(OAuthClient {
        client_id: seed::CLIENT_ID.into(),
        client_secret: SecretString::from(seed::CLIENT_SECRET),
        account_uuid: "00000000-1111-4222-8333-444444444444".parse().unwrap(),
    });
    let error = api(&sandbox, &client, credentials)
        .list(&ListQuery::default())
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::OauthInvalidResource);
    assert!(
        error
            .message
            .contains("00000000-1111-4222-8333-444444444444")
    );
    assert_error_clean(&error);
    sandbox.stop().await;
}

#[tokio::test]
async fn mismatched_secret_caught_before_sending() {
    let sandbox = start().await;
    let client = client();
    let api = api(
        &sandbox,
        &client,
        oauth(seed::CLIENT_ID, seed::LEGACY_CLIENT_SECRET),
    );
    let error = api.list(&ListQuery::default()).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidClientSecret);
    assert_eq!(sandbox.sso_request_count(), 0);
    assert_eq!(sandbox.request_count(), 0);
    assert_error_clean(&error);
    sandbox.stop().await;
}

#[tokio::test]
async fn legacy_client_reports_legacy_family() {
    let sandbox = start().await;
    let client = client();
    let api = api(
        &sandbox,
        &client,
        oauth(seed::LEGACY_CLIENT_ID, seed::LEGACY_CLIENT_SECRET),
    );

    let report = api.check_connection().await.unwrap();
    assert_eq!(report.scope_family, Some(ScopeFamily::Legacy));
    assert!(report.can_read);
    assert!(report.can_write);
    assert!(
        report
            .granted_scopes
            .contains(&seed::LEGACY_SCOPE_TOKENS_WRITE.to_string())
    );

    let created = api.create(&create_request("legacy family")).await.unwrap();
    api.delete(&created.id).await.unwrap();
    sandbox.stop().await;
}

#[tokio::test]
async fn refused_scopes_fall_back_to_legacy() {
    let mut config = SandboxConfig::default();
    config.oauth_clients.push(OAuthClientSeed {
        client_id: "dt0s02.SBXBOTH1".into(),
        client_secret: format!("dt0s02.SBXBOTH1.{}", "B".repeat(64)),
        scopes: vec![
            seed::SCOPE_TOKENS_READ.into(),
            seed::SCOPE_TOKENS_WRITE.into(),
            seed::LEGACY_SCOPE_TOKENS_READ.into(),
            seed::LEGACY_SCOPE_TOKENS_WRITE.into(),
        ],
        service_user_email: seed::SERVICE_USER_EMAIL.into(),
        policy_denies_writes: false,
    });
    let sandbox = start_with(config).await;
    let client = client();
    let both = oauth(
        "dt0s02.SBXBOTH1",
        &format!("dt0s02.SBXBOTH1.{}", "B".repeat(64)),
    );

    let report = api(&sandbox, &client, both.clone())
        .check_connection()
        .await
        .unwrap();
    assert_eq!(report.scope_family, Some(ScopeFamily::EnvironmentApi));

    sandbox.faults().reject_environment_api_scopes(true);
    let fresh = client_with(ClientConfig {
        retry: fast_retry(),
        ..ClientConfig::default()
    });
    let api = api(&sandbox, &fresh, both);
    let report = api.check_connection().await.unwrap();
    assert_eq!(report.scope_family, Some(ScopeFamily::Legacy));
    assert!(report.can_write);
    let created = api
        .create(&create_request("fallback family"))
        .await
        .unwrap();
    assert!(
        sandbox
            .token_names()
            .contains(&"fallback family".to_string())
    );
    api.delete(&created.id).await.unwrap();
    sandbox.stop().await;
}

#[tokio::test]
async fn ungrantable_scopes_name_both_families() {
    let sandbox = start().await;
    sandbox.faults().reject_environment_api_scopes(true);
    let client = client();
    let error = api(&sandbox, &client, main_oauth())
        .list(&ListQuery::default())
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::OauthInvalidScope);
    assert!(
        error.message.contains(seed::SCOPE_TOKENS_READ),
        "{}",
        error.message
    );
    assert!(
        error.message.contains(seed::LEGACY_SCOPE_TOKENS_READ),
        "{}",
        error.message
    );
    assert_eq!(
        error.missing_scopes,
        vec![seed::SCOPE_TOKENS_READ, seed::LEGACY_SCOPE_TOKENS_READ]
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn read_only_client_lists_but_cannot_create() {
    let sandbox = start().await;
    let client = client();
    let api = api(
        &sandbox,
        &client,
        oauth(seed::READ_ONLY_CLIENT_ID, seed::READ_ONLY_CLIENT_SECRET),
    );

    let tokens = api.list(&ListQuery::default()).await.unwrap();
    assert_eq!(tokens.len(), 1);

    let report = api.check_connection().await.unwrap();
    assert!(report.can_read);
    assert!(!report.can_write);
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains(seed::SCOPE_TOKENS_WRITE))
    );

    let error = api.create(&create_request("read only")).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::OauthInvalidScope);
    assert!(
        error.message.contains(seed::SCOPE_TOKENS_WRITE),
        "{}",
        error.message
    );
    assert!(
        error
            .missing_scopes
            .contains(&seed::SCOPE_TOKENS_WRITE.to_string())
    );
    assert!(!sandbox.token_names().contains(&"read only".to_string()));
    assert_error_clean(&error);
    sandbox.stop().await;
}

#[tokio::test]
async fn policy_denied_client_gets_forbidden_policy() {
    let sandbox = start().await;
    let client = client();
    let api = api(
        &sandbox,
        &client,
        oauth(
            seed::POLICY_DENIED_CLIENT_ID,
            seed::POLICY_DENIED_CLIENT_SECRET,
        ),
    );
    assert_eq!(api.list(&ListQuery::default()).await.unwrap().len(), 1);

    let error = api.create(&create_request("denied")).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::ForbiddenPolicy);
    assert_eq!(error.status, Some(403));
    assert!(error.message.contains("IAM policies"), "{}", error.message);
    assert!(
        error.message.contains("manage-settings"),
        "{}",
        error.message
    );
    assert!(
        error
            .detail
            .as_deref()
            .unwrap_or("")
            .contains("Access denied")
    );
    assert!(!sandbox.token_names().contains(&"denied".to_string()));
    sandbox.stop().await;
}

#[tokio::test]
async fn api_token_without_write_scope_names_it() {
    let sandbox = start().await;
    let client = client();
    let writer = api(&sandbox, &client, api_token());
    let read_only = writer
        .create(&dynatrace_client::CreateApiToken {
            name: "reader".into(),
            scopes: vec!["apiTokens.read".into()],
            expiration: None,
            personal_access_token: false,
        })
        .await
        .unwrap();
    let reader = api(
        &sandbox,
        &client,
        Credentials::ApiToken(read_only.token.clone()),
    );

    let error = reader
        .create(&create_request("by reader"))
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::ForbiddenMissingScope);
    assert_eq!(error.missing_scopes, vec!["apiTokens.write"]);
    assert!(error.message.contains("apiTokens.write"));
    assert_error_clean(&error);

    let report = reader.check_connection().await.unwrap();
    assert!(report.can_read);
    assert!(!report.can_write);
    sandbox.stop().await;
}

#[tokio::test]
async fn concurrent_callers_share_one_grant() {
    let sandbox = start().await;
    let client = client();
    let api = Arc::new(api(&sandbox, &client, main_oauth()));

    let calls = (0..20).map(|_| {
        let api = api.clone();
        tokio::spawn(async move { api.list(&ListQuery::default()).await })
    });
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(sandbox.sso_grant_count(), 1);
    sandbox.stop().await;
}

#[tokio::test]
async fn expired_bearer_refreshed_once_for_twenty() {
    let sandbox = start_with(SandboxConfig {
        bearer_lifetime: Duration::from_secs(2),
        ..SandboxConfig::default()
    })
    .await;
    let client = client();
    let api = Arc::new(api(&sandbox, &client, main_oauth()));
    api.list(&ListQuery::default()).await.unwrap();
    assert_eq!(sandbox.sso_grant_count(), 1);

    tokio::time::sleep(Duration::from_millis(2_300)).await;
    let calls = (0..20).map(|_| {
        let api = api.clone();
        tokio::spawn(async move { api.list(&ListQuery::default()).await })
    });
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(sandbox.sso_grant_count(), 2);
    sandbox.stop().await;
}

#[tokio::test]
async fn bearer_rejected_with_401_is_refreshed_once() {
    let sandbox = start().await;
    let client = client();
    let api = api(&sandbox, &client, main_oauth());
    api.list(&ListQuery::default()).await.unwrap();

    // Forgets every bearer the SSO issued, so the cached one now gets a 401.
    sandbox.reset();
    assert_eq!(api.list(&ListQuery::default()).await.unwrap().len(), 1);
    assert_eq!(sandbox.sso_grant_count(), 1);
    sandbox.stop().await;
}

#[tokio::test]
async fn sso_rate_limit_is_retried() {
    let sandbox = start().await;
    sandbox.faults().rate_limit(
        dynatrace_sandbox::Target::Sso,
        1,
        Some(Duration::from_secs(1)),
    );
    let client = client();
    let tokens = api(&sandbox, &client, main_oauth())
        .list(&ListQuery::default())
        .await
        .unwrap();
    assert_eq!(tokens.len(), 1);
    assert_eq!(sandbox.sso_grant_count(), 1);
    sandbox.stop().await;
}

#[tokio::test]
async fn sso_origin_override_is_used() {
    let sandbox = start().await;
    let client = client_with(ClientConfig {
        retry: fast_retry(),
        sso_origin: Some(sandbox.base_url().join("ignored/path").unwrap()),
        ..ClientConfig::default()
    });
    let report = api(&sandbox, &client, main_oauth())
        .check_connection()
        .await
        .unwrap();
    assert_eq!(report.sso_origin, Some(sandbox.base_url()));
    sandbox.stop().await;
}

#[tokio::test]
async fn write_only_api_token_can_still_create() {
    let sandbox = start().await;
    let client = client();
    let writer = api(&sandbox, &client, api_token());
    let write_only = writer
        .create(&dynatrace_client::CreateApiToken {
            name: "write only".into(),
            scopes: vec!["apiTokens.write".into()],
            expiration: None,
            personal_access_token: false,
        })
        .await
        .unwrap();
    let api = api(
        &sandbox,
        &client,
        Credentials::ApiToken(write_only.token.clone()),
    );

    let report = api.check_connection().await.unwrap();
    assert!(!report.can_read);
    assert!(report.can_write);
    assert!(
        report.warnings.iter().any(|w| w.contains("apiTokens.read")),
        "{:?}",
        report.warnings
    );
    assert_eq!(report.token_count, 0);

    let created = api
        .create(&create_request("by write-only token"))
        .await
        .unwrap();
    assert!(created.id.starts_with("dt0c01."));
    sandbox.stop().await;
}
