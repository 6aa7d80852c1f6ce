//! The built-in sandbox: a local Dynatrace on 127.0.0.1, started in-process on request.

use dynatrace_sandbox::{Sandbox, SandboxConfig, seed};
use serde::Serialize;
use specta::Type;

use crate::error::{AppError, ErrorCode};
use crate::state::Core;

/// Address of the running sandbox and the demo credentials to fill the form with.
///
/// These are the sandbox seed's public, made-up values; they grant nothing outside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SandboxInfo {
    pub environment_url: String,
    pub account_uuid: String,
    pub client_id: String,
    pub client_secret: String,
    /// A well-formed secret the sandbox rejects, to show the error for a wrong secret.
    pub wrong_client_secret: String,
}

/// A started sandbox and the client that talks to it.
pub struct RunningSandbox {
    sandbox: Sandbox,
    client: dynatrace_client::DynatraceClient,
}

impl RunningSandbox {
    pub fn info(&self) -> SandboxInfo {
        SandboxInfo {
            environment_url: self.sandbox.base_url().to_string(),
            account_uuid: seed::ACCOUNT_UUID.to_string(),
            client_id: seed::CLIENT_ID.to_string(),
            client_secret: seed::CLIENT_SECRET.to_string(),
            wrong_client_secret: wrong_client_secret(),
        }
    }

    pub fn base_url(&self) -> url::Url {
        self.sandbox.base_url()
    }

    pub fn client(&self) -> &dynatrace_client::DynatraceClient {
        &self.client
    }
}

impl Core {
    /// Starts the sandbox unless it runs already, and returns its address and demo credentials.
    pub async fn start_sandbox(&self) -> Result<SandboxInfo, AppError> {
        let mut slot = self.sandbox.lock().await;
        if let Some(running) = slot.as_ref() {
            return Ok(running.info());
        }

        let sandbox = Sandbox::start(SandboxConfig::default())
            .await
            .map_err(|e| {
                AppError::new(
                    ErrorCode::SandboxFailed,
                    "The built-in sandbox could not start on 127.0.0.1. Check that the loopback \
                 interface is up, then try again.",
                )
                .with_detail(e.to_string())
            })?;

        // The sandbox serves SSO on its own origin, so the client must not discover or default
        // to the real SSO host.
        let config = dynatrace_client::ClientConfig {
            sso_origin: Some(sandbox.base_url()),
            ..self.client_config.clone()
        };
        let client = match dynatrace_client::DynatraceClient::new(config) {
            Ok(client) => client,
            Err(e) => {
                sandbox.stop().await;
                return Err(e.into());
            }
        };

        let running = RunningSandbox { sandbox, client };
        let info = running.info();
        tracing::info!(url = %info.environment_url, "sandbox started");
        *slot = Some(running);
        Ok(info)
    }

    /// Runs `inspect` on the running sandbox, for tests that inject faults or read its tokens.
    pub async fn inspect_sandbox<T>(&self, inspect: impl FnOnce(&Sandbox) -> T) -> Option<T> {
        self.sandbox
            .lock()
            .await
            .as_ref()
            .map(|running| inspect(&running.sandbox))
    }

    /// Stops the sandbox; succeeds when it was not running.
    pub async fn stop_sandbox(&self) {
        let running = self.sandbox.lock().await.take();
        if let Some(running) = running {
            running.sandbox.stop().await;
            tracing::info!("sandbox stopped");
        }
    }
}

/// Returns the seed client secret with its secret part reversed: well-formed, but wrong.
fn wrong_client_secret() -> String {
    let (prefix, secret_part) = seed::CLIENT_SECRET
        .rsplit_once('.')
        .expect("seed client secret has a secret part");
    let reversed: String = secret_part.chars().rev().collect();
    format!("{prefix}.{reversed}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_secret_differs_but_keeps_shape() {
        let wrong = wrong_client_secret();

        assert_ne!(wrong, seed::CLIENT_SECRET);
        assert_eq!(wrong.len(), seed::CLIENT_SECRET.len());
        assert!(wrong.starts_with(&format!("{}.", seed::CLIENT_ID)));
    }
}
