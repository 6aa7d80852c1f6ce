//! Responses the sandbox never sends, served by a minimal HTTP/1.1 server on 127.0.0.1: a 2xx
//! create whose body is not JSON, and bodies larger than the client reads.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use dynatrace_client::{
    ClientConfig, CreateApiToken, Credentials, DynatraceClient, EnvironmentUrl, ErrorCode,
    Expiration, ListQuery, SecretString,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// ID of the token the server pretends to create.
const CREATED_ID: &str = "dt0c01.LOOPBACKCREATEDTOKENID1";

/// A bearer without any shape the scrubber recognises, as the sandbox issues.
const OPAQUE_BEARER: &str = "opaqueLoopbackBearer0123456789abcdefXYZ";

/// An API token of the right shape. The server accepts any.
const API_TOKEN: &str =
    "dt0c01.LOOPBACKAPITOKENPUBLIC12.LOOPBACKAPITOKENSECRETPARTLOOPBACKAPITOKENSECRETPARTLOOPBACK";

/// What the server sends back.
#[derive(Clone, Copy)]
enum Behaviour {
    /// The create applies and responds 201 with `content_type` and `body`; lists show the
    /// created token afterwards.
    CreateWithBody {
        content_type: Option<&'static str>,
        body: &'static str,
    },
    /// The create never responds and is never applied; lists stay empty.
    CreateHangs,
    /// SSO issues an opaque bearer, and token calls reject it with 401, echoing it back.
    EchoBearer,
    /// Every request gets a 200 JSON response of `size` bytes, with or without
    /// `content-length`.
    HugeBody { size: usize, content_length: bool },
}

/// Starts the server and returns its base URL.
async fn serve(behaviour: Behaviour) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let created = Arc::new(AtomicBool::new(false));
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(handle(stream, behaviour, created.clone()));
        }
    });
    format!("http://{address}/")
}

