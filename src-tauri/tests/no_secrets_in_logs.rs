//! Log output of a whole sandbox flow, at trace level, contains no client secret and no
//! token secret.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use secrecy::SecretString;
use support::Harness;
use token_wizard_lib::profiles::{AuthMethod, ProfileInput};
use token_wizard_lib::tokens::{Expiry, TokenRequest};

/// A log writer that appends to a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn sandbox_flow_logs_no_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .init();

    let harness = Harness::new();
    let info = harness.core.start_sandbox().await.unwrap();
    let input = ProfileInput {
        id: None,
        name: "Sandbox".into(),
        auth_method: AuthMethod::OAuth,
        environment_url: info.environment_url.clone(),
        account_uuid: Some(info.account_uuid.clone()),
        client_id: Some(info.client_id.clone()),
        secret: Some(SecretString::from(info.client_secret.clone())),
        sandbox: true,
        trusted_host: None,
    };
    let profile = harness.core.save_profile(input).await.unwrap();
    harness.core.test_connection(&profile.id).await.unwrap();
    let request = TokenRequest {
        name: "logged flow".into(),
        scopes: vec!["InstallerDownload".into()],
        expiry: Expiry::Days { days: 1 },
        personal_access_token: false,
        preset_id: None,
    };
    let created = harness
        .core
        .create_token(&profile.id, request)
        .await
        .unwrap();
    harness.core.copy_token().await.unwrap();
    harness
        .core
        .revoke_token(&profile.id, &created.id)
        .await
        .unwrap();
    harness.core.delete_profile(&profile.id).await.unwrap();
    harness.core.stop_sandbox().await;

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let (_, client_secret_part) = info.client_secret.rsplit_once('.').unwrap();
    let (_, token_secret_part) = created.token.rsplit_once('.').unwrap();
    assert!(
        logs.contains("token created"),
        "the flow was logged:\n{logs}"
    );
    assert!(logs.contains(&created.id), "token IDs may be logged");
    assert!(
        !logs.contains(client_secret_part),
        "client secret in logs:\n{logs}"
    );
    assert!(
        !logs.contains(token_secret_part),
        "token secret in logs:\n{logs}"
    );
}
