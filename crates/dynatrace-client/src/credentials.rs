//! Credentials for the three ways to authenticate, and checks that catch paste errors before
//! any request.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorCode};

/// Authentication method of token calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuthKind {
    /// OAuth client credentials: an SSO bearer sent to the apps host.
    #[serde(rename = "oauth")]
    OAuth,
    /// A platform token (`dt0s16.…`) sent as `Authorization: Bearer` to the apps host.
    #[serde(rename = "platformToken")]
    PlatformToken,
    /// An API token with `apiTokens.write` sent as `Authorization: Api-Token` to the live or
    /// Managed host.
    #[serde(rename = "apiToken")]
    ApiToken,
}

/// An OAuth client of a service user.
#[derive(Clone)]
pub struct OAuthClient {
    /// `dt0s02.<public part>`.
    pub client_id: String,
    /// `dt0s02.<public part>.<secret part>`: starts with the client ID.
    pub client_secret: SecretString,
    /// Account the bearer is requested for (`resource=urn:dtaccount:<uuid>`).
    pub account_uuid: uuid::Uuid,
}

impl fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthClient")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("account_uuid", &self.account_uuid)
            .finish()
    }
}

/// Credentials for one of the three ways to authenticate.
#[derive(Clone)]
pub enum Credentials {
    OAuth(OAuthClient),
    PlatformToken(SecretString),
    ApiToken(SecretString),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::OAuth(client) => f.debug_tuple("OAuth").field(client).finish(),
            Credentials::PlatformToken(_) => f.write_str("PlatformToken([REDACTED])"),
            Credentials::ApiToken(_) => f.write_str("ApiToken([REDACTED])"),
        }
    }
}

impl Credentials {
    pub fn kind(&self) -> AuthKind {
        match self {
            Credentials::OAuth(_) => AuthKind::OAuth,
            Credentials::PlatformToken(_) => AuthKind::PlatformToken,
            Credentials::ApiToken(_) => AuthKind::ApiToken,
        }
    }

    /// Checks the shapes of the credentials before any request.
    ///
    /// Rejects only shapes that are surely wrong, such as an empty value or a credential of
    /// another kind. Unknown shapes pass, so formats Dynatrace adds later still work.
    pub fn validate(&self) -> Result<(), Error> {
        match self {
            Credentials::OAuth(client) => {
                check_client_id(&client.client_id)?;
                check_client_secret(&client.client_id, &client.client_secret)?;
                if client.account_uuid.is_nil() {
                    return Err(Error::input(
                        ErrorCode::InvalidAccountUuid,
                        "The account UUID is all zeros. Copy it from Account Management (the \
                         account ID in the address or under Account settings).",
                    ));
                }
                Ok(())
            }
            Credentials::PlatformToken(token) => check_token_field(
                token.expose_secret(),
                CredentialShape::PlatformToken,
                "platform token",
            ),
            Credentials::ApiToken(token) => check_token_field(
                token.expose_secret(),
                CredentialShape::ApiToken,
                "API token",
            ),
        }
    }

    /// Returns the secret values of these credentials, for scrubbing server text.
    pub(crate) fn secret_values(&self) -> Vec<&str> {
        let secret = match self {
            Credentials::OAuth(client) => client.client_secret.expose_secret(),
            Credentials::PlatformToken(token) | Credentials::ApiToken(token) => {
                token.expose_secret()
            }
        };
        let secret = secret.trim();
        let mut values = vec![secret];
        // The part after the last dot is the secret on its own.
        if let Some((_, tail)) = secret.rsplit_once('.') {
            values.push(tail);
        }
        values
    }
}

/// Shape of a pasted value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CredentialShape {
    /// `dt0c01.<public>.<secret>`: an API token with its secret.
    ApiToken,
    /// `dt0c01.<public>`: an API token ID without the secret.
    ApiTokenId,
    /// `dt0s02.<public>`.
    OAuthClientId,
    /// `dt0s02.<public>.<secret>`.
    OAuthClientSecret,
    /// `dt0s16.<public>.<secret>`.
    PlatformToken,
    /// Another `dt0<letter><2 digits>.<public>.<secret>` token type.
    OtherDynatraceToken,
    /// A token from before Dynatrace 1.205: 21 characters without a `dt0` prefix.
    LegacyApiToken,
    /// An account UUID, bare or as `urn:dtaccount:<uuid>`.
    AccountUuid,
    /// A JSON Web Token, as SSO bearers are.
    Bearer,
}

