//! Bodies of create, update and lookup requests, validated into constraint violations.

use jiff::Timestamp;
use serde_json::{Map, Value};

use crate::dates;
use crate::errors::{ApiError, ConstraintViolation, ParameterLocation};

/// NOTE: the real maximum name length is not documented in the API reference or the npm
/// package; 200 characters is our choice.
pub(crate) const MAX_NAME_CHARS: usize = 200;

pub(crate) struct CreateRequest {
    pub name: String,
    pub scopes: Vec<String>,
    pub expiration_date: Option<Timestamp>,
    pub personal_access_token: bool,
}

pub(crate) struct UpdateRequest {
    pub name: Option<String>,
    pub enabled: Option<bool>,
    pub scopes: Option<Vec<String>>,
}

pub(crate) fn parse_create(body: &[u8], now: Timestamp) -> Result<CreateRequest, ApiError> {
    let object = parse_object(body)?;
    let mut violations = Vec::new();

    let name = match object.get("name") {
        None | Some(Value::Null) => {
            violations.push(body_violation("name", "must not be null"));
            None
        }
        Some(value) => check_name(value, &mut violations),
    };
    let scopes = match object.get("scopes") {
        None | Some(Value::Null) => {
            violations.push(body_violation("scopes", "must not be null"));
            None
        }
        Some(value) => check_scopes(value, &mut violations),
    };
    let expiration_date = match object.get("expirationDate") {
        None | Some(Value::Null) => None,
        Some(value) => check_expiration(value, now, &mut violations),
    };
    let personal_access_token = match object.get("personalAccessToken") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(personal)) => *personal,
        Some(_) => {
            violations.push(body_violation(
                "personalAccessToken",
                "must be true or false",
            ));
            false
        }
    };

    match (name, scopes) {
        (Some(name), Some(scopes)) if violations.is_empty() => Ok(CreateRequest {
            name,
            scopes,
            expiration_date,
            personal_access_token,
        }),
        _ => Err(ApiError::constraints_violated(violations)),
    }
}

pub(crate) fn parse_update(body: &[u8]) -> Result<UpdateRequest, ApiError> {
    let object = parse_object(body)?;
    let mut violations = Vec::new();

    let name = match object.get("name") {
        None | Some(Value::Null) => None,
        Some(value) => check_name(value, &mut violations),
    };
    let scopes = match object.get("scopes") {
        None | Some(Value::Null) => None,
        Some(value) => check_scopes(value, &mut violations),
    };
    let enabled = match object.get("enabled") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(enabled)) => Some(*enabled),
        Some(_) => {
            violations.push(body_violation("enabled", "must be true or false"));
            None
        }
    };

    if violations.is_empty() {
        Ok(UpdateRequest {
            name,
            enabled,
            scopes,
        })
    } else {
        Err(ApiError::constraints_violated(violations))
    }
}

/// Returns the `token` member of a lookup body.
pub(crate) fn parse_lookup(body: &[u8]) -> Result<String, ApiError> {
    let object = parse_object(body)?;
    match object.get("token") {
        Some(Value::String(token)) if !token.trim().is_empty() => Ok(token.trim().to_owned()),
        Some(Value::String(_)) => Err(ApiError::constraints_violated(vec![body_violation(
            "token",
            "must not be blank",
        )])),
        None | Some(Value::Null) => Err(ApiError::constraints_violated(vec![body_violation(
            "token",
            "must not be null",
        )])),
        Some(_) => Err(ApiError::constraints_violated(vec![body_violation(
            "token",
            "must be a string",
        )])),
    }
}

/// Parses a JSON object, or returns the 400 Dynatrace sends for a body it cannot map.
fn parse_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(ApiError::bad_request(
            "Could not map JSON at '' near line 1 column 1",
        )),
        Err(error) => Err(ApiError::bad_request(format!(
            "Could not map JSON at '' near line {} column {}",
            error.line(),
            error.column()
        ))),
    }
}

fn check_name(value: &Value, violations: &mut Vec<ConstraintViolation>) -> Option<String> {
    let Value::String(name) = value else {
        violations.push(body_violation("name", "must be a string"));
        return None;
    };
    if name.trim().is_empty() {
        violations.push(body_violation("name", "must not be blank"));
        return None;
    }
    let length = name.chars().count();
    if length > MAX_NAME_CHARS {
        violations.push(body_violation(
            "name",
            format!("size must be between 1 and {MAX_NAME_CHARS}, got {length} characters"),
        ));
        return None;
    }
    Some(name.clone())
}

/// Checks a scope list against the catalogue of scopes a new token can have. Duplicates are
/// dropped; the order of first appearance is kept.
fn check_scopes(value: &Value, violations: &mut Vec<ConstraintViolation>) -> Option<Vec<String>> {
    let Value::Array(items) = value else {
        violations.push(body_violation("scopes", "must be an array of scope names"));
        return None;
    };
    if items.is_empty() {
        violations.push(body_violation("scopes", "must not be empty"));
        return None;
    }

    let mut scopes: Vec<String> = Vec::with_capacity(items.len());
    let mut valid = true;
    for (index, item) in items.iter().enumerate() {
        let path = format!("scopes[{index}]");
        match item {
            Value::String(scope) if dynatrace_scopes::find(scope).is_some() => {
                if !scopes.contains(scope) {
                    scopes.push(scope.clone());
                }
            }
            Value::String(scope) => {
                valid = false;
                violations.push(body_violation(&path, format!("unknown scope '{scope}'")));
            }
            _ => {
                valid = false;
                violations.push(body_violation(&path, "must be a string"));
            }
        }
    }
    valid.then_some(scopes)
}

fn check_expiration(
    value: &Value,
    now: Timestamp,
    violations: &mut Vec<ConstraintViolation>,
) -> Option<Timestamp> {
    let text = match value {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        _ => {
            violations.push(body_violation("expirationDate", "must be a string"));
            return None;
        }
    };
    match dates::parse(&text, now) {
        Ok(expiration) if expiration <= now => {
            violations.push(body_violation(
                "expirationDate",
                format!("must be in the future, got {}", dates::format(expiration)),
            ));
            None
        }
        Ok(expiration) => Some(expiration),
        Err(message) => {
            violations.push(body_violation("expirationDate", message));
            None
        }
    }
}

fn body_violation(path: &str, message: impl Into<String>) -> ConstraintViolation {
    ConstraintViolation::new(path, ParameterLocation::PayloadBody, message)
}
