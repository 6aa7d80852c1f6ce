//! OAuth client credentials at Dynatrace SSO: origin discovery, bearer requests, the bearer
//! cache and the mapping of SSO errors.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http::Method;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use url::Url;
use zeroize::Zeroizing;

use crate::client::{ClientConfig, ClientInner};
use crate::credentials::OAuthClient;
use crate::environment_url::{
    EnvironmentKind, EnvironmentUrl, is_loopback_host, is_secure_transport, is_trusted_host,
};
use crate::error::{Error, ErrorCode};
use crate::response::{ErrorBody, is_json, parse_error_body, parse_json, retry_delay};
use crate::transport::{Authorization, Incoming, Outgoing, RetryMode, host_label};

/// Bearer lifetime assumed when SSO omits `expires_in`. Dynatrace SSO issues bearers for 300 s.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);
/// Refresh this long before expiry at most; shorter lifetimes refresh at 90 % of their length.
const MAX_REFRESH_MARGIN: Duration = Duration::from_secs(30);

/// A bearer with the scopes SSO granted.
#[derive(Clone)]
pub(crate) struct Bearer {
    pub token: SecretString,
    pub granted_scopes: Vec<String>,
}

struct CachedBearer {
    bearer: Bearer,
    refresh_at: Instant,
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct BearerKey {
    sso_origin: String,
    client_id: String,
    /// Hash of the client secret with a per-process random key, so a corrected secret never
    /// reuses a bearer of the old one. The key does not contain the secret itself.
    secret_fingerprint: u64,
    resource: String,
    /// Sorted, space-separated.
    scopes: String,
}

type Slot = Arc<tokio::sync::Mutex<Option<CachedBearer>>>;

/// Bearers per (SSO origin, client, resource, scope set). Each key has its own async mutex, so
/// concurrent callers of one key share a single SSO request.
#[derive(Default)]
pub(crate) struct BearerCache {
    slots: Mutex<HashMap<BearerKey, Slot>>,
    hasher: RandomState,
}

impl BearerCache {
    fn key(&self, sso_origin: &Url, client: &OAuthClient, scopes: &[&str]) -> BearerKey {
        let mut sorted: Vec<&str> = scopes.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        BearerKey {
            sso_origin: sso_origin.origin().ascii_serialization(),
            client_id: client.client_id.trim().to_string(),
            secret_fingerprint: self
                .hasher
                .hash_one(client.client_secret.expose_secret().trim()),
            resource: resource_of(client),
            scopes: sorted.join(" "),
        }
    }

    fn slot(&self, key: &BearerKey) -> Slot {
        let mut slots = self.slots.lock().expect("bearer cache lock");
        slots.entry(key.clone()).or_default().clone()
    }
}

fn resource_of(client: &OAuthClient) -> String {
    format!("urn:dtaccount:{}", client.account_uuid)
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: SecretString,
    expires_in: Option<u64>,
    scope: Option<String>,
}

impl ClientInner {
    /// Returns a bearer for `scopes`, from the cache or from SSO.
    pub(crate) async fn bearer(
        &self,
        sso_origin: &Url,
        client: &OAuthClient,
        scopes: &[&str],
    ) -> Result<Bearer, Error> {
        let key = self.bearers.key(sso_origin, client, scopes);
        let slot = self.bearers.slot(&key);

        // Holding the slot's lock across the SSO request is what makes concurrent callers wait
        // for one refresh instead of each starting their own.
        let mut cached = slot.lock().await;
        if let Some(entry) = cached.as_ref()
            && Instant::now() < entry.refresh_at
        {
            return Ok(entry.bearer.clone());
        }
        let (bearer, lifetime, received) = self.request_bearer(sso_origin, client, scopes).await?;
        let margin = MAX_REFRESH_MARGIN.min(lifetime / 10);
        *cached = Some(CachedBearer {
            bearer: bearer.clone(),
            refresh_at: received + lifetime - margin,
        });
        Ok(bearer)
    }

    /// Drops the cached bearer if it is still the one the server rejected, so the next call
    /// fetches a new one. A bearer that another caller already refreshed stays.
    pub(crate) async fn invalidate_bearer(
        &self,
        sso_origin: &Url,
        client: &OAuthClient,
        scopes: &[&str],
        rejected: &SecretString,
    ) {
        let key = self.bearers.key(sso_origin, client, scopes);
        let slot = self.bearers.slot(&key);
        let mut cached = slot.lock().await;
        let same = cached
            .as_ref()
            .is_some_and(|entry| entry.bearer.token.expose_secret() == rejected.expose_secret());
        if same {
            *cached = None;
        }
    }

