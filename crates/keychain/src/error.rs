//! Keychain failures, sorted into the few cases a user can act on.

/// Cause of a keychain failure, as a closed set the desktop shell maps to its own error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeychainErrorCode {
    /// No keychain to talk to: no D-Bus session bus, no Secret Service provider, or a mock store.
    Unavailable,
    /// The keychain exists but is locked (keyring 4 reports `NoStorageAccess`).
    Locked,
    /// The user or the OS refused access, for example by dismissing an unlock prompt.
    Denied,
    /// The keychain did not answer in time, often because an unlock prompt is still open.
    TimedOut,
    /// Any other keychain failure: a malformed entry, several matching entries, a read-back
    /// that differs from what was written.
    Failed,
}

/// A keychain failure with a message that names the fix. Never contains a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct KeychainError {
    pub code: KeychainErrorCode,
    /// Cause and fix in one or two sentences.
    pub message: String,
    /// The platform's own error text, for the log and the "details" line.
    pub detail: Option<String>,
}

impl KeychainError {
    pub(crate) fn new(code: KeychainErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            detail: None,
        }
    }

    pub(crate) fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Builds the "no keychain" error with set-up hints for the current platform.
    pub(crate) fn unavailable(detail: impl Into<String>) -> Self {
        Self::new(KeychainErrorCode::Unavailable, unavailable_message()).with_detail(detail)
    }

    pub(crate) fn timed_out(seconds: u64) -> Self {
        Self::new(
            KeychainErrorCode::TimedOut,
            format!(
                "The keychain did not answer within {seconds} seconds. If an unlock prompt is \
                 open, answer it; otherwise restart the keyring service and try again."
            ),
        )
    }
}

#[cfg(target_os = "linux")]
fn unavailable_message() -> &'static str {
    "No keychain is available: Token Wizard stores secrets only through the Secret Service \
     (org.freedesktop.secrets) on the D-Bus session bus. Install and start gnome-keyring \
     (apt install gnome-keyring) or enable KeePassXC's Secret Service integration, then restart \
     Token Wizard. On WSL or a minimal desktop, run the app inside a session bus \
     (dbus-run-session) with gnome-keyring-daemon --unlock --components=secrets started in it."
}

#[cfg(target_os = "macos")]
fn unavailable_message() -> &'static str {
    "The macOS Keychain could not be opened. Check that your login keychain exists in Keychain \
     Access, then restart Token Wizard."
}

#[cfg(target_os = "windows")]
fn unavailable_message() -> &'static str {
    "Windows Credential Manager could not be opened. Check that the Credential Manager service \
     is running, then restart Token Wizard."
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn unavailable_message() -> &'static str {
    "No keychain is available on this system, so Token Wizard cannot store secrets. Start a \
     Secret Service provider such as gnome-keyring, then restart Token Wizard."
}

/// Sorts a keyring 4 error into one of our codes.
///
/// `NoStorageAccess` is what the Secret Service store returns for a locked collection (and for a
/// dismissed prompt, which we tell apart by its text). Platform failures carry no typed cause
/// through keyring-core 1.1, so denial and "service missing" are recognised by the platform
/// text: "prompt dismissed" (secret-service 5), "canceled" (macOS `errSecUserCanceled`),
/// "access is denied" (Windows `ERROR_ACCESS_DENIED`), "ServiceUnknown" (D-Bus).
pub(crate) fn classify(error: &keyring::Error) -> KeychainError {
    let detail = error.to_string();
    let lowered = detail.to_lowercase();

    if is_denial(&lowered) {
        return KeychainError::new(
            KeychainErrorCode::Denied,
            "Access to the keychain was denied, so the secret was not read or saved. Allow \
             Token Wizard when the keychain asks, then try again.",
        )
        .with_detail(detail);
    }

    match error {
        keyring::Error::NoStorageAccess(_) => KeychainError::new(
            KeychainErrorCode::Locked,
            "The keychain is locked. Unlock your login keyring (for example in Passwords and \
             Keys, or by logging in again), then try again.",
        )
        .with_detail(detail),
        keyring::Error::NoDefaultStore => KeychainError::unavailable(detail),
        keyring::Error::PlatformFailure(_) if is_service_missing(&lowered) => {
            KeychainError::unavailable(detail)
        }
        keyring::Error::PlatformFailure(_) => KeychainError::new(
            KeychainErrorCode::Unavailable,
            "The keychain reported a failure. Check that the keyring service is running, then \
             try again.",
        )
        .with_detail(detail),
        keyring::Error::Ambiguous(entries) => KeychainError::new(
            KeychainErrorCode::Failed,
            "The keychain contains several entries for this profile. Remove the duplicates for \
             this app in your keyring manager, then save the profile again.",
        )
        .with_detail(format!("{} matching entries", entries.len())),
        // BadEncoding and BadDataFormat carry the stored bytes; never put those in a message.
        keyring::Error::BadEncoding(_) | keyring::Error::BadDataFormat(..) => KeychainError::new(
            KeychainErrorCode::Failed,
            "The keychain entry for this profile is not readable text. Enter the secret again \
             and save the profile.",
        ),
        _ => KeychainError::new(
            KeychainErrorCode::Failed,
            "The keychain rejected the request. Try again; if it keeps failing, restart the \
             keyring service.",
        )
        .with_detail(detail),
    }
}

fn is_denial(lowered: &str) -> bool {
    [
        "prompt dismissed",
        "canceled",
        "cancelled",
        "access is denied",
        "access denied",
    ]
    .iter()
    .any(|needle| lowered.contains(needle))
}

fn is_service_missing(lowered: &str) -> bool {
    [
        "serviceunknown",
        "org.freedesktop.secrets",
        "no secret service",
        "failed to connect",
    ]
    .iter()
    .any(|needle| lowered.contains(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Platform(&'static str);

    impl std::fmt::Display for Platform {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Platform {}

    fn platform_failure(text: &'static str) -> keyring::Error {
        keyring::Error::PlatformFailure(Box::new(Platform(text)))
    }

    #[test]
    fn no_storage_access_is_locked() {
        let error = keyring::Error::NoStorageAccess(Box::new(Platform("SS Error: object locked")));
        assert_eq!(classify(&error).code, KeychainErrorCode::Locked);
    }

    #[test]
    fn dismissed_prompt_is_denied() {
        let error =
            keyring::Error::NoStorageAccess(Box::new(Platform("SS error: prompt dismissed")));
        assert_eq!(classify(&error).code, KeychainErrorCode::Denied);
    }

    #[test]
    fn missing_secret_service_is_unavailable() {
        let error = platform_failure("zbus error: org.freedesktop.DBus.Error.ServiceUnknown");
        let classified = classify(&error);
        assert_eq!(classified.code, KeychainErrorCode::Unavailable);
        assert!(
            classified.message.contains("gnome-keyring"),
            "{}",
            classified.message
        );
    }

    #[test]
    fn no_default_store_is_unavailable() {
        assert_eq!(
            classify(&keyring::Error::NoDefaultStore).code,
            KeychainErrorCode::Unavailable
        );
    }

    #[test]
    fn bad_encoding_hides_stored_bytes() {
        let error = keyring::Error::BadEncoding(b"top-secret-bytes".to_vec());
        let classified = classify(&error);
        assert_eq!(classified.code, KeychainErrorCode::Failed);
        assert_eq!(classified.detail, None);
        assert!(!format!("{classified:?}").contains("top-secret"));
    }
}
