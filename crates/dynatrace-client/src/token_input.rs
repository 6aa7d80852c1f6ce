//! Checks of token call inputs before anything is sent, and the request bodies built from them.

use serde_json::{Value, json};

use crate::api_token_types::{CreateApiToken, Expiration, UpdateApiToken};
use crate::credentials::{CredentialShape, recognise_credential};
use crate::error::{ConstraintViolation, Error, ErrorCode};

fn violation(path: &str, message: impl Into<String>) -> ConstraintViolation {
    ConstraintViolation {
        path: path.to_string(),
        message: message.into(),
        parameter_location: Some("PAYLOAD_BODY".to_string()),
    }
}

fn check_name(name: &str, violations: &mut Vec<ConstraintViolation>) {
    if name.trim().is_empty() {
        violations.push(violation("name", "The token name must not be empty."));
    }
}

fn check_scopes(scopes: &[String], violations: &mut Vec<ConstraintViolation>) {
    if scopes.is_empty() {
        violations.push(violation("scopes", "Choose at least one scope."));
        return;
    }
    let unknown: Vec<&str> = scopes
        .iter()
        .map(String::as_str)
        .filter(|scope| dynatrace_scopes::find(scope).is_none())
        .collect();
    if !unknown.is_empty() {
        violations.push(violation(
            "scopes",
            format!(
                "Unknown scope {}. Scope IDs are case-sensitive, for example metrics.ingest or \
                 InstallerDownload.",
                unknown.join(", ")
            ),
        ));
    }
}

/// Checks a relative expiration such as `now+14d` and returns it unchanged.
fn check_relative(text: &str) -> Result<String, String> {
    let trimmed = text.trim();
    let Some(rest) = trimmed.strip_prefix("now") else {
        return Err(format!(
            "The expiration {trimmed} is not a relative time; use now+<number><unit>, for \
             example now+14d (units m, h, d, w, M, y)."
        ));
    };
    if rest.starts_with('-') {
        return Err(format!(
            "The expiration {trimmed} is in the past; use now+<number><unit>."
        ));
    }
    let Some(rest) = rest.strip_prefix('+') else {
        return Err(format!(
            "The expiration {trimmed} lies in the past or now; use now+<number><unit>, for \
             example now+14d."
        ));
    };
    let (digits, unit) = rest.split_at(
        rest.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len()),
    );
    let amount: u64 = digits.parse().map_err(|_| {
        format!("The expiration {trimmed} has no number after now+; for example now+14d.")
    })?;
    if amount == 0 {
        return Err(format!(
            "The expiration {trimmed} is now, not in the future."
        ));
    }
    if !matches!(unit, "m" | "h" | "d" | "w" | "M" | "y") {
        return Err(format!(
            "The expiration {trimmed} has an unknown unit; use m, h, d, w, M or y."
        ));
    }
    Ok(trimmed.to_string())
}

/// Formats the `expirationDate` value to send: relative times as given, timestamps in ISO 8601 with
/// milliseconds and an explicit UTC offset.
fn expiration_text(expiration: &Expiration, now: jiff::Timestamp) -> Result<String, String> {
    match expiration {
        Expiration::Relative(text) => check_relative(text),
        Expiration::At(at) => {
            if *at <= now {
                return Err(format!("The expiration {at} is in the past."));
            }
            Ok(at.strftime("%Y-%m-%dT%H:%M:%S%.3f+00:00").to_string())
        }
    }
}

fn rejected(violations: Vec<ConstraintViolation>) -> Error {
    let summary: Vec<String> = violations
        .iter()
        .map(|v| format!("{}: {}", v.path, v.message))
        .collect();
    Error::input(
        ErrorCode::InvalidInput,
        format!("The token request is not valid. {}", summary.join(" ")),
    )
    .with_violations(violations)
}

/// Checks a create request and returns its JSON body.
pub(crate) fn create_body(request: &CreateApiToken, now: jiff::Timestamp) -> Result<Value, Error> {
    let mut violations = Vec::new();
    check_name(&request.name, &mut violations);
    check_scopes(&request.scopes, &mut violations);
    let expiration = match &request.expiration {
        Some(expiration) => match expiration_text(expiration, now) {
            Ok(text) => Some(text),
            Err(message) => {
                violations.push(violation("expirationDate", message));
                None
            }
        },
        None => None,
    };
    if !violations.is_empty() {
        return Err(rejected(violations));
    }
    let mut body = json!({
        "name": request.name.trim(),
        "scopes": request.scopes,
        "personalAccessToken": request.personal_access_token,
    });
    if let Some(expiration) = expiration {
        body["expirationDate"] = Value::String(expiration);
    }
    Ok(body)
}

