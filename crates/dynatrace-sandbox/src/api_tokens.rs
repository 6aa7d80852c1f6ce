//! The six API token calls of Environment API v2, shared by every path family.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequestParts, Path, RawQuery};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::auth::{self, Access, PathFamily, Principal};
use crate::dates;
use crate::errors::{ApiError, ParameterLocation};
use crate::listing;
use crate::state::AppState;
use crate::store::NewToken;
use crate::token_format;
use crate::token_requests;
use crate::token_view::{self, Field};

/// Routes below `…/v2`; the caller adds the [`PathFamily`] as an extension.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/apiTokens", get(list).post(create))
        .route("/apiTokens/lookup", post(lookup))
        .route("/apiTokens/{id}", get(get_token).put(update).delete(delete))
}

/// The `{id}` path parameter. A struct, not a plain `String`, because Managed paths carry
/// `{environment_id}` too, and named fields let the extractor ignore it.
#[derive(Deserialize)]
struct TokenPath {
    id: String,
}

/// What every token call authenticates with: the sandbox, the path family, the peer address
/// (recorded as `lastUsedIpAddress`) and the request headers.
struct Caller {
    state: Arc<AppState>,
    family: PathFamily,
    peer: SocketAddr,
    headers: HeaderMap,
}

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let family = *parts
            .extensions
            .get::<PathFamily>()
            .expect("token routes are nested with a PathFamily extension");
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| *peer)
            .expect("the server adds the peer address to every request");
        Ok(Caller {
            state: state.clone(),
            family,
            peer,
            headers: parts.headers.clone(),
        })
    }
}

impl Caller {
    /// Authenticates the request and checks that it may perform `access`.
    fn authorize(&self, access: Access) -> Result<Principal, ApiError> {
        let principal = auth::authenticate(&self.state, self.family, &self.headers, self.peer)?;
        auth::authorize(&principal, self.family, access)?;
        Ok(principal)
    }
}

async fn list(caller: Caller, RawQuery(query): RawQuery) -> Result<Response, ApiError> {
    caller.authorize(Access::Read)?;

    let store = caller.state.store();
    let page = listing::list(&store, query.as_deref(), Timestamp::now())?;
    Ok(Json(page).into_response())
}

async fn create(caller: Caller, body: Bytes) -> Result<Response, ApiError> {
    let principal = caller.authorize(Access::Write)?;
    require_json(&caller.headers)?;
    let now = dates::truncate_to_millis(Timestamp::now());
    let request = token_requests::parse_create(&body, now)?;

    let state = &caller.state;
    let caller_description = principal.describe();
    let generated = token_format::generate_api_token(&mut rand::rng());
    let mut store = state.store();
    let record = store.insert(NewToken {
        id: generated.id,
        token: generated.token,
        name: request.name,
        owner: principal.owner,
        scopes: request.scopes,
        personal_access_token: request.personal_access_token,
        creation_date: now,
        expiration_date: request.expiration_date,
    });
    tracing::info!(token_id = %record.id, caller = %caller_description, "created API token");

    let mut created = Map::new();
    created.insert("id".into(), json!(record.id));
    if state.faults.take_omit_token_secret() {
        tracing::info!(token_id = %record.id, "fault: leaving the token secret out of the response");
    } else {
        created.insert("token".into(), json!(record.token));
    }
    if let Some(expiration) = record.expiration_date {
        created.insert("expirationDate".into(), json!(dates::format(expiration)));
    }
    Ok((StatusCode::CREATED, Json(Value::Object(created))).into_response())
}

async fn get_token(
    caller: Caller,
    Path(TokenPath { id }): Path<TokenPath>,
) -> Result<Response, ApiError> {
    caller.authorize(Access::Read)?;
    check_id(&id)?;

    let store = caller.state.store();
    let record = store.get(&id).ok_or_else(|| not_found(&id))?;
    Ok(Json(token_view::render(record, &Field::ALL)).into_response())
}

async fn update(
    caller: Caller,
    Path(TokenPath { id }): Path<TokenPath>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let principal = caller.authorize(Access::Write)?;
    check_id(&id)?;
    require_json(&caller.headers)?;
    let request = token_requests::parse_update(&body)?;

    let mut store = caller.state.store();
    let record = store.get_mut(&id).ok_or_else(|| not_found(&id))?;
    if request.enabled == Some(false) && principal.api_token_id() == Some(id.as_str()) {
        return Err(ApiError::bad_request(
            "You can't disable the token you're using for authentication of the request.",
        ));
    }

    // Changing the name or the scopes counts as a modification; enabling or disabling does not.
    let modified = request.name.is_some() || request.scopes.is_some();
    if let Some(name) = request.name {
        record.name = name;
    }
    if let Some(scopes) = request.scopes {
        record.scopes = scopes;
    }
    if let Some(enabled) = request.enabled {
        record.enabled = enabled;
    }
    if modified {
        record.modified_date = Some(dates::truncate_to_millis(Timestamp::now()));
    }
    tracing::info!(token_id = %id, "updated API token");
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn delete(
    caller: Caller,
    Path(TokenPath { id: id_or_token }): Path<TokenPath>,
) -> Result<Response, ApiError> {
    let principal = caller.authorize(Access::Write)?;

    // The path may contain the token ID or the whole token.
    let mut store = caller.state.store();
    let id = match token_format::api_token_id(&id_or_token) {
        Some(id) => {
            let matches = store.find_by_token(&id_or_token).is_some();
            if !matches {
                return Err(not_found(id));
            }
            id.to_owned()
        }
        None => {
            check_id(&id_or_token)?;
            id_or_token
        }
    };
    if principal.api_token_id() == Some(id.as_str()) {
        return Err(ApiError::bad_request(
            "You can't delete the token you're using for authentication of the request.",
        ));
    }

    store.remove(&id).ok_or_else(|| not_found(&id))?;
    tracing::info!(token_id = %id, "deleted API token");
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn lookup(caller: Caller, body: Bytes) -> Result<Response, ApiError> {
    caller.authorize(Access::Read)?;
    require_json(&caller.headers)?;
    let token = token_requests::parse_lookup(&body)?;
    if token_format::api_token_id(&token).is_none() {
        return Err(ApiError::violation(
            "token",
            ParameterLocation::PayloadBody,
            "is not an API token of the form dt0c01.<24 characters>.<64 characters>",
        ));
    }

    let store = caller.state.store();
    let record = store
        .find_by_token(&token)
        .ok_or_else(|| ApiError::not_found("The requested token does not exist."))?;
    Ok(Json(token_view::render(record, &Field::ALL)).into_response())
}

fn check_id(id: &str) -> Result<(), ApiError> {
    if token_format::is_api_token_id(id) {
        Ok(())
    } else {
        Err(ApiError::violation(
            "id",
            ParameterLocation::Path,
            format!("'{id}' is not a token ID of the form dt0c01.<24 characters>"),
        ))
    }
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("Token with ID {id} not found"))
}

/// Rejects bodies sent with a content type other than JSON; a missing type is accepted.
fn require_json(headers: &HeaderMap) -> Result<(), ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok());
    match content_type {
        Some(value)
            if !value
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("application/json") =>
        {
            Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("Unsupported content type '{value}'; send application/json."),
            ))
        }
        _ => Ok(()),
    }
}
