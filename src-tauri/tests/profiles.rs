//! Profiles: non-secret fields in the settings file, the secret in the real keychain.

mod support;

use secrecy::{ExposeSecret, SecretString};
use support::{Harness, contains_bytes};
use token_wizard_lib::error::ErrorCode;
use token_wizard_lib::profiles::{AuthMethod, ProfileInput};
use token_wizard_lib::store::Settings;
use token_wizard_lib::validation::EnvironmentKind;

const ACCOUNT_UUID: &str = "7f3c1c2e-5a4b-4c3d-9e8f-0a1b2c3d4e5f";
const CLIENT_ID: &str = "dt0s02.ABCD1234";
const SECRET_PART: &str = "QWERTYUIOPASDFGHJKLZXCVBNM0123456789QWERTYUIOPASDFGHJKLZXCVBNM01";

fn client_secret() -> String {
    format!("{CLIENT_ID}.{SECRET_PART}")
}

fn oauth_input() -> ProfileInput {
    ProfileInput {
        id: None,
        name: "Production".into(),
        auth_method: AuthMethod::OAuth,
        environment_url: "https://abc12345.apps.dynatrace.com".into(),
        account_uuid: Some(ACCOUNT_UUID.into()),
        client_id: Some(CLIENT_ID.into()),
        secret: Some(SecretString::from(client_secret())),
        sandbox: false,
        trusted_host: None,
    }
}

#[tokio::test]
async fn saved_profile_round_trips_without_secret_on_disk() {
    let harness = Harness::new();

    let saved = harness
        .core
        .save_profile(oauth_input())
        .await
        .expect("profile saves");

    assert!(saved.secret_stored);
    assert_eq!(saved.client_id.as_deref(), Some(CLIENT_ID));
    assert_eq!(harness.core.profiles(), vec![saved.clone()]);
    let state = harness.core.app_state().await;
    assert_eq!(state.last_profile_id.as_deref(), Some(saved.id.as_str()));

    let bytes = harness.store_bytes();
    assert!(
        contains_bytes(&bytes, CLIENT_ID),
        "the store contains the profile"
    );
    assert!(
        !contains_bytes(&bytes, SECRET_PART),
        "the secret part reached the settings file"
    );
    assert!(
        !contains_bytes(&bytes, &client_secret()),
        "the secret reached the settings file"
    );

    let in_keychain = harness
        .keychain
        .load(&saved.id)
        .await
        .unwrap()
        .expect("secret stored");
    assert_eq!(in_keychain.expose_secret(), client_secret());
    harness.core.delete_profile(&saved.id).await.unwrap();
}

#[tokio::test]
async fn edit_without_secret_keeps_stored_secret() {
    let harness = Harness::new();
    let saved = harness.core.save_profile(oauth_input()).await.unwrap();

    let mut edit = oauth_input();
    edit.id = Some(saved.id.clone());
    edit.name = "Renamed".into();
    edit.secret = None;
    let edited = harness.core.save_profile(edit).await.expect("edit saves");

    assert_eq!(edited.name, "Renamed");
    assert!(edited.secret_stored);
    assert_eq!(harness.core.profiles().len(), 1);
    let in_keychain = harness
        .keychain
        .load(&saved.id)
        .await
        .unwrap()
        .expect("secret kept");
    assert_eq!(in_keychain.expose_secret(), client_secret());
    harness.core.delete_profile(&saved.id).await.unwrap();
}

#[tokio::test]
async fn new_profile_without_secret_is_rejected() {
    let harness = Harness::new();
    let mut input = oauth_input();
    input.secret = None;

    let error = harness.core.save_profile(input).await.unwrap_err();

    assert_eq!(error.code, ErrorCode::InvalidInput);
    let fields: Vec<&str> = error
        .field_errors
        .iter()
        .map(|e| e.field.as_str())
        .collect();
    assert_eq!(fields, ["secret"]);
    assert!(harness.core.profiles().is_empty());
}