/// Recognises what kind of credential a pasted value is, so the UI can warn when it went into
/// the wrong field. Returns `None` for unknown shapes.
pub fn recognise_credential(input: &str) -> Option<CredentialShape> {
    let input = input.trim();
    let parts: Vec<&str> = input.split('.').collect();
    let alnum = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric());
    let prefix = parts[0];
    let dt_prefix = prefix.len() == 6
        && prefix.starts_with("dt0")
        && prefix.as_bytes()[3].is_ascii_lowercase()
        && prefix.as_bytes()[4..].iter().all(u8::is_ascii_digit);

    if dt_prefix && parts[1..].iter().all(|part| alnum(part)) {
        return match (prefix, parts.len()) {
            ("dt0c01", 3) => Some(CredentialShape::ApiToken),
            ("dt0c01", 2) => Some(CredentialShape::ApiTokenId),
            ("dt0s02", 2) => Some(CredentialShape::OAuthClientId),
            ("dt0s02", 3) => Some(CredentialShape::OAuthClientSecret),
            ("dt0s16", 3) => Some(CredentialShape::PlatformToken),
            (_, 3) => Some(CredentialShape::OtherDynatraceToken),
            _ => None,
        };
    }
    if parse_uuid_text(input).is_some() {
        return Some(CredentialShape::AccountUuid);
    }
    if parts.len() == 3 && input.starts_with("eyJ") {
        return Some(CredentialShape::Bearer);
    }
    // NOTE: the legacy format is inferred from tokens seen in public examples (21 characters of
    // letters, digits, `-` and `_`); Dynatrace does not document it.
    let legacy = input.len() == 21
        && input
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    legacy.then_some(CredentialShape::LegacyApiToken)
}

fn parse_uuid_text(input: &str) -> Option<uuid::Uuid> {
    let input = input.trim();
    let bare = input.strip_prefix("urn:dtaccount:").unwrap_or(input);
    // `Uuid::parse_str` also accepts the braced and URN forms; only the hyphenated and simple
    // forms are account UUIDs as Account Management shows them.
    if bare.len() != 36 && bare.len() != 32 {
        return None;
    }
    uuid::Uuid::parse_str(bare).ok()
}

/// Parses an account UUID, bare or as `urn:dtaccount:<uuid>`.
pub fn parse_account_uuid(input: &str) -> Result<uuid::Uuid, Error> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(Error::input(
            ErrorCode::InvalidAccountUuid,
            "The account UUID is empty. Copy it from Account Management: it is the UUID in the \
             address (https://myaccount.dynatrace.com/accounts/<UUID>/...).",
        ));
    }
    match parse_uuid_text(trimmed) {
        Some(uuid) if !uuid.is_nil() => Ok(uuid),
        Some(_) => Err(Error::input(
            ErrorCode::InvalidAccountUuid,
            "The account UUID is all zeros. Copy the real one from Account Management.",
        )),
        None => {
            let hint = match recognise_credential(trimmed) {
                Some(CredentialShape::OAuthClientId) => {
                    " This is an OAuth client ID; it goes into the client ID field."
                }
                Some(CredentialShape::OAuthClientSecret) => {
                    " This is an OAuth client secret; it goes into the client secret field."
                }
                Some(_) => " This is a token, not an account UUID.",
                None if trimmed.contains("://") => {
                    " This is a URL; copy only the UUID after /accounts/ in it."
                }
                None => "",
            };
            Err(Error::input(
                ErrorCode::InvalidAccountUuid,
                format!(
                    "The account UUID is not valid: expected 32 hex digits in the form \
                     xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, optionally after urn:dtaccount:.{hint}"
                ),
            ))
        }
    }
}

/// Checks that `input` is an OAuth client ID (`dt0s02.<public part>`).
pub fn check_client_id(input: &str) -> Result<(), Error> {
    let trimmed = input.trim();
    let message = match recognise_credential(trimmed) {
        Some(CredentialShape::OAuthClientId) => return Ok(()),
        _ if trimmed.is_empty() => "The client ID is empty.".to_string(),
        Some(CredentialShape::OAuthClientSecret) => {
            "This is the client secret, not the client ID. The client ID is the part before the \
             second dot (dt0s02.XXXXXXXX)."
                .to_string()
        }
        Some(CredentialShape::PlatformToken) => {
            "This is a platform token, not an OAuth client ID. Choose platform token sign-in, or \
             paste the client ID (dt0s02.XXXXXXXX)."
                .to_string()
        }
        Some(CredentialShape::ApiToken | CredentialShape::ApiTokenId) => {
            "This is an API token, not an OAuth client ID. Choose API token sign-in, or paste \
             the client ID (dt0s02.XXXXXXXX)."
                .to_string()
        }
        _ => "The client ID must start with dt0s02. followed by letters and digits.".to_string(),
    };
    Err(Error::input(
        ErrorCode::InvalidClientId,
        format!(
            "{message} Copy it from Account Management > Identity & access management > OAuth clients."
        ),
    ))
}

