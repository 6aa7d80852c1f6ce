//! `GET …/apiTokens`: query parameters, filtering, sorting and cursor paging.

use std::cmp::Ordering;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::dates;
use crate::errors::{ApiError, ParameterLocation};
use crate::selector::Selector;
use crate::store::{TokenRecord, TokenStore};
use crate::token_view::{self, Field};

pub(crate) const DEFAULT_PAGE_SIZE: usize = 200;
pub(crate) const MIN_PAGE_SIZE: usize = 100;
pub(crate) const MAX_PAGE_SIZE: usize = 10_000;

/// Query parameters that shape the result; `nextPageKey` repeats them.
const RESULT_PARAMETERS: [&str; 6] = [
    "pageSize",
    "apiTokenSelector",
    "fields",
    "from",
    "to",
    "sort",
];

/// The state a `nextPageKey` carries: the first page's parameters and where the next page starts.
#[derive(Debug, Serialize, Deserialize)]
struct Cursor {
    parameters: Vec<(String, String)>,
    offset: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortKey {
    Name,
    LastUsedDate,
    CreationDate,
    ExpirationDate,
    ModifiedDate,
}

#[derive(Debug, Clone, Copy)]
struct Sort {
    key: SortKey,
    descending: bool,
}

struct ListQuery {
    parameters: Vec<(String, String)>,
    page_size: usize,
    selector: Selector,
    fields: Vec<Field>,
    sort: Sort,
    /// Last-used window; when either end is set, never-used tokens are left out.
    window: Option<(Option<Timestamp>, Timestamp)>,
}

/// Builds the response to a list request from its raw query string.
pub(crate) fn list(
    store: &TokenStore,
    raw_query: Option<&str>,
    now: Timestamp,
) -> Result<Value, ApiError> {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(raw_query.unwrap_or("").as_bytes())
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();

    let (query, offset) = match pairs.iter().find(|(name, _)| name == "nextPageKey") {
        Some((_, key)) => {
            if pairs
                .iter()
                .any(|(name, _)| RESULT_PARAMETERS.contains(&name.as_str()))
            {
                return Err(ApiError::bad_request(
                    "The nextPageKey parameter must be sent alone: omit all other query parameters \
                     when you request a subsequent page.",
                ));
            }
            let cursor = decode_cursor(key)?;
            (ListQuery::parse(cursor.parameters, now)?, cursor.offset)
        }
        None => {
            let parameters = pairs
                .into_iter()
                .filter(|(name, _)| RESULT_PARAMETERS.contains(&name.as_str()))
                .collect();
            (ListQuery::parse(parameters, now)?, 0)
        }
    };

    let mut matching: Vec<&TokenRecord> = store
        .records()
        .filter(|record| query.matches(record))
        .collect();
    matching.sort_by(|left, right| query.sort.compare(left, right));

    let total = matching.len();
    // Every key this API returns points inside the list; one past its end was not made here.
    if offset > total {
        return Err(invalid_page_key());
    }
    let page_end = offset.saturating_add(query.page_size).min(total);
    let page: Vec<Value> = matching
        .get(offset.min(total)..page_end)
        .unwrap_or_default()
        .iter()
        .map(|record| token_view::render(record, &query.fields))
        .collect();
    let next_page_key = (page_end < total).then(|| encode_cursor(&query.parameters, page_end));

    Ok(json!({
        "totalCount": total,
        "pageSize": query.page_size,
        "nextPageKey": next_page_key,
        "apiTokens": page,
    }))
}

impl ListQuery {
    fn parse(parameters: Vec<(String, String)>, now: Timestamp) -> Result<ListQuery, ApiError> {
        let value = |name: &str| {
            parameters
                .iter()
                .rev()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
        };
        let invalid = |name: &str, message: String| {
            ApiError::violation(name, ParameterLocation::Query, message)
        };

        let page_size = match value("pageSize") {
            None => DEFAULT_PAGE_SIZE,
            Some(text) => {
                let size: usize = text
                    .trim()
                    .parse()
                    .map_err(|_| invalid("pageSize", format!("'{text}' is not a whole number")))?;
                if !(MIN_PAGE_SIZE..=MAX_PAGE_SIZE).contains(&size) {
                    return Err(invalid(
                        "pageSize",
                        format!("must be between {MIN_PAGE_SIZE} and {MAX_PAGE_SIZE}, got {size}"),
                    ));
                }
                size
            }
        };

        let selector = match value("apiTokenSelector") {
            None => Selector::default(),
            Some(text) => {
                Selector::parse(text).map_err(|message| invalid("apiTokenSelector", message))?
            }
        };
        let fields = match value("fields") {
            None => Field::LIST_DEFAULT.to_vec(),
            Some(text) => {
                token_view::parse_fields(text).map_err(|message| invalid("fields", message))?
            }
        };
        let sort = match value("sort") {
            None => Sort {
                key: SortKey::CreationDate,
                descending: true,
            },
            Some(text) => Sort::parse(text).map_err(|message| invalid("sort", message))?,
        };

        let parse_date = |name: &str| {
            value(name)
                .map(|text| dates::parse(text, now).map_err(|message| invalid(name, message)))
                .transpose()
        };
        let from = parse_date("from")?;
        let to = parse_date("to")?;
        let window = (from.is_some() || to.is_some()).then(|| (from, to.unwrap_or(now)));

        Ok(ListQuery {
            parameters,
            page_size,
            selector,
            fields,
            sort,
            window,
        })
    }