#[tokio::test]
async fn invalid_fields_are_all_reported() {
    let harness = Harness::new();
    let mut input = oauth_input();
    input.name = " ".into();
    input.environment_url = "not a url at all".into();
    input.account_uuid = Some("12345".into());
    input.client_id = Some(client_secret());

    let report = harness.core.validate_profile(&input);

    let fields: Vec<&str> = report
        .field_errors
        .iter()
        .map(|e| e.field.as_str())
        .collect();
    assert!(fields.contains(&"name"), "{fields:?}");
    assert!(fields.contains(&"environmentUrl"), "{fields:?}");
    assert!(fields.contains(&"accountUuid"), "{fields:?}");
    assert!(fields.contains(&"clientId"), "{fields:?}");
    assert_eq!(report.environment, None);
}

#[tokio::test]
async fn secret_pasted_as_client_id_is_named() {
    let harness = Harness::new();
    let mut input = oauth_input();
    input.client_id = Some(client_secret());

    let report = harness.core.validate_profile(&input);

    let client_id_error = report
        .field_errors
        .iter()
        .find(|e| e.field == "clientId")
        .unwrap();
    assert!(
        client_id_error.message.contains("client secret"),
        "{}",
        client_id_error.message
    );
}

#[tokio::test]
async fn validation_previews_saas_environment() {
    let harness = Harness::new();

    let report = harness.core.validate_profile(&oauth_input());

    assert_eq!(report.field_errors, []);
    let environment = report.environment.expect("environment parses");
    assert_eq!(environment.kind, EnvironmentKind::Saas);
    assert_eq!(environment.environment_id.as_deref(), Some("abc12345"));
    assert!(
        environment
            .api_base
            .starts_with("https://abc12345.apps.dynatrace.com/")
    );
    assert!(
        environment.api_base.ends_with("/v2/"),
        "{}",
        environment.api_base
    );
}

#[tokio::test]
async fn delete_removes_profile_and_secret() {
    let harness = Harness::new();
    let saved = harness.core.save_profile(oauth_input()).await.unwrap();

    harness
        .core
        .delete_profile(&saved.id)
        .await
        .expect("delete succeeds");

    assert!(harness.core.profiles().is_empty());
    assert!(harness.keychain.load(&saved.id).await.unwrap().is_none());
    assert_eq!(harness.core.app_state().await.last_profile_id, None);
    assert_eq!(
        harness.core.delete_profile(&saved.id).await,
        Ok(()),
        "delete is idempotent"
    );
}

#[tokio::test]
async fn unknown_profile_id_is_not_found() {
    let harness = Harness::new();
    let mut input = oauth_input();
    input.id = Some("no-such-profile".into());

    let error = harness.core.save_profile(input).await.unwrap_err();

    assert_eq!(error.code, ErrorCode::ProfileNotFound);
}

#[tokio::test]
async fn switching_auth_method_needs_new_secret() {
    let harness = Harness::new();
    let saved = harness.core.save_profile(oauth_input()).await.unwrap();
    let mut edit = oauth_input();
    edit.id = Some(saved.id.clone());
    edit.auth_method = AuthMethod::PlatformToken;
    edit.secret = None;

    let error = harness.core.save_profile(edit).await.unwrap_err();

    assert_eq!(error.field_errors[0].field, "secret");
    harness.core.delete_profile(&saved.id).await.unwrap();
}

#[tokio::test]
async fn settings_round_trip() {
    let harness = Harness::new();
    assert_eq!(
        harness.core.settings(),
        Settings {
            clipboard_clear_seconds: 60
        }
    );

    let saved = harness
        .core
        .update_settings(Settings {
            clipboard_clear_seconds: 0,
        })
        .await
        .unwrap();

    assert_eq!(saved.clipboard_clear_seconds, 0);
    assert_eq!(harness.core.app_state().await.settings, saved);
}

#[tokio::test]
async fn too_long_clipboard_delay_is_rejected() {
    let harness = Harness::new();

    let error = harness
        .core
        .update_settings(Settings {
            clipboard_clear_seconds: 86_400,
        })
        .await
        .unwrap_err();

    assert_eq!(error.code, ErrorCode::InvalidInput);
    assert_eq!(error.field_errors[0].field, "clipboardClearSeconds");
}

#[tokio::test]
async fn app_state_reports_real_keychain() {
    let harness = Harness::new();

    let state = harness.core.app_state().await;

    assert!(state.keychain.available, "{:?}", state.keychain.problem);
    assert_eq!(state.keychain.backend, "Secret Service store");
    assert_eq!(state.version, env!("CARGO_PKG_VERSION"));
    assert!(state.sandbox.is_none());
}