/// Checks that `secret` is the client secret of `client_id` (`<client id>.<secret part>`).
pub fn check_client_secret(client_id: &str, secret: &SecretString) -> Result<(), Error> {
    let client_id = client_id.trim();
    let secret = secret.expose_secret().trim();
    let fail = |message: String| Err(Error::input(ErrorCode::InvalidClientSecret, message));

    if secret.is_empty() {
        return fail(
            "The client secret is empty. Paste the secret shown when the OAuth client \
                     was created (it starts with the client ID)."
                .to_string(),
        );
    }
    match recognise_credential(secret) {
        Some(CredentialShape::OAuthClientSecret) => {}
        Some(CredentialShape::OAuthClientId) => {
            return fail(
                "This is a client ID, not the client secret. The secret is longer and \
                         starts with the client ID followed by a dot."
                    .to_string(),
            );
        }
        Some(CredentialShape::PlatformToken) => {
            return fail(
                "This is a platform token (dt0s16.…), not an OAuth client secret. \
                         Choose platform token sign-in, or paste the client secret (it starts \
                         with the client ID)."
                    .to_string(),
            );
        }
        Some(CredentialShape::ApiToken) => {
            return fail(
                "This is an API token (dt0c01.…), not an OAuth client secret. Choose \
                         API token sign-in, or paste the client secret."
                    .to_string(),
            );
        }
        _ => {
            return fail(
                "The client secret must look like dt0s02.<client ID part>.<secret \
                         part>. Paste the secret shown when the OAuth client was created."
                    .to_string(),
            );
        }
    }
    let Some((secret_client_id, _)) = secret.rsplit_once('.') else {
        return fail("The client secret has no secret part.".to_string());
    };
    if secret_client_id != client_id {
        return fail(format!(
            "The client secret belongs to the OAuth client {secret_client_id}, not to {client_id}. \
             Copy the client ID and secret of the same OAuth client."
        ));
    }
    Ok(())
}

