//! One HTTP exchange: sending, reading the whole body, logging, mapping network failures, and
//! bounded retries.

use std::error::Error as StdError;
use std::future::Future;
use std::time::{Duration, Instant};

use backon::{ExponentialBuilder, Retryable};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use url::Url;
use zeroize::Zeroizing;

use crate::client::ClientInner;
use crate::environment_url::is_loopback_host;
use crate::error::{Error, ErrorCode};

/// Response headers that carry a request ID, in the order they are looked up.
///
/// NOTE: `dynatrace-response-id` is what Dynatrace servers are reported to send; it is not in
/// the official API documentation. The generic names cover gateways and proxies in between.
const REQUEST_ID_HEADERS: [&str; 3] = [
    "dynatrace-response-id",
    "x-request-id",
    "dynatrace-request-id",
];

/// Server clock offsets beyond this are reported as clock skew.
pub(crate) const CLOCK_SKEW_WARNING_SECS: i64 = 120;

/// Maximum response body read, in bytes. A sandbox page of 10,000 tokens with every field
/// measured 2.6 MB, with 2 to 3 scopes per token. At 50 scopes per token such a page would be
/// about 15 MB (an estimate), so 32 MiB leaves room and still stops a broken or hostile server
/// from filling memory.
pub(crate) const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// Credentials of one request.
pub(crate) enum Authorization<'a> {
    None,
    /// `Authorization: Bearer …` (SSO bearer or platform token).
    Bearer(&'a SecretString),
    /// `Authorization: Api-Token …`.
    ApiToken(&'a SecretString),
}

/// A request to send. The body is zeroed when dropped because it may hold a secret.
pub(crate) struct Outgoing<'a> {
    pub method: Method,
    pub url: Url,
    pub authorization: Authorization<'a>,
    pub body: Option<(Zeroizing<Vec<u8>>, &'static str)>,
}

/// A complete response. The body is zeroed when dropped because it may hold a secret.
pub(crate) struct Incoming {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Zeroizing<Vec<u8>>,
    pub url: Url,
}

impl Incoming {
    pub(crate) fn host(&self) -> String {
        host_label(&self.url)
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// `host` or `host:port`, for messages and logs.
pub(crate) fn host_label(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_string(),
        _ => String::from("(no host)"),
    }
}

/// Retry rule of a call: the failures it may retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetryMode {
    /// GET, PUT, DELETE, lookup, SSO token requests, discovery: every transient failure.
    Idempotent,
    /// Create: only failures that prove the server did not apply the request (429, and a
    /// connection that could not be opened).
    NotApplied,
}

impl ClientInner {
    /// Sends one request and reads the whole response; logs one line.
    pub(crate) async fn send_once(&self, request: &Outgoing<'_>) -> Result<Incoming, Error> {
        let host = host_label(&request.url);
        let path = request.url.path().to_string();
        let started = Instant::now();

        let loopback = request
            .url
            .host()
            .is_some_and(|host| is_loopback_host(&host));
        let client = if loopback {
            &self.http_direct
        } else {
            &self.http
        };
        let mut builder = client.request(request.method.clone(), request.url.clone());
        match &request.authorization {
            Authorization::None => {}
            Authorization::Bearer(secret) => {
                builder =
                    builder.header(http::header::AUTHORIZATION, auth_header("Bearer", secret)?);
            }
            Authorization::ApiToken(secret) => {
                builder = builder.header(
                    http::header::AUTHORIZATION,
                    auth_header("Api-Token", secret)?,
                );
            }
        }
        if let Some((body, content_type)) = &request.body {
            // NOTE: reqwest takes an owned body, so this copy is not zeroed after sending.
            builder = builder
                .header(http::header::CONTENT_TYPE, *content_type)
                .body(body.to_vec());
        }
        builder = builder.header(http::header::ACCEPT, "application/json");

        let response = match builder.send().await {
            Ok(response) => response,
            Err(error) => {
                let mapped = map_reqwest_error(&error, &request.url, self.config.request_timeout);
                tracing::warn!(
                    method = %request.method,
                    host = %host,
                    path = %path,
                    duration_ms = started.elapsed().as_millis() as u64,
                    error_code = ?mapped.code,
                    error = %mapped.message,
                    "HTTP call failed"
                );
                return Err(mapped);
            }
        };

        let status = response.status();
        let headers = response.headers().clone();
        let url = response.url().clone();
        let body = match read_body(response, MAX_BODY_BYTES).await {
            Ok(Some(bytes)) => bytes,
            Ok(None) => {
                let mut mapped = Error::new(
                    ErrorCode::MalformedResponse,
                    format!(
                        "The response from {host} (HTTP {}) is larger than {} MiB, the most this \
                         app reads, so it was not read to its end.",
                        status.as_u16(),
                        MAX_BODY_BYTES / (1024 * 1024)
                    ),
                )
                .with_host(host.clone())
                .with_status(status.as_u16());
                mapped.maybe_sent = true;
                tracing::warn!(
                    method = %request.method,
                    host = %host,
                    path = %path,
                    status = status.as_u16(),
                    limit_bytes = MAX_BODY_BYTES,
                    "HTTP body exceeds the size limit"
                );
                return Err(mapped);
            }
            Err(error) => {
                let mut mapped = if error.is_timeout() {
                    map_reqwest_error(&error, &request.url, self.config.request_timeout)
                } else {
                    // The headers arrived, so the server handled the request; only the body
                    // ended early (a `Content-Length` longer than what came, or a reset).
                    Error::new(
                        ErrorCode::MalformedResponse,
                        format!(
                            "The response from {host} (HTTP {}) was cut off before its end. A \
                             proxy or network problem may have interrupted it; try again.",
                            status.as_u16()
                        ),
                    )
                    .with_host(host.clone())
                    .with_status(status.as_u16())
                    .with_detail(error_chain(&error))
                };
                mapped.maybe_sent = true;
                tracing::warn!(
                    method = %request.method,
                    host = %host,
                    path = %path,
                    status = status.as_u16(),
                    duration_ms = started.elapsed().as_millis() as u64,
                    error_code = ?mapped.code,
                    "HTTP body read failed"
                );
                return Err(mapped);
            }
        };

        let request_id = REQUEST_ID_HEADERS
            .iter()
            .find_map(|name| headers.get(*name).and_then(|value| value.to_str().ok()))
            .unwrap_or("-");
        tracing::info!(
            method = %request.method,
            host = %host,
            path = %path,
            status = status.as_u16(),
            duration_ms = started.elapsed().as_millis() as u64,
            request_id = %request_id,
            "HTTP call"
        );
        self.record_clock_skew(&host, &headers);
        Ok(Incoming {
            status,
            headers,
            body,
            url,
        })
    }

    /// Runs `operation` and retries it per `mode` with jittered exponential backoff, waiting at
    /// least as long as a `Retry-After` the server sent.
    pub(crate) async fn with_retry<T, F, Fut>(
        &self,
        mode: RetryMode,
        what: &str,
        operation: F,
    ) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let policy = &self.config.retry;
        let backoff = ExponentialBuilder::default()
            .with_min_delay(policy.base_delay)
            .with_max_delay(policy.max_delay)
            .with_max_times(policy.max_attempts.saturating_sub(1) as usize)
            .with_jitter();
        let mut attempt = 1u32;
        operation
            .retry(backoff)
            .when(|error: &Error| match mode {
                RetryMode::Idempotent => error.is_transient(),
                RetryMode::NotApplied => {
                    error.code == ErrorCode::RateLimited
                        || (error.code == ErrorCode::Connect && !error.maybe_sent)
                }
            })
            .adjust(|error: &Error, delay: Option<Duration>| {
                let delay = delay?;
                Some(match error.retry_after {
                    Some(retry_after) => delay.max(retry_after),
                    None => delay,
                })
            })
            .notify(|error: &Error, delay: Duration| {
                tracing::warn!(
                    call = what,
                    attempt,
                    delay_ms = delay.as_millis() as u64,
                    error_code = ?error.code,
                    status = error.status,
                    "retrying after a transient failure"
                );
                attempt += 1;
            })
            .await
    }

    fn record_clock_skew(&self, host: &str, headers: &HeaderMap) {
        let Some(server_time) = headers
            .get(http::header::DATE)
            .and_then(|value| value.to_str().ok())
            .and_then(parse_http_date)
        else {
            return;
        };
        let skew = server_time.as_second() - jiff::Timestamp::now().as_second();
        let previous = {
            let mut map = self.clock_skew.lock().expect("clock skew lock");
            map.insert(host.to_string(), skew)
        };
        let was_skewed = previous.is_some_and(|old| old.abs() >= CLOCK_SKEW_WARNING_SECS);
        if skew.abs() >= CLOCK_SKEW_WARNING_SECS && !was_skewed {
            tracing::warn!(
                host = %host,
                skew_seconds = skew,
                "server clock differs from the local clock"
            );
        }
    }

    /// Seconds the server at `host` was ahead of the local clock in its last response.
    pub(crate) fn clock_skew_of(&self, host: &str) -> Option<i64> {
        self.clock_skew
            .lock()
            .expect("clock skew lock")
            .get(host)
            .copied()
    }
}

