//! The API token endpoints of one environment, with any of the three ways to authenticate.

use std::fmt;
use std::sync::{Arc, Mutex};

use http::Method;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::Value;
use url::Url;
use zeroize::Zeroizing;

use crate::api_token_types::{
    ApiToken, ApiTokenPage, CreateApiToken, CreatedApiToken, ListQuery, ScopeFamily, UpdateApiToken,
};
use crate::client::DynatraceClient;
use crate::credentials::{AuthKind, Credentials, OAuthClient};
use crate::environment_url::{EnvironmentUrl, is_secure_transport, is_trusted_host};
use crate::error::{Error, ErrorCode};
use crate::redact::scrub;
use crate::response::{api_error, parse_json};
use crate::token_input::{check_token_id, create_body, update_body};
use crate::transport::{Authorization, Incoming, Outgoing, RetryMode, host_label};

/// Whether a call reads or changes tokens, which decides the OAuth scope it requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    Read,
    Write,
}

impl Access {
    fn scope(self, family: ScopeFamily) -> &'static str {
        match self {
            Access::Read => family.read_scope(),
            Access::Write => family.write_scope(),
        }
    }
}

/// The API token endpoints of one environment with one set of credentials. Cheap to clone.
#[derive(Clone)]
pub struct TokenApi {
    pub(crate) client: DynatraceClient,
    pub(crate) environment: EnvironmentUrl,
    pub(crate) credentials: Arc<Credentials>,
    /// Scope family found to work for this OAuth client, once known.
    pub(crate) family: Arc<Mutex<Option<ScopeFamily>>>,
}

impl fmt::Debug for TokenApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenApi")
            .field("environment", &self.environment.display())
            .field("credentials", &self.credentials)
            .finish()
    }
}

/// Token creation response; `token` is the secret.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreatedBody {
    id: Option<String>,
    token: Option<SecretString>,
    expiration_date: Option<jiff::Timestamp>,
}

impl TokenApi {
    pub(crate) fn new(
        client: DynatraceClient,
        environment: EnvironmentUrl,
        credentials: Credentials,
    ) -> Self {
        TokenApi {
            client,
            environment,
            credentials: Arc::new(credentials),
            family: Arc::new(Mutex::new(None)),
        }
    }

    pub fn environment(&self) -> &EnvironmentUrl {
        &self.environment
    }

    pub fn auth_kind(&self) -> AuthKind {
        self.credentials.kind()
    }

    /// Base of the token endpoints, after checking the credentials and that the host may
    /// receive them.
    pub(crate) fn api_base(&self) -> Result<Url, Error> {
        self.credentials.validate()?;
        let base = self.environment.token_api_base(self.credentials.kind())?;
        if !is_secure_transport(&base) {
            return Err(Error::input(
                ErrorCode::UntrustedHost,
                format!(
                    "{} is not reached over https, so no credentials were sent to it. Use an \
                     https:// environment URL.",
                    host_label(&base)
                ),
            )
            .with_host(host_label(&base)));
        }
        if !is_trusted_host(&base) && !self.client.inner.config.allow_custom_hosts {
            return Err(Error::input(
                ErrorCode::UntrustedHost,
                format!(
                    "{} is not a Dynatrace host (dynatrace.com or dynatracelabs.com), so no \
                     credentials were sent to it. If it is your Managed cluster or ActiveGate, \
                     confirm that this host may be trusted.",
                    host_label(&base)
                ),
            )
            .with_host(host_label(&base)));
        }
        Ok(base)
    }

    /// Sentence naming the host each kind of credential needs, for page-instead-of-JSON errors.
    pub(crate) fn host_hint(&self) -> String {
        let classic = self.environment.token_api_base(AuthKind::ApiToken).ok();
        let classic = classic
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_default();
        match (self.environment.apps_base(), self.credentials.kind()) {
            (Some(apps), AuthKind::OAuth | AuthKind::PlatformToken) => format!(
                "OAuth clients and platform tokens need the apps URL {}; API tokens need {classic}.",
                apps.as_str().trim_end_matches('/')
            ),
            _ => format!(
                "API tokens need the classic environment URL {}.",
                self.environment
                    .classic_base()
                    .as_str()
                    .trim_end_matches('/')
            ),
        }
    }

    fn oauth_client(&self) -> Option<&OAuthClient> {
        match self.credentials.as_ref() {
            Credentials::OAuth(client) => Some(client),
            _ => None,
        }
    }

    fn known_family(&self) -> Option<ScopeFamily> {
        *self.family.lock().expect("scope family lock")
    }

