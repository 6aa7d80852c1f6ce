//! Dynatrace SSO: the OAuth 2 client-credentials token endpoint, and the authorization redirect
//! through which clients discover the SSO origin.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use crate::bearers::{self, BearerGrant};
use crate::errors::SsoError;
use crate::state::AppState;
use crate::token_format;

/// Length of the opaque bearers the sandbox issues.
const BEARER_LENGTH: usize = 96;

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/sso/oauth2/token", post(issue_token))
        .route("/sso/oauth2/authorize", get(authorize_page))
        .route(
            "/platform/oauth2/authorization/dynatrace-sso",
            get(authorization_redirect),
        )
}

async fn issue_token(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match grant(&state, &headers, &body) {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

fn grant(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<Response, SsoError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok());
    let is_form = content_type.is_some_and(|value| {
        value
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded")
    });
    if !is_form || std::str::from_utf8(body).is_err() {
        return Err(SsoError::bad_request());
    }
    let form: HashMap<String, String> = url::form_urlencoded::parse(body).into_owned().collect();
    let field = |name: &str| {
        form.get(name)
            .map(|value| value.trim())
            .filter(|value| !value.is_empty())
    };

    let (Some(client_id), Some(grant_type)) = (field("client_id"), field("grant_type")) else {
        return Err(SsoError::bad_request());
    };
    if grant_type != "client_credentials" {
        return Err(SsoError::OAuth {
            error: "unsupported_grant_type",
            description: format!(
                "Grant type '{grant_type}' is not supported; use client_credentials."
            ),
        });
    }

    let client = state
        .config
        .oauth_clients
        .iter()
        .find(|client| client.client_id == client_id)
        .filter(|client| field("client_secret") == Some(client.client_secret.as_str()))
        .ok_or_else(|| {
            tracing::info!(client_id, "SSO rejected a wrong client ID or secret");
            SsoError::invalid_request("The client ID or secret is not correct.")
        })?;

    let account_resource = format!("urn:dtaccount:{}", state.config.account_uuid);
    let environment_resource = format!("urn:dtenvironment:{}", state.config.environment_id);
    let resource = match field("resource") {
        None => account_resource,
        Some(resource) if resource == account_resource || resource == environment_resource => {
            resource.to_owned()
        }
        Some(resource) => {
            return Err(SsoError::invalid_request(format!(
                "The resource '{resource}' is not valid for client {client_id}; it does not belong \
                 to the account of this client."
            )));
        }
    };

    // Environment API scopes the sandbox currently refuses to grant (a fault knob).
    let refused = |scope: &str| {
        state.faults.rejects_environment_api_scopes() && scope.starts_with("environment-api:")
    };
    let grantable: Vec<&str> = client
        .scopes
        .iter()
        .map(String::as_str)
        .filter(|scope| !refused(scope))
        .collect();
    let requested: Vec<&str> = match field("scope") {
        Some(scope) => scope.split_whitespace().collect(),
        // Dynatrace's own tools may send no scope, and the grant then contains all the client's
        // scopes. When the reject knob refuses every one of them, the error below lists them all.
        None if grantable.is_empty() => client.scopes.iter().map(String::as_str).collect(),
        None => grantable.clone(),
    };
    let missing: Vec<&str> = requested
        .iter()
        .copied()
        .filter(|scope| !grantable.contains(scope))
        .collect();
    if !missing.is_empty() {
        tracing::info!(client_id, missing = ?missing, "SSO rejected scopes the client lacks");
        return Err(SsoError::invalid_request(format!(
            "The OAuth client {client_id} was not granted the requested scopes. Missing scopes: [{}]",
            missing.join(", ")
        )));
    }

    let bearer = token_format::random_opaque(&mut rand::rng(), BEARER_LENGTH);
    let scopes: Vec<String> = requested.iter().map(|scope| (*scope).to_owned()).collect();
    let scope_text = scopes.join(" ");
    state.bearers().insert(
        bearer.clone(),
        BearerGrant {
            client_id: client.client_id.clone(),
            subject: client.service_user_email.clone(),
            scopes,
            policy_denies_writes: client.policy_denies_writes,
            expires_at: bearers::expiry_from_now(state.config.bearer_lifetime),
        },
    );
    state.count_sso_grant();
    tracing::info!(client_id, scope = %scope_text, "SSO issued a bearer");

    let body = json!({
        "access_token": bearer,
        "token_type": "Bearer",
        "expires_in": state.config.bearer_lifetime.as_secs(),
        "scope": scope_text,
        "resource": resource,
    });
    Ok(Json(body).into_response())
}

/// Redirects like the apps host: a 302 to the SSO's authorize endpoint, whose origin is the SSO.
async fn authorization_redirect(State(state): State<Arc<AppState>>) -> Response {
    let mut location = state
        .base_url
        .join("sso/oauth2/authorize")
        .expect("static path joins");
    let redirect_uri = state
        .base_url
        .join("platform/oauth2/login/code/dynatrace-sso")
        .expect("static path joins");
    location
        .query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", "dt0s03.sandbox-apps")
        .append_pair("scope", "openid")
        .append_pair("redirect_uri", redirect_uri.as_str())
        .append_pair("state", &token_format::random_opaque(&mut rand::rng(), 24));
    (
        StatusCode::FOUND,
        [(header::LOCATION, location.to_string())],
    )
        .into_response()
}

async fn authorize_page() -> Html<&'static str> {
    Html(
        "<!DOCTYPE html><html><head><title>Dynatrace Sandbox - Sign in</title></head>\
         <body><h1>Sign in</h1><p>The sandbox has no interactive sign-in. Use an OAuth client \
         with the client-credentials grant at /sso/oauth2/token.</p></body></html>",
    )
}
