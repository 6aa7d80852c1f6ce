//! Authentication and scope checks of the token endpoints.
//!
//! Platform paths take `Authorization: Bearer` with an SSO bearer or a platform token
//! (`dt0s16.…`) and check OAuth scopes. Classic paths take `Authorization: Api-Token dt0c01.…`
//! and check token scopes.

use std::net::SocketAddr;

use axum::http::{HeaderMap, StatusCode, header};
use jiff::Timestamp;

use crate::dates;
use crate::errors::ApiError;
use crate::seed;
use crate::state::AppState;

/// Family of paths a request came in on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathFamily {
    /// `/platform/classic/environment-api/v2/…`.
    Platform,
    /// `/api/v2/…` and `/e/{environmentId}/api/v2/…`.
    Classic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    Read,
    Write,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Credential {
    /// An SSO bearer, with the OAuth client ID it was issued to.
    OAuthBearer(String),
    PlatformToken,
    /// An API token, with its ID.
    ApiToken(String),
}

/// Identity a request acts as, and what it may do.
#[derive(Debug, Clone)]
pub(crate) struct Principal {
    pub credential: Credential,
    /// Owner of the tokens this principal creates: the service user's or user's email.
    pub owner: String,
    pub scopes: Vec<String>,
    pub policy_denies_writes: bool,
}

impl Principal {
    /// Describes the credential for logs: a client or token ID, never a secret.
    pub fn describe(&self) -> String {
        match &self.credential {
            Credential::OAuthBearer(client_id) => format!("OAuth client {client_id}"),
            Credential::PlatformToken => format!("platform token of {}", self.owner),
            Credential::ApiToken(id) => format!("API token {id}"),
        }
    }

    /// Returns the ID of the API token used for this request, if any.
    pub fn api_token_id(&self) -> Option<&str> {
        match &self.credential {
            Credential::ApiToken(id) => Some(id),
            _ => None,
        }
    }
}

/// Identifies the caller of a token endpoint, or returns the 401 Dynatrace sends.
pub(crate) fn authenticate(
    state: &AppState,
    family: PathFamily,
    headers: &HeaderMap,
    peer: SocketAddr,
) -> Result<Principal, ApiError> {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    match family {
        PathFamily::Platform => authenticate_bearer(state, authorization),
        PathFamily::Classic => authenticate_api_token(state, authorization, peer),
    }
}

fn authenticate_bearer(
    state: &AppState,
    authorization: Option<&str>,
) -> Result<Principal, ApiError> {
    let (scheme, credential) = split_authorization(authorization);
    if !scheme.eq_ignore_ascii_case("Bearer") {
        // Wording of the Dynatrace platform gateway for a missing or non-Bearer scheme.
        let shown = if scheme.is_empty() {
            "undefined"
        } else {
            scheme
        };
        return Err(ApiError::unauthorized(format!(
            "Unsupported authorization scheme '{shown}'. Dynatrace platform APIs require the \
             authorization scheme 'Bearer'"
        )));
    }
    if credential.is_empty() {
        return Err(ApiError::unauthorized("The bearer token is missing."));
    }

    if credential.starts_with("dt0s16.") {
        let platform_token = state
            .config
            .platform_tokens
            .iter()
            .find(|token| token.token == credential)
            .ok_or_else(|| ApiError::unauthorized("The platform token is not valid."))?;
        return Ok(Principal {
            credential: Credential::PlatformToken,
            owner: platform_token.owner.clone(),
            scopes: platform_token.scopes.clone(),
            policy_denies_writes: false,
        });
    }

    let bearers = state.bearers();
    match bearers.find(credential) {
        Some(grant) => Ok(Principal {
            credential: Credential::OAuthBearer(grant.client_id.clone()),
            owner: grant.subject.clone(),
            scopes: grant.scopes.clone(),
            policy_denies_writes: grant.policy_denies_writes,
        }),
        None if bearers.is_expired(credential) => {
            Err(ApiError::unauthorized("The bearer token has expired."))
        }
        None => Err(ApiError::unauthorized("The bearer token is not valid.")),
    }
}

