//! Checks of the profile form as the user types, with the client crate's parsers; no network.

use dynatrace_client::{
    AuthKind, ClientConfig, Credentials, EnvironmentUrl, Stage, check_client_id,
    check_client_secret, parse_account_uuid,
};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use specta::Type;
use url::Url;

use crate::error::FieldMessage;
use crate::profiles::{AuthMethod, Profile, ProfileInput};

/// Kind of environment, as the preview shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum EnvironmentKind {
    Saas,
    SaasSprint,
    SaasDev,
    Managed,
    /// A server on the loopback interface: the built-in sandbox.
    Sandbox,
}

impl From<&dynatrace_client::EnvironmentKind> for EnvironmentKind {
    fn from(kind: &dynatrace_client::EnvironmentKind) -> Self {
        match kind {
            dynatrace_client::EnvironmentKind::Saas {
                stage: Stage::Production,
            } => Self::Saas,
            dynatrace_client::EnvironmentKind::Saas {
                stage: Stage::Sprint,
            } => Self::SaasSprint,
            dynatrace_client::EnvironmentKind::Saas { stage: Stage::Dev } => Self::SaasDev,
            dynatrace_client::EnvironmentKind::Managed => Self::Managed,
            dynatrace_client::EnvironmentKind::Local => Self::Sandbox,
        }
    }
}

/// Parsed form of the environment address, shown under the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentPreview {
    /// Normalised address, as it will be saved.
    pub display: String,
    pub environment_id: Option<String>,
    pub kind: EnvironmentKind,
    /// Base URL of the token API for the chosen sign-in method.
    pub api_base: String,
    /// Changes made by normalisation, for example a removed UI path.
    pub notes: Vec<String>,
    /// Host (with its port when not the default) that receives the secret when it lies outside
    /// `dynatrace.com` and `dynatracelabs.com`, such as a Managed cluster. The app sends it the
    /// secret only after the user confirms this host (`ProfileInput::trusted_host`). `None` for
    /// Dynatrace and loopback hosts, and for sandbox profiles, which never use the address.
    pub custom_host: Option<String>,
}

/// Outcome of checking the profile form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ValidationReport {
    /// Problems that block saving.
    pub field_errors: Vec<FieldMessage>,
    /// Hints that do not block saving.
    pub warnings: Vec<FieldMessage>,
    /// Set when the environment address parses.
    pub environment: Option<EnvironmentPreview>,
}

/// Checks every field of `input`; `existing` is the stored profile when editing one.
pub fn validate_profile(input: &ProfileInput, existing: Option<&Profile>) -> ValidationReport {
    let mut report = ValidationReport {
        field_errors: Vec::new(),
        warnings: Vec::new(),
        environment: None,
    };

    if input.name.trim().is_empty() {
        report
            .field_errors
            .push(FieldMessage::new("name", "Enter a name for this profile."));
    }

    check_environment(input, &mut report);

    let secret = input
        .secret
        .as_ref()
        .map(|s| SecretString::from(s.expose_secret().trim()));
    if secret
        .as_ref()
        .is_some_and(|s| s.expose_secret().is_empty())
    {
        report
            .field_errors
            .push(FieldMessage::new("secret", missing_secret_message(input)));
    } else if secret.is_none() {
        check_kept_secret(input, existing, &mut report);
    }

    match input.auth_method {
        AuthMethod::OAuth => check_oauth(input, secret.as_ref(), &mut report),
        AuthMethod::PlatformToken => {
            if let Some(secret) = secret.filter(|s| !s.expose_secret().is_empty()) {
                push_error(
                    &mut report,
                    "secret",
                    Credentials::PlatformToken(secret).validate(),
                );
            }
        }
        AuthMethod::ApiToken => {
            if let Some(secret) = secret.filter(|s| !s.expose_secret().is_empty()) {
                push_error(
                    &mut report,
                    "secret",
                    Credentials::ApiToken(secret).validate(),
                );
            }
        }
    }

    report
}

fn check_environment(input: &ProfileInput, report: &mut ValidationReport) {
    let parsed = match EnvironmentUrl::parse(&input.environment_url) {
        Ok(parsed) => parsed,
        Err(e) => {
            report
                .field_errors
                .push(FieldMessage::new("environmentUrl", e.message));
            return;
        }
    };

    let kind = EnvironmentKind::from(parsed.kind());
    if input.sandbox && kind != EnvironmentKind::Sandbox {
        report.warnings.push(FieldMessage::new(
            "environmentUrl",
            "This profile is marked as a sandbox profile, so it uses the built-in sandbox and \
             not this address.",
        ));
    }
    if !input.sandbox && kind == EnvironmentKind::Sandbox {
        report.warnings.push(FieldMessage::new(
            "environmentUrl",
            "This address is on this computer. Real Dynatrace environments end in \
             .apps.dynatrace.com or are Managed clusters.",
        ));
    }

    let api_base = match parsed.token_api_base(AuthKind::from(input.auth_method)) {
        Ok(api_base) => api_base,
        Err(e) => {
            report
                .field_errors
                .push(FieldMessage::new("environmentUrl", e.message));
            return;
        }
    };

    let custom_host = custom_host(&api_base).filter(|_| !input.sandbox);
    if let Some(host) = &custom_host
        && !is_confirmed(input, host)
    {
        report.warnings.push(FieldMessage::new(
            "environmentUrl",
            format!(
                "{host} is not a Dynatrace host (dynatrace.com or dynatracelabs.com). If it is \
                 your Dynatrace Managed cluster, confirm that you trust it with this token."
            ),
        ));
    }

    report.environment = Some(EnvironmentPreview {
        display: parsed.display(),
        environment_id: parsed.environment_id().map(str::to_string),
        kind,
        api_base: api_base.to_string(),
        notes: parsed.notes().to_vec(),
        custom_host,
    });
}

