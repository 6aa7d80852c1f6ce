//! HTML pages: what a browser URL pasted into an API client returns instead of JSON.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// The page served for `/`, `/ui/...` and the HTML-body fault.
pub(crate) const APP_PAGE: &str = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Dynatrace</title></head><body><div id=\"root\">Dynatrace Sandbox: this is a web page, \
not an API endpoint. API tokens live under /platform/classic/environment-api/v2/apiTokens \
(Bearer) or /api/v2/apiTokens (Api-Token).</div></body></html>\n";

pub(crate) async fn app_page() -> Response {
    (StatusCode::OK, Html(APP_PAGE)).into_response()
}
