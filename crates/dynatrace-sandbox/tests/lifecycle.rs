//! Starting, stopping and inspecting a sandbox, the web pages, and the binary.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::*;
use dynatrace_sandbox::{Sandbox, SandboxConfig, seed};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn base_url_is_loopback_with_trailing_slash() {
    let sandbox = start().await;

    let base_url = sandbox.base_url();

    assert_eq!(base_url.scheme(), "http");
    assert_eq!(base_url.host_str(), Some("127.0.0.1"));
    assert_ne!(base_url.port(), Some(0));
    assert_eq!(base_url.path(), "/");
}

#[tokio::test]
async fn stop_releases_the_port() {
    let sandbox = start().await;
    let port = sandbox.base_url().port().unwrap();
    let client = http();
    let response = client.get(url(&sandbox, "ui/")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    sandbox.stop().await;

    let config = SandboxConfig {
        port,
        ..SandboxConfig::default()
    };
    let restarted = Sandbox::start(config)
        .await
        .expect("the port is free again after stop");
    assert_eq!(restarted.base_url().port(), Some(port));
}

#[tokio::test]
async fn stop_closes_idle_keep_alive_connections() {
    let sandbox = start().await;
    let client = http();
    let target = url(&sandbox, "ui/");
    client
        .get(target.clone())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    sandbox.stop().await;

    let after_stop = client.get(target).send().await;
    assert!(after_stop.is_err(), "a stopped sandbox must not answer");
}

#[tokio::test]
async fn stop_ends_a_request_held_by_a_slow_body() {
    let sandbox = start().await;
    let bearer = bearer(&sandbox).await;
    sandbox.faults().slow_body(
        dynatrace_sandbox::Target::TokenApi,
        1,
        std::time::Duration::from_secs(3600),
    );
    let response = http()
        .get(platform_url(&sandbox, ""))
        .bearer_auth(&bearer)
        .send()
        .await
        .unwrap();

    sandbox.stop().await;

    assert!(
        response.bytes().await.is_err(),
        "the held body is cut off by stop"
    );
}

#[tokio::test]
async fn sandboxes_are_independent() {
    let first = start().await;
    let second = start().await;
    let bearer = bearer(&first).await;

    create_ok(&first, &bearer, "only in first").await;

    assert_ne!(first.base_url(), second.base_url());
    assert_eq!(first.token_count(), 2);
    assert_eq!(second.token_count(), 1);
    let (status, _) = get_json(&second, &bearer, "").await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "bearers belong to one sandbox"
    );
}

#[tokio::test]
async fn ten_thousand_tokens_preload_and_page() {
    let sandbox = start_with(SandboxConfig {
        preloaded_tokens: 10_000,
        ..SandboxConfig::default()
    })
    .await;
    let bearer = bearer(&sandbox).await;

    let (status, page) = get_json(&sandbox, &bearer, "?pageSize=10000").await;

    assert_eq!(sandbox.token_count(), 10_001);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["totalCount"], 10_001);
    assert_eq!(page["apiTokens"].as_array().unwrap().len(), 10_000);
    assert!(page["nextPageKey"].is_string());
}

#[tokio::test]
async fn preloaded_tokens_vary_for_selectors() {
    let sandbox = start_with(SandboxConfig {
        preloaded_tokens: 70,
        ..SandboxConfig::default()
    })
    .await;
    let bearer = bearer(&sandbox).await;

    let (_, personal) = get_json(
        &sandbox,
        &bearer,
        "?apiTokenSelector=personalAccessToken(true)",
    )
    .await;
    let (_, used) = get_json(&sandbox, &bearer, "?from=now-1y").await;

    assert_eq!(personal["totalCount"], 10);
    assert_eq!(used["totalCount"], 24);
}

#[tokio::test]
async fn ui_paths_return_html() {
    let sandbox = start().await;

    for path in [
        "",
        "ui",
        "ui/apps/dynatrace.classic.tokens/ui/access-tokens",
    ] {
        let response = http().get(url(&sandbox, path)).send().await.unwrap();

        assert_eq!(response.status(), StatusCode::OK, "/{path}");
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            content_type.starts_with("text/html"),
            "/{path}: {content_type}"
        );
        assert!(
            response
                .text()
                .await
                .unwrap()
                .starts_with("<!DOCTYPE html>")
        );
    }
}

#[tokio::test]
async fn unknown_path_is_not_found_json() {
    let sandbox = start().await;

    let response = http()
        .get(url(&sandbox, "api/v2/metrics"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], 404);
}

#[tokio::test]
async fn debug_output_shows_only_the_url() {
    let sandbox = start().await;

    let debug = format!("{sandbox:?}");

    assert!(debug.contains(sandbox.base_url().as_str()));
    assert!(!debug.contains(seed::CLIENT_SECRET));
}

#[cfg(unix)]
#[tokio::test]
async fn binary_prints_json_line_and_stops_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dynatrace-sandbox"))
        .args(["--preload", "5"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let mut first_line = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut first_line).unwrap();
    let printed: Value = serde_json::from_str(&first_line).expect("first line is JSON");

    let base_url = url::Url::parse(printed["baseUrl"].as_str().unwrap()).unwrap();
    let state: Value = http()
        .get(base_url.join("__sandbox/state").unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let exit = child.wait().unwrap();

    assert_eq!(printed["clientId"], seed::CLIENT_ID);
    assert_eq!(printed["accountUuid"], seed::ACCOUNT_UUID);
    assert_eq!(printed["apiToken"], seed::API_TOKEN);
    assert_eq!(printed["tokenCount"], 6);
    assert_eq!(state["tokenCount"], 6);
    assert!(killed.success());
    assert!(exit.success(), "{exit:?}");
}

#[cfg(unix)]
#[tokio::test]
async fn binary_survives_stdout_closed_after_first_line() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dynatrace-sandbox"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let mut first_line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first_line)
        .unwrap();

    let printed: Value = serde_json::from_str(&first_line).expect("first line is JSON");
    let base_url = url::Url::parse(printed["baseUrl"].as_str().unwrap()).unwrap();
    let state = http()
        .get(base_url.join("__sandbox/state").unwrap())
        .send()
        .await;
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let exit = child.wait().unwrap();

    assert_eq!(state.unwrap().status(), StatusCode::OK);
    assert!(killed.success());
    assert!(exit.success(), "{exit:?}");
}

#[test]
fn binary_rejects_unknown_flags() {
    let output = Command::new(env!("CARGO_BIN_EXE_dynatrace-sandbox"))
        .arg("--listen-everywhere")
        .output()
        .expect("binary runs");

    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--listen-everywhere"));
}