    async fn request_bearer(
        &self,
        sso_origin: &Url,
        client: &OAuthClient,
        scopes: &[&str],
    ) -> Result<(Bearer, Duration, Instant), Error> {
        // The SSO origin may come from the configuration override, so check it like any
        // other host before the client secret goes there.
        if !is_secure_transport(sso_origin) {
            let host = host_label(sso_origin);
            return Err(Error::input(
                ErrorCode::UntrustedHost,
                format!(
                    "The SSO URL for {host} does not use https, so the client secret was not \
                     sent. Set an https:// SSO URL, or clear the setting."
                ),
            )
            .with_host(host));
        }
        if !is_trusted_host(sso_origin) && !self.config.allow_custom_hosts {
            let host = host_label(sso_origin);
            return Err(Error::input(
                ErrorCode::UntrustedHost,
                format!(
                    "The SSO host {host} is not a Dynatrace host (dynatrace.com or \
                     dynatracelabs.com), so the client secret was not sent. Clear the SSO URL \
                     setting, or confirm that this host may be trusted."
                ),
            )
            .with_host(host));
        }

        let mut url = sso_origin.clone();
        url.set_path("/sso/oauth2/token");
        url.set_query(None);

        let scope = scopes.join(" ");
        let resource = resource_of(client);
        let form = Zeroizing::new(
            url::form_urlencoded::Serializer::new(String::new())
                .append_pair("grant_type", "client_credentials")
                .append_pair("client_id", client.client_id.trim())
                .append_pair("client_secret", client.client_secret.expose_secret().trim())
                .append_pair("scope", &scope)
                .append_pair("resource", &resource)
                .finish(),
        );
        let request = Outgoing {
            method: Method::POST,
            url,
            authorization: Authorization::None,
            body: Some((
                Zeroizing::new(form.as_bytes().to_vec()),
                "application/x-www-form-urlencoded",
            )),
        };

        let (response, received) = self
            .with_retry(RetryMode::Idempotent, "SSO token request", || async {
                let response = self.send_once(&request).await?;
                let received = Instant::now();
                if response.status.is_success() {
                    Ok((response, received))
                } else {
                    Err(sso_error(&response, client, scopes))
                }
            })
            .await?;

        let hint = "Leave the SSO URL setting empty so it is discovered from the environment.";
        let parsed: TokenResponse = parse_json(&response, hint)?;
        if parsed.access_token.expose_secret().trim().is_empty() {
            return Err(Error::new(
                ErrorCode::MalformedResponse,
                format!(
                    "{} returned an empty bearer; nothing was sent with it.",
                    response.host()
                ),
            )
            .with_host(response.host()));
        }
        let lifetime = parsed
            .expires_in
            .map(Duration::from_secs)
            .unwrap_or(DEFAULT_LIFETIME);
        let granted_scopes = match &parsed.scope {
            Some(scope) => scope.split_whitespace().map(str::to_string).collect(),
            None => scopes.iter().map(|scope| scope.to_string()).collect(),
        };
        tracing::debug!(
            sso = %host_label(sso_origin),
            client_id = %client.client_id,
            lifetime_s = lifetime.as_secs(),
            "received SSO bearer"
        );
        Ok((
            Bearer {
                token: parsed.access_token,
                granted_scopes,
            },
            lifetime,
            received,
        ))
    }

    /// Returns the SSO origin for an environment: the configured override, else the origin of
    /// the redirect of `HEAD <apps>/platform/oauth2/authorization/dynatrace-sso`, else the
    /// stage's default. Loopback environments never fall back to a public host.
    pub(crate) async fn sso_origin_for(&self, environment: &EnvironmentUrl) -> Url {
        if let Some(origin) = &self.config.sso_origin {
            return origin_only(origin);
        }
        let fallback = match (environment.kind(), environment.apps_base()) {
            (EnvironmentKind::Saas { stage }, _) => stage.default_sso_origin(),
            (_, Some(apps)) => origin_only(apps),
            (_, None) => origin_only(environment.classic_base()),
        };
        let Some(apps) = environment.apps_base() else {
            return fallback;
        };
        let cache_key = apps.origin().ascii_serialization();
        if let Some(known) = self
            .sso_origins
            .lock()
            .expect("SSO origin lock")
            .get(&cache_key)
        {
            return known.clone();
        }

        let discovered = self.discover_sso_origin(apps).await;
        let origin = match discovered {
            Some(origin) if accepts_discovered_sso(environment.kind(), &origin, &self.config) => {
                origin
            }
            Some(origin) => {
                tracing::warn!(
                    discovered = %origin,
                    fallback = %host_label(&fallback),
                    "ignoring a discovered SSO origin that is not https on a trusted host"
                );
                fallback
            }
            None => {
                tracing::warn!(
                    environment = %host_label(apps),
                    fallback = %host_label(&fallback),
                    "SSO discovery failed; using the default SSO host"
                );
                fallback
            }
        };
        self.sso_origins
            .lock()
            .expect("SSO origin lock")
            .insert(cache_key, origin.clone());
        origin
    }