fn authenticate_api_token(
    state: &AppState,
    authorization: Option<&str>,
    peer: SocketAddr,
) -> Result<Principal, ApiError> {
    // NOTE: the 401 messages of the classic API are modelled on public reports, not copied
    // from a captured response.
    let (scheme, credential) = split_authorization(authorization);
    if authorization.is_none() || credential.is_empty() {
        return Err(ApiError::unauthorized("Missing authorization parameter."));
    }
    if !scheme.eq_ignore_ascii_case("Api-Token") {
        return Err(ApiError::unauthorized(format!(
            "Unsupported authorization scheme '{scheme}'. Use 'Api-Token'."
        )));
    }

    let now = Timestamp::now();
    let mut store = state.store();
    let id = match store.find_by_token(credential) {
        Some(record) if !record.enabled => {
            return Err(ApiError::unauthorized("Token is disabled."));
        }
        Some(record) if record.is_expired(now) => {
            return Err(ApiError::unauthorized("Token is expired."));
        }
        Some(record) => record.id.clone(),
        None => return Err(ApiError::unauthorized("Token Authentication failed")),
    };

    let record = store
        .get_mut(&id)
        .expect("token found a moment ago under the same lock");
    record.last_used_date = Some(dates::truncate_to_millis(now));
    record.last_used_ip_address = Some(peer.ip().to_string());
    Ok(Principal {
        credential: Credential::ApiToken(id),
        owner: record.owner.clone(),
        scopes: record.scopes.clone(),
        policy_denies_writes: false,
    })
}

/// Splits `Scheme credential`; either part is empty when absent.
fn split_authorization(authorization: Option<&str>) -> (&str, &str) {
    let value = authorization.unwrap_or("").trim();
    match value.split_once(' ') {
        Some((scheme, credential)) => (scheme, credential.trim()),
        None => (value, ""),
    }
}

/// Checks that `principal` may perform `access`, or returns the 403 Dynatrace sends.
pub(crate) fn authorize(
    principal: &Principal,
    family: PathFamily,
    access: Access,
) -> Result<(), ApiError> {
    match family {
        PathFamily::Platform => authorize_oauth_scopes(principal, access),
        PathFamily::Classic => authorize_token_scopes(principal, access),
    }
}

fn authorize_oauth_scopes(principal: &Principal, access: Access) -> Result<(), ApiError> {
    let (current, legacy) = match access {
        Access::Read => (seed::SCOPE_TOKENS_READ, seed::LEGACY_SCOPE_TOKENS_READ),
        Access::Write => (seed::SCOPE_TOKENS_WRITE, seed::LEGACY_SCOPE_TOKENS_WRITE),
    };
    let holds = |scope: &str| principal.scopes.iter().any(|held| held == scope);
    if !holds(current) && !holds(legacy) {
        // Name the scope of the family the caller already uses.
        let uses_legacy_names = principal
            .scopes
            .iter()
            .any(|scope| scope.starts_with("api-tokens:"));
        let missing = if uses_legacy_names { legacy } else { current };
        return Err(ApiError::missing_scopes(vec![missing.to_owned()]));
    }

    if access == Access::Write && principal.policy_denies_writes {
        // NOTE: the wording of IAM denials is not confirmed; the shape (403 without
        // details.missingScopes) is.
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "Access denied: the policies of user '{}' do not allow managing API tokens \
                 (permission 'environment:roles:manage-settings' is missing).",
                principal.owner
            ),
        ));
    }
    Ok(())
}

fn authorize_token_scopes(principal: &Principal, access: Access) -> Result<(), ApiError> {
    let required = match access {
        Access::Read => "apiTokens.read",
        Access::Write => "apiTokens.write",
    };
    if principal.scopes.iter().any(|scope| scope == required) {
        return Ok(());
    }

    // The classic API appends the scope's title in brackets, for example
    // "Use one of: CaptureRequestData (Capture request data)".
    let title = dynatrace_scopes::find(required)
        .map(|scope| format!(" ({})", scope.meaning.trim_end_matches('.')))
        .unwrap_or_default();
    Err(ApiError::new(
        StatusCode::FORBIDDEN,
        format!("Token is missing required scope. Use one of: {required}{title}"),
    ))
}