/// Returns the host of `api_base` with its port, as the client names it, when the client
/// sends secrets there only with `allow_custom_hosts` set.
pub(crate) fn custom_host(api_base: &Url) -> Option<String> {
    if ClientConfig::default().allows_secrets_to(api_base) {
        return None;
    }
    let host = api_base.host_str()?;
    Some(match api_base.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    })
}

/// Returns whether the user confirmed exactly `host`. Trust given to another host does not count.
fn is_confirmed(input: &ProfileInput, host: &str) -> bool {
    input
        .trusted_host
        .as_deref()
        .is_some_and(|trusted| trusted.trim().eq_ignore_ascii_case(host))
}

/// Returns the field error for a custom host the user has not confirmed, which blocks saving.
pub fn unconfirmed_host_error(
    input: &ProfileInput,
    report: &ValidationReport,
) -> Option<FieldMessage> {
    let host = report.environment.as_ref()?.custom_host.as_deref()?;
    if is_confirmed(input, host) {
        return None;
    }
    Some(FieldMessage::new(
        "environmentUrl",
        format!(
            "{host} is not a Dynatrace host, so the app sends it no secret until you confirm it. \
             If it is your Dynatrace Managed cluster, select \"I trust {host} with this token\" \
             under the environment URL and save again."
        ),
    ))
}

/// Requires a new secret unless the edited profile has one stored for the same sign-in method.
fn check_kept_secret(
    input: &ProfileInput,
    existing: Option<&Profile>,
    report: &mut ValidationReport,
) {
    let kept = existing
        .is_some_and(|profile| profile.secret_stored && profile.auth_method == input.auth_method);
    if !kept {
        report
            .field_errors
            .push(FieldMessage::new("secret", missing_secret_message(input)));
    }
}

fn missing_secret_message(input: &ProfileInput) -> &'static str {
    match input.auth_method {
        AuthMethod::OAuth => {
            "Enter the client secret shown when the OAuth client was created (dt0s02.…)."
        }
        AuthMethod::PlatformToken => "Enter the platform token (dt0s16.…).",
        AuthMethod::ApiToken => "Enter an API token with the apiTokens.write scope (dt0c01.…).",
    }
}

fn check_oauth(input: &ProfileInput, secret: Option<&SecretString>, report: &mut ValidationReport) {
    let account_uuid = input.account_uuid.as_deref().unwrap_or_default();
    push_error(
        report,
        "accountUuid",
        parse_account_uuid(account_uuid).map(|_| ()),
    );

    let client_id = input.client_id.as_deref().unwrap_or_default().trim();
    let client_id_valid = check_client_id(client_id);
    let client_id_ok = client_id_valid.is_ok();
    push_error(report, "clientId", client_id_valid);

    // The secret starts with the client ID, so it is checked against a valid ID only.
    if let Some(secret) = secret.filter(|s| !s.expose_secret().is_empty())
        && client_id_ok
    {
        push_error(report, "secret", check_client_secret(client_id, secret));
    }
}