    async fn discover_sso_origin(&self, apps: &Url) -> Option<Url> {
        let mut url = apps.clone();
        url.set_path("/platform/oauth2/authorization/dynatrace-sso");
        let request = Outgoing {
            method: Method::HEAD,
            url: url.clone(),
            authorization: Authorization::None,
            body: None,
        };
        let response = self
            .with_retry(RetryMode::Idempotent, "SSO discovery", || async {
                let response = self.send_once(&request).await?;
                let status = response.status.as_u16();
                if status == 429 || (500..=599).contains(&status) {
                    let code = if status == 429 {
                        ErrorCode::RateLimited
                    } else {
                        ErrorCode::ServerError
                    };
                    return Err(Error::new(code, "SSO discovery failed")
                        .with_status(status)
                        .with_retry_after(retry_delay(&response, jiff::Timestamp::now())));
                }
                Ok(response)
            })
            .await
            .ok()?;
        if !response.status.is_redirection() {
            return None;
        }
        let location = response.header("location")?;
        let target = url.join(location).ok()?;
        matches!(target.scheme(), "https" | "http").then(|| origin_only(&target))
    }
}

/// Returns whether an SSO origin found by discovery may receive the client secret: it passes
/// [`ClientConfig::allows_secrets_to`], and for a SaaS environment it is also `https` on the
/// default port and not loopback. Only an explicit SSO override may point a SaaS environment at
/// loopback.
fn accepts_discovered_sso(kind: &EnvironmentKind, origin: &Url, config: &ClientConfig) -> bool {
    if !config.allows_secrets_to(origin) {
        return false;
    }
    match kind {
        EnvironmentKind::Saas { .. } => {
            origin.scheme() == "https"
                && origin.port().is_none()
                && origin.host().is_some_and(|host| !is_loopback_host(&host))
        }
        EnvironmentKind::Managed | EnvironmentKind::Local => true,
    }
}

fn origin_only(url: &Url) -> Url {
    let mut origin = url.clone();
    origin.set_path("/");
    origin.set_query(None);
    origin.set_fragment(None);
    let _ = origin.set_username("");
    let _ = origin.set_password(None);
    origin
}

/// Scopes in square brackets at the end of an SSO description, such as
/// `... the following scopes: [environment-api:api-tokens:write, foo]`.
pub(crate) fn bracketed_scopes(description: &str) -> Vec<String> {
    let trimmed = description.trim().trim_end_matches('.');
    let Some(inner) = trimmed.strip_suffix(']') else {
        return Vec::new();
    };
    let Some(start) = inner.rfind('[') else {
        return Vec::new();
    };
    inner[start + 1..]
        .split([',', ' '])
        .map(|scope| scope.trim().trim_matches('"').trim_matches('\''))
        .filter(|scope| !scope.is_empty())
        .map(str::to_string)
        .collect()
}

/// Maps a failed SSO token response to our error.
pub(crate) fn sso_error(response: &Incoming, client: &OAuthClient, requested: &[&str]) -> Error {
    let status = response.status.as_u16();
    let host = response.host();
    let body = if is_json(response) {
        parse_error_body(&response.body)
    } else {
        ErrorBody::default()
    };
    let description = body
        .oauth_description
        .clone()
        .or_else(|| body.message.clone())
        .unwrap_or_default();
    let lower = description.to_ascii_lowercase();
    let oauth_error = body.oauth_error.as_deref().unwrap_or("");

    let invalid_client = || {
        Error::new(
            ErrorCode::OauthInvalidClient,
            format!(
                "SSO rejected the OAuth client ID or secret of {}. Copy both again from the same \
                 OAuth client in Account Management > Identity & access management > OAuth \
                 clients. The secret is shown only when a client is created: if it is lost, \
                 create a new client.",
                client.client_id.trim()
            ),
        )
    };
    let invalid_scope = |missing: Vec<String>| {
        let named = if missing.is_empty() {
            requested.join(", ")
        } else {
            missing.join(", ")
        };
        Error::new(
            ErrorCode::OauthInvalidScope,
            format!(
                "The OAuth client {} does not have the scope {named}. Add it to the client in \
                 Account Management > OAuth clients, or use a client that has it.",
                client.client_id.trim()
            ),
        )
        .with_missing_scopes(if missing.is_empty() {
            requested.iter().map(|scope| scope.to_string()).collect()
        } else {
            missing
        })
    };
    let invalid_resource = || {
        Error::new(
            ErrorCode::OauthInvalidResource,
            format!(
                "SSO rejected the account UUID {}: the OAuth client does not belong to that \
                 account, or the UUID is wrong. Copy the account UUID from Account Management \
                 (the UUID in its address).",
                client.account_uuid
            ),
        )
    };
    let mentions_scope = lower.contains("scope");
    let mentions_resource =
        lower.contains("resource") || lower.contains("account") || lower.contains("urn:dtaccount");
    let mentions_client = lower.contains("client id")
        || lower.contains("client_id")
        || lower.contains("secret")
        || lower.contains("credentials")
        || lower.contains("not correct")
        || lower.contains("authentication failed");
    let scopes = bracketed_scopes(&description);

    let error = if status == 429 {
        Error::new(
            ErrorCode::RateLimited,
            format!("{host} is rate limiting bearer requests."),
        )
        .with_retry_after(retry_delay(response, jiff::Timestamp::now()))
    } else if status >= 500 {
        Error::new(
            ErrorCode::ServerError,
            format!("{host} failed with HTTP {status}. Try again in a few minutes."),
        )
        .with_retry_after(retry_delay(response, jiff::Timestamp::now()))
    } else if !is_json(response) {
        crate::response::unexpected_content(
            response,
            "Leave the SSO URL setting empty so it is discovered from the environment, or enter \
             the SSO host of your stage (https://sso.dynatrace.com for production).",
        )
    } else {
        match oauth_error {
            "invalid_client" => invalid_client(),
            "invalid_scope" => invalid_scope(scopes),
            "invalid_target" => invalid_resource(),
            "unauthorized_client" if mentions_resource => invalid_resource(),
            "unauthorized_client" => Error::new(
                ErrorCode::OauthError,
                format!(
                    "SSO does not allow the OAuth client {} to use the client-credentials grant. \
                     Use an OAuth client created for a service user in Account Management.",
                    client.client_id.trim()
                ),
            ),
            "invalid_grant" => Error::new(
                ErrorCode::OauthError,
                "SSO rejected the grant. Check that the OAuth client is active and that its \
                 service user still exists.",
            ),
            _ if !scopes.is_empty() && (mentions_scope || oauth_error == "invalid_request") => {
                invalid_scope(scopes)
            }
            _ if mentions_resource => invalid_resource(),
            _ if mentions_client => invalid_client(),
            _ if mentions_scope => invalid_scope(Vec::new()),
            // The Dynatrace shape `{errorCode, message: "Bad Request", issueId}` comes for a
            // wrong client secret; so does a bare 401.
            _ if body.error_code.is_some() || status == 401 => invalid_client(),
            _ => Error::new(
                ErrorCode::OauthError,
                format!(
                    "SSO refused the bearer request (HTTP {status}). The detail below is SSO's \
                     own text."
                ),
            ),
        }
    };
    error
        .with_host(host)
        .with_status(status)
        .with_detail(body.detail())
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{HeaderMap, HeaderValue, StatusCode};

    const SECRET: &str =
        "dt0s02.ABCD1234.ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    fn client() -> OAuthClient {
        OAuthClient {
            client_id: "dt0s02.ABCD1234".into(),
            client_secret: SecretString::from(SECRET),
            account_uuid: uuid::Uuid::parse_str("8a9f3c1e-2b4d-4e6f-9a1b-3c5d7e9f1a2b").unwrap(),
        }
    }

