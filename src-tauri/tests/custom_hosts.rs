//! A profile's secret goes to a custom host (outside dynatrace.com) only when the profile
//! confirmed exactly that host.
//!
//! Every request goes through a recording proxy on 127.0.0.1 (`HTTPS_PROXY`) that answers each
//! `CONNECT` with 403. The proxy resolves no name and the hosts are under `.invalid`, so nothing
//! leaves this computer, and the recorded `CONNECT` lines show which hosts the app tried to
//! reach. The environment variables are set once, so this file holds a single test.

mod support;

use std::sync::{Arc, Mutex};

use secrecy::SecretString;
use support::Harness;
use token_wizard_lib::error::ErrorCode;
use token_wizard_lib::profiles::{AuthMethod, Profile, ProfileInput};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const SECRET_PART: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const CONFIRMED_HOST: &str = "cluster-a.example.invalid";
const OTHER_HOST: &str = "cluster-b.example.invalid";

fn api_token() -> String {
    format!("dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.{SECRET_PART}")
}

/// Request heads the proxy received, one per connection.
type Recorded = Arc<Mutex<Vec<String>>>;

/// Binds the proxy's port; `serve` starts answering once the environment points at it.
fn bind_proxy() -> std::net::TcpListener {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("proxy port");
    listener.set_nonblocking(true).unwrap();
    listener
}

fn serve(listener: std::net::TcpListener) -> Recorded {
    let recorded = Recorded::default();
    let heads = Arc::clone(&recorded);
    let listener = TcpListener::from_std(listener).unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let heads = Arc::clone(&heads);
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buffer = [0u8; 1024];
                while !head.windows(4).any(|window| window == b"\r\n\r\n") && head.len() < 16_384 {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => break,
                        Ok(read) => head.extend_from_slice(&buffer[..read]),
                    }
                }
                heads
                    .lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&head).into_owned());
                let reply =
                    "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                let _ = stream.write_all(reply.as_bytes()).await;
            });
        }
    });
    recorded
}

fn recorded_heads(recorded: &Recorded) -> Vec<String> {
    recorded.lock().unwrap().clone()
}

fn managed_input(host: &str, trusted_host: Option<&str>) -> ProfileInput {
    ProfileInput {
        id: None,
        name: format!("Managed {host}"),
        auth_method: AuthMethod::ApiToken,
        environment_url: format!("https://{host}/e/prod01"),
        account_uuid: None,
        client_id: None,
        secret: Some(SecretString::from(api_token())),
        sandbox: false,
        trusted_host: trusted_host.map(str::to_string),
    }
}

/// Writes a profile to the settings file and its secret to the keychain directly, as an older
/// version or a hand-edited file leaves them, bypassing the checks of `save_profile`.
async fn store_profile(harness: &Harness, profile: &Profile, with_trust_field: bool) {
    let mut json = serde_json::to_value(profile).unwrap();
    if !with_trust_field {
        json.as_object_mut().unwrap().remove("trustedHost");
    }
    let mut profiles = serde_json::to_value(harness.core.profiles()).unwrap();
    profiles.as_array_mut().unwrap().push(json);
    harness.store.set("profiles", profiles);
    harness
        .keychain
        .store(&profile.id, &SecretString::from(api_token()))
        .await
        .expect("secret stored");
}

fn stored_profile(id: &str, host: &str, trusted_host: Option<&str>) -> Profile {
    Profile {
        id: id.to_string(),
        name: format!("Stored {host}"),
        auth_method: AuthMethod::ApiToken,
        environment_url: format!("https://{host}/e/prod01"),
        account_uuid: None,
        client_id: None,
        secret_stored: true,
        sandbox: false,
        last_scopes: Vec::new(),
        last_preset_id: None,
        trusted_host: trusted_host.map(str::to_string),
    }
}

#[tokio::test]
async fn secret_goes_only_to_confirmed_host() {
    let listener = bind_proxy();
    let proxy = format!("http://{}", listener.local_addr().unwrap());
    // SAFETY: this binary holds one test, which sets the variables before it starts any thread
    // that reads the environment; the clients read them when they are built, later.
    unsafe {
        for name in [
            "NO_PROXY",
            "no_proxy",
            "ALL_PROXY",
            "all_proxy",
            "HTTP_PROXY",
        ] {
            std::env::remove_var(name);
        }
        std::env::set_var("HTTPS_PROXY", &proxy);
        std::env::set_var("https_proxy", &proxy);
    }
    let recorded = serve(listener);
    let harness = Harness::new();

    // Confirmed host: the request goes out, to that host only.
    let confirmed = harness
        .core
        .save_profile(managed_input(CONFIRMED_HOST, Some(CONFIRMED_HOST)))
        .await
        .expect("confirmed host saves");
    let error = harness
        .core
        .test_connection(&confirmed.id)
        .await
        .expect_err("the proxy rejects every tunnel");
    assert_eq!(error.code, ErrorCode::Proxy, "{error:?}");
    let heads = recorded_heads(&recorded);
    assert!(!heads.is_empty(), "no request reached the proxy: {error:?}");
    for head in &heads {
        assert!(
            head.starts_with(&format!("CONNECT {CONFIRMED_HOST}:443 ")),
            "{head}"
        );
        assert!(!head.contains(SECRET_PART), "the proxy saw the secret");
    }
    let after_confirmed = heads.len();

    // Custom host saved by a version without confirmation: nothing is sent.
    store_profile(&harness, &stored_profile("old", OTHER_HOST, None), false).await;
    let error = harness.core.test_connection("old").await.unwrap_err();
    assert_eq!(error.code, ErrorCode::UntrustedHost, "{error:?}");
    assert!(error.message.contains(OTHER_HOST), "{}", error.message);
    assert_eq!(recorded_heads(&recorded).len(), after_confirmed);

    // Trust recorded for another host does not carry over to this one.
    let moved = stored_profile("moved", OTHER_HOST, Some(CONFIRMED_HOST));
    store_profile(&harness, &moved, true).await;
    let error = harness.core.test_connection("moved").await.unwrap_err();
    assert_eq!(error.code, ErrorCode::UntrustedHost, "{error:?}");
    assert!(error.message.contains(OTHER_HOST), "{}", error.message);
    assert_eq!(recorded_heads(&recorded).len(), after_confirmed);

    for id in [confirmed.id.as_str(), "old", "moved"] {
        harness.core.delete_profile(id).await.unwrap();
    }
}
