//! Property tests of environment URL parsing: it never panics, and the normalised form parses
//! back to the same environment.

use dynatrace_client::{AuthKind, EnvironmentUrl, ErrorCode};
use proptest::prelude::*;

/// A host as users paste it, with the ID it carries.
fn host() -> impl Strategy<Value = (String, bool)> {
    let saas_id = "[a-z]{3}[0-9]{5}";
    prop_oneof![
        saas_id.prop_map(|id| (format!("https://{id}.apps.dynatrace.com"), false)),
        saas_id.prop_map(|id| (format!("https://{id}.live.dynatrace.com"), false)),
        saas_id.prop_map(|id| (format!("https://{id}.sprint.apps.dynatracelabs.com"), false)),
        saas_id.prop_map(|id| (format!("https://{id}.sprint.dynatracelabs.com"), false)),
        saas_id.prop_map(|id| (format!("https://{id}.dev.apps.dynatracelabs.com"), false)),
        saas_id.prop_map(|id| (format!("https://{id}.dev.dynatracelabs.com"), false)),
        (
            "[a-z]{1,10}\\.[a-z]{2,8}\\.(com|net|io)",
            "[A-Za-z0-9-]{1,36}",
            proptest::option::of(1u16..65535)
        )
            .prop_map(|(domain, id, port)| {
                let port = port.map(|p| format!(":{p}")).unwrap_or_default();
                (format!("https://{domain}{port}/e/{id}"), true)
            }),
        (
            prop_oneof![Just("127.0.0.1"), Just("localhost"), Just("[::1]")],
            1u16..65535
        )
            .prop_map(|(host, port)| (format!("http://{host}:{port}"), false)),
    ]
}

/// What users append after the host: a UI or API path, a query, a fragment, slashes.
fn suffix() -> impl Strategy<Value = String> {
    (
        prop::collection::vec("[A-Za-z0-9._~-]{1,12}", 0..4),
        prop_oneof![
            Just(""),
            Just("/api"),
            Just("/api/v2"),
            Just("/ui/apps"),
            Just("/platform/x")
        ],
        0usize..3,
        proptest::option::of("[a-z0-9=&]{0,12}"),
        proptest::option::of("[a-z0-9;=]{0,12}"),
    )
        .prop_map(|(segments, prefix, slashes, query, fragment)| {
            let mut text = prefix.to_string();
            for segment in segments {
                text.push('/');
                text.push_str(&segment);
            }
            text.push_str(&"/".repeat(slashes));
            if let Some(query) = query {
                text.push('?');
                text.push_str(&query);
            }
            if let Some(fragment) = fragment {
                text.push('#');
                text.push_str(&fragment);
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_never_panics(input in "\\PC{0,80}") {
        let _ = EnvironmentUrl::parse(&input);
    }

    #[test]
    fn parse_never_panics_on_url_like_input(input in "(https?|ftp)://[a-z0-9.:\\[\\]@/_#?%-]{0,60}") {
        if let Err(error) = EnvironmentUrl::parse(&input) {
            prop_assert_eq!(error.code, ErrorCode::InvalidEnvironmentUrl);
            prop_assert!(!error.message.is_empty());
        }
    }

    #[test]
    fn display_round_trips((host, managed) in host(), suffix in suffix()) {
        // A Managed suffix goes after `/e/<id>`; a SaaS or local one after the host.
        let input = format!("{host}{suffix}");
        let parsed = EnvironmentUrl::parse(&input)
            .map_err(|error| TestCaseError::fail(format!("{input}: {error}")))?;
        let shown = parsed.display();
        let again = EnvironmentUrl::parse(&shown)
            .map_err(|error| TestCaseError::fail(format!("{shown}: {error}")))?;
        prop_assert_eq!(&again, &parsed);
        prop_assert_eq!(again.display(), shown);
        prop_assert!(parsed.token_api_base(AuthKind::ApiToken).unwrap().as_str().ends_with("/api/v2/"));
        if !managed {
            let bearer = parsed.token_api_base(AuthKind::OAuth).unwrap();
            prop_assert!(bearer.as_str().ends_with("/platform/classic/environment-api/v2/"));
        }
    }
}
