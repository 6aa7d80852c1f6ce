//! Benchmark of the client against a running sandbox on loopback; `scripts/bench-client.sh`
//! starts the sandbox and runs this.
//!
//! Usage: `bench <sandbox base URL>`. Prints a Markdown table. Needs `curl` on the PATH for the
//! manual flow it compares against.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use dynatrace_client::{
    ClientConfig, CreateApiToken, Credentials, DynatraceClient, EnvironmentUrl, Expiration,
    ListQuery, OAuthClient, SecretString, TokenApi,
};
use dynatrace_sandbox::seed;

/// Repetitions of each single-flow measurement; the median is reported.
const ROUNDS: usize = 15;
/// Creates per batch in the cached-bearer comparison.
const BATCH: usize = 20;

fn request(name: &str) -> CreateApiToken {
    CreateApiToken {
        name: name.to_string(),
        scopes: vec!["metrics.ingest".to_string()],
        expiration: Some(Expiration::Relative("now+1d".to_string())),
        personal_access_token: false,
    }
}

fn credentials() -> Credentials {
    Credentials::OAuth(OAuthClient {
        client_id: seed::CLIENT_ID.to_string(),
        client_secret: SecretString::from(seed::CLIENT_SECRET),
        account_uuid: seed::ACCOUNT_UUID.parse().expect("seed UUID"),
    })
}

fn new_api(base: &str) -> TokenApi {
    let client = DynatraceClient::new(ClientConfig::default()).expect("client builds");
    client.token_api(
        EnvironmentUrl::parse(base).expect("base URL parses"),
        credentials(),
    )
}

/// Runs curl with `input` on stdin and returns the body and HTTP status.
fn curl(arguments: &[&str], input: &str) -> (String, u16) {
    use std::io::Write;

    let mut child = Command::new("curl")
        .args([
            "--silent",
            "--show-error",
            "--write-out",
            "\n%{http_code}",
            "--data-binary",
            "@-",
        ])
        .args(arguments)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("curl starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().expect("curl finishes");
    let text = String::from_utf8(output.stdout).expect("curl output is UTF-8");
    let (body, status) = text.rsplit_once('\n').expect("status line");
    (
        body.to_string(),
        status.trim().parse().expect("numeric status"),
    )
}

/// Runs the manual flow: one curl for the SSO bearer, one for the create.
fn curl_pair(base: &str, name: &str) {
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "client_credentials")
        .append_pair("client_id", seed::CLIENT_ID)
        .append_pair("client_secret", seed::CLIENT_SECRET)
        .append_pair("scope", seed::SCOPE_TOKENS_WRITE)
        .append_pair("resource", &format!("urn:dtaccount:{}", seed::ACCOUNT_UUID))
        .finish();
    let sso = format!("{base}sso/oauth2/token");
    let (body, status) = curl(
        &[
            &sso,
            "--header",
            "Content-Type: application/x-www-form-urlencoded",
        ],
        &form,
    );
    assert_eq!(status, 200, "SSO grant: {body}");
    let grant: serde_json::Value = serde_json::from_str(&body).expect("grant is JSON");
    let bearer = grant["access_token"].as_str().expect("access_token");

    let create = format!("{base}platform/classic/environment-api/v2/apiTokens");
    let authorization = format!("Authorization: Bearer {bearer}");
    let payload = serde_json::json!({
        "name": name, "scopes": ["metrics.ingest"], "expirationDate": "now+1d",
        "personalAccessToken": false,
    })
    .to_string();
    let arguments = [
        create.as_str(),
        "--header",
        &authorization,
        "--header",
        "Content-Type: application/json",
    ];
    let (body, status) = curl(&arguments, &payload);
    assert_eq!(status, 201, "create: {body}");
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1_000.0)
}

/// `VmHWM` (peak resident set) and `VmRSS` of this process in MiB, from /proc/self/status.
fn memory_mib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse::<f64>().ok())
            .map(|kib| kib / 1024.0)
            .unwrap_or(f64::NAN)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

#[tokio::main]
async fn main() {
    let base = std::env::args()
        .nth(1)
        .expect("usage: bench <sandbox base URL>");
    let base = if base.ends_with('/') {
        base
    } else {
        format!("{base}/")
    };
    let mut rows: Vec<(String, String)> = Vec::new();

    // Listing first, so the peak resident set reflects the list and not earlier work.
    let (peak_before, _) = memory_mib();
    let api = new_api(&base);
    let mut list_times = Vec::new();
    let mut listed = 0;
    for _ in 0..5 {
        let started = Instant::now();
        let query = ListQuery {
            page_size: Some(10_000),
            ..ListQuery::default()
        };
        listed = api.list(&query).await.expect("list").len();
        list_times.push(started.elapsed());
    }
    let (peak_after, rss_after) = memory_mib();
    let mut paged_times = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let query = ListQuery {
            page_size: Some(1_000),
            ..ListQuery::default()
        };
        assert_eq!(api.list(&query).await.expect("list").len(), listed);
        paged_times.push(started.elapsed());
    }
    rows.push((
        format!("list {listed} tokens, one page of 10,000 (median of 5)"),
        ms(median(list_times)),
    ));
    rows.push((
        format!("list {listed} tokens, pages of 1,000 (median of 5)"),
        ms(median(paged_times)),
    ));
    rows.push((
        "peak RSS (VmHWM) before / after listing".to_string(),
        format!("{peak_before:.1} MiB / {peak_after:.1} MiB (RSS after: {rss_after:.1} MiB)"),
    ));

    // First call: SSO discovery, bearer and create with a new client, against two curls.
    let mut curl_times = Vec::new();
    let mut client_times = Vec::new();
    for round in 0..ROUNDS {
        let started = Instant::now();
        curl_pair(&base, &format!("bench curl {round}"));
        curl_times.push(started.elapsed());

        let started = Instant::now();
        let api = new_api(&base);
        api.create(&request(&format!("bench client {round}")))
            .await
            .expect("create");
        client_times.push(started.elapsed());
    }
    let curl_first = median(curl_times);
    let client_first = median(client_times);
    rows.push((
        "manual flow, 2 curl processes (SSO + create)".to_string(),
        ms(curl_first),
    ));
    rows.push((
        "client, new client without cached bearer".to_string(),
        ms(client_first),
    ));
    rows.push((
        "ratio client / curl, first call".to_string(),
        format!(
            "{:.2}",
            client_first.as_secs_f64() / curl_first.as_secs_f64()
        ),
    ));

    // Batches: the client reuses its bearer and connection; curl repeats both steps.
    let api = new_api(&base);
    api.create(&request("bench warm-up")).await.expect("create");
    let started = Instant::now();
    for index in 0..BATCH {
        api.create(&request(&format!("bench batch client {index}")))
            .await
            .expect("create");
    }
    let client_batch = started.elapsed();
    let started = Instant::now();
    for index in 0..BATCH {
        curl_pair(&base, &format!("bench batch curl {index}"));
    }
    let curl_batch = started.elapsed();
    rows.push((
        format!("{BATCH} creates, client with cached bearer"),
        ms(client_batch),
    ));
    rows.push((
        format!("{BATCH} curl pairs (SSO + create each)"),
        ms(curl_batch),
    ));
    rows.push((
        format!("ratio client / curl, {BATCH} creates"),
        format!(
            "{:.2}",
            client_batch.as_secs_f64() / curl_batch.as_secs_f64()
        ),
    ));

    println!("| measurement | result |");
    println!("|---|---|");
    for (name, value) in rows {
        println!("| {name} | {value} |");
    }
}