    fn matches(&self, record: &TokenRecord) -> bool {
        let in_window = match self.window {
            None => true,
            Some((from, to)) => record
                .last_used_date
                .is_some_and(|used| from.is_none_or(|from| used >= from) && used <= to),
        };
        in_window && self.selector.matches(record)
    }
}

impl Sort {
    fn parse(text: &str) -> Result<Sort, String> {
        // A `+` that was not URL-encoded arrives as a space.
        let trimmed = text.trim();
        let (descending, name) = match trimmed.as_bytes().first() {
            Some(b'-') => (true, &trimmed[1..]),
            Some(b'+') => (false, &trimmed[1..]),
            _ => (false, trimmed),
        };
        let key = match name {
            "name" => SortKey::Name,
            "lastUsedDate" => SortKey::LastUsedDate,
            "creationDate" => SortKey::CreationDate,
            "expirationDate" => SortKey::ExpirationDate,
            "modifiedDate" => SortKey::ModifiedDate,
            other => {
                return Err(format!(
                    "cannot sort by '{other}'; use name, lastUsedDate, creationDate, \
                     expirationDate or modifiedDate with an optional + or - prefix"
                ));
            }
        };
        Ok(Sort { key, descending })
    }

    /// Orders two records; ties go newest first so every page boundary is stable.
    fn compare(&self, left: &TokenRecord, right: &TokenRecord) -> Ordering {
        let ascending = match self.key {
            SortKey::Name => left
                .name
                .to_lowercase()
                .cmp(&right.name.to_lowercase())
                .then_with(|| left.name.cmp(&right.name)),
            SortKey::CreationDate => left.creation_date.cmp(&right.creation_date),
            // Never used and never modified sort first in ascending order (None < Some).
            SortKey::LastUsedDate => left.last_used_date.cmp(&right.last_used_date),
            SortKey::ModifiedDate => left.modified_date.cmp(&right.modified_date),
            // Tokens that never expire sort last in ascending order.
            SortKey::ExpirationDate => match (left.expiration_date, right.expiration_date) {
                (Some(left), Some(right)) => left.cmp(&right),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
        };
        let directed = if self.descending {
            ascending.reverse()
        } else {
            ascending
        };
        directed.then_with(|| right.sequence.cmp(&left.sequence))
    }
}

fn encode_cursor(parameters: &[(String, String)], offset: usize) -> String {
    let cursor = Cursor {
        parameters: parameters.to_vec(),
        offset,
    };
    BASE64.encode(serde_json::to_vec(&cursor).expect("cursor serializes"))
}

fn decode_cursor(key: &str) -> Result<Cursor, ApiError> {
    BASE64
        .decode(key.trim())
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(invalid_page_key)
}

fn invalid_page_key() -> ApiError {
    ApiError::violation(
        "nextPageKey",
        ParameterLocation::Query,
        "is not a page key returned by this API",
    )
}
