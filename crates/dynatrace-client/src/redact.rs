//! Scrubbing of secrets from text that reaches errors and logs.

use std::sync::LazyLock;

use regex::{Captures, Regex};

/// A Dynatrace credential with a secret part: `dt0c01` API tokens, `dt0s02` OAuth client
/// secrets, `dt0s16` platform tokens and any other `dt0<letter><2 digits>` type. The first two
/// parts (prefix and public part) are the token ID and are safe to show.
static DT_SECRET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(dt0[a-z][0-9]{2})\.([A-Za-z0-9]+)\.([A-Za-z0-9]+)").expect("valid pattern")
});

/// A JSON Web Token (three base64url parts, the first starting with `{"`), as SSO bearers are.
static JWT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)?").expect("valid pattern")
});

/// The credential after an authorization scheme name.
static AUTH_SCHEME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b(bearer|api-token)(\s+)([^\s,;"']+)"#).expect("valid pattern")
});

/// A value after a secret-bearing key in JSON, form or query syntax.
static SECRET_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)\b(client_secret|access_token|refresh_token|id_token|token|secret|password)("?\s*[:=]\s*"?)([^\s"&,;}]+)"#,
    )
    .expect("valid pattern")
});

const MASK: &str = "***";

/// Returns `text` with every secret-looking value masked.
///
/// NOTE: an echo the server altered (Base64, a character inserted, a different split) is not
/// recognised here, nor by the exact-value masking in `Error::redact_values`.
///
/// `dt0c01.PUBLIC.SECRET` becomes `dt0c01.PUBLIC.***` so the token ID stays visible; bearers,
/// values after `Bearer`/`Api-Token` and values of secret-bearing fields become `***`.
pub fn scrub(text: &str) -> String {
    let mut current = text.to_string();

    // Replacing can join fragments into a new match (for example `dt0c01.A.dt0c01.B.C`), so
    // repeat until nothing changes. Each pass only shortens or keeps the secret parts.
    for _ in 0..4 {
        let next = scrub_once(&current);
        if next == current {
            break;
        }
        current = next;
    }
    current
}

fn scrub_once(text: &str) -> String {
    let text = DT_SECRET.replace_all(text, |caps: &Captures| {
        if &caps[3] == MASK {
            caps[0].to_string()
        } else {
            format!("{}.{}.{MASK}", &caps[1], &caps[2])
        }
    });
    let text = JWT.replace_all(&text, MASK);
    let text = AUTH_SCHEME.replace_all(&text, |caps: &Captures| {
        let value = &caps[3];
        if value.starts_with(MASK) || value.ends_with(MASK) {
            caps[0].to_string()
        } else {
            format!("{}{}{MASK}", &caps[1], &caps[2])
        }
    });
    let text = SECRET_FIELD.replace_all(&text, |caps: &Captures| {
        let value = &caps[3];
        if value.ends_with(MASK) || value.starts_with(MASK) {
            caps[0].to_string()
        } else {
            format!("{}{}{MASK}", &caps[1], &caps[2])
        }
    });
    text.into_owned()
}

/// Returns whether `text` still contains a value in one of the secret formats [`scrub`] masks.
pub fn contains_secret_pattern(text: &str) -> bool {
    let dt_secret = DT_SECRET.captures_iter(text).any(|caps| &caps[3] != MASK);
    dt_secret || JWT.is_match(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const API_TOKEN: &str = "dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";

    #[test]
    fn api_token_keeps_id_and_masks_secret() {
        let text = format!("token {API_TOKEN} is invalid");
        assert_eq!(
            scrub(&text),
            "token dt0c01.ST2EY72KQINMH574WMNVI7YN.*** is invalid"
        );
    }

    #[test]
    fn client_secret_keeps_client_id() {
        let text = "client_id=dt0s02.ABCD1234 secret dt0s02.ABCD1234.SECRETPART1234";
        let scrubbed = scrub(text);
        assert!(scrubbed.contains("dt0s02.ABCD1234 "));
        assert!(scrubbed.contains("dt0s02.ABCD1234.***"));
        assert!(!scrubbed.contains("SECRETPART1234"));
    }

    #[test]
    fn bearer_and_jwt_are_masked() {
        let text = "Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
        let scrubbed = scrub(text);
        assert_eq!(scrubbed, "Authorization: Bearer ***");
        assert_eq!(scrub("Api-Token abcdefghijklmnopqrstu"), "Api-Token ***");
    }

    #[test]
    fn secret_fields_are_masked() {
        assert_eq!(
            scrub(r#"{"access_token":"opaque-value"}"#),
            r#"{"access_token":"***"}"#
        );
        assert_eq!(
            scrub("client_secret=abc&scope=x"),
            "client_secret=***&scope=x"
        );
        assert_eq!(
            scrub(r#"{"token_type":"Bearer"}"#),
            r#"{"token_type":"Bearer"}"#
        );
    }

    #[test]
    fn nested_token_shapes_leave_no_secret() {
        let scrubbed = scrub("dt0c01.A.dt0c01.B.C dt0s16.X.Y.Z");
        assert!(!contains_secret_pattern(&scrubbed), "{scrubbed}");
    }

    #[test]
    fn plain_text_is_unchanged() {
        let text = "Token is missing required scope. Use one of: apiTokens.write";
        assert_eq!(scrub(text), text);
    }
}
