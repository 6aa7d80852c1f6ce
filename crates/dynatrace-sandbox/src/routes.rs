//! The one router that serves every path of the sandbox.

use std::sync::Arc;

use axum::extract::{OriginalUri, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};

use crate::admin;
use crate::api_tokens;
use crate::auth::PathFamily;
use crate::errors::ApiError;
use crate::fault_injection;
use crate::sso;
use crate::state::AppState;
use crate::ui;

pub(crate) fn router(state: Arc<AppState>) -> Router {
    let platform = api_tokens::routes().layer(Extension(PathFamily::Platform));
    let classic = api_tokens::routes().layer(Extension(PathFamily::Classic));
    let managed = api_tokens::routes()
        .layer(Extension(PathFamily::Classic))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            require_known_environment,
        ));

    Router::new()
        .nest("/platform/classic/environment-api/v2", platform)
        .nest("/api/v2", classic)
        .nest("/e/{environment_id}/api/v2", managed)
        .merge(sso::routes())
        .merge(admin::routes())
        .route("/", get(ui::app_page))
        .route("/ui", get(ui::app_page))
        .route("/ui/", get(ui::app_page))
        .route("/ui/{*rest}", get(ui::app_page))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            fault_injection::apply,
        ))
        .with_state(state)
}

/// Rejects `/e/{environmentId}/…` paths whose ID is not the sandbox's environment.
async fn require_known_environment(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request
        .extensions()
        .get::<OriginalUri>()
        .map(|uri| uri.path().to_owned())
        .unwrap_or_else(|| request.uri().path().to_owned());
    let environment_id = path
        .strip_prefix("/e/")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("");
    if environment_id != state.config.environment_id {
        return ApiError::not_found(format!("Environment '{environment_id}' not found"))
            .into_response();
    }
    next.run(request).await
}

async fn not_found(uri: axum::http::Uri) -> Response {
    ApiError::not_found(format!("HTTP 404 Not Found: {}", uri.path())).into_response()
}
