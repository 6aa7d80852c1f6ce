//! `dynatrace-sandbox`: runs the sandbox until SIGINT or SIGTERM.
//!
//! The first line on stdout is one JSON object with the base URL and the seed values, so
//! scripts can start the binary and parse where to connect. Logs go to stderr.

use std::process::ExitCode;

use clap::Parser;
use dynatrace_sandbox::{Sandbox, SandboxConfig, seed};
use serde_json::json;

/// Runs a local stand-in for Dynatrace SSO and the Environment API v2 token endpoints on
/// 127.0.0.1, with the standard seed credentials.
#[derive(Debug, Parser)]
#[command(version)]
struct Arguments {
    /// TCP port to listen on at 127.0.0.1; 0 picks a free port.
    #[arg(long, default_value_t = 0)]
    port: u16,

    /// Number of extra API tokens to create at start (for paging tests and benchmarks).
    #[arg(long, default_value_t = 0)]
    preload: usize,
}

#[tokio::main]
async fn main() -> ExitCode {
    let arguments = Arguments::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();

    let config = SandboxConfig {
        port: arguments.port,
        preloaded_tokens: arguments.preload,
        ..SandboxConfig::default()
    };
    let sandbox = match Sandbox::start(config).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!(
                "Starting the sandbox on 127.0.0.1:{} failed: {error}",
                arguments.port
            );
            return ExitCode::FAILURE;
        }
    };
    print_seed(&sandbox);

    wait_for_termination().await;
    sandbox.stop().await;
    ExitCode::SUCCESS
}

/// Prints the JSON line, then the same values for people. All values are the fake, public seed.
fn print_seed(sandbox: &Sandbox) {
    let base_url = sandbox.base_url();
    let line = json!({
        "baseUrl": base_url.as_str(),
        "ssoTokenUrl": base_url.join("sso/oauth2/token").expect("static path joins").as_str(),
        "accountUuid": seed::ACCOUNT_UUID,
        "environmentId": seed::ENVIRONMENT_ID,
        "clientId": seed::CLIENT_ID,
        "clientSecret": seed::CLIENT_SECRET,
        "legacyClientId": seed::LEGACY_CLIENT_ID,
        "legacyClientSecret": seed::LEGACY_CLIENT_SECRET,
        "readOnlyClientId": seed::READ_ONLY_CLIENT_ID,
        "readOnlyClientSecret": seed::READ_ONLY_CLIENT_SECRET,
        "policyDeniedClientId": seed::POLICY_DENIED_CLIENT_ID,
        "policyDeniedClientSecret": seed::POLICY_DENIED_CLIENT_SECRET,
        "platformToken": seed::PLATFORM_TOKEN,
        "apiToken": seed::API_TOKEN,
        "tokenCount": sandbox.token_count(),
    });
    println!("{line}");
    println!();
    println!("Dynatrace sandbox listening on {base_url}");
    println!("  account UUID       {}", seed::ACCOUNT_UUID);
    println!("  environment ID     {}", seed::ENVIRONMENT_ID);
    println!("  OAuth client       {}", seed::CLIENT_ID);
    println!("  client secret      {}", seed::CLIENT_SECRET);
    println!("  platform token     {}", seed::PLATFORM_TOKEN);
    println!("  API token          {}", seed::API_TOKEN);
    println!("  stored API tokens  {}", sandbox.token_count());
    println!("Press Ctrl+C to stop.");
}

async fn wait_for_termination() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
                return;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM; only Ctrl+C stops the sandbox")
            }
        }
    }
    if let Err(error) = tokio::signal::ctrl_c().await {
        tracing::error!(%error, "cannot listen for Ctrl+C; stopping now");
    }
}
