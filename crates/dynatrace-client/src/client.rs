//! The shared HTTP client: configuration, TLS and proxy set-up, and the caches every
//! [`TokenApi`] of one client shares.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use url::Url;

use crate::api_tokens::TokenApi;
use crate::credentials::Credentials;
use crate::environment_url::{EnvironmentUrl, is_secure_transport, is_trusted_host};
use crate::error::{Error, ErrorCode};
use crate::sso::BearerCache;

/// Bounded retries with jittered exponential backoff. Idempotent calls retry every transient
/// failure; a create retries only failures that prove it was not applied (429, no connection).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first included; 1 disables retries.
    pub max_attempts: u32,
    /// Delay before the first retry; it doubles with each further retry.
    pub base_delay: Duration,
    /// Upper bound of a computed backoff delay. A server's `Retry-After` may ask for longer,
    /// up to five minutes.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
        }
    }
}

/// Settings of a [`DynatraceClient`].
#[derive(Clone)]
pub struct ClientConfig {
    /// Time allowed to open a TCP and TLS connection.
    pub connect_timeout: Duration,
    /// Time allowed for one whole request, from sending to the last byte of the body.
    pub request_timeout: Duration,
    /// SSO origin to use instead of discovering it from the environment.
    pub sso_origin: Option<Url>,
    /// Extra root CA certificates (PEM, one or more) trusted on top of the OS trust store, for
    /// networks that inspect TLS with their own CA.
    pub extra_ca_pem: Option<Vec<u8>>,
    /// Whether secrets may go to hosts outside `dynatrace.com` and `dynatracelabs.com`, such as
    /// a Managed cluster. Loopback is always allowed.
    pub allow_custom_hosts: bool,
    pub retry: RetryPolicy,
    pub user_agent: String,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            sso_origin: None,
            extra_ca_pem: None,
            allow_custom_hosts: false,
            retry: RetryPolicy::default(),
            user_agent: format!(
                "token-wizard-dynatrace-client/{}",
                env!("CARGO_PKG_VERSION")
            ),
        }
    }
}

impl ClientConfig {
    /// Returns whether this configuration lets secrets go to `url`: `https` (or `http` to
    /// loopback) to a host under `dynatrace.com` or `dynatracelabs.com`, to loopback, or to any
    /// host while `allow_custom_hosts` is set. The token and SSO calls apply the same rule before
    /// they send a credential.
    pub fn allows_secrets_to(&self, url: &Url) -> bool {
        is_secure_transport(url) && (is_trusted_host(url) || self.allow_custom_hosts)
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("sso_origin", &self.sso_origin.as_ref().map(Url::as_str))
            .field(
                "extra_ca_pem_bytes",
                &self.extra_ca_pem.as_ref().map(Vec::len),
            )
            .field("allow_custom_hosts", &self.allow_custom_hosts)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

/// Client for Dynatrace SSO and the API token endpoints. Cheap to clone: clones share the
/// connection pool and the bearer cache.
#[derive(Clone)]
pub struct DynatraceClient {
    pub(crate) inner: Arc<ClientInner>,
}

pub(crate) struct ClientInner {
    pub(crate) http: reqwest::Client,
    /// Same settings without any proxy, for loopback hosts: a proxy cannot reach the
    /// sandbox on this computer.
    pub(crate) http_direct: reqwest::Client,
    pub(crate) config: ClientConfig,
    pub(crate) bearers: BearerCache,
    /// SSO origin discovered per apps origin.
    pub(crate) sso_origins: Mutex<HashMap<String, Url>>,
    /// Seconds the server's `Date` header was ahead of the local clock, per host.
    pub(crate) clock_skew: Mutex<HashMap<String, i64>>,
}

impl fmt::Debug for DynatraceClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DynatraceClient")
            .field("config", &self.inner.config)
            .finish()
    }
}

