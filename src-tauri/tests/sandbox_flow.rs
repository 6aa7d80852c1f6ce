//! The whole token flow against the in-process sandbox, without a window: save a profile with
//! the sandbox's demo credentials, check the connection, create, copy, revoke.

mod support;

use dynatrace_sandbox::{DropPoint, Target};
use secrecy::SecretString;
use support::Harness;
use token_wizard_lib::error::ErrorCode;
use token_wizard_lib::profiles::{AuthMethod, Profile, ProfileInput};
use token_wizard_lib::sandbox::SandboxInfo;
use token_wizard_lib::tokens::{Expiry, TokenRequest};

async fn sandbox_profile(harness: &Harness, secret: &str) -> (SandboxInfo, Profile) {
    let info = harness.core.start_sandbox().await.expect("sandbox starts");
    let input = ProfileInput {
        id: None,
        name: "Sandbox".into(),
        auth_method: AuthMethod::OAuth,
        environment_url: info.environment_url.clone(),
        account_uuid: Some(info.account_uuid.clone()),
        client_id: Some(info.client_id.clone()),
        secret: Some(SecretString::from(secret.to_string())),
        sandbox: true,
        trusted_host: None,
    };
    let profile = harness
        .core
        .save_profile(input)
        .await
        .expect("sandbox profile saves");
    (info, profile)
}

fn installer_request(name: &str) -> TokenRequest {
    TokenRequest {
        name: name.into(),
        scopes: vec!["InstallerDownload".into()],
        expiry: Expiry::Days { days: 14 },
        personal_access_token: false,
        preset_id: Some("oneagent-installer".into()),
    }
}

async fn sandbox_token_names(harness: &Harness) -> Vec<String> {
    harness
        .core
        .inspect_sandbox(|sandbox| sandbox.token_names())
        .await
        .expect("sandbox runs")
}

#[tokio::test]
async fn start_sandbox_is_idempotent() {
    let harness = Harness::new();

    let first = harness.core.start_sandbox().await.unwrap();
    let second = harness.core.start_sandbox().await.unwrap();

    assert_eq!(first, second);
    assert!(
        first.environment_url.starts_with("http://127.0.0.1:"),
        "{}",
        first.environment_url
    );
    assert_eq!(harness.core.app_state().await.sandbox, Some(first));
    harness.core.stop_sandbox().await;
    assert_eq!(harness.core.app_state().await.sandbox, None);
}

#[tokio::test]
async fn sandbox_flow_creates_and_copies_token() {
    let harness = Harness::new();
    let (_, profile) = sandbox_profile(&harness, &sandbox_secret().await).await;
    assert!(profile.sandbox);

    let report = harness
        .core
        .test_connection(&profile.id)
        .await
        .expect("connection works");
    assert!(report.can_read);
    assert!(report.can_write);
    assert_eq!(report.scope_family.as_deref(), Some("environment-api"));

    let created = harness
        .core
        .create_token(&profile.id, installer_request("deploy script"))
        .await
        .expect("token is created");
    assert!(created.id.starts_with("dt0c01."), "{}", created.id);
    assert!(
        created.token.starts_with(&format!("{}.", created.id)),
        "secret follows the ID"
    );
    assert_eq!(created.scopes, ["InstallerDownload"]);
    assert!(created.expiration_date.is_some());
    assert_eq!(created.environment_url, profile.environment_url);
    assert!(
        sandbox_token_names(&harness)
            .await
            .contains(&"deploy script".to_string())
    );

    let remembered = harness.core.profiles().into_iter().next().unwrap();
    assert_eq!(remembered.last_scopes, ["InstallerDownload"]);
    assert_eq!(
        remembered.last_preset_id.as_deref(),
        Some("oneagent-installer")
    );

    let receipt = harness.core.copy_token().await.expect("copy succeeds");
    assert_eq!(receipt.clears_in_seconds, Some(60));
    assert_eq!(
        harness.clipboard.text().as_deref(),
        Some(created.token.as_str())
    );

    harness.core.forget_token();
    let error = harness.core.copy_token().await.unwrap_err();
    assert_eq!(error.code, ErrorCode::NoTokenToCopy);

    harness.core.delete_profile(&profile.id).await.unwrap();
    harness.core.stop_sandbox().await;
}

