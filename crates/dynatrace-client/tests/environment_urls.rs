//! Table test of environment URL parsing with inputs as users paste them.

use dynatrace_client::{AuthKind, EnvironmentKind, EnvironmentUrl, ErrorCode, Stage};

const PROD: EnvironmentKind = EnvironmentKind::Saas {
    stage: Stage::Production,
};
const SPRINT: EnvironmentKind = EnvironmentKind::Saas {
    stage: Stage::Sprint,
};
const DEV: EnvironmentKind = EnvironmentKind::Saas { stage: Stage::Dev };
const MANAGED: EnvironmentKind = EnvironmentKind::Managed;
const LOCAL: EnvironmentKind = EnvironmentKind::Local;

const APPS: &str = "https://abc12345.apps.dynatrace.com/";
const LIVE: &str = "https://abc12345.live.dynatrace.com/";
const APPS_TOKENS: &str =
    "https://abc12345.apps.dynatrace.com/platform/classic/environment-api/v2/";
const LIVE_TOKENS: &str = "https://abc12345.live.dynatrace.com/api/v2/";

struct Case {
    input: &'static str,
    kind: EnvironmentKind,
    id: Option<&'static str>,
    apps: Option<&'static str>,
    classic: &'static str,
    /// Token API base for OAuth and platform tokens; `None` when they cannot be used.
    bearer_api: Option<&'static str>,
    api_token_api: &'static str,
}

const fn prod(input: &'static str) -> Case {
    Case {
        input,
        kind: PROD,
        id: Some("abc12345"),
        apps: Some(APPS),
        classic: LIVE,
        bearer_api: Some(APPS_TOKENS),
        api_token_api: LIVE_TOKENS,
    }
}

const MANAGED_UUID: &str = "0f7e2c1a-3b4d-4e5f-8a9b-1c2d3e4f5a6b";

