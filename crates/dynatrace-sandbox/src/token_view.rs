//! The `ApiToken` JSON object and the `fields` parameter that picks its members.

use serde_json::{Map, Value, json};

use crate::dates;
use crate::store::TokenRecord;

/// A member of the `ApiToken` object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Id,
    Name,
    Enabled,
    PersonalAccessToken,
    Owner,
    CreationDate,
    ModifiedDate,
    LastUsedDate,
    LastUsedIpAddress,
    ExpirationDate,
    Scopes,
    AdditionalMetadata,
}

impl Field {
    pub const ALL: [Field; 12] = [
        Field::Id,
        Field::Name,
        Field::Enabled,
        Field::PersonalAccessToken,
        Field::Owner,
        Field::CreationDate,
        Field::ModifiedDate,
        Field::LastUsedDate,
        Field::LastUsedIpAddress,
        Field::ExpirationDate,
        Field::Scopes,
        Field::AdditionalMetadata,
    ];

    /// Fields of a list entry when `fields` is not set.
    pub const LIST_DEFAULT: [Field; 5] = [
        Field::Id,
        Field::Name,
        Field::Enabled,
        Field::Owner,
        Field::CreationDate,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Name => "name",
            Field::Enabled => "enabled",
            Field::PersonalAccessToken => "personalAccessToken",
            Field::Owner => "owner",
            Field::CreationDate => "creationDate",
            Field::ModifiedDate => "modifiedDate",
            Field::LastUsedDate => "lastUsedDate",
            Field::LastUsedIpAddress => "lastUsedIpAddress",
            Field::ExpirationDate => "expirationDate",
            Field::Scopes => "scopes",
            Field::AdditionalMetadata => "additionalMetadata",
        }
    }

    fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|field| field.name() == name)
    }
}

/// Applies a `fields` parameter: `+a,-b` adds to and removes from the defaults, a list without
/// operators names the exact set. The ID is always included. The error is a message for a
/// constraint violation.
pub(crate) fn parse_fields(input: &str) -> Result<Vec<Field>, String> {
    let mut added = Vec::new();
    let mut removed = Vec::new();
    let mut exact = Vec::new();

    for entry in input.split(',') {
        // A `+` that was not URL-encoded arrives as a space.
        let entry = if entry.starts_with(' ') && !entry.trim().is_empty() {
            format!("+{}", entry.trim())
        } else {
            entry.trim().to_owned()
        };
        let (operator, name) = match entry.chars().next() {
            Some(operator @ ('+' | '-')) => (Some(operator), &entry[1..]),
            _ => (None, entry.as_str()),
        };
        let field = Field::from_name(name).ok_or_else(|| {
            let known: Vec<&str> = Field::ALL.iter().map(|field| field.name()).collect();
            format!("unknown field '{name}'; known fields: {}", known.join(", "))
        })?;
        match operator {
            Some('+') => added.push(field),
            Some(_) => removed.push(field),
            None => exact.push(field),
        }
    }

    let uses_operators = !added.is_empty() || !removed.is_empty();
    if !exact.is_empty() && uses_operators {
        return Err("use either a list of fields or +/- operators, not both".to_owned());
    }

    let selected: Vec<Field> = Field::ALL
        .into_iter()
        .filter(|field| {
            *field == Field::Id
                || if exact.is_empty() {
                    (Field::LIST_DEFAULT.contains(field) || added.contains(field))
                        && !removed.contains(field)
                } else {
                    exact.contains(field)
                }
        })
        .collect();
    Ok(selected)
}

/// Renders `record` with `fields`; fields without a value are left out, as the API does.
pub(crate) fn render(record: &TokenRecord, fields: &[Field]) -> Value {
    let mut object = Map::new();
    for field in Field::ALL
        .into_iter()
        .filter(|field| fields.contains(field))
    {
        let value = match field {
            Field::Id => Some(json!(record.id)),
            Field::Name => Some(json!(record.name)),
            Field::Enabled => Some(json!(record.enabled)),
            Field::PersonalAccessToken => Some(json!(record.personal_access_token)),
            Field::Owner => Some(json!(record.owner)),
            Field::CreationDate => Some(json!(dates::format(record.creation_date))),
            Field::ModifiedDate => record.modified_date.map(|date| json!(dates::format(date))),
            Field::LastUsedDate => record.last_used_date.map(|date| json!(dates::format(date))),
            Field::LastUsedIpAddress => record.last_used_ip_address.as_ref().map(|ip| json!(ip)),
            Field::ExpirationDate => record
                .expiration_date
                .map(|date| json!(dates::format(date))),
            Field::Scopes => Some(json!(record.scopes)),
            // Only dashboard and report sharing tokens carry metadata; the sandbox has none.
            Field::AdditionalMetadata => None,
        };
        if let Some(value) = value {
            object.insert(field.name().to_owned(), value);
        }
    }
    Value::Object(object)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(fields: &[Field]) -> Vec<&'static str> {
        fields.iter().map(|field| field.name()).collect()
    }

    #[test]
    fn operators_change_the_defaults() {
        let fields = parse_fields("+expirationDate,+scopes,-creationDate").unwrap();

        assert_eq!(
            names(&fields),
            ["id", "name", "enabled", "owner", "expirationDate", "scopes"]
        );
    }

    #[test]
    fn unencoded_plus_counts_as_plus() {
        let fields = parse_fields(" scopes").unwrap();

        assert_eq!(
            names(&fields),
            ["id", "name", "enabled", "owner", "creationDate", "scopes"]
        );
    }

    #[test]
    fn bare_list_is_the_exact_set_plus_id() {
        let fields = parse_fields("creationDate,expirationDate,owner").unwrap();

        assert_eq!(
            names(&fields),
            ["id", "owner", "creationDate", "expirationDate"]
        );
    }

    #[test]
    fn id_cannot_be_removed() {
        let fields = parse_fields("-id,-name").unwrap();

        assert_eq!(names(&fields), ["id", "enabled", "owner", "creationDate"]);
    }

    #[test]
    fn unknown_and_mixed_fields_are_rejected() {
        assert!(parse_fields("+secret").is_err());
        assert!(parse_fields("name,+scopes").is_err());
        assert!(parse_fields("").is_err());
    }
}
