//! TLS over loopback: a throwaway CA signs certificates for HTTPS servers on 127.0.0.1 that
//! forward to the sandbox. The tests check that an extra CA is trusted on top of the OS trust
//! store, and how certificate, connection and timeout failures are reported.

mod common;
mod tls_server;

use std::net::SocketAddr;
use std::time::Duration;

use common::*;
use dynatrace_client::{
    ClientConfig, DynatraceClient, EnvironmentKind, EnvironmentUrl, ErrorCode, ListQuery,
    RetryPolicy,
};
use dynatrace_sandbox::Sandbox;
use tls_server::{Behaviour, LoopbackServer, TestCa, Validity, closed_port, serve};

/// Names that a loopback server's certificate normally contains.
const LOOPBACK_NAMES: [&str; 2] = ["127.0.0.1", "localhost"];

fn backend(sandbox: &Sandbox) -> SocketAddr {
    let url = sandbox.base_url();
    let host = url.host_str().expect("sandbox host");
    let port = url.port().expect("sandbox port");
    format!("{host}:{port}").parse().expect("sandbox address")
}

/// An HTTPS environment URL on loopback, which must parse as a local environment.
fn https_environment(host: &str, port: u16) -> EnvironmentUrl {
    let environment = EnvironmentUrl::parse(&format!("https://{host}:{port}")).unwrap();
    assert_eq!(environment.kind(), &EnvironmentKind::Local);
    environment
}

/// Builds a client that trusts the OS trust store plus `extra_ca` and tries each call once.
fn tls_client(extra_ca: Option<&TestCa>) -> DynatraceClient {
    client_with(ClientConfig {
        extra_ca_pem: extra_ca.map(TestCa::pem),
        retry: RetryPolicy {
            max_attempts: 1,
            ..fast_retry()
        },
        ..ClientConfig::default()
    })
}

/// Starts the sandbox behind HTTPS with a certificate for loopback signed by `ca`.
async fn sandbox_behind_tls(ca: &TestCa, validity: Validity) -> (Sandbox, LoopbackServer) {
    sandbox_behind_tls_for(ca, &LOOPBACK_NAMES, validity).await
}

async fn sandbox_behind_tls_for(
    ca: &TestCa,
    names: &[&str],
    validity: Validity,
) -> (Sandbox, LoopbackServer) {
    let sandbox = start().await;
    let server = serve(
        ca.leaf(names, validity),
        Behaviour::Forward(backend(&sandbox)),
    )
    .await;
    (sandbox, server)
}

