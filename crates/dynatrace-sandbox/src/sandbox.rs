//! Starting, inspecting and stopping a sandbox.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use url::Url;

use crate::config::SandboxConfig;
use crate::faults::Faults;
use crate::routes;
use crate::server;
use crate::state::AppState;

/// A running sandbox on 127.0.0.1. Dropping it without [`Sandbox::stop`] aborts the server.
pub struct Sandbox {
    state: Arc<AppState>,
    shutdown: watch::Sender<()>,
    server: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Binds 127.0.0.1 on `config.port` (0 picks a free port) and starts serving.
    pub async fn start(config: SandboxConfig) -> std::io::Result<Sandbox> {
        let listener =
            TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, config.port))).await?;
        let address = listener.local_addr()?;
        let base_url =
            Url::parse(&format!("http://{address}/")).expect("socket address forms a URL");

        let state = Arc::new(AppState::new(config, base_url));
        let router = routes::router(state.clone());
        let (shutdown, shutdown_receiver) = watch::channel(());
        let server = tokio::spawn(server::serve(listener, router, shutdown_receiver));

        tracing::info!(base_url = %state.base_url, "sandbox started");
        Ok(Sandbox {
            state,
            shutdown,
            server: Some(server),
        })
    }

    /// Returns `http://127.0.0.1:PORT/`; SSO, platform, classic and admin paths all live below it.
    pub fn base_url(&self) -> Url {
        self.state.base_url.clone()
    }

    pub fn faults(&self) -> &Faults {
        &self.state.faults
    }

    /// Returns the configuration the sandbox was started with.
    pub fn config(&self) -> &SandboxConfig {
        &self.state.config
    }

    /// Returns the names of all stored API tokens in creation order.
    pub fn token_names(&self) -> Vec<String> {
        self.state.store().names()
    }

    /// Returns the number of stored API tokens.
    pub fn token_count(&self) -> usize {
        self.state.store().len()
    }

    /// Returns how many bearers the SSO has issued.
    pub fn sso_grant_count(&self) -> u64 {
        self.state.sso_grant_count()
    }

    /// Returns how many requests reached `POST /sso/oauth2/token`, granted or not.
    pub fn sso_request_count(&self) -> u64 {
        self.state.sso_request_count()
    }

    /// Returns how many API token requests arrived, on every path family, faulted ones included.
    pub fn request_count(&self) -> u64 {
        self.state.api_request_count()
    }

    /// Restores the state at start: seeded and preloaded tokens, no bearers, no faults, zero
    /// counters.
    pub fn reset(&self) {
        self.state.reset();
    }

    /// Stops accepting connections, lets in-flight requests finish for a short grace period,
    /// aborts the rest, and returns once every server task has ended.
    pub async fn stop(mut self) {
        let _ = self.shutdown.send(());
        if let Some(server) = self.server.take()
            && let Err(error) = server.await
        {
            tracing::warn!(%error, "sandbox server task failed");
        }
        tracing::info!(base_url = %self.state.base_url, "sandbox stopped");
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Sandbox")
            .field("base_url", &self.state.base_url.as_str())
            .finish()
    }
}
