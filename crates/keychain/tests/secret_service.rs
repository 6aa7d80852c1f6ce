//! Store, load and delete against the real platform keychain.
//!
//! These tests need an unlocked Secret Service and fail without one. Run them in a private
//! session bus with a fresh gnome-keyring:
//!
//! ```sh
//! dbus-run-session -- bash -c 'export XDG_DATA_HOME=$(mktemp -d)
//!   echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
//!   cargo test -p wizard-keychain'
//! ```

use std::process::Command;

use secrecy::{ExposeSecret, SecretString};
use wizard_keychain::Keychain;

/// Service name used only by these tests, so they never touch the app's own entries.
const TEST_SERVICE: &str = "com.tokenwizard.dynatrace.keychain-test";

fn keychain() -> Keychain {
    Keychain::new(TEST_SERVICE)
}

fn fresh_profile_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Looks the entry up with libsecret's `secret-tool`, outside our process and outside keyring.
fn secret_tool_lookup(profile_id: &str) -> Option<String> {
    let output = Command::new("secret-tool")
        .args([
            "lookup",
            "service",
            TEST_SERVICE,
            "username",
            &format!("profile:{profile_id}"),
        ])
        .output()
        .expect("secret-tool from libsecret-tools is installed");
    output
        .status
        .success()
        .then(|| String::from_utf8(output.stdout).expect("UTF-8 secret"))
}

#[tokio::test]
async fn status_reports_real_platform_store() {
    let status = keychain().status().await;

    assert!(
        status.available,
        "keychain unavailable: {:?}",
        status.problem
    );
    assert_eq!(status.problem, None);
    #[cfg(target_os = "linux")]
    assert_eq!(status.backend, "Secret Service store");
}

#[tokio::test]
async fn stored_secret_loads_back() {
    let keychain = keychain();
    let profile_id = fresh_profile_id();
    let secret = SecretString::from("dt0s02.ABCDEFGH.secret-value-under-test");

    keychain
        .store(&profile_id, &secret)
        .await
        .expect("store succeeds");
    let loaded = keychain.load(&profile_id).await.expect("load succeeds");

    assert_eq!(
        loaded.as_ref().map(ExposeSecret::expose_secret),
        Some(secret.expose_secret())
    );
    keychain
        .delete(&profile_id)
        .await
        .expect("cleanup succeeds");
}

#[tokio::test]
async fn stored_secret_is_visible_to_secret_tool() {
    let keychain = keychain();
    let profile_id = fresh_profile_id();

    keychain
        .store(&profile_id, &SecretString::from("seen-by-libsecret"))
        .await
        .unwrap();

    assert_eq!(
        secret_tool_lookup(&profile_id).as_deref(),
        Some("seen-by-libsecret")
    );
    keychain.delete(&profile_id).await.unwrap();
}

#[tokio::test]
async fn store_replaces_earlier_secret() {
    let keychain = keychain();
    let profile_id = fresh_profile_id();

    keychain
        .store(&profile_id, &SecretString::from("first"))
        .await
        .unwrap();
    keychain
        .store(&profile_id, &SecretString::from("second"))
        .await
        .unwrap();
    let loaded = keychain
        .load(&profile_id)
        .await
        .unwrap()
        .expect("entry exists");

    assert_eq!(loaded.expose_secret(), "second");
    keychain.delete(&profile_id).await.unwrap();
}

#[tokio::test]
async fn missing_entry_loads_as_none() {
    let loaded = keychain()
        .load(&fresh_profile_id())
        .await
        .expect("load succeeds");

    assert!(loaded.is_none());
}

#[tokio::test]
async fn delete_removes_entry() {
    let keychain = keychain();
    let profile_id = fresh_profile_id();
    keychain
        .store(&profile_id, &SecretString::from("to-be-deleted"))
        .await
        .unwrap();

    keychain.delete(&profile_id).await.expect("delete succeeds");

    assert!(keychain.load(&profile_id).await.unwrap().is_none());
    assert_eq!(secret_tool_lookup(&profile_id), None);
}

#[tokio::test]
async fn delete_of_missing_entry_succeeds() {
    let result = keychain().delete(&fresh_profile_id()).await;

    assert_eq!(result, Ok(()));
}

#[tokio::test]
async fn entries_are_separated_by_service() {
    let profile_id = fresh_profile_id();
    let other = Keychain::new(format!("{TEST_SERVICE}.other"));
    keychain()
        .store(&profile_id, &SecretString::from("mine"))
        .await
        .unwrap();

    let seen_by_other = other.load(&profile_id).await.unwrap();

    assert!(seen_by_other.is_none());
    keychain().delete(&profile_id).await.unwrap();
}
