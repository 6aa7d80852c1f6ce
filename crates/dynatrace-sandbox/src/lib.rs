//! A local stand-in for Dynatrace on 127.0.0.1. It serves the SSO token endpoint and the
//! Environment API v2 token endpoints with the request and response shapes of the real
//! services. Fault knobs reproduce rate limits, server errors, dropped connections and broken
//! bodies. See the crate's README for the seed, the routes and the admin JSON API.
//!
//! ```no_run
//! # async fn example() -> std::io::Result<()> {
//! use dynatrace_sandbox::{Sandbox, SandboxConfig, seed};
//!
//! let sandbox = Sandbox::start(SandboxConfig::default()).await?;
//! let token_url = sandbox.base_url().join("sso/oauth2/token").unwrap();
//! // ... request a bearer with seed::CLIENT_ID and seed::CLIENT_SECRET ...
//! sandbox.stop().await;
//! # Ok(())
//! # }
//! ```

mod admin;
mod api_tokens;
mod auth;
mod bearers;
mod config;
mod dates;
mod errors;
mod fault_injection;
mod faults;
mod listing;
mod routes;
mod sandbox;
mod selector;
mod server;
mod sso;
mod state;
mod store;
mod token_format;
mod token_requests;
mod token_view;
mod ui;

pub mod seed;

pub use config::{ApiTokenSeed, OAuthClientSeed, PlatformTokenSeed, SandboxConfig};
pub use faults::{
    DropPoint, FaultAction, FaultRule, FaultSnapshot, Faults, MAX_CLOCK_SKEW, MAX_DELAY, Target,
};
pub use sandbox::Sandbox;
