//! `dynatrace-sandbox`: runs the sandbox until SIGINT or SIGTERM.
//!
//! The first line on stdout is one JSON object with the base URL and the seed values, so
//! scripts can start the binary and parse where to connect. Logs go to stderr.

use std::io::Write;
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

    // Listen before printing, so a script may send SIGTERM as soon as it has read the line.
    let termination = Termination::listen();

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

    termination.wait().await;
    sandbox.stop().await;
    ExitCode::SUCCESS
}

/// Prints the JSON line, then the same values for people. All values are the fake, public seed.
///
/// Write errors are ignored: a script may close stdout once it has read the first line.
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
    let count = sandbox.token_count().to_string();
    let mut summary = format!("{line}\n\nDynatrace sandbox listening on {base_url}\n");
    for (label, value) in [
        ("account UUID", seed::ACCOUNT_UUID),
        ("environment ID", seed::ENVIRONMENT_ID),
        ("OAuth client", seed::CLIENT_ID),
        ("client secret", seed::CLIENT_SECRET),
        ("platform token", seed::PLATFORM_TOKEN),
        ("API token", seed::API_TOKEN),
        ("stored API tokens", &count),
    ] {
        summary.push_str(&format!("  {label:<18} {value}\n"));
    }
    summary.push_str("Press Ctrl+C to stop.\n");

    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(summary.as_bytes())
        .and_then(|()| stdout.flush());
}

/// SIGINT and SIGTERM (Ctrl+C elsewhere), registered up front.
struct Termination {
    #[cfg(unix)]
    signals: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl Termination {
    fn listen() -> Termination {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let signals = signal(SignalKind::interrupt())
                .and_then(|interrupt| Ok((interrupt, signal(SignalKind::terminate())?)));
            if let Err(error) = &signals {
                tracing::warn!(%error, "cannot listen for SIGINT and SIGTERM; falling back to Ctrl+C");
            }
            Termination {
                signals: signals.ok(),
            }
        }
        #[cfg(not(unix))]
        {
            Termination {}
        }
    }

    async fn wait(self) {
        #[cfg(unix)]
        if let Some((mut interrupt, mut terminate)) = self.signals {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl+C; stopping now");
        }
    }
}