    fn remember_family(&self, family: ScopeFamily) {
        *self.family.lock().expect("scope family lock") = Some(family);
    }

    /// Gets a bearer for `access`, trying the scope families in order until SSO grants one.
    pub(crate) async fn oauth_bearer(
        &self,
        client: &OAuthClient,
        access: Access,
    ) -> Result<(crate::sso::Bearer, ScopeFamily, Url), Error> {
        let inner = &self.client.inner;
        let sso = inner.sso_origin_for(&self.environment).await;
        if let Some(family) = self.known_family() {
            let bearer = inner.bearer(&sso, client, &[access.scope(family)]).await?;
            return Ok((bearer, family, sso));
        }

        let mut first_refusal: Option<Error> = None;
        for family in ScopeFamily::ALL {
            match inner.bearer(&sso, client, &[access.scope(family)]).await {
                Ok(bearer) => {
                    if family == ScopeFamily::Legacy {
                        tracing::info!(
                            client_id = %client.client_id,
                            "OAuth client holds the legacy api-tokens:tokens:* scopes"
                        );
                    }
                    self.remember_family(family);
                    return Ok((bearer, family, sso));
                }
                Err(error) if error.code == ErrorCode::OauthInvalidScope => {
                    first_refusal.get_or_insert(error);
                }
                Err(error) => return Err(error),
            }
        }
        let mut error = first_refusal.expect("at least one family was tried");
        let (first, second) = (
            access.scope(ScopeFamily::EnvironmentApi),
            access.scope(ScopeFamily::Legacy),
        );
        error.message = scrub(&format!(
            "The OAuth client {} has neither the scope {first} nor {second}, which {} tokens \
             needs. Add {first} to the client in Account Management > OAuth clients.",
            client.client_id.trim(),
            match access {
                Access::Read => "listing and reading",
                Access::Write => "creating, changing and deleting",
            }
        ));
        error.missing_scopes = vec![first.to_string(), second.to_string()];
        Err(error)
    }

    /// Sends one token call and returns its 2xx response.
    ///
    /// OAuth bearers rejected with 401 are refreshed once and the call repeated; `mode` decides
    /// which other failures are retried.
    pub(crate) async fn call(
        &self,
        access: Access,
        mode: RetryMode,
        what: &str,
        method: Method,
        url: Url,
        body: Option<Zeroizing<Vec<u8>>>,
    ) -> Result<Incoming, Error> {
        let result = self.call_inner(access, mode, what, method, url, body).await;
        result.map_err(|error| error.redact_values(&self.credentials.secret_values()))
    }

    async fn call_inner(
        &self,
        access: Access,
        mode: RetryMode,
        what: &str,
        method: Method,
        url: Url,
        body: Option<Zeroizing<Vec<u8>>>,
    ) -> Result<Incoming, Error> {
        let body = body.map(|bytes| (bytes, "application/json"));
        let hint = self.host_hint();
        let auth = self.credentials.kind();

        for attempt in 0..2 {
            let (bearer, sso_scope) = match self.credentials.as_ref() {
                Credentials::OAuth(client) => {
                    let (bearer, family, sso) = self.oauth_bearer(client, access).await?;
                    (Some(bearer), Some((sso, access.scope(family))))
                }
                _ => (None, None),
            };
            let authorization = match (self.credentials.as_ref(), &bearer) {
                (Credentials::OAuth(_), Some(bearer)) => Authorization::Bearer(&bearer.token),
                (Credentials::PlatformToken(token), _) => Authorization::Bearer(token),
                (Credentials::ApiToken(token), _) => Authorization::ApiToken(token),
                (Credentials::OAuth(_), None) => unreachable!("OAuth always has a bearer"),
            };
            let request = Outgoing {
                method: method.clone(),
                url: url.clone(),
                authorization,
                body: body.as_ref().map(|(bytes, kind)| (bytes.clone(), *kind)),
            };
            let inner = &self.client.inner;
            let result = inner
                .with_retry(mode, what, || async {
                    let response = inner.send_once(&request).await?;
                    if response.status.is_success() {
                        Ok(response)
                    } else {
                        Err(api_error(&response, auth, &hint))
                    }
                })
                .await;
            // An opaque bearer has no shape the scrubber recognises, so mask its exact value the
            // way the credentials' own secrets are masked.
            let result = match &bearer {
                Some(bearer) => result
                    .map_err(|error| error.redact_values(&[bearer.token.expose_secret().trim()])),
                None => result,
            };

            match (result, self.oauth_client(), bearer, sso_scope) {
                (Err(error), Some(client), Some(bearer), Some((sso, scope)))
                    if error.code == ErrorCode::Unauthorized && attempt == 0 =>
                {
                    tracing::warn!(call = what, "bearer rejected with 401; refreshing it once");
                    inner
                        .invalidate_bearer(&sso, client, &[scope], &bearer.token)
                        .await;
                }
                (result, ..) => return result,
            }
        }
        unreachable!("the second attempt always returns")
    }