fn push_error(
    report: &mut ValidationReport,
    field: &str,
    result: Result<(), dynatrace_client::Error>,
) {
    if let Err(e) = result {
        report
            .field_errors
            .push(FieldMessage::new(field, e.message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const API_TOKEN: &str = "dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.\
        ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    fn token_input(auth_method: AuthMethod, secret: &str) -> ProfileInput {
        ProfileInput {
            id: None,
            name: "Token".into(),
            auth_method,
            environment_url: "https://abc12345.live.dynatrace.com".into(),
            account_uuid: None,
            client_id: None,
            secret: Some(SecretString::from(secret.to_string())),
            sandbox: false,
            trusted_host: None,
        }
    }

    fn fields(messages: &[FieldMessage]) -> Vec<&str> {
        messages
            .iter()
            .map(|message| message.field.as_str())
            .collect()
    }

    #[test]
    fn api_token_profile_accepts_api_token() {
        let report = validate_profile(&token_input(AuthMethod::ApiToken, API_TOKEN), None);

        assert_eq!(fields(&report.field_errors), Vec::<&str>::new());
        assert!(report.environment.is_some());
    }

    #[test]
    fn api_token_in_platform_token_profile_is_rejected() {
        let report = validate_profile(&token_input(AuthMethod::PlatformToken, API_TOKEN), None);

        assert_eq!(fields(&report.field_errors), ["secret"]);
    }

    #[test]
    fn blank_secret_is_missing() {
        let report = validate_profile(&token_input(AuthMethod::ApiToken, "   "), None);

        assert_eq!(fields(&report.field_errors), ["secret"]);
        assert!(report.field_errors[0].message.contains("API token"));
    }

    #[test]
    fn sandbox_flag_on_real_address_warns() {
        let mut input = token_input(AuthMethod::ApiToken, API_TOKEN);
        input.sandbox = true;

        let report = validate_profile(&input, None);

        assert_eq!(fields(&report.warnings), ["environmentUrl"]);
    }

    #[test]
    fn loopback_address_without_sandbox_flag_warns() {
        let mut input = token_input(AuthMethod::ApiToken, API_TOKEN);
        input.environment_url = "http://127.0.0.1:8080".into();

        let report = validate_profile(&input, None);

        assert_eq!(fields(&report.warnings), ["environmentUrl"]);
        assert_eq!(
            report.environment.map(|e| e.kind),
            Some(EnvironmentKind::Sandbox)
        );
    }

    const MANAGED_URL: &str =
        "https://dynatrace.example.com/e/8a3f2b1c-1234-4d5e-9f00-112233445566";

    fn managed_input(trusted_host: Option<&str>) -> ProfileInput {
        let mut input = token_input(AuthMethod::ApiToken, API_TOKEN);
        input.environment_url = MANAGED_URL.into();
        input.trusted_host = trusted_host.map(str::to_string);
        input
    }

    fn custom_host_of(report: &ValidationReport) -> Option<&str> {
        report.environment.as_ref()?.custom_host.as_deref()
    }

    #[test]
    fn managed_host_needs_confirmation() {
        let input = managed_input(None);

        let report = validate_profile(&input, None);

        assert_eq!(custom_host_of(&report), Some("dynatrace.example.com"));
        assert_eq!(fields(&report.field_errors), Vec::<&str>::new());
        assert_eq!(fields(&report.warnings), ["environmentUrl"]);
        assert!(report.warnings[0].message.contains("dynatrace.example.com"));
        let error = unconfirmed_host_error(&input, &report).expect("saving is blocked");
        assert_eq!(error.field, "environmentUrl");
        assert!(
            error
                .message
                .contains("I trust dynatrace.example.com with this token")
        );
    }

    #[test]
    fn confirmed_host_is_accepted() {
        let input = managed_input(Some("Dynatrace.Example.com"));

        let report = validate_profile(&input, None);

        assert_eq!(custom_host_of(&report), Some("dynatrace.example.com"));
        assert_eq!(report.warnings, []);
        assert_eq!(unconfirmed_host_error(&input, &report), None);
    }

    #[test]
    fn trust_in_another_host_does_not_count() {
        let mut input = managed_input(Some("dynatrace.example.com"));
        input.environment_url = "https://cluster.example.org/e/prod01".into();

        let report = validate_profile(&input, None);

        assert_eq!(custom_host_of(&report), Some("cluster.example.org"));
        let error = unconfirmed_host_error(&input, &report).expect("saving is blocked");
        assert!(
            error.message.contains("cluster.example.org"),
            "{}",
            error.message
        );
    }

    #[test]
    fn custom_host_includes_its_port() {
        let mut input = managed_input(Some("dynatrace.example.com"));
        input.environment_url = "https://dynatrace.example.com:9999/e/prod01".into();

        let report = validate_profile(&input, None);

        assert_eq!(custom_host_of(&report), Some("dynatrace.example.com:9999"));
        assert!(unconfirmed_host_error(&input, &report).is_some());
    }

    #[test]
    fn dynatrace_hosts_need_no_confirmation() {
        for url in [
            "https://abc12345.live.dynatrace.com",
            "https://abc12345.apps.dynatrace.com",
            "https://abc12345.sprint.dynatracelabs.com",
            "http://127.0.0.1:8080",
        ] {
            let mut input = token_input(AuthMethod::ApiToken, API_TOKEN);
            input.environment_url = url.into();

            let report = validate_profile(&input, None);

            assert!(report.environment.is_some(), "{url}");
            assert_eq!(custom_host_of(&report), None, "{url}");
            assert_eq!(unconfirmed_host_error(&input, &report), None, "{url}");
        }
    }

    #[test]
    fn sandbox_profile_needs_no_confirmation() {
        let mut input = managed_input(None);
        input.sandbox = true;

        let report = validate_profile(&input, None);

        assert_eq!(custom_host_of(&report), None);
        assert_eq!(unconfirmed_host_error(&input, &report), None);
    }
}