const MANAGED_URL: &str = "https://dynatrace.example.com/e/8a3f2b1c-1234-4d5e-9f00-112233445566";
const MANAGED_HOST: &str = "dynatrace.example.com";
const API_TOKEN: &str = "dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.\
    ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn managed_input(trusted_host: Option<&str>) -> ProfileInput {
    ProfileInput {
        id: None,
        name: "Managed".into(),
        auth_method: AuthMethod::ApiToken,
        environment_url: MANAGED_URL.into(),
        account_uuid: None,
        client_id: None,
        secret: Some(SecretString::from(API_TOKEN)),
        sandbox: false,
        trusted_host: trusted_host.map(str::to_string),
    }
}

#[tokio::test]
async fn managed_environment_needs_host_confirmation() {
    let harness = Harness::new();

    let report = harness.core.validate_profile(&managed_input(None));

    let environment = report.environment.expect("Managed address parses");
    assert_eq!(environment.kind, EnvironmentKind::Managed);
    assert_eq!(environment.custom_host.as_deref(), Some(MANAGED_HOST));
    let warning = report.warnings.iter().find(|w| w.field == "environmentUrl");
    assert!(
        warning.is_some_and(|w| w.message.contains(MANAGED_HOST)),
        "{:?}",
        report.warnings
    );
}

#[tokio::test]
async fn unconfirmed_custom_host_is_not_saved() {
    let harness = Harness::new();

    let error = harness
        .core
        .save_profile(managed_input(None))
        .await
        .unwrap_err();

    assert_eq!(error.code, ErrorCode::InvalidInput);
    assert_eq!(error.field_errors.len(), 1, "{:?}", error.field_errors);
    assert_eq!(error.field_errors[0].field, "environmentUrl");
    let message = &error.field_errors[0].message;
    assert!(message.contains(MANAGED_HOST), "{message}");
    assert!(message.contains("I trust"), "{message}");
    assert!(harness.core.profiles().is_empty());
}

#[tokio::test]
async fn confirmed_custom_host_is_saved() {
    let harness = Harness::new();

    let saved = harness
        .core
        .save_profile(managed_input(Some(MANAGED_HOST)))
        .await
        .expect("confirmed host saves");

    assert_eq!(saved.trusted_host.as_deref(), Some(MANAGED_HOST));
    assert_eq!(harness.core.profiles(), vec![saved.clone()]);
    harness.core.delete_profile(&saved.id).await.unwrap();
}

#[tokio::test]
async fn changed_host_needs_new_confirmation() {
    let harness = Harness::new();
    let saved = harness
        .core
        .save_profile(managed_input(Some(MANAGED_HOST)))
        .await
        .unwrap();
    let mut edit = managed_input(Some(MANAGED_HOST));
    edit.id = Some(saved.id.clone());
    edit.secret = None;
    edit.environment_url = "https://other.example.com/e/prod01".into();

    let error = harness.core.save_profile(edit.clone()).await.unwrap_err();

    assert_eq!(error.field_errors[0].field, "environmentUrl");
    assert!(
        error.field_errors[0].message.contains("other.example.com"),
        "{}",
        error.field_errors[0].message
    );
    assert_eq!(
        harness.core.profiles(),
        vec![saved.clone()],
        "stored profile unchanged"
    );

    edit.trusted_host = Some("other.example.com".into());
    let moved = harness
        .core
        .save_profile(edit)
        .await
        .expect("new host confirmed");
    assert_eq!(moved.trusted_host.as_deref(), Some("other.example.com"));
    harness.core.delete_profile(&saved.id).await.unwrap();
}

#[tokio::test]
async fn dynatrace_host_drops_saved_trust() {
    let harness = Harness::new();
    let saved = harness
        .core
        .save_profile(managed_input(Some(MANAGED_HOST)))
        .await
        .unwrap();
    let mut edit = managed_input(Some(MANAGED_HOST));
    edit.id = Some(saved.id.clone());
    edit.secret = None;
    edit.environment_url = "https://abc12345.live.dynatrace.com".into();

    let edited = harness
        .core
        .save_profile(edit)
        .await
        .expect("SaaS host saves");

    assert_eq!(edited.trusted_host, None);
    harness.core.delete_profile(&saved.id).await.unwrap();
}