    fn endpoint(&self, base: &Url, segments: &[&str]) -> Url {
        let mut url = base.clone();
        {
            let mut path = url.path_segments_mut().expect("http URLs have paths");
            path.pop_if_empty();
            path.push("apiTokens");
            for segment in segments {
                path.push(segment);
            }
        }
        url
    }

    /// Creates a token and returns its secret.
    ///
    /// A create is repeated only after failures that prove it was not applied (429, a
    /// connection that could not be opened). Before sending, the same-name tokens that already
    /// exist are listed. When the outcome is unknown (timeout, connection closed after sending,
    /// 5xx, a cut-off body), the tokens created since the attempt are listed again. One new
    /// token with the same name gives `CreatedNotDelivered` with its ID. Several give
    /// `CreatedNotDelivered` without an ID (see [`ErrorCode::CreatedNotDelivered`]). None gives
    /// the original error.
    pub async fn create(&self, request: &CreateApiToken) -> Result<CreatedApiToken, Error> {
        let base = self.api_base()?;
        let body = create_body(request, jiff::Timestamp::now())?;
        let url = self.endpoint(&base, &[]);
        let existing = self.same_name_before_create(request).await;
        let started = jiff::Timestamp::now();

        let result = self
            .call(
                Access::Write,
                RetryMode::NotApplied,
                "create token",
                Method::POST,
                url,
                Some(json_bytes(&body)),
            )
            .await;
        let response = match result {
            Ok(response) => response,
            Err(error) if error.is_ambiguous_for_create() => {
                return Err(self
                    .recover_create(&base, request, existing.as_ref(), started, error)
                    .await);
            }
            Err(error) => return Err(error),
        };

        let created: CreatedBody = match parse_json(&response, &self.host_hint()) {
            Ok(created) => created,
            // A 2xx means the token may exist, whatever the body is (not JSON, empty, cut off):
            // only its secret is lost, so look for it instead of reporting a plain failure.
            Err(error) => {
                return Err(self
                    .recover_create(&base, request, existing.as_ref(), started, error)
                    .await);
            }
        };
        let id = created.id.filter(|id| !id.trim().is_empty());
        let token = created
            .token
            .filter(|token| !token.expose_secret().trim().is_empty());
        match (id, token) {
            (Some(id), Some(token)) => {
                tracing::info!(token_id = %id, "created API token");
                Ok(CreatedApiToken {
                    id,
                    token,
                    expiration_date: created.expiration_date,
                })
            }
            (id, _) => {
                let named = id.as_deref().unwrap_or("(no ID returned)");
                let mut error = Error::new(
                    ErrorCode::TokenSecretMissing,
                    format!(
                        "Dynatrace created the token {named} but returned no secret, and the \
                         secret cannot be read later. Delete this token and create a new one."
                    ),
                )
                .with_host(response.host())
                .with_status(response.status.as_u16());
                if let Some(id) = id {
                    error = error.with_token_id(id);
                }
                Err(error)
            }
        }
    }

    /// Lists all tokens matching `query`, following `nextPageKey` to the last page.
    pub async fn list(&self, query: &ListQuery) -> Result<Vec<ApiToken>, Error> {
        let mut tokens = Vec::new();
        let mut page_key: Option<String> = None;
        let mut seen_keys = std::collections::HashSet::new();
        loop {
            let page = self.list_page(query, page_key.as_deref()).await?;
            if tokens.is_empty() {
                tokens.reserve(page.total_count.min(100_000) as usize);
            }
            tokens.extend(page.api_tokens);
            match page.next_page_key {
                Some(key) if !key.is_empty() => {
                    if !seen_keys.insert(key.clone()) {
                        return Err(Error::new(
                            ErrorCode::MalformedResponse,
                            "The server returned the same page key twice while listing tokens; \
                             stopped to avoid an endless loop.",
                        ));
                    }
                    page_key = Some(key);
                }
                _ => return Ok(tokens),
            }
        }
    }

