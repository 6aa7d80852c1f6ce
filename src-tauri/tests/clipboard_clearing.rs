//! Clearing the clipboard after a copy: only while it still contains the token, only for the
//! newest copy.

mod support;

use std::time::Duration;

use secrecy::SecretString;
use support::Harness;
use token_wizard_lib::profiles::{AuthMethod, ProfileInput};
use token_wizard_lib::store::Settings;
use token_wizard_lib::tokens::{CreatedToken, Expiry, TokenRequest};

/// Creates a token in the sandbox with clipboard clearing set to `seconds`.
async fn created_token(harness: &Harness, seconds: u32) -> CreatedToken {
    harness
        .core
        .update_settings(Settings {
            clipboard_clear_seconds: seconds,
        })
        .await
        .unwrap();
    let info = harness.core.start_sandbox().await.unwrap();
    let profile = harness
        .core
        .save_profile(ProfileInput {
            id: None,
            name: "Sandbox".into(),
            auth_method: AuthMethod::OAuth,
            environment_url: info.environment_url,
            account_uuid: Some(info.account_uuid),
            client_id: Some(info.client_id),
            secret: Some(SecretString::from(info.client_secret)),
            sandbox: true,
            trusted_host: None,
        })
        .await
        .unwrap();
    let request = TokenRequest {
        name: "clipboard test".into(),
        scopes: vec!["InstallerDownload".into()],
        expiry: Expiry::Never,
        personal_access_token: false,
        preset_id: None,
    };
    harness
        .core
        .create_token(&profile.id, request)
        .await
        .unwrap()
}

#[tokio::test]
async fn timer_clears_clipboard_holding_token() {
    let harness = Harness::new();
    let token = created_token(&harness, 0).await;
    harness.core.copy_token().await.unwrap();
    let generation = harness.core.latest_copy_generation();

    let cleared = harness.core.clear_after_copy(
        generation,
        &token.id,
        &SecretString::from(token.token.clone()),
    );

    assert!(cleared);
    assert_eq!(harness.clipboard.text(), None);
    assert_eq!(harness.cleared_count(), 1);
    let error = harness.core.copy_token().await.unwrap_err();
    assert_eq!(
        error.code,
        token_wizard_lib::error::ErrorCode::NoTokenToCopy
    );
    harness.core.stop_sandbox().await;
}

#[tokio::test]
async fn timer_leaves_text_copied_since() {
    let harness = Harness::new();
    let token = created_token(&harness, 0).await;
    harness.core.copy_token().await.unwrap();
    let generation = harness.core.latest_copy_generation();
    harness
        .clipboard
        .set_text("something the user copied later");

    let cleared = harness.core.clear_after_copy(
        generation,
        &token.id,
        &SecretString::from(token.token.clone()),
    );

    assert!(!cleared);
    assert_eq!(
        harness.clipboard.text().as_deref(),
        Some("something the user copied later")
    );
    assert_eq!(harness.cleared_count(), 0);
    harness.core.stop_sandbox().await;
}

#[tokio::test]
async fn older_copy_timer_does_nothing() {
    let harness = Harness::new();
    let token = created_token(&harness, 0).await;
    harness.core.copy_token().await.unwrap();
    let first = harness.core.latest_copy_generation();
    harness.core.copy_token().await.unwrap();

    let cleared =
        harness
            .core
            .clear_after_copy(first, &token.id, &SecretString::from(token.token.clone()));

    assert!(!cleared);
    assert_eq!(
        harness.clipboard.text().as_deref(),
        Some(token.token.as_str())
    );
    assert!(
        harness.core.copy_token().await.is_ok(),
        "the newest copy still keeps the token"
    );
    harness.core.stop_sandbox().await;
}

#[tokio::test]
async fn forgotten_token_is_still_cleared() {
    let harness = Harness::new();
    let token = created_token(&harness, 0).await;
    harness.core.copy_token().await.unwrap();
    let generation = harness.core.latest_copy_generation();
    harness.core.forget_token();

    let cleared = harness.core.clear_after_copy(
        generation,
        &token.id,
        &SecretString::from(token.token.clone()),
    );

    assert!(cleared);
    assert_eq!(harness.clipboard.text(), None);
    harness.core.stop_sandbox().await;
}

#[tokio::test]
async fn zero_seconds_never_clears() {
    let harness = Harness::new();
    created_token(&harness, 0).await;

    let receipt = harness.core.copy_token().await.unwrap();

    assert_eq!(receipt.clears_in_seconds, None);
    harness.core.stop_sandbox().await;
}

#[tokio::test]
async fn scheduled_timer_clears_and_notifies() {
    let harness = Harness::new();
    created_token(&harness, 1).await;

    let receipt = harness.core.copy_token().await.unwrap();
    assert_eq!(receipt.clears_in_seconds, Some(1));

    // Waits for the timer's effect; the bound only keeps a broken timer from hanging the run.
    for _ in 0..200 {
        if harness.cleared_count() > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(harness.cleared_count(), 1);
    assert_eq!(harness.clipboard.text(), None);
    harness.core.stop_sandbox().await;
}

#[tokio::test]
async fn closing_clears_a_pending_copy() {
    let harness = Harness::new();
    created_token(&harness, 3600).await;
    harness.core.copy_token().await.unwrap();

    let cleared = harness.core.clear_pending_copy();

    assert!(cleared);
    assert_eq!(harness.clipboard.text(), None);
    assert_eq!(harness.cleared_count(), 1);
    assert!(
        !harness.core.clear_pending_copy(),
        "a second close finds nothing pending"
    );
    harness.core.stop_sandbox().await;
}

#[tokio::test]
async fn closing_leaves_text_copied_since() {
    let harness = Harness::new();
    created_token(&harness, 3600).await;
    harness.core.copy_token().await.unwrap();
    harness
        .clipboard
        .set_text("something the user copied later");

    let cleared = harness.core.clear_pending_copy();

    assert!(!cleared);
    assert_eq!(
        harness.clipboard.text().as_deref(),
        Some("something the user copied later")
    );
    harness.core.stop_sandbox().await;
}

#[tokio::test]
async fn closing_leaves_the_clipboard_when_clearing_is_off() {
    let harness = Harness::new();
    let token = created_token(&harness, 0).await;
    harness.core.copy_token().await.unwrap();

    let cleared = harness.core.clear_pending_copy();

    assert!(!cleared);
    assert_eq!(
        harness.clipboard.text().as_deref(),
        Some(token.token.as_str())
    );
    harness.core.stop_sandbox().await;
}

#[tokio::test]
async fn closing_after_the_timer_ran_does_nothing() {
    let harness = Harness::new();
    let token = created_token(&harness, 3600).await;
    harness.core.copy_token().await.unwrap();
    let generation = harness.core.latest_copy_generation();
    let secret = SecretString::from(token.token.clone());
    assert!(
        harness
            .core
            .clear_after_copy(generation, &token.id, &secret)
    );
    harness.clipboard.set_text(&token.token);

    let cleared = harness.core.clear_pending_copy();

    assert!(!cleared);
    assert_eq!(harness.cleared_count(), 1);
    harness.core.stop_sandbox().await;
}