fn auth_header(scheme: &str, secret: &SecretString) -> Result<HeaderValue, Error> {
    let secret = secret.expose_secret().trim();
    if secret.is_empty() {
        // An empty credential would be sent as `Bearer ` and rejected with a misleading 401.
        return Err(Error::input(
            ErrorCode::InvalidCredential,
            "The credential for this request is empty; nothing was sent.",
        ));
    }
    let text = Zeroizing::new(format!("{scheme} {secret}"));
    let mut value = HeaderValue::from_str(&text).map_err(|_| {
        Error::input(
            ErrorCode::InvalidCredential,
            "The credential contains characters that cannot be sent in an HTTP header; paste \
             it again.",
        )
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Parses an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`).
pub(crate) fn parse_http_date(text: &str) -> Option<jiff::Timestamp> {
    jiff::fmt::rfc2822::DateTimeParser::new()
        .parse_timestamp(text.trim())
        .ok()
}

fn error_chain(error: &(dyn StdError + 'static)) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(inner) = source {
        parts.push(inner.to_string());
        source = inner.source();
    }
    parts.join(": ")
}

/// Reads a response body of at most `limit` bytes; `None` when it is longer. The buffer is
/// zeroed when dropped because a create response contains the token secret.
async fn read_body(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Option<Zeroizing<Vec<u8>>>, reqwest::Error> {
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Ok(None);
    }
    let expected = response.content_length().unwrap_or(0).min(limit as u64);
    let mut body = Zeroizing::new(Vec::with_capacity(expected as usize));
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > limit {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

/// Maps a reqwest failure to our error, naming the host and the likely fix.
pub(crate) fn map_reqwest_error(error: &reqwest::Error, url: &Url, timeout: Duration) -> Error {
    let host = host_label(url);
    let chain = error_chain(error);
    let lower = chain.to_ascii_lowercase();

    if error.is_timeout() {
        let error = Error::new(
            ErrorCode::Timeout,
            format!(
                "{host} did not answer within {}. Check the network connection or proxy, then \
                 try again.",
                duration_text(timeout)
            ),
        )
        .with_host(host)
        .with_detail(chain);
        return error;
    }

    if error.is_connect() {
        let error = if let Some(tls) = rustls_error(error) {
            tls_error(&host, tls_cause(tls))
        } else if lower.contains("dns error")
            || lower.contains("failed to lookup address")
            || lower.contains("name or service not known")
            || lower.contains("nodename nor servname")
            || lower.contains("no such host")
        {
            Error::new(
                ErrorCode::Dns,
                format!(
                    "The host name {host} could not be resolved. Check the environment URL for \
                     typos; in a corporate network a proxy may be required (set HTTPS_PROXY or \
                     the system proxy)."
                ),
            )
        } else if lower.contains("certificate")
            || lower.contains("tls")
            || lower.contains("handshake")
        {
            tls_error(&host, tls_cause_from_text(&lower))
        } else if lower.contains("proxy") || lower.contains("tunnel") {
            Error::new(
                ErrorCode::Proxy,
                format!(
                    "The proxy refused or failed the connection to {host}. Check the proxy \
                     address and credentials in HTTPS_PROXY or the system settings, and whether \
                     the proxy allows this host."
                ),
            )
        } else {
            Error::new(
                ErrorCode::Connect,
                format!(
                    "Could not connect to {host}. Check the network connection, a firewall or \
                     proxy (HTTPS_PROXY, NO_PROXY), and that the environment URL is right."
                ),
            )
        };
        return error.with_host(host).with_detail(chain).not_sent();
    }

    // Anything else happened after the request was written: a reset or closed connection, or a
    // body that ended early. The server may have processed the request.
    Error::new(
        ErrorCode::Connect,
        format!(
            "The connection to {host} was closed before the response arrived. The request may \
             or may not have been processed."
        ),
    )
    .with_host(host)
    .with_detail(chain)
}

/// Formats a timeout for messages: `300 ms`, `30 s` or `1.5 s`.
fn duration_text(duration: Duration) -> String {
    if duration < Duration::from_secs(1) {
        format!("{} ms", duration.as_millis())
    } else if duration.subsec_millis() == 0 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{:.1} s", duration.as_secs_f64())
    }
}

/// Returns the rustls error behind a failed TLS connection, if the chain contains one.
///
/// rustls errors reach reqwest wrapped in an `io::Error`, and `io::Error::source` skips the
/// error it wraps, so every `io::Error` in the chain is opened with `get_ref`.
fn rustls_error<'a>(error: &'a (dyn StdError + 'static)) -> Option<&'a rustls::Error> {
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(found) = error.downcast_ref::<rustls::Error>() {
            return Some(found);
        }
        current = match error
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            Some(inner) => Some(inner as &(dyn StdError + 'static)),
            None => error.source(),
        };
    }
    None
}

/// Why a TLS connection failed, as far as it matters for the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
enum TlsCause {
    /// No trusted root CA issued the certificate chain: typically TLS inspection.
    UnknownIssuer,
    /// The certificate expired. `not_after` is its last valid second, when known.
    Expired {
        not_after: Option<u64>,
    },
    /// The certificate is not valid yet. `not_before` is its first valid second, when known.
    NotValidYet {
        not_before: Option<u64>,
    },
    /// The certificate is for other names, which `presented` lists when known.
    WrongName {
        presented: Vec<String>,
    },
    Other,
}

fn tls_cause(error: &rustls::Error) -> TlsCause {
    use rustls::CertificateError as Cert;
    let rustls::Error::InvalidCertificate(certificate) = error else {
        return TlsCause::Other;
    };
    match certificate {
        Cert::UnknownIssuer => TlsCause::UnknownIssuer,
        Cert::Expired => TlsCause::Expired { not_after: None },
        Cert::ExpiredContext { not_after, .. } => TlsCause::Expired {
            not_after: Some(not_after.as_secs()),
        },
        Cert::NotValidYet => TlsCause::NotValidYet { not_before: None },
        Cert::NotValidYetContext { not_before, .. } => TlsCause::NotValidYet {
            not_before: Some(not_before.as_secs()),
        },
        Cert::NotValidForName => TlsCause::WrongName {
            presented: Vec::new(),
        },
        Cert::NotValidForNameContext { presented, .. } => TlsCause::WrongName {
            presented: presented
                .iter()
                .filter_map(|name| presented_name(name))
                .collect(),
        },
        _ => TlsCause::Other,
    }
}

/// Turns a name as webpki lists it (`DnsName("host.example")`, `IpAddress(10.0.0.1)`) into
/// the plain name. Other kinds of names are left out.
fn presented_name(listed: &str) -> Option<String> {
    if let Some(rest) = listed.strip_prefix("DnsName(\"") {
        return rest.strip_suffix("\")").map(str::to_string);
    }
    listed
        .strip_prefix("IpAddress(")
        .and_then(|rest| rest.strip_suffix(')'))
        .map(str::to_string)
}

/// Reads the cause from the error text, for failures whose chain contains no rustls error.
fn tls_cause_from_text(lower_chain: &str) -> TlsCause {
    if lower_chain.contains("unknownissuer") || lower_chain.contains("unknown issuer") {
        TlsCause::UnknownIssuer
    } else if lower_chain.contains("expired") {
        TlsCause::Expired { not_after: None }
    } else if lower_chain.contains("notvalidforname") || lower_chain.contains("not valid for name")
    {
        TlsCause::WrongName {
            presented: Vec::new(),
        }
    } else {
        TlsCause::Other
    }
}

/// Formats seconds since the Unix epoch as a UTC date (`2026-12-04`).
fn utc_date(seconds: u64) -> Option<String> {
    let seconds = i64::try_from(seconds).ok()?;
    let timestamp = jiff::Timestamp::from_second(seconds).ok()?;
    Some(
        timestamp
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date()
            .to_string(),
    )
}

fn tls_error(host: &str, cause: TlsCause) -> Error {
    let message = match cause {
        TlsCause::UnknownIssuer => format!(
            "The certificate of {host} was issued by a CA this computer does not trust. This \
             usually means a corporate proxy inspects TLS traffic: install your organisation's \
             root CA in the operating system's trust store, or choose it as an extra CA file \
             (PEM) in the settings."
        ),
        TlsCause::Expired { not_after } => {
            let when = not_after
                .and_then(utc_date)
                .map(|date| format!(" on {date}"))
                .unwrap_or_default();
            format!(
                "The certificate of {host} expired{when}, or the clock of this computer is \
                 wrong. Check the date and time of this computer. If they are right, the \
                 server's certificate needs renewing."
            )
        }
        TlsCause::NotValidYet { not_before } => {
            let when = not_before
                .and_then(utc_date)
                .map(|date| format!(" (valid from {date})"))
                .unwrap_or_default();
            format!(
                "The certificate of {host} is not valid yet{when}, so the clock of this \
                 computer is probably wrong. Check its date and time."
            )
        }
        TlsCause::WrongName { presented } => {
            let names = match presented.len() {
                0 => String::new(),
                1..=3 => format!(" ({})", presented.join(", ")),
                more => format!(" ({} and {} more)", presented[..3].join(", "), more - 3),
            };
            format!(
                "The certificate presented for {host} is for a different host name{names}. A \
                 proxy may be intercepting the connection, or the URL names the wrong host."
            )
        }
        TlsCause::Other => format!(
            "The secure (TLS) connection to {host} failed. If your network inspects TLS, \
             install its root CA in the operating system or choose it as an extra CA file (PEM)."
        ),
    };
    Error::new(ErrorCode::Tls, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_date_parses() {
        let parsed = parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        assert_eq!(parsed.as_second(), 1_445_412_480);
    }

    #[test]
    fn empty_credential_is_never_sent() {
        let error = auth_header("Bearer", &SecretString::from("  ")).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidCredential);
        assert!(!error.maybe_sent);
    }

    #[test]
    fn auth_header_is_sensitive() {
        let value = auth_header("Bearer", &SecretString::from("abc")).unwrap();
        assert!(value.is_sensitive());
        assert_eq!(value.to_str().unwrap(), "Bearer abc");
    }

    #[test]
    fn unknown_issuer_names_tls_inspection() {
        let error = tls_error(
            "abc12345.apps.dynatrace.com",
            tls_cause_from_text("invalid peer certificate: unknownissuer"),
        );
        assert_eq!(error.code, ErrorCode::Tls);
        assert!(error.message.contains("root CA"));
        assert!(error.message.contains("abc12345.apps.dynatrace.com"));
    }

    #[test]
    fn certificate_errors_map_to_causes() {
        use rustls::CertificateError as Cert;
        use rustls::pki_types::{ServerName, UnixTime};
        let cause = |error| tls_cause(&rustls::Error::InvalidCertificate(error));

        assert_eq!(cause(Cert::UnknownIssuer), TlsCause::UnknownIssuer);
        assert_eq!(
            cause(Cert::ExpiredContext {
                time: UnixTime::since_unix_epoch(Duration::from_secs(1_800_000_000)),
                not_after: UnixTime::since_unix_epoch(Duration::from_secs(1_609_372_800)),
            }),
            TlsCause::Expired {
                not_after: Some(1_609_372_800)
            }
        );
        assert_eq!(
            cause(Cert::NotValidForNameContext {
                expected: ServerName::try_from("abc12345.apps.dynatrace.com").unwrap(),
                presented: vec![
                    "DnsName(\"proxy.corp.example\")".to_string(),
                    "IpAddress(10.0.0.1)".to_string(),
                    "DirectoryName".to_string(),
                ],
            }),
            TlsCause::WrongName {
                presented: vec!["proxy.corp.example".to_string(), "10.0.0.1".to_string()]
            }
        );
        assert_eq!(cause(Cert::BadSignature), TlsCause::Other);
        assert_eq!(
            tls_cause(&rustls::Error::General("handshake".into())),
            TlsCause::Other
        );
    }

    #[test]
    fn rustls_error_is_found_inside_io_error() {
        let io = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
        );
        let found = rustls_error(&io).map(tls_cause);
        assert_eq!(found, Some(TlsCause::UnknownIssuer));
        let plain = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        assert!(rustls_error(&plain).is_none());
    }

    #[test]
    fn expiry_date_is_named() {
        let error = tls_error(
            "abc12345.apps.dynatrace.com",
            TlsCause::Expired {
                not_after: Some(1_609_372_800),
            },
        );
        assert!(
            error.message.contains("expired on 2020-12-31"),
            "{}",
            error.message
        );
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration_text(Duration::from_millis(300)), "300 ms");
        assert_eq!(duration_text(Duration::from_secs(30)), "30 s");
        assert_eq!(duration_text(Duration::from_millis(1_500)), "1.5 s");
    }
}