    /// Reads one page. With `page_key`, only `nextPageKey` is sent, as the API requires.
    pub async fn list_page(
        &self,
        query: &ListQuery,
        page_key: Option<&str>,
    ) -> Result<ApiTokenPage, Error> {
        let base = self.api_base()?;
        let mut url = self.endpoint(&base, &[]);
        {
            let mut pairs = url.query_pairs_mut();
            match page_key {
                Some(key) => {
                    pairs.append_pair("nextPageKey", key);
                }
                None => {
                    if let Some(size) = query.page_size {
                        pairs.append_pair("pageSize", &size.to_string());
                    }
                    let optional = [
                        ("fields", &query.fields),
                        ("apiTokenSelector", &query.api_token_selector),
                        ("sort", &query.sort),
                        ("from", &query.from),
                        ("to", &query.to),
                    ];
                    for (name, value) in optional {
                        if let Some(value) = value {
                            pairs.append_pair(name, value);
                        }
                    }
                }
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        let response = self
            .call(
                Access::Read,
                RetryMode::Idempotent,
                "list tokens",
                Method::GET,
                url,
                None,
            )
            .await?;
        parse_json(&response, &self.host_hint())
    }

    /// Reads the metadata of one token.
    pub async fn get(&self, id: &str) -> Result<ApiToken, Error> {
        let id = check_token_id(id)?;
        let base = self.api_base()?;
        let url = self.endpoint(&base, &[id]);
        let response = self
            .call(
                Access::Read,
                RetryMode::Idempotent,
                "get token",
                Method::GET,
                url,
                None,
            )
            .await
            .map_err(|error| not_found_names_id(error, id))?;
        parse_json(&response, &self.host_hint())
    }

    /// Renames, enables or disables a token, or replaces its scopes.
    pub async fn update(&self, id: &str, update: &UpdateApiToken) -> Result<(), Error> {
        let id = check_token_id(id)?;
        let body = update_body(update)?;
        let base = self.api_base()?;
        let url = self.endpoint(&base, &[id]);
        self.call(
            Access::Write,
            RetryMode::Idempotent,
            "update token",
            Method::PUT,
            url,
            Some(json_bytes(&body)),
        )
        .await
        .map_err(|error| not_found_names_id(error, id))?;
        tracing::info!(token_id = %id, "updated API token");
        Ok(())
    }

    /// Deletes (revokes) a token.
    pub async fn delete(&self, id: &str) -> Result<(), Error> {
        let id = check_token_id(id)?;
        let base = self.api_base()?;
        let url = self.endpoint(&base, &[id]);
        self.call(
            Access::Write,
            RetryMode::Idempotent,
            "delete token",
            Method::DELETE,
            url,
            None,
        )
        .await
        .map_err(|error| not_found_names_id(error, id))?;
        tracing::info!(token_id = %id, "deleted API token");
        Ok(())
    }

    /// Reads the metadata of the token with this secret.
    pub async fn lookup(&self, token: &SecretString) -> Result<ApiToken, Error> {
        let secret = token.expose_secret().trim();
        if secret.is_empty() {
            return Err(Error::input(
                ErrorCode::InvalidInput,
                "The token to look up is empty.",
            ));
        }
        let base = self.api_base()?;
        let url = self.endpoint(&base, &["lookup"]);
        let body = Zeroizing::new(
            serde_json::to_vec(&LookupBody { token: secret }).expect("lookup body serialises"),
        );
        let result = self
            .call(
                Access::Read,
                RetryMode::Idempotent,
                "look up token",
                Method::POST,
                url,
                Some(body),
            )
            .await;
        let response = result.map_err(|error| error.redact_values(&[secret]))?;
        parse_json(&response, &self.host_hint())
    }

    /// Checks whether the environment accepts these credentials, and what they allow.
    pub async fn check_connection(
        &self,
    ) -> Result<crate::api_token_types::ConnectionReport, Error> {
        crate::connection::check_connection(self).await
    }
}

/// Body of `POST /apiTokens/lookup`, serialised straight into a buffer that is zeroed on drop.
#[derive(serde::Serialize)]
struct LookupBody<'a> {
    token: &'a str,
}

fn json_bytes(value: &Value) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(serde_json::to_vec(value).expect("JSON value serialises"))
}

fn not_found_names_id(mut error: Error, id: &str) -> Error {
    if error.code == ErrorCode::NotFound {
        error.message = scrub(&format!(
            "No token with the ID {id} exists in this environment. It may have been deleted; \
             refresh the list."
        ));
        error.token_id = Some(id.to_string());
    }
    error
}