#[tokio::test]
async fn untrusted_issuer_names_host_and_both_fixes() {
    let ca = TestCa::new("Token Wizard test inspection CA");
    let (sandbox, server) = sandbox_behind_tls(&ca, Validity::Current).await;
    let host = format!("127.0.0.1:{}", server.port);
    let api = tls_client(None).token_api(https_environment("127.0.0.1", server.port), api_token());

    let error = api.list(&ListQuery::default()).await.unwrap_err();

    assert_eq!(error.code, ErrorCode::Tls, "{error:?}");
    assert_eq!(error.host.as_deref(), Some(host.as_str()));
    let message = &error.message;
    assert!(message.contains(&host), "{message}");
    assert!(
        message.contains("CA this computer does not trust"),
        "{message}"
    );
    assert!(message.contains("inspects TLS"), "{message}");
    assert!(
        message.contains("operating system's trust store"),
        "{message}"
    );
    assert!(message.contains("extra CA file"), "{message}");
    assert_error_clean(&error);
    assert_eq!(
        sandbox.request_count(),
        0,
        "no request passed the handshake"
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn extra_ca_lets_the_same_calls_succeed() {
    let ca = TestCa::new("Token Wizard test inspection CA");
    let (sandbox, server) = sandbox_behind_tls(&ca, Validity::Current).await;
    let client = tls_client(Some(&ca));

    // API token on the classic path, by IP address.
    let classic = client.token_api(https_environment("127.0.0.1", server.port), api_token());
    let tokens = classic.list(&ListQuery::default()).await.unwrap();
    assert_eq!(tokens.len(), 1);

    // Platform token on the platform path, by host name.
    let platform = client.token_api(
        https_environment("localhost", server.port),
        platform_token(),
    );
    let tokens = platform.list(&ListQuery::default()).await.unwrap();
    assert_eq!(tokens.len(), 1);

    assert_eq!(sandbox.request_count(), 2);
    sandbox.stop().await;
}

#[tokio::test]
async fn extra_ca_of_another_issuer_does_not_help() {
    let ca = TestCa::new("Token Wizard test inspection CA");
    let other = TestCa::new("Token Wizard unrelated CA");
    let (sandbox, server) = sandbox_behind_tls(&ca, Validity::Current).await;
    let api = tls_client(Some(&other))
        .token_api(https_environment("127.0.0.1", server.port), api_token());

    let error = api.list(&ListQuery::default()).await.unwrap_err();

    assert_eq!(error.code, ErrorCode::Tls, "{error:?}");
    assert!(
        error.message.contains("CA this computer does not trust"),
        "{}",
        error.message
    );
    assert_eq!(sandbox.request_count(), 0);
    sandbox.stop().await;
}

#[tokio::test]
async fn expired_certificate_names_expiry_date() {
    let ca = TestCa::new("Token Wizard test inspection CA");
    let (sandbox, server) = sandbox_behind_tls(&ca, Validity::Expired).await;
    let host = format!("127.0.0.1:{}", server.port);
    let api =
        tls_client(Some(&ca)).token_api(https_environment("127.0.0.1", server.port), api_token());

    let error = api.list(&ListQuery::default()).await.unwrap_err();

    assert_eq!(error.code, ErrorCode::Tls, "{error:?}");
    let message = &error.message;
    assert!(message.contains(&host), "{message}");
    assert!(message.contains("expired on 2020-12-31"), "{message}");
    assert!(message.contains("date and time"), "{message}");
    assert!(!message.contains("does not trust"), "{message}");
    assert_error_clean(&error);
    assert_eq!(sandbox.request_count(), 0);
    sandbox.stop().await;
}

#[tokio::test]
async fn other_host_certificate_names_its_names() {
    let ca = TestCa::new("Token Wizard test inspection CA");
    let (sandbox, server) =
        sandbox_behind_tls_for(&ca, &["other.example"], Validity::Current).await;
    let host = format!("localhost:{}", server.port);
    let api =
        tls_client(Some(&ca)).token_api(https_environment("localhost", server.port), api_token());

    let error = api.list(&ListQuery::default()).await.unwrap_err();

    assert_eq!(error.code, ErrorCode::Tls, "{error:?}");
    let message = &error.message;
    assert!(message.contains(&host), "{message}");
    assert!(message.contains("different host name"), "{message}");
    assert!(message.contains("name (other.example)"), "{message}");
    assert!(!message.contains("does not trust"), "{message}");
    assert_error_clean(&error);
    assert_eq!(sandbox.request_count(), 0);
    sandbox.stop().await;
}

#[tokio::test]
async fn refused_connection_names_host_and_proxy() {
    let port = closed_port();
    let api = tls_client(None).token_api(https_environment("127.0.0.1", port), api_token());

    let error = api.list(&ListQuery::default()).await.unwrap_err();

    assert_eq!(error.code, ErrorCode::Connect, "{error:?}");
    let message = &error.message;
    assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");
    assert!(message.contains("proxy"), "{message}");
    assert_error_clean(&error);
}

/// Builds a client with a 300 ms request timeout that trusts `ca` and tries each call once.
fn impatient_client(ca: &TestCa) -> DynatraceClient {
    client_with(ClientConfig {
        extra_ca_pem: Some(ca.pem()),
        request_timeout: Duration::from_millis(300),
        retry: RetryPolicy {
            max_attempts: 1,
            ..fast_retry()
        },
        ..ClientConfig::default()
    })
}

#[tokio::test]
async fn silent_server_after_handshake_times_out() {
    let ca = TestCa::new("Token Wizard test inspection CA");
    let server = serve(
        ca.leaf(&LOOPBACK_NAMES, Validity::Current),
        Behaviour::SilentAfterHandshake,
    )
    .await;
    let api =
        impatient_client(&ca).token_api(https_environment("127.0.0.1", server.port), api_token());

    let error = api.list(&ListQuery::default()).await.unwrap_err();

    assert_eq!(error.code, ErrorCode::Timeout, "{error:?}");
    let message = &error.message;
    assert!(
        message.contains(&format!("127.0.0.1:{}", server.port)),
        "{message}"
    );
    assert!(message.contains("300 ms"), "{message}");
    assert_error_clean(&error);
}

#[tokio::test]
async fn silent_server_before_handshake_times_out() {
    let ca = TestCa::new("Token Wizard test inspection CA");
    let server = serve(
        ca.leaf(&LOOPBACK_NAMES, Validity::Current),
        Behaviour::SilentBeforeHandshake,
    )
    .await;
    let api =
        impatient_client(&ca).token_api(https_environment("127.0.0.1", server.port), api_token());

    let error = api.list(&ListQuery::default()).await.unwrap_err();

    assert_eq!(error.code, ErrorCode::Timeout, "{error:?}");
    assert!(
        error
            .message
            .contains(&format!("127.0.0.1:{}", server.port)),
        "{}",
        error.message
    );
    assert_error_clean(&error);
}
