//! Debug, Display, serialised and logged output stays free of every secret used, across
//! successes and failures.

mod common;

use std::time::Duration;

use common::*;
use dynatrace_client::{
    ClientConfig, Credentials, EnvironmentUrl, ListQuery, SecretString, check_client_id,
    check_client_secret, parse_account_uuid,
};
use dynatrace_sandbox::{DropPoint, Target, seed};

#[tokio::test]
async fn outputs_and_logs_hold_no_secret() {
    let logs = LogBuffer::default();
    // Only this crate's events: the sandbox's own logs are not under test. The test runtime is
    // single-threaded, so the thread-local default subscriber receives events from every task.
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_ansi(false)
        .with_env_filter(tracing_subscriber::EnvFilter::new("dynatrace_client=trace"))
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let sandbox = start().await;
    let client = client_with(ClientConfig {
        request_timeout: Duration::from_secs(1),
        retry: fast_retry(),
        ..ClientConfig::default()
    });
    let mut outputs: Vec<String> = Vec::new();
    let mut created_secrets: Vec<String> = Vec::new();

    for (label, api) in all_auth_kinds(&sandbox, &client) {
        outputs.push(format!("{api:?}"));
        outputs.push(format!("{:?}", api.check_connection().await.expect(label)));

        let created = api
            .create(&create_request(&format!("secret check {label}")))
            .await
            .unwrap();
        created_secrets.push(dynatrace_client::ExposeSecret::expose_secret(&created.token).into());
        outputs.push(format!("{created:?}"));
        outputs.push(format!("{:?}", api.lookup(&created.token).await.unwrap()));

        let faults = sandbox.faults();
        faults.drop_connection(Target::Create, 1, DropPoint::AfterApply);
        outputs.push(format!(
            "{:?}",
            api.create(&create_request("lost")).await.unwrap_err()
        ));
        faults.truncate_body(Target::TokenApi, 1);
        outputs.push(format!(
            "{:?}",
            api.list(&ListQuery::default()).await.unwrap_err()
        ));
        faults.html_body(Target::TokenApi, 1);
        outputs.push(format!(
            "{:?}",
            api.list(&ListQuery::default()).await.unwrap_err()
        ));
        faults.server_error(Target::TokenApi, 1, 500);
        outputs.push(format!(
            "{}",
            api.list(&ListQuery::default()).await.unwrap_err()
        ));
        faults.omit_token_secret(1);
        outputs.push(format!(
            "{:?}",
            api.create(&create_request("blank")).await.unwrap_err()
        ));
        // A token secret passed where an ID belongs.
        outputs.push(format!(
            "{:?}",
            api.delete(&created_secrets[0]).await.unwrap_err()
        ));
    }

    let wrong = oauth(
        seed::CLIENT_ID,
        &format!("{}.{}", seed::CLIENT_ID, "Q".repeat(64)),
    );
    let error = api(&sandbox, &client, wrong.clone())
        .list(&ListQuery::default())
        .await
        .unwrap_err();
    outputs.push(format!("{error:?} {error}"));
    outputs.push(format!("{wrong:?}"));
    let swapped = Credentials::PlatformToken(SecretString::from(seed::CLIENT_SECRET));
    outputs.push(format!("{:?}", swapped.validate().unwrap_err()));
    outputs.push(format!("{swapped:?}"));
    let secret = SecretString::from(seed::PLATFORM_TOKEN);
    outputs.push(format!(
        "{:?}",
        check_client_secret(seed::CLIENT_ID, &secret).unwrap_err()
    ));
    outputs.push(format!(
        "{:?}",
        check_client_id(seed::CLIENT_SECRET).unwrap_err()
    ));
    outputs.push(format!(
        "{:?}",
        parse_account_uuid(seed::API_TOKEN).unwrap_err()
    ));
    outputs.push(format!(
        "{:?}",
        EnvironmentUrl::parse(seed::PLATFORM_TOKEN).unwrap_err()
    ));
    outputs.push(format!("{client:?}"));
    sandbox.stop().await;

    let logged = logs.text();
    assert!(logged.contains("HTTP call"), "the calls were logged");
    for text in outputs.iter().chain(std::iter::once(&logged)) {
        assert_no_secret(text);
        for created in &created_secrets {
            let secret_part = created.rsplit('.').next().unwrap();
            assert!(
                !text.contains(secret_part),
                "a created token secret leaked into: {text}"
            );
        }
        assert!(!text.contains(&"Q".repeat(64)));
    }
}