fn cases() -> Vec<Case> {
    vec![
        prod("abc12345"),
        prod("  ABC12345\n"),
        prod("\u{feff}https://abc12345.apps.dynatrace.com"),
        prod("\u{feff}abc12345"),
        prod("https://abc12345.apps.\u{200b}dynatrace.com\u{2060}"),
        prod("https://abc12345.apps.dynatrace.com:8443"),
        prod("https://abc12345.live.dynatrace.com:8443/"),
        prod("https://abc12345.apps.dynatrace.com"),
        prod("https://abc12345.apps.dynatrace.com/"),
        prod("https://abc12345.apps.dynatrace.com//"),
        prod("abc12345.apps.dynatrace.com"),
        prod(
            "https://abc12345.apps.dynatrace.com/ui/apps/dynatrace.classic.tokens/ui/access-tokens?gtf=-2h&gf=all",
        ),
        prod("https://abc12345.apps.dynatrace.com/platform/classic/environment-api/v2/apiTokens"),
        prod("https://abc12345.live.dynatrace.com"),
        prod("https://abc12345.live.dynatrace.com/"),
        prod("https://abc12345.live.dynatrace.com/#dashboard;id=0000-1111"),
        prod("https://abc12345.live.dynatrace.com/api"),
        prod("https://abc12345.live.dynatrace.com/api/v2"),
        prod("https://abc12345.live.dynatrace.com/api/v2/"),
        prod("HTTPS://ABC12345.LIVE.DYNATRACE.COM/ui/settings"),
        prod("https://abc12345.apps.dynatrace.com:443/ui"),
        Case {
            input: "https://xyz98765.sprint.apps.dynatracelabs.com/ui/apps",
            kind: SPRINT,
            id: Some("xyz98765"),
            apps: Some("https://xyz98765.sprint.apps.dynatracelabs.com/"),
            classic: "https://xyz98765.sprint.dynatracelabs.com/",
            bearer_api: Some(
                "https://xyz98765.sprint.apps.dynatracelabs.com/platform/classic/environment-api/v2/",
            ),
            api_token_api: "https://xyz98765.sprint.dynatracelabs.com/api/v2/",
        },
        Case {
            input: "https://xyz98765.sprint.dynatracelabs.com/api/v2",
            kind: SPRINT,
            id: Some("xyz98765"),
            apps: Some("https://xyz98765.sprint.apps.dynatracelabs.com/"),
            classic: "https://xyz98765.sprint.dynatracelabs.com/",
            bearer_api: Some(
                "https://xyz98765.sprint.apps.dynatracelabs.com/platform/classic/environment-api/v2/",
            ),
            api_token_api: "https://xyz98765.sprint.dynatracelabs.com/api/v2/",
        },
        Case {
            input: "https://dev00001.dev.apps.dynatracelabs.com",
            kind: DEV,
            id: Some("dev00001"),
            apps: Some("https://dev00001.dev.apps.dynatracelabs.com/"),
            classic: "https://dev00001.dev.dynatracelabs.com/",
            bearer_api: Some(
                "https://dev00001.dev.apps.dynatracelabs.com/platform/classic/environment-api/v2/",
            ),
            api_token_api: "https://dev00001.dev.dynatracelabs.com/api/v2/",
        },
        Case {
            input: "dev00001.dev.dynatracelabs.com/",
            kind: DEV,
            id: Some("dev00001"),
            apps: Some("https://dev00001.dev.apps.dynatracelabs.com/"),
            classic: "https://dev00001.dev.dynatracelabs.com/",
            bearer_api: Some(
                "https://dev00001.dev.apps.dynatracelabs.com/platform/classic/environment-api/v2/",
            ),
            api_token_api: "https://dev00001.dev.dynatracelabs.com/api/v2/",
        },
        Case {
            input: "https://cluster.example.com/e/0f7e2c1a-3b4d-4e5f-8a9b-1c2d3e4f5a6b",
            kind: MANAGED,
            id: Some(MANAGED_UUID),
            apps: None,
            classic: "https://cluster.example.com/e/0f7e2c1a-3b4d-4e5f-8a9b-1c2d3e4f5a6b/",
            bearer_api: None,
            api_token_api: "https://cluster.example.com/e/0f7e2c1a-3b4d-4e5f-8a9b-1c2d3e4f5a6b/api/v2/",
        },
        Case {
            input: "https://cluster.example.com/e/0f7e2c1a-3b4d-4e5f-8a9b-1c2d3e4f5a6b/",
            kind: MANAGED,
            id: Some(MANAGED_UUID),
            apps: None,
            classic: "https://cluster.example.com/e/0f7e2c1a-3b4d-4e5f-8a9b-1c2d3e4f5a6b/",
            bearer_api: None,
            api_token_api: "https://cluster.example.com/e/0f7e2c1a-3b4d-4e5f-8a9b-1c2d3e4f5a6b/api/v2/",
        },
        Case {
            input: "https://cluster.example.com/e/0f7e2c1a-3b4d-4e5f-8a9b-1c2d3e4f5a6b//",
            kind: MANAGED,
            id: Some(MANAGED_UUID),
            apps: None,
            classic: "https://cluster.example.com/e/0f7e2c1a-3b4d-4e5f-8a9b-1c2d3e4f5a6b/",
            bearer_api: None,
            api_token_api: "https://cluster.example.com/e/0f7e2c1a-3b4d-4e5f-8a9b-1c2d3e4f5a6b/api/v2/",
        },
        Case {
            input: "https://managed.corp.example:9999/e/prod01/#dashboards",
            kind: MANAGED,
            id: Some("prod01"),
            apps: None,
            classic: "https://managed.corp.example:9999/e/prod01/",
            bearer_api: None,
            api_token_api: "https://managed.corp.example:9999/e/prod01/api/v2/",
        },
        Case {
            input: "https://managed.corp.example:9999/e/prod01/api/v2/apiTokens?pageSize=10",
            kind: MANAGED,
            id: Some("prod01"),
            apps: None,
            classic: "https://managed.corp.example:9999/e/prod01/",
            bearer_api: None,
            api_token_api: "https://managed.corp.example:9999/e/prod01/api/v2/",
        },
        Case {
            input: "https://10.20.30.40:8443/e/abc-123/ui/settings",
            kind: MANAGED,
            id: Some("abc-123"),
            apps: None,
            classic: "https://10.20.30.40:8443/e/abc-123/",
            bearer_api: None,
            api_token_api: "https://10.20.30.40:8443/e/abc-123/api/v2/",
        },
        Case {
            input: "http://127.0.0.1:8080",
            kind: LOCAL,
            id: None,
            apps: Some("http://127.0.0.1:8080/"),
            classic: "http://127.0.0.1:8080/",
            bearer_api: Some("http://127.0.0.1:8080/platform/classic/environment-api/v2/"),
            api_token_api: "http://127.0.0.1:8080/api/v2/",
        },
        Case {
            input: "http://localhost:8080/ui/apps",
            kind: LOCAL,
            id: None,
            apps: Some("http://localhost:8080/"),
            classic: "http://localhost:8080/",
            bearer_api: Some("http://localhost:8080/platform/classic/environment-api/v2/"),
            api_token_api: "http://localhost:8080/api/v2/",
        },
        Case {
            input: "https://127.0.0.1:8443",
            kind: LOCAL,
            id: None,
            apps: Some("https://127.0.0.1:8443/"),
            classic: "https://127.0.0.1:8443/",
            bearer_api: Some("https://127.0.0.1:8443/platform/classic/environment-api/v2/"),
            api_token_api: "https://127.0.0.1:8443/api/v2/",
        },
        Case {
            input: "https://localhost:8443/ui/apps",
            kind: LOCAL,
            id: None,
            apps: Some("https://localhost:8443/"),
            classic: "https://localhost:8443/",
            bearer_api: Some("https://localhost:8443/platform/classic/environment-api/v2/"),
            api_token_api: "https://localhost:8443/api/v2/",
        },
        Case {
            input: "http://[::1]:9000/",
            kind: LOCAL,
            id: None,
            apps: Some("http://[::1]:9000/"),
            classic: "http://[::1]:9000/",
            bearer_api: Some("http://[::1]:9000/platform/classic/environment-api/v2/"),
            api_token_api: "http://[::1]:9000/api/v2/",
        },
        Case {
            input: "http://127.0.0.1:8080/e/sbx12345/api/v2",
            kind: LOCAL,
            id: Some("sbx12345"),
            apps: Some("http://127.0.0.1:8080/"),
            classic: "http://127.0.0.1:8080/e/sbx12345/",
            bearer_api: Some("http://127.0.0.1:8080/platform/classic/environment-api/v2/"),
            api_token_api: "http://127.0.0.1:8080/e/sbx12345/api/v2/",
        },
        Case {
            input: "127.0.0.1:8080",
            kind: LOCAL,
            id: None,
            apps: Some("http://127.0.0.1:8080/"),
            classic: "http://127.0.0.1:8080/",
            bearer_api: Some("http://127.0.0.1:8080/platform/classic/environment-api/v2/"),
            api_token_api: "http://127.0.0.1:8080/api/v2/",
        },
    ]
}