#[tokio::test]
async fn wrong_client_secret_is_invalid_client() {
    let harness = Harness::new();
    let info = harness.core.start_sandbox().await.unwrap();
    let (_, profile) = sandbox_profile(&harness, &info.wrong_client_secret).await;

    let error = harness.core.test_connection(&profile.id).await.unwrap_err();

    assert_eq!(error.code, ErrorCode::OauthInvalidClient, "{error:?}");
    assert!(!error.message.contains(&info.wrong_client_secret));
    harness.core.delete_profile(&profile.id).await.unwrap();
    harness.core.stop_sandbox().await;
}

#[tokio::test]
async fn revoke_deletes_created_token() {
    let harness = Harness::new();
    let (_, profile) = sandbox_profile(&harness, &sandbox_secret().await).await;
    let created = harness
        .core
        .create_token(&profile.id, installer_request("short-lived"))
        .await
        .unwrap();

    harness
        .core
        .revoke_token(&profile.id, &created.id)
        .await
        .expect("revoke succeeds");

    assert!(
        !sandbox_token_names(&harness)
            .await
            .contains(&"short-lived".to_string())
    );
    let error = harness.core.copy_token().await.unwrap_err();
    assert_eq!(
        error.code,
        ErrorCode::NoTokenToCopy,
        "revoking drops the held token"
    );
    harness.core.delete_profile(&profile.id).await.unwrap();
    harness.core.stop_sandbox().await;
}

#[tokio::test]
async fn lost_create_response_can_be_revoked() {
    let harness = Harness::new();
    let (_, profile) = sandbox_profile(&harness, &sandbox_secret().await).await;
    harness
        .core
        .inspect_sandbox(|sandbox| {
            sandbox
                .faults()
                .drop_connection(Target::Create, 1, DropPoint::AfterApply)
        })
        .await
        .unwrap();

    let error = harness
        .core
        .create_token(&profile.id, installer_request("lost response"))
        .await
        .unwrap_err();

    assert_eq!(error.code, ErrorCode::CreatedNotDelivered, "{error:?}");
    let token_id = error.token_id.expect("the error names the created token");
    harness
        .core
        .revoke_token(&profile.id, &token_id)
        .await
        .expect("revoke succeeds");
    assert!(
        !sandbox_token_names(&harness)
            .await
            .contains(&"lost response".to_string())
    );
    harness.core.delete_profile(&profile.id).await.unwrap();
    harness.core.stop_sandbox().await;
}

#[tokio::test]
async fn secret_deleted_outside_app_is_not_stored() {
    let harness = Harness::new();
    let (_, profile) = sandbox_profile(&harness, &sandbox_secret().await).await;
    harness.keychain.delete(&profile.id).await.unwrap();

    let error = harness.core.test_connection(&profile.id).await.unwrap_err();

    assert_eq!(error.code, ErrorCode::SecretNotStored);
    assert!(
        !harness.core.profiles()[0].secret_stored,
        "the profile records the missing secret"
    );
    harness.core.stop_sandbox().await;
}

#[tokio::test]
async fn unknown_scope_is_rejected_before_any_call() {
    let harness = Harness::new();
    let (_, profile) = sandbox_profile(&harness, &sandbox_secret().await).await;
    let requests_before = harness
        .core
        .inspect_sandbox(|sandbox| sandbox.request_count())
        .await
        .unwrap();
    let mut request = installer_request("bad scope");
    request.scopes = vec!["no.such.scope".into()];

    let error = harness
        .core
        .create_token(&profile.id, request)
        .await
        .unwrap_err();

    assert_eq!(error.code, ErrorCode::InvalidInput);
    assert_eq!(error.field_errors[0].field, "scopes");
    let requests_after = harness
        .core
        .inspect_sandbox(|sandbox| sandbox.request_count())
        .await
        .unwrap();
    assert_eq!(requests_after, requests_before);
    harness.core.delete_profile(&profile.id).await.unwrap();
    harness.core.stop_sandbox().await;
}

async fn sandbox_secret() -> String {
    dynatrace_sandbox::seed::CLIENT_SECRET.to_string()
}
