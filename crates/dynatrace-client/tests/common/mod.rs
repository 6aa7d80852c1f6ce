//! Helpers shared by the integration tests: each test starts its own sandbox on 127.0.0.1 and
//! talks to it over real HTTP.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use dynatrace_client::{
    ClientConfig, CreateApiToken, Credentials, DynatraceClient, EnvironmentUrl, Expiration,
    OAuthClient, RetryPolicy, SecretString, TokenApi,
};
use dynatrace_sandbox::{Sandbox, SandboxConfig, seed};

/// Every secret of the standard seed. No test output may contain any of them.
pub const SEED_SECRETS: [&str; 6] = [
    seed::CLIENT_SECRET,
    seed::LEGACY_CLIENT_SECRET,
    seed::READ_ONLY_CLIENT_SECRET,
    seed::POLICY_DENIED_CLIENT_SECRET,
    seed::PLATFORM_TOKEN,
    seed::API_TOKEN,
];

pub async fn start() -> Sandbox {
    start_with(SandboxConfig::default()).await
}

pub async fn start_with(config: SandboxConfig) -> Sandbox {
    Sandbox::start(config).await.expect("sandbox starts")
}

/// Retry settings short enough for tests: 4 attempts, 50 ms base delay.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(500),
    }
}

pub fn client() -> DynatraceClient {
    client_with(ClientConfig {
        retry: fast_retry(),
        ..ClientConfig::default()
    })
}

pub fn client_with(config: ClientConfig) -> DynatraceClient {
    DynatraceClient::new(config).expect("client builds")
}

pub fn environment(sandbox: &Sandbox) -> EnvironmentUrl {
    EnvironmentUrl::parse(sandbox.base_url().as_str()).expect("sandbox URL parses")
}

pub fn oauth(client_id: &str, secret: &str) -> Credentials {
    Credentials::OAuth(OAuthClient {
        client_id: client_id.to_string(),
        client_secret: SecretString::from(secret),
        account_uuid: seed::ACCOUNT_UUID.parse().unwrap(),
    })
}

pub fn main_oauth() -> Credentials {
    oauth(seed::CLIENT_ID, seed::CLIENT_SECRET)
}

pub fn platform_token() -> Credentials {
    Credentials::PlatformToken(SecretString::from(seed::PLATFORM_TOKEN))
}

pub fn api_token() -> Credentials {
    Credentials::ApiToken(SecretString::from(seed::API_TOKEN))
}

pub fn api(sandbox: &Sandbox, client: &DynatraceClient, credentials: Credentials) -> TokenApi {
    client.token_api(environment(sandbox), credentials)
}

/// One token API per way to authenticate, labelled for assertion messages.
pub fn all_auth_kinds(
    sandbox: &Sandbox,
    client: &DynatraceClient,
) -> Vec<(&'static str, TokenApi)> {
    vec![
        ("oauth", api(sandbox, client, main_oauth())),
        ("platform token", api(sandbox, client, platform_token())),
        ("api token", api(sandbox, client, api_token())),
    ]
}

pub fn create_request(name: &str) -> CreateApiToken {
    CreateApiToken {
        name: name.to_string(),
        scopes: vec!["metrics.ingest".to_string(), "logs.ingest".to_string()],
        expiration: Some(Expiration::Relative("now+14d".to_string())),
        personal_access_token: false,
    }
}

/// Asserts that `text` contains no seed secret and no secret part of one.
pub fn assert_no_secret(text: &str) {
    for secret in SEED_SECRETS {
        assert!(!text.contains(secret), "a seed secret leaked into: {text}");
        let secret_part = secret.rsplit('.').next().unwrap();
        assert!(
            !text.contains(secret_part),
            "a secret part leaked into: {text}"
        );
    }
    assert!(
        !dynatrace_client::contains_secret_pattern(text),
        "a secret-shaped value leaked into: {text}"
    );
}

/// Asserts the `Debug` and `Display` output of an error are free of secrets.
pub fn assert_error_clean(error: &dynatrace_client::Error) {
    assert_no_secret(&format!("{error:?}"));
    assert_no_secret(&format!("{error}"));
    assert_no_secret(&serde_json::to_string(error).unwrap());
}

/// A tracing writer that keeps every log line in memory, to check logs for secrets.
#[derive(Clone, Default)]
pub struct LogBuffer(pub Arc<Mutex<Vec<u8>>>);

impl LogBuffer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for LogBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogBuffer {
    type Writer = LogBuffer;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}