#[tokio::test]
async fn dynatrace_host_needs_no_confirmation() {
    let harness = Harness::new();
    let mut input = managed_input(None);
    input.environment_url = "https://abc12345.live.dynatrace.com".into();

    let saved = harness
        .core
        .save_profile(input)
        .await
        .expect("SaaS host saves");

    assert_eq!(saved.trusted_host, None);
    harness.core.delete_profile(&saved.id).await.unwrap();
}

/// A profile entry an older or newer version could have written, which this one cannot read.
fn unreadable_profile() -> serde_json::Value {
    serde_json::json!({
        "id": "0f6a3a52-0000-4000-8000-000000000001",
        "name": "From another version",
        "authMethod": "someFutureMethod",
        "environmentUrl": "https://xyz98765.apps.dynatrace.com",
        "secretStored": true
    })
}

#[tokio::test]
async fn unreadable_profile_survives_saving_another() {
    let harness = Harness::new();
    let good = harness.core.save_profile(oauth_input()).await.unwrap();
    let mut stored = harness.store.get("profiles").unwrap();
    stored.as_array_mut().unwrap().push(unreadable_profile());
    harness.store.set("profiles", stored);

    let mut third = oauth_input();
    third.name = "Staging".into();
    let third = harness.core.save_profile(third).await.unwrap();

    let ids: Vec<String> = harness
        .core
        .profiles()
        .into_iter()
        .map(|profile| profile.id)
        .collect();
    assert_eq!(ids, [good.id.clone(), third.id.clone()]);
    let on_disk: serde_json::Value = serde_json::from_slice(&harness.store_bytes()).unwrap();
    let entries = on_disk["profiles"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[1], unreadable_profile());
    harness.core.delete_profile(&good.id).await.unwrap();
    harness.core.delete_profile(&third.id).await.unwrap();
    let on_disk: serde_json::Value = serde_json::from_slice(&harness.store_bytes()).unwrap();
    assert_eq!(
        on_disk["profiles"],
        serde_json::json!([unreadable_profile()])
    );
}

#[tokio::test]
async fn profile_without_later_fields_loads() {
    let harness = Harness::new();
    harness.store.set(
        "profiles",
        serde_json::json!([{
            "id": "0f6a3a52-0000-4000-8000-000000000002",
            "name": "Old",
            "authMethod": "apiToken",
            "environmentUrl": "https://abc12345.live.dynatrace.com"
        }]),
    );

    let profiles = harness.core.profiles();

    assert_eq!(profiles.len(), 1);
    assert!(profiles[0].last_scopes.is_empty());
    assert!(!profiles[0].secret_stored);
}

#[test]
fn garbage_settings_file_is_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(token_wizard_lib::store::STORE_FILE);
    std::fs::write(&path, b"{\"profiles\": [ this is not JSON").unwrap();

    let aside = token_wizard_lib::store::set_aside_unreadable(&path)
        .unwrap()
        .expect("the file is moved aside");

    assert!(!path.exists());
    assert_eq!(
        std::fs::read(&aside).unwrap(),
        b"{\"profiles\": [ this is not JSON"
    );
    let name = aside.file_name().unwrap().to_str().unwrap();
    assert!(name.starts_with("settings.json.unreadable-"), "{name}");
    let notice = token_wizard_lib::store::unreadable_notice(&aside);
    assert!(notice.contains(name), "{notice}");
}

#[test]
fn readable_settings_file_stays() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(token_wizard_lib::store::STORE_FILE);
    std::fs::write(&path, b"{\"profiles\": []}").unwrap();

    assert_eq!(
        token_wizard_lib::store::set_aside_unreadable(&path).unwrap(),
        None
    );
    assert!(path.exists());
    assert_eq!(
        token_wizard_lib::store::set_aside_unreadable(&dir.path().join("missing.json")).unwrap(),
        None
    );
}

#[tokio::test]
async fn notices_reach_the_app_state() {
    let harness = Harness::new();
    assert!(harness.core.app_state().await.notices.is_empty());

    harness
        .core
        .add_notice("The settings file was moved aside.".into());

    assert_eq!(
        harness.core.app_state().await.notices,
        ["The settings file was moved aside."]
    );
}
