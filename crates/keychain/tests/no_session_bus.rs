//! Without a D-Bus session bus every keychain call fails as "unavailable", never silently.
//!
//! keyring 4 opens the platform store once per process, so the check runs in a child process
//! (this test binary again) whose session bus address points at a socket that does not exist.

use std::process::Command;

use secrecy::SecretString;
use wizard_keychain::{Keychain, KeychainErrorCode};

const CHILD_MARKER: &str = "WIZARD_KEYCHAIN_NO_BUS_CHILD";

#[test]
fn missing_session_bus_is_unavailable() {
    let missing_socket = std::env::temp_dir().join(format!("no-bus-{}", std::process::id()));
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_without_session_bus",
            "--include-ignored",
            "--nocapture",
        ])
        .env(CHILD_MARKER, "1")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}", missing_socket.display()),
        )
        .output()
        .expect("test binary starts again");
    let stdout = String::from_utf8_lossy(&output.stdout);

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
#[ignore = "runs only as the child process of missing_session_bus_is_unavailable"]
async fn child_without_session_bus() {
    assert_eq!(
        std::env::var(CHILD_MARKER).as_deref(),
        Ok("1"),
        "run through the parent test"
    );
    let keychain = Keychain::new("com.tokenwizard.dynatrace.keychain-test");

    let status = keychain.status().await;
    assert!(!status.available);
    let problem = status.problem.expect("status names the problem");
    assert_eq!(problem.code, KeychainErrorCode::Unavailable);
    assert!(
        problem.message.contains("gnome-keyring"),
        "{}",
        problem.message
    );
    assert!(problem.message.contains("KeePassXC"), "{}", problem.message);

    let stored = keychain
        .store("profile-1", &SecretString::from("never-stored"))
        .await;
    assert_eq!(stored.unwrap_err().code, KeychainErrorCode::Unavailable);

    let loaded = keychain.load("profile-1").await;
    assert_eq!(loaded.unwrap_err().code, KeychainErrorCode::Unavailable);

    let deleted = keychain.delete("profile-1").await;
    assert_eq!(deleted.unwrap_err().code, KeychainErrorCode::Unavailable);
}