/// Checks an update and returns its JSON body.
pub(crate) fn update_body(update: &UpdateApiToken) -> Result<Value, Error> {
    let mut violations = Vec::new();
    if let Some(name) = &update.name {
        check_name(name, &mut violations);
    }
    if let Some(scopes) = &update.scopes {
        check_scopes(scopes, &mut violations);
    }
    if update.name.is_none() && update.enabled.is_none() && update.scopes.is_none() {
        violations.push(violation(
            "",
            "The update changes nothing: set a name, enabled or scopes.",
        ));
    }
    if !violations.is_empty() {
        return Err(rejected(violations));
    }
    let trimmed = UpdateApiToken {
        name: update.name.as_ref().map(|name| name.trim().to_string()),
        enabled: update.enabled,
        scopes: update.scopes.clone(),
    };
    Ok(serde_json::to_value(trimmed).expect("update serialises"))
}

/// Checks a token ID before it goes into a URL path (and so into logs).
pub(crate) fn check_token_id(id: &str) -> Result<&str, Error> {
    let id = id.trim();
    if id.is_empty() {
        return Err(Error::input(
            ErrorCode::InvalidInput,
            "The token ID is empty.",
        ));
    }
    if matches!(
        recognise_credential(id),
        Some(
            CredentialShape::ApiToken
                | CredentialShape::PlatformToken
                | CredentialShape::OAuthClientSecret
        )
    ) {
        return Err(Error::input(
            ErrorCode::InvalidInput,
            "This is a token secret, not a token ID. Pass the ID (dt0c01.<public part>) or look \
             the token up by its secret.",
        ));
    }
    if id
        .chars()
        .any(|c| c.is_whitespace() || c == '/' || c == '?' || c == '#')
    {
        return Err(Error::input(
            ErrorCode::InvalidInput,
            "The token ID contains spaces or URL characters; it looks like dt0c01.<public part>.",
        ));
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(name: &str, scopes: &[&str], expiration: Option<Expiration>) -> CreateApiToken {
        CreateApiToken {
            name: name.to_string(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            expiration,
            personal_access_token: false,
        }
    }

    fn now() -> jiff::Timestamp {
        jiff::Timestamp::from_second(1_800_000_000).unwrap()
    }

    #[test]
    fn create_body_has_api_field_names() {
        let body = create_body(
            &request(
                " ingest ",
                &["metrics.ingest"],
                Some(Expiration::Relative("now+14d".into())),
            ),
            now(),
        )
        .unwrap();
        assert_eq!(body["name"], "ingest");
        assert_eq!(body["scopes"][0], "metrics.ingest");
        assert_eq!(body["expirationDate"], "now+14d");
        assert_eq!(body["personalAccessToken"], false);
    }

    #[test]
    fn violations_are_kept_per_field() {
        let error = create_body(
            &request(
                "  ",
                &["metrics.ingest", "metrics.fly"],
                Some(Expiration::Relative("now-1d".into())),
            ),
            now(),
        )
        .unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidInput);
        let paths: Vec<&str> = error.violations.iter().map(|v| v.path.as_str()).collect();
        assert_eq!(paths, vec!["name", "scopes", "expirationDate"]);
        assert!(error.violations[1].message.contains("metrics.fly"));
        assert!(!error.maybe_sent);
    }

    #[test]
    fn absolute_expiration_in_past_is_rejected() {
        let past = Expiration::At(jiff::Timestamp::from_second(1_700_000_000).unwrap());
        let error = create_body(&request("a", &["metrics.ingest"], Some(past)), now()).unwrap_err();
        assert_eq!(error.violations[0].path, "expirationDate");
    }

    #[test]
    fn absolute_expiration_has_millis_and_offset() {
        let at = Expiration::At(jiff::Timestamp::from_millisecond(1_900_000_000_123).unwrap());
        let body = create_body(&request("a", &["metrics.ingest"], Some(at)), now()).unwrap();
        assert_eq!(body["expirationDate"], "2030-03-17T17:46:40.123+00:00");
    }

    #[test]
    fn relative_units_are_checked() {
        assert!(check_relative("now+2w").is_ok());
        assert!(check_relative("now+1M").is_ok());
        assert!(check_relative("now+3x").is_err());
        assert!(check_relative("now+0d").is_err());
        assert!(check_relative("tomorrow").is_err());
    }

    #[test]
    fn token_id_rejects_secret() {
        let secret = "dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
        let error = check_token_id(secret).unwrap_err();
        assert!(!error.message.contains("G3DFPBEJ"));
        assert_eq!(
            check_token_id(" dt0c01.ST2EY72KQINMH574WMNVI7YN ").unwrap(),
            "dt0c01.ST2EY72KQINMH574WMNVI7YN"
        );
    }

    #[test]
    fn empty_update_is_rejected() {
        assert!(update_body(&UpdateApiToken::default()).is_err());
        let body = update_body(&UpdateApiToken {
            enabled: Some(false),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(body, json!({"enabled": false}));
    }
}