async fn handle(mut stream: TcpStream, behaviour: Behaviour, created: Arc<AtomicBool>) {
    let Some((method, head)) = read_request(&mut stream).await else {
        return;
    };
    let mut content_length = true;
    let (status, content_type, body) = match behaviour {
        Behaviour::EchoBearer if head.contains("/sso/oauth2/token") => (
            "200 OK",
            Some("application/json"),
            format!(
                "{{\"access_token\":\"{OPAQUE_BEARER}\",\"token_type\":\"Bearer\",\
                 \"expires_in\":300,\"scope\":\"environment-api:api-tokens:read \
                 environment-api:api-tokens:write\"}}"
            ),
        ),
        Behaviour::EchoBearer if method == "HEAD" => ("404 Not Found", None, String::new()),
        Behaviour::EchoBearer => {
            let echoed = head
                .lines()
                .find_map(|line| line.strip_prefix("authorization: Bearer "))
                .unwrap_or("none")
                .trim()
                .to_string();
            (
                "401 Unauthorized",
                Some("application/json"),
                format!(
                    "{{\"error\":{{\"code\":401,\"message\":\"Credential {echoed} was \
                     rejected\"}}}}"
                ),
            )
        }
        Behaviour::HugeBody {
            size,
            content_length: with_length,
        } => {
            content_length = with_length;
            let mut body = String::from("{\"apiTokens\":[],\"totalCount\":0,\"pad\":\"");
            body.push_str(&"x".repeat(size.saturating_sub(body.len() + 2)));
            body.push_str("\"}");
            ("200 OK", Some("application/json"), body)
        }
        Behaviour::CreateWithBody { content_type, body } if method == "POST" => {
            created.store(true, Ordering::SeqCst);
            ("201 Created", content_type, body.to_string())
        }
        Behaviour::CreateHangs if method == "POST" => {
            tokio::time::sleep(std::time::Duration::from_secs(30)).await;
            return;
        }
        Behaviour::CreateWithBody { .. } | Behaviour::CreateHangs => {
            let tokens = if created.load(Ordering::SeqCst) {
                format!(
                    "{{\"id\":\"{CREATED_ID}\",\"name\":\"proxy mangled\",\"owner\":\
                     \"me@example.invalid\",\"personalAccessToken\":false,\
                     \"creationDate\":\"{}\"}}",
                    jiff::Timestamp::now()
                )
            } else {
                String::new()
            };
            let count = u8::from(!tokens.is_empty());
            let body =
                format!("{{\"totalCount\":{count},\"pageSize\":1000,\"apiTokens\":[{tokens}]}}");
            ("200 OK", Some("application/json"), body)
        }
    };
    let mut head = format!("HTTP/1.1 {status}\r\nconnection: close\r\n");
    if let Some(kind) = content_type {
        head.push_str(&format!("content-type: {kind}\r\n"));
    }
    if content_length {
        head.push_str(&format!("content-length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// Reads one request (head and `content-length` body) and returns its method and head.
async fn read_request(stream: &mut TcpStream) -> Option<(String, String)> {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    let head_end = loop {
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 {
            return None;
        }
        received.extend_from_slice(&buffer[..read]);
        if let Some(end) = received.windows(4).position(|window| window == b"\r\n\r\n") {
            break end + 4;
        }
    };
    let head = String::from_utf8_lossy(&received[..head_end]).to_string();
    let length = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    while received.len() < head_end + length {
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 {
            break;
        }
        received.extend_from_slice(&buffer[..read]);
    }
    let method = head.split(' ').next()?.to_string();
    Some((method, head))
}

fn token_api(base: &str) -> dynatrace_client::TokenApi {
    token_api_with(base, ClientConfig::default())
}

fn token_api_with(base: &str, config: ClientConfig) -> dynatrace_client::TokenApi {
    let client = DynatraceClient::new(config).unwrap();
    client.token_api(
        EnvironmentUrl::parse(base).unwrap(),
        Credentials::ApiToken(SecretString::from(API_TOKEN)),
    )
}

fn request() -> CreateApiToken {
    CreateApiToken {
        name: "proxy mangled".to_string(),
        scopes: vec!["metrics.ingest".to_string()],
        expiration: Some(Expiration::Relative("now+14d".to_string())),
        personal_access_token: false,
    }
}

#[tokio::test]
async fn create_with_non_json_2xx_is_recovered() {
    let cases = [
        (Some("text/plain"), "Created"),
        (Some("text/html"), "<html><body>ok</body></html>"),
        (None, ""),
        (Some("application/json"), ""),
    ];
    for (content_type, body) in cases {
        let base = serve(Behaviour::CreateWithBody { content_type, body }).await;
        let error = token_api(&base).create(&request()).await.unwrap_err();
        assert_eq!(
            error.code,
            ErrorCode::CreatedNotDelivered,
            "{content_type:?} {body:?}: {error:?}"
        );
        assert_eq!(
            error.token_id.as_deref(),
            Some(CREATED_ID),
            "{content_type:?} {body:?}"
        );
    }
}

#[tokio::test]
async fn timed_out_create_does_not_promise_safe_retry() {
    let base = serve(Behaviour::CreateHangs).await;
    let config = ClientConfig {
        request_timeout: std::time::Duration::from_secs(1),
        ..ClientConfig::default()
    };

    let error = token_api_with(&base, config)
        .create(&request())
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Timeout, "{error:?}");
    assert!(!error.message.contains("is safe"), "{}", error.message);
    assert!(
        !error.message.contains("then try again"),
        "{}",
        error.message
    );
    assert!(error.message.contains("found yet"), "{}", error.message);
    assert!(
        error.message.contains("Check the token list"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn oversized_body_is_malformed_response() {
    let size = 33 * 1024 * 1024;
    for content_length in [true, false] {
        let base = serve(Behaviour::HugeBody {
            size,
            content_length,
        })
        .await;

        let error = token_api(&base)
            .list_page(&ListQuery::default(), None)
            .await
            .unwrap_err();
        assert_eq!(
            error.code,
            ErrorCode::MalformedResponse,
            "content-length {content_length}: {error:?}"
        );
        assert!(error.message.contains("32 MiB"), "{}", error.message);
    }
}

#[tokio::test]
async fn body_under_limit_is_read() {
    let base = serve(Behaviour::HugeBody {
        size: 3 * 1024 * 1024,
        content_length: false,
    })
    .await;

    let page = token_api(&base)
        .list_page(&ListQuery::default(), None)
        .await
        .unwrap();
    assert_eq!(page.total_count, 0);
}

#[tokio::test]
async fn echoed_opaque_bearer_is_masked() {
    let base = serve(Behaviour::EchoBearer).await;
    let client = DynatraceClient::new(ClientConfig::default()).unwrap();
    let credentials = Credentials::OAuth(dynatrace_client::OAuthClient {
        client_id: "dt0s02.LOOPBACK".to_string(),
        client_secret: SecretString::from(
            "dt0s02.LOOPBACK.LOOPBACKCLIENTSECRETPARTLOOPBACKCLIENTSECRETPARTLOOPBACKCLIENTSEC",
        ),
        account_uuid: "8a9f3c1e-2b4d-4e6f-9a1b-3c5d7e9f1a2b".parse().unwrap(),
    });
    let api = client.token_api(EnvironmentUrl::parse(&base).unwrap(), credentials);

    let error = api
        .list_page(&ListQuery::default(), None)
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Unauthorized, "{error:?}");
    let detail = error.detail.clone().unwrap_or_default();
    assert!(detail.contains("Credential *** was"), "{detail}");
    assert!(!format!("{error:?}").contains(OPAQUE_BEARER), "{error:?}");
    assert!(!error.to_string().contains(OPAQUE_BEARER), "{error}");
}