fn check_token_field(value: &str, expected: CredentialShape, field: &str) -> Result<(), Error> {
    let trimmed = value.trim();
    let fail = |message: String| Err(Error::input(ErrorCode::InvalidCredential, message));
    if trimmed.is_empty() {
        return fail(format!("The {field} is empty."));
    }
    if trimmed.chars().any(char::is_whitespace) {
        return fail(format!(
            "The {field} contains spaces or line breaks; paste it again."
        ));
    }
    let shape = recognise_credential(trimmed);
    if shape == Some(expected) {
        return Ok(());
    }
    let wrong = match shape {
        Some(CredentialShape::ApiToken) => "an API token (dt0c01.…); choose API token sign-in",
        Some(CredentialShape::ApiTokenId) => {
            "only a token ID without its secret part; paste the whole token"
        }
        Some(CredentialShape::PlatformToken) => {
            "a platform token (dt0s16.…); choose platform token sign-in"
        }
        Some(CredentialShape::OAuthClientId) | Some(CredentialShape::OAuthClientSecret) => {
            "an OAuth client credential (dt0s02.…); choose OAuth client sign-in"
        }
        Some(CredentialShape::AccountUuid) => "an account UUID",
        Some(CredentialShape::Bearer) => "an SSO bearer, which expires within minutes",
        // Unknown and legacy shapes pass: the server decides.
        Some(CredentialShape::LegacyApiToken | CredentialShape::OtherDynatraceToken) | None => {
            return Ok(());
        }
    };
    fail(format!("This is not a {field}: it is {wrong}."))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLIENT_ID: &str = "dt0s02.ABCD1234";
    const CLIENT_SECRET: &str =
        "dt0s02.ABCD1234.ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    const API_TOKEN: &str = "dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
    const PLATFORM_TOKEN: &str =
        "dt0s16.SAMPLE12.ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    fn oauth(secret: &str) -> Credentials {
        Credentials::OAuth(OAuthClient {
            client_id: CLIENT_ID.into(),
            client_secret: SecretString::from(secret),
            account_uuid: uuid::Uuid::parse_str("8a9f3c1e-2b4d-4e6f-9a1b-3c5d7e9f1a2b").unwrap(),
        })
    }

    #[test]
    fn recognises_each_prefix() {
        assert_eq!(
            recognise_credential(API_TOKEN),
            Some(CredentialShape::ApiToken)
        );
        assert_eq!(
            recognise_credential("dt0c01.ST2EY72KQINMH574WMNVI7YN"),
            Some(CredentialShape::ApiTokenId)
        );
        assert_eq!(
            recognise_credential(CLIENT_ID),
            Some(CredentialShape::OAuthClientId)
        );
        assert_eq!(
            recognise_credential(CLIENT_SECRET),
            Some(CredentialShape::OAuthClientSecret)
        );
        assert_eq!(
            recognise_credential(PLATFORM_TOKEN),
            Some(CredentialShape::PlatformToken)
        );
        assert_eq!(
            recognise_credential("urn:dtaccount:8a9f3c1e-2b4d-4e6f-9a1b-3c5d7e9f1a2b"),
            Some(CredentialShape::AccountUuid)
        );
        assert_eq!(
            recognise_credential("abcdefghij1234567890a"),
            Some(CredentialShape::LegacyApiToken)
        );
        assert_eq!(recognise_credential("hello"), None);
    }

    #[test]
    fn account_uuid_accepts_urn_and_spaces() {
        let expected = uuid::Uuid::parse_str("8a9f3c1e-2b4d-4e6f-9a1b-3c5d7e9f1a2b").unwrap();
        let parsed = parse_account_uuid(" urn:dtaccount:8a9f3c1e-2b4d-4e6f-9a1b-3c5d7e9f1a2b ");
        assert_eq!(parsed.unwrap(), expected);
        assert_eq!(
            parse_account_uuid("8a9f3c1e-2b4d-4e6f-9a1b-3c5d7e9f1a2b").unwrap(),
            expected
        );
    }

    #[test]
    fn account_uuid_rejects_client_id() {
        let error = parse_account_uuid(CLIENT_ID).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidAccountUuid);
        assert!(
            error.message.contains("client ID field"),
            "{}",
            error.message
        );
    }

    #[test]
    fn client_id_rejects_secret_and_platform_token() {
        assert!(check_client_id(CLIENT_ID).is_ok());
        let error = check_client_id(CLIENT_SECRET).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidClientId);
        assert!(!error.message.contains("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"));
        let error = check_client_id(PLATFORM_TOKEN).unwrap_err();
        assert!(error.message.contains("platform token"));
    }

    #[test]
    fn client_secret_must_start_with_client_id() {
        let other = SecretString::from(
            "dt0s02.ZZZZ9999.ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
        );
        let error = check_client_secret(CLIENT_ID, &other).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidClientSecret);
        assert!(error.message.contains("dt0s02.ZZZZ9999"));
        assert!(!error.message.contains("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"));
    }

    #[test]
    fn platform_token_as_client_secret_is_named() {
        let error = oauth(PLATFORM_TOKEN).validate().unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidClientSecret);
        assert!(error.message.contains("platform token"));
    }

    #[test]
    fn valid_oauth_credentials_pass() {
        assert!(oauth(CLIENT_SECRET).validate().is_ok());
    }

    #[test]
    fn api_token_field_rejects_platform_token() {
        let credentials = Credentials::ApiToken(SecretString::from(PLATFORM_TOKEN));
        let error = credentials.validate().unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidCredential);
        assert!(error.message.contains("platform token"));
        assert!(
            Credentials::ApiToken(SecretString::from(API_TOKEN))
                .validate()
                .is_ok()
        );
    }

    #[test]
    fn unknown_token_shape_passes() {
        let credentials = Credentials::ApiToken(SecretString::from("some-future-token-format"));
        assert!(credentials.validate().is_ok());
    }

    #[test]
    fn debug_output_hides_secrets() {
        let text = format!(
            "{:?} {:?} {:?}",
            oauth(CLIENT_SECRET),
            Credentials::PlatformToken(SecretString::from(PLATFORM_TOKEN)),
            Credentials::ApiToken(SecretString::from(API_TOKEN))
        );
        assert!(!text.contains("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"));
        assert!(!text.contains("G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM"));
        assert!(text.contains(CLIENT_ID));
    }

    #[test]
    fn auth_kind_serialises_camel_case() {
        assert_eq!(
            serde_json::to_string(&AuthKind::OAuth).unwrap(),
            "\"oauth\""
        );
        assert_eq!(
            serde_json::to_string(&AuthKind::PlatformToken).unwrap(),
            "\"platformToken\""
        );
        assert_eq!(
            serde_json::to_string(&AuthKind::ApiToken).unwrap(),
            "\"apiToken\""
        );
    }
}
