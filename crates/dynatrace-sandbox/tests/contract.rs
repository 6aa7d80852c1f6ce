//! Runs Dynatrace's own npm client (`tests/contract`) against a sandbox, and compares the
//! scope catalogue with that package.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::*;
use dynatrace_sandbox::{SandboxConfig, seed};

#[tokio::test(flavor = "multi_thread")]
async fn dynatrace_npm_client_accepts_sandbox() {
    let contract_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/contract");
    let package = contract_dir.join("node_modules/@dynatrace-sdk/client-classic-environment-v2");
    assert!(
        package.is_dir(),
        "{} is missing: run `npm ci --prefix tests/contract` in the repository root first",
        package.display()
    );
    let sandbox = start_with(SandboxConfig {
        preloaded_tokens: 250,
        ..SandboxConfig::default()
    })
    .await;
    let base_url = sandbox.base_url().to_string();

    // node runs on a blocking thread so the sandbox keeps serving on the runtime's workers.
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .args(["--test", "contract.test.mjs", "scopes.test.mjs"])
            .current_dir(&contract_dir)
            .env("SANDBOX_URL", base_url)
            .env("SANDBOX_CLIENT_ID", seed::CLIENT_ID)
            .env("SANDBOX_CLIENT_SECRET", seed::CLIENT_SECRET)
            .env("SANDBOX_READ_ONLY_CLIENT_ID", seed::READ_ONLY_CLIENT_ID)
            .env(
                "SANDBOX_READ_ONLY_CLIENT_SECRET",
                seed::READ_ONLY_CLIENT_SECRET,
            )
            .env("SANDBOX_PLATFORM_TOKEN", seed::PLATFORM_TOKEN)
            .output()
    })
    .await
    .expect("the node task finishes")
    .expect("node runs; install Node.js 20 or later");

    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "node --test failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("# fail 0"), "{stdout}");
    assert!(
        sandbox.sso_grant_count() >= 4,
        "the OAuth client fetched bearers from the SSO"
    );
}