    fn sso_response(status: u16, body: &str) -> Incoming {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        Incoming {
            status: StatusCode::from_u16(status).unwrap(),
            headers,
            body: Zeroizing::new(body.as_bytes().to_vec()),
            url: Url::parse("https://sso.dynatrace.com/sso/oauth2/token").unwrap(),
        }
    }

    const READ: &[&str] = &["environment-api:api-tokens:read"];

    #[test]
    fn wrong_secret_as_invalid_request() {
        let body = r#"{"error":"invalid_request","error_description":"The client id or secret is not correct."}"#;
        let error = sso_error(&sso_response(400, body), &client(), READ);
        assert_eq!(error.code, ErrorCode::OauthInvalidClient);
        assert!(error.message.contains("dt0s02.ABCD1234"));
    }

    #[test]
    fn dynatrace_shape_bad_request_is_invalid_client() {
        let body = r#"{"errorCode":400,"message":"Bad Request","issueId":"abc-123"}"#;
        let error = sso_error(&sso_response(400, body), &client(), READ);
        assert_eq!(error.code, ErrorCode::OauthInvalidClient);
        assert_eq!(error.detail.as_deref(), Some("Bad Request"));
    }

    #[test]
    fn missing_scopes_are_parsed_from_brackets() {
        let body = r#"{"error":"invalid_request","error_description":"Requested scopes are not allowed for this client: [environment-api:api-tokens:write, environment-api:deployment:download]"}"#;
        let error = sso_error(&sso_response(400, body), &client(), READ);
        assert_eq!(error.code, ErrorCode::OauthInvalidScope);
        assert_eq!(
            error.missing_scopes,
            vec![
                "environment-api:api-tokens:write",
                "environment-api:deployment:download"
            ]
        );
    }