#[test]
fn accepted_inputs_give_expected_bases() {
    let cases = cases();
    assert!(cases.len() >= 25);
    for case in cases {
        let parsed = EnvironmentUrl::parse(case.input)
            .unwrap_or_else(|error| panic!("{:?} rejected: {error}", case.input));
        let input = case.input;
        assert_eq!(parsed.kind(), &case.kind, "kind of {input:?}");
        assert_eq!(parsed.environment_id(), case.id, "ID of {input:?}");
        assert_eq!(
            parsed.apps_base().map(|u| u.as_str()),
            case.apps,
            "apps base of {input:?}"
        );
        assert_eq!(
            parsed.classic_base().as_str(),
            case.classic,
            "classic base of {input:?}"
        );
        for auth in [AuthKind::OAuth, AuthKind::PlatformToken] {
            let base = parsed.token_api_base(auth).ok();
            let base = base.as_ref().map(|u| u.as_str());
            assert_eq!(
                base, case.bearer_api,
                "{auth:?} token API base of {input:?}"
            );
        }
        let api_token_base = parsed.token_api_base(AuthKind::ApiToken).unwrap();
        assert_eq!(
            api_token_base.as_str(),
            case.api_token_api,
            "API-token base of {input:?}"
        );
        assert!(api_token_base.as_str().ends_with('/'));

        let again = EnvironmentUrl::parse(&parsed.display()).unwrap();
        assert_eq!(again, parsed, "display of {input:?} round-trips");
    }
}

