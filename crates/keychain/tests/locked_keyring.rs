//! A keyring that was never unlocked makes `store` fail as "locked", never silently.
//!
//! The check runs in a child process inside its own session bus (`dbus-run-session`), with a
//! gnome-keyring daemon started without a password, so its login collection stays locked.

#![cfg(target_os = "linux")]

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use secrecy::SecretString;
use wizard_keychain::{Keychain, KeychainErrorCode};

const CHILD_MARKER: &str = "WIZARD_KEYCHAIN_LOCKED_CHILD";

#[test]
fn never_unlocked_keyring_is_locked() {
    let data_home = std::env::temp_dir().join(format!("locked-keyring-{}", std::process::id()));
    std::fs::create_dir_all(&data_home).unwrap();
    let test_binary = std::env::current_exe().unwrap();
    let script = format!(
        "gnome-keyring-daemon --start --components=secrets >/dev/null && exec '{}' --exact \
         child_with_locked_keyring --include-ignored --nocapture",
        test_binary.display()
    );

    // gnome-keyring-daemon joins a daemon it finds through XDG_RUNTIME_DIR or
    // GNOME_KEYRING_CONTROL, as on a developer's desktop, so the child gets a runtime folder of
    // its own and starts a fresh, never unlocked keyring.
    let runtime_dir = data_home.join("runtime");
    std::fs::create_dir_all(&runtime_dir).unwrap();
    std::fs::set_permissions(&runtime_dir, std::fs::Permissions::from_mode(0o700)).unwrap();

    let output = Command::new("dbus-run-session")
        .args(["--", "bash", "-c", &script])
        .env(CHILD_MARKER, "1")
        .env("XDG_DATA_HOME", &data_home)
        .env("XDG_RUNTIME_DIR", &runtime_dir)
        .env_remove("GNOME_KEYRING_CONTROL")
        .output()
        .expect("dbus-run-session is installed");
    let stdout = String::from_utf8_lossy(&output.stdout);
    std::fs::remove_dir_all(&data_home).ok();

    assert!(
        output.status.success(),
        "child failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("1 passed"),
        "child test did not run:\n{stdout}"
    );
}

#[tokio::test]
#[ignore = "runs only as the child process of never_unlocked_keyring_is_locked"]
async fn child_with_locked_keyring() {
    assert_eq!(
        std::env::var(CHILD_MARKER).as_deref(),
        Ok("1"),
        "run through the parent test"
    );
    let keychain = Keychain::new("com.tokenwizard.dynatrace.keychain-test");

    let error = keychain
        .store("profile-1", &SecretString::from("never-stored"))
        .await
        .expect_err("a locked keyring rejects the write");

    assert_eq!(error.code, KeychainErrorCode::Locked, "{error:?}");
    assert!(error.message.contains("Unlock"), "{}", error.message);
}
