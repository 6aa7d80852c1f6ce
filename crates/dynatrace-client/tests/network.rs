//! Network set-up and failures: SSO discovery through a redirect, hosts that may not receive
//! credentials, extra CA certificates, refused connections and rejected credentials.

mod common;

use std::time::Duration;

use common::*;
use dynatrace_client::{
    ClientConfig, Credentials, DynatraceClient, EnvironmentUrl, ErrorCode, ListQuery, RetryPolicy,
    SecretString,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A self-signed CA certificate (public part only) used as an extra trusted root.
const TEST_CA_PEM: &str = "-----BEGIN CERTIFICATE-----
MIIBlTCCATugAwIBAgIUL8w4bEyhX2j7X0R/szpkjcFYutowCgYIKoZIzj0EAwIw
HzEdMBsGA1UEAwwUVG9rZW4gV2l6YXJkIHRlc3QgQ0EwIBcNMjYxMjA0MTYzNzA1
WhgPMjEyNjExMTAxNjM3MDVaMB8xHTAbBgNVBAMMFFRva2VuIFdpemFyZCB0ZXN0
IENBMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAESoK73C4Aux+BNce2o4S6wbdU
onp/IUavZRWw0knQrvROPrnypdi7maneQh7LrCCQkfU04mbq+BxHlo99lb14oqNT
MFEwHQYDVR0OBBYEFMZWIY2uGMRdSMh0ZrWL1fB4HAZUMB8GA1UdIwQYMBaAFMZW
IY2uGMRdSMh0ZrWL1fB4HAZUMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwID
SAAwRQIgGDeSXqEjDL1aSLPQZMyio0N9BoYLJhUruZ1S5mOHDTQCIQCbpn3MU3Q0
On0LMlwaznh15s+7YrR4I64RqR6AJUq1og==
-----END CERTIFICATE-----
";

/// Starts a loopback server that returns a 302 to `location` for every request, as an apps
/// host does for SSO discovery and browser pages.
async fn redirecting_server(location: String) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let location = location.clone();
            tokio::spawn(async move {
                let mut buffer = [0u8; 4096];
                let _ = stream.read(&mut buffer).await;
                let response = format!(
                    "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\
                     Connection: close\r\n\r\n"
                );
                let _ = stream.write_all(response.as_bytes()).await;
            });
        }
    });
    port
}

#[tokio::test]
async fn sso_origin_comes_from_discovery_redirect() {
    let sandbox = start().await;
    let sandbox_port = sandbox.base_url().port().unwrap();
    // The SSO named by the redirect is the sandbox under another loopback name, so a grant
    // there proves the client used the discovered origin and not the apps host itself.
    let location = format!("http://localhost:{sandbox_port}/sso/oauth2/authorize?client_id=x");
    let apps_port = redirecting_server(location).await;
    let environment = EnvironmentUrl::parse(&format!("http://127.0.0.1:{apps_port}")).unwrap();
    let api = client().token_api(environment, main_oauth());

    let error = api.list(&ListQuery::default()).await.unwrap_err();
    assert_eq!(
        sandbox.sso_grant_count(),
        1,
        "bearer came from the discovered SSO"
    );
    assert_eq!(error.code, ErrorCode::UnexpectedContent);
    assert!(error.message.contains("redirected"), "{}", error.message);
    assert!(error.message.contains("localhost"), "{}", error.message);
    assert_error_clean(&error);
    sandbox.stop().await;
}

#[tokio::test]
async fn custom_host_gets_no_credentials() {
    let client = client();
    let managed = EnvironmentUrl::parse("https://cluster.example.com/e/prod01").unwrap();
    let api = client.token_api(managed, api_token());
    let error = api.list(&ListQuery::default()).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::UntrustedHost);
    assert_eq!(error.host.as_deref(), Some("cluster.example.com"));
    assert!(error.message.contains("cluster.example.com"));
    assert_error_clean(&error);
}

#[tokio::test]
async fn extra_ca_is_accepted_and_garbage_rejected() {
    let config = ClientConfig {
        extra_ca_pem: Some(TEST_CA_PEM.as_bytes().to_vec()),
        retry: fast_retry(),
        ..ClientConfig::default()
    };
    let client = DynatraceClient::new(config).expect("client with an extra CA builds");

    let sandbox = start().await;
    let tokens = api(&sandbox, &client, api_token())
        .list(&ListQuery::default())
        .await
        .unwrap();
    assert_eq!(tokens.len(), 1);
    sandbox.stop().await;

    let config = ClientConfig {
        extra_ca_pem: Some(b"not a certificate".to_vec()),
        ..ClientConfig::default()
    };
    let error = DynatraceClient::new(config).unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidInput);
    assert!(error.message.contains("PEM"), "{}", error.message);
}

#[tokio::test]
async fn refused_connection_names_host_after_retries() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let client = client_with(ClientConfig {
        retry: RetryPolicy {
            max_attempts: 2,
            ..fast_retry()
        },
        connect_timeout: Duration::from_secs(2),
        ..ClientConfig::default()
    });
    let environment = EnvironmentUrl::parse(&format!("http://127.0.0.1:{port}")).unwrap();
    let api = client.token_api(environment, api_token());

    let error = api.list(&ListQuery::default()).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::Connect);
    assert!(
        error.message.contains(&format!("127.0.0.1:{port}")),
        "{}",
        error.message
    );
    assert!(error.message.contains("proxy"), "{}", error.message);
    assert_error_clean(&error);
}

#[tokio::test]
async fn rejected_tokens_are_unauthorized() {
    let sandbox = start().await;
    let client = client();
    let unknown_platform = format!("dt0s16.UNKNOWN1.{}", "C".repeat(64));
    let unknown_api = format!("dt0c01.{}.{}", "D".repeat(24), "E".repeat(64));
    let cases = [
        (
            "platform token",
            Credentials::PlatformToken(SecretString::from(unknown_platform)),
        ),
        (
            "api token",
            Credentials::ApiToken(SecretString::from(unknown_api)),
        ),
    ];
    for (label, credentials) in cases {
        let error = api(&sandbox, &client, credentials)
            .list(&ListQuery::default())
            .await;
        let error = error.unwrap_err();
        assert_eq!(error.code, ErrorCode::Unauthorized, "{label}");
        assert_eq!(error.status, Some(401), "{label}");
        let message = error.message.to_lowercase();
        assert!(message.contains(label), "{label}: {}", error.message);
        let text = format!("{error:?} {error}");
        assert!(!text.contains(&"C".repeat(64)), "{label}");
        assert!(!text.contains(&"E".repeat(64)), "{label}");
    }
    sandbox.stop().await;
}

#[tokio::test]
async fn untrusted_sso_override_gets_no_secret() {
    let sandbox = start().await;
    let client = client_with(ClientConfig {
        sso_origin: Some("https://sso.example.com/".parse().unwrap()),
        retry: fast_retry(),
        ..ClientConfig::default()
    });
    let error = api(&sandbox, &client, main_oauth())
        .list(&ListQuery::default())
        .await;
    let error = error.unwrap_err();
    assert_eq!(error.code, ErrorCode::UntrustedHost);
    assert_eq!(error.host.as_deref(), Some("sso.example.com"));
    assert_eq!(sandbox.request_count(), 0);
    sandbox.stop().await;
}