    #[test]
    fn wrong_account_is_invalid_resource() {
        let body = r#"{"error":"invalid_request","error_description":"Resource urn:dtaccount:8a9f3c1e-2b4d-4e6f-9a1b-3c5d7e9f1a2b is not valid for this client"}"#;
        let error = sso_error(&sso_response(400, body), &client(), READ);
        assert_eq!(error.code, ErrorCode::OauthInvalidResource);
    }

    #[test]
    fn rfc_codes_are_mapped() {
        let cases = [
            (
                r#"{"error":"invalid_client"}"#,
                ErrorCode::OauthInvalidClient,
            ),
            (r#"{"error":"invalid_scope"}"#, ErrorCode::OauthInvalidScope),
            (r#"{"error":"unauthorized_client"}"#, ErrorCode::OauthError),
            (r#"{"error":"invalid_grant"}"#, ErrorCode::OauthError),
        ];
        for (body, expected) in cases {
            let error = sso_error(&sso_response(400, body), &client(), READ);
            assert_eq!(error.code, expected, "{body}");
        }
    }

    #[test]
    fn echoed_secret_is_scrubbed() {
        let body = format!(
            r#"{{"error":"invalid_request","error_description":"client secret {SECRET} is not correct"}}"#
        );
        let error = sso_error(&sso_response(400, &body), &client(), READ);
        let text = format!("{error:?} {error}");
        assert!(!text.contains("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), "{text}");
    }

    #[test]
    fn bracketed_scopes_tolerate_quotes_and_period() {
        assert_eq!(
            bracketed_scopes("missing: ['a:b', \"c:d\"]."),
            vec!["a:b", "c:d"]
        );
        assert!(bracketed_scopes("no list here").is_empty());
    }

    #[test]
    fn discovered_sso_for_saas_needs_https_off_loopback() {
        let saas = EnvironmentKind::Saas {
            stage: crate::environment_url::Stage::Production,
        };
        let config = ClientConfig::default();
        let custom = ClientConfig {
            allow_custom_hosts: true,
            ..ClientConfig::default()
        };
        let url = |text: &str| Url::parse(text).unwrap();

        assert!(accepts_discovered_sso(
            &saas,
            &url("https://sso.dynatrace.com/"),
            &config
        ));
        for rejected in [
            "http://sso.dynatrace.com/",
            "https://sso.dynatrace.com:8443/",
            "http://127.0.0.1:8080/",
            "https://127.0.0.1/",
            "https://localhost/",
            "https://sso.example.com/",
        ] {
            assert!(
                !accepts_discovered_sso(&saas, &url(rejected), &config),
                "{rejected}"
            );
        }
        for rejected in [
            "http://sso.example.com/",
            "https://[::1]/",
            "http://localhost:9/",
        ] {
            assert!(
                !accepts_discovered_sso(&saas, &url(rejected), &custom),
                "{rejected}"
            );
        }
    }

    #[test]
    fn discovered_sso_for_local_may_be_loopback_http() {
        let config = ClientConfig::default();
        let url = |text: &str| Url::parse(text).unwrap();

        let local = EnvironmentKind::Local;
        assert!(accepts_discovered_sso(
            &local,
            &url("http://127.0.0.1:8080/"),
            &config
        ));
        assert!(!accepts_discovered_sso(
            &local,
            &url("http://sso.dynatrace.com/"),
            &config
        ));
    }
}
