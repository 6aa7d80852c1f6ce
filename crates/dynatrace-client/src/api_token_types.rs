//! Request and response shapes of the Environment API v2 token endpoints, as the official
//! `@dynatrace-sdk/client-classic-environment-v2` package (9.0.1) defines them.

use std::fmt;

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::credentials::AuthKind;

/// Parameters of a new API token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateApiToken {
    /// Non-empty after trimming; Dynatrace does not require names to be unique.
    pub name: String,
    /// Scope IDs as the API spells them; each must be in the `dynatrace-scopes` catalogue.
    pub scopes: Vec<String>,
    /// `None` means the token never expires.
    pub expiration: Option<Expiration>,
    /// `false` creates an API token, `true` a personal access token.
    pub personal_access_token: bool,
}

/// Expiration of a new token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type", content = "value")]
pub enum Expiration {
    /// A relative time as the API accepts it, such as `now+14d` (units m, h, d, w, M, y).
    Relative(String),
    /// An absolute time, which must be in the future.
    At(jiff::Timestamp),
}

/// A created token. `token` is its secret, which the server returns only once.
#[derive(Clone)]
pub struct CreatedApiToken {
    /// Token ID (`dt0c01.<public part>`); safe to show and log.
    pub id: String,
    pub token: SecretString,
    pub expiration_date: Option<jiff::Timestamp>,
}

impl fmt::Debug for CreatedApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreatedApiToken")
            .field("id", &self.id)
            .field("token", &"[REDACTED]")
            .field("expiration_date", &self.expiration_date)
            .finish()
    }
}

/// Token metadata. Every field is optional because `fields` decides which ones a list returns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiToken {
    pub id: Option<String>,
    pub name: Option<String>,
    pub enabled: Option<bool>,
    pub owner: Option<String>,
    pub creation_date: Option<jiff::Timestamp>,
    pub expiration_date: Option<jiff::Timestamp>,
    pub last_used_date: Option<jiff::Timestamp>,
    pub last_used_ip_address: Option<String>,
    pub modified_date: Option<jiff::Timestamp>,
    pub personal_access_token: Option<bool>,
    pub scopes: Option<Vec<String>>,
    pub additional_metadata: Option<serde_json::Map<String, serde_json::Value>>,
}

/// One page of a token list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiTokenPage {
    #[serde(default)]
    pub api_tokens: Vec<ApiToken>,
    #[serde(default)]
    pub total_count: u64,
    pub page_size: Option<u32>,
    /// Cursor of the next page; `None` on the last page.
    pub next_page_key: Option<String>,
}

/// Parameters of a token list. They apply to the first page only: later pages send just
/// `nextPageKey`, as the API requires.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    /// Tokens per page; the API accepts 100 to 10,000 and uses 200 when absent.
    pub page_size: Option<u32>,
    /// For example `+expirationDate,+scopes`, or an exact field list.
    pub fields: Option<String>,
    /// For example `owner("x"),personalAccessToken(false),scope("a","b")`.
    pub api_token_selector: Option<String>,
    /// For example `-creationDate` (the default) or `+name`.
    pub sort: Option<String>,
    /// Start of the last-used window: UTC milliseconds, ISO 8601 or `now-2w`.
    pub from: Option<String>,
    /// End of the last-used window, in the same formats as `from`.
    pub to: Option<String>,
}

/// Changes to a token. Absent fields stay as they are; `scopes` replaces the whole list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateApiToken {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
}

/// Scope names the OAuth client was granted for the token endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ScopeFamily {
    /// `environment-api:api-tokens:read` / `:write`.
    EnvironmentApi,
    /// `api-tokens:tokens:read` / `:write`, the older names.
    Legacy,
}

impl ScopeFamily {
    /// Families in the order they are tried.
    pub const ALL: [ScopeFamily; 2] = [ScopeFamily::EnvironmentApi, ScopeFamily::Legacy];

    pub fn read_scope(self) -> &'static str {
        match self {
            ScopeFamily::EnvironmentApi => "environment-api:api-tokens:read",
            ScopeFamily::Legacy => "api-tokens:tokens:read",
        }
    }

    pub fn write_scope(self) -> &'static str {
        match self {
            ScopeFamily::EnvironmentApi => "environment-api:api-tokens:write",
            ScopeFamily::Legacy => "api-tokens:tokens:write",
        }
    }
}

/// Result of a connection check.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionReport {
    pub auth_kind: AuthKind,
    /// Scope family the OAuth client holds; `None` for token authentication.
    pub scope_family: Option<ScopeFamily>,
    /// Scopes SSO granted (OAuth) or the scopes of the API token itself (lookup).
    pub granted_scopes: Vec<String>,
    pub can_read: bool,
    /// Whether the credentials hold the write scope. IAM policies of a service user can still
    /// deny a create; that shows only when one is attempted.
    pub can_write: bool,
    /// `totalCount` of a one-page list.
    pub token_count: u64,
    pub api_base: Url,
    pub sso_origin: Option<Url>,
    /// Clock skew, proxy in use, unchecked write permission and similar.
    pub warnings: Vec<String>,
}