impl DynatraceClient {
    /// Builds the client: OS trust store (plus `extra_ca_pem`), OS and environment proxy
    /// settings, timeouts, no automatic redirects.
    pub fn new(config: ClientConfig) -> Result<Self, Error> {
        let http = build_http(&config, true)?;
        let http_direct = build_http(&config, false)?;
        Ok(DynatraceClient {
            inner: Arc::new(ClientInner {
                http,
                http_direct,
                config,
                bearers: BearerCache::default(),
                sso_origins: Mutex::new(HashMap::new()),
                clock_skew: Mutex::new(HashMap::new()),
            }),
        })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// Token endpoints of one environment with one set of credentials.
    pub fn token_api(&self, environment: EnvironmentUrl, credentials: Credentials) -> TokenApi {
        TokenApi::new(self.clone(), environment, credentials)
    }
}

fn build_http(config: &ClientConfig, use_proxy: bool) -> Result<reqwest::Client, Error> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(config.connect_timeout)
        .timeout(config.request_timeout)
        .user_agent(config.user_agent.clone())
        // A redirect is either SSO discovery, which reads the `Location` itself, or a UI or
        // login page where JSON was expected. Following it would hide the real cause behind
        // the login page's HTML and could repeat a request on another host.
        .redirect(reqwest::redirect::Policy::none());
    if !use_proxy {
        builder = builder.no_proxy();
    }

    if let Some(pem) = &config.extra_ca_pem {
        let certificates = reqwest::Certificate::from_pem_bundle(pem).map_err(|error| {
            Error::input(
                ErrorCode::InvalidInput,
                format!(
                    "The extra CA file is not a valid PEM certificate ({error}). Export the root \
                     certificate of your network's TLS inspection as PEM (Base64, -----BEGIN \
                     CERTIFICATE-----)."
                ),
            )
        })?;
        if certificates.is_empty() {
            return Err(Error::input(
                ErrorCode::InvalidInput,
                "The extra CA file holds no certificate. Export the root certificate as PEM \
                 (-----BEGIN CERTIFICATE-----).",
            ));
        }
        // reqwest 0.13.5 with the `rustls` feature and without `tls_certs_only` passes these
        // roots to `rustls_platform_verifier::Verifier::new_with_extra_roots`
        // (src/async_impl/client.rs), so they are trusted in addition to the OS trust store on
        // Linux, macOS and Windows. `add_root_certificate` is a deprecated alias that fills the
        // same list. On Android reqwest refuses extra roots and building fails.
        builder = builder.tls_certs_merge(certificates);
    }

    builder.build().map_err(|error| {
        Error::input(
            ErrorCode::Tls,
            format!("The HTTP client could not be set up: {error}."),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn dynatrace_and_loopback_hosts_receive_secrets() {
        let config = ClientConfig::default();

        for allowed in [
            "https://abc12345.apps.dynatrace.com/",
            "https://abc12345.live.dynatrace.com/",
            "https://abc12345.sprint.dynatracelabs.com/",
            "https://sso.dynatrace.com/",
            "http://127.0.0.1:8080/",
            "http://localhost:8080/",
            "http://[::1]:8080/",
        ] {
            assert!(config.allows_secrets_to(&url(allowed)), "{allowed}");
        }
    }

    #[test]
    fn plain_http_receives_secrets_only_on_loopback() {
        let default = ClientConfig::default();
        let custom = ClientConfig {
            allow_custom_hosts: true,
            ..ClientConfig::default()
        };

        for refused in [
            "http://sso.dynatrace.com/",
            "http://evil.dynatrace.com:25/",
            "http://abc12345.apps.dynatrace.com/",
            "http://10.0.0.5/e/prod01/",
            "ftp://sso.dynatrace.com/",
        ] {
            assert!(!default.allows_secrets_to(&url(refused)), "{refused}");
            assert!(!custom.allows_secrets_to(&url(refused)), "{refused}");
        }
    }

    #[test]
    fn custom_hosts_need_allow_custom_hosts() {
        let lookalikes = [
            "https://dynatrace.example.com/e/prod01/",
            "https://evil-dynatrace.com/",
            "https://dynatrace.com.example.com/",
            "https://10.0.0.5/e/prod01/",
        ];
        let default = ClientConfig::default();
        let custom = ClientConfig {
            allow_custom_hosts: true,
            ..ClientConfig::default()
        };

        for host in lookalikes {
            assert!(!default.allows_secrets_to(&url(host)), "{host}");
            assert!(custom.allows_secrets_to(&url(host)), "{host}");
        }
    }
}