#[test]
fn rejected_inputs_name_the_problem() {
    let cases: &[(&str, &str)] = &[
        ("", "empty"),
        ("   ", "empty"),
        ("https://abc12345.apps.dynatrace .com", "spaces"),
        ("ftp://abc12345.live.dynatrace.com", "ftp://"),
        ("admin@example.com", "email"),
        ("dynatrace.com", "website"),
        ("https://www.dynatrace.com/", "website"),
        (
            "https://myaccount.dynatrace.com/accounts/8a9f3c1e-2b4d-4e6f-9a1b-3c5d7e9f1a2b",
            "Account Management",
        ),
        (
            "https://sso.dynatrace.com/sso/oauth2/token",
            "login service",
        ),
        ("https://api.dynatrace.com/iam/v1", "Account Management API"),
        ("8a9f3c1e-2b4d-4e6f-9a1b-3c5d7e9f1a2b", "account UUID"),
        (
            "urn:dtaccount:8a9f3c1e-2b4d-4e6f-9a1b-3c5d7e9f1a2b",
            "account UUID",
        ),
        ("http://abc12345.live.dynatrace.com", "http://"),
        ("http://cluster.example.com/e/abc", "http://"),
        ("https://cluster.example.com/", "/e/<environment ID>"),
        ("https://cluster.example.com/e/", "no valid environment ID"),
        ("https://abc_123.apps.dynatrace.com", "environment ID"),
        ("hello", "neither a URL"),
        ("https:/abc12345.live.dynatrace.com", "missing a slash"),
        ("HTTPS:abc12345.live.dynatrace.com", "missing the slashes"),
        ("http:/127.0.0.1:8080", "missing a slash"),
        (
            "https://abcdefghijabcdefghijabcdefghijabcdefghij.apps.dynatrace.com",
            "too long",
        ),
        (
            "https://cluster.example.com/e/0f7e2c1a-3b4d-4e5f-8a9b-1c2d3e4f5a6b0",
            "at most 36",
        ),
        ("https://abc12345.apps.dynatrace.com:0", "Port 0"),
        ("https://cluster.example.com:0/e/prod01", "Port 0"),
        (
            "https://user:pass@abc12345.live.dynatrace.com",
            "user name or password",
        ),
        ("dt0s02.ABCD1234", "OAuth client ID"),
        (
            "dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM",
            "API token",
        ),
    ];
    for (input, expected) in cases {
        let error = EnvironmentUrl::parse(input).expect_err(input);
        assert_eq!(error.code, ErrorCode::InvalidEnvironmentUrl, "{input:?}");
        assert!(
            error.message.contains(expected),
            "{input:?}: {}",
            error.message
        );
        assert!(
            error.message.contains("abc12345"),
            "{input:?} names what to paste"
        );
        assert!(
            !error.message.contains("G3DFPBEJ"),
            "{input:?} echoes a secret"
        );
        assert!(
            !error.message.contains("pass@"),
            "{input:?} echoes a password"
        );
    }
}

#[test]
fn notes_explain_normalisation() {
    let parsed =
        EnvironmentUrl::parse("https://abc12345.live.dynatrace.com/api/v2?x=1#frag").unwrap();
    let notes = parsed.notes().join(" ");
    assert!(notes.contains("/api/v2"), "{notes}");
    assert!(notes.contains("query"), "{notes}");
    assert!(notes.contains("abc12345.apps.dynatrace.com"), "{notes}");
    assert_eq!(parsed.display(), "https://abc12345.apps.dynatrace.com");

    let from_id = EnvironmentUrl::parse("abc12345").unwrap();
    assert!(from_id.notes()[0].contains("https://abc12345.apps.dynatrace.com"));
}

#[test]
fn managed_cannot_use_bearer_auth() {
    let parsed = EnvironmentUrl::parse("https://cluster.example.com/e/prod01").unwrap();
    let error = parsed.token_api_base(AuthKind::OAuth).unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidInput);
    assert!(error.message.contains("API token"));
}

#[test]
fn dropped_port_and_invisible_characters_are_noted() {
    let with_port = EnvironmentUrl::parse("https://abc12345.apps.dynatrace.com:8443").unwrap();
    let notes = with_port.notes().join(" ");
    assert!(notes.contains(":8443"), "{notes}");
    assert_eq!(with_port.display(), "https://abc12345.apps.dynatrace.com");

    let with_bom = EnvironmentUrl::parse("\u{feff}https://abc12345.apps.dynatrace.com").unwrap();
    let notes = with_bom.notes().join(" ");
    assert!(notes.contains("invisible"), "{notes}");
}
