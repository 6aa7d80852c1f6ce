//! Parsing of what users paste as their environment address, into the bases the API calls use.
//!
//! Paths are built from the parsed parts with `set_path`, never with `Url::join`: joining an
//! absolute path drops a Managed `/e/<id>` prefix, and joining a relative path onto a base
//! without a trailing slash drops its last segment.

use std::fmt;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use url::{Host, Url};

use crate::credentials::{AuthKind, CredentialShape, recognise_credential};
use crate::error::{Error, ErrorCode};

/// Deployment type of an environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum EnvironmentKind {
    /// Dynatrace SaaS on `*.dynatrace.com` (production) or `*.dynatracelabs.com` (test stages).
    Saas { stage: Stage },
    /// Dynatrace Managed: `https://<cluster>/e/<environment id>`.
    Managed,
    /// A server on the loopback interface (the built-in sandbox and tests).
    Local,
}

/// SaaS stage, which decides the host names and the SSO host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Stage {
    Production,
    Sprint,
    Dev,
}

impl Stage {
    /// SSO origin Dynatrace uses for this stage, used when discovery fails.
    pub fn default_sso_origin(self) -> Url {
        let origin = match self {
            Stage::Production => "https://sso.dynatrace.com/",
            Stage::Sprint => "https://sso-sprint.dynatracelabs.com/",
            Stage::Dev => "https://sso-dev.dynatracelabs.com/",
        };
        Url::parse(origin).expect("valid SSO origin")
    }

    fn apps_host(self, id: &str) -> String {
        match self {
            Stage::Production => format!("{id}.apps.dynatrace.com"),
            Stage::Sprint => format!("{id}.sprint.apps.dynatracelabs.com"),
            Stage::Dev => format!("{id}.dev.apps.dynatracelabs.com"),
        }
    }

    fn classic_host(self, id: &str) -> String {
        match self {
            Stage::Production => format!("{id}.live.dynatrace.com"),
            Stage::Sprint => format!("{id}.sprint.dynatracelabs.com"),
            Stage::Dev => format!("{id}.dev.dynatracelabs.com"),
        }
    }
}

/// A parsed environment address with the bases every call is built from.
#[derive(Clone)]
pub struct EnvironmentUrl {
    kind: EnvironmentKind,
    environment_id: Option<String>,
    apps_base: Option<Url>,
    classic_base: Url,
    notes: Vec<String>,
}

/// Equality ignores `notes`: two inputs that normalise to the same environment are equal.
impl PartialEq for EnvironmentUrl {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
            && self.environment_id == other.environment_id
            && self.apps_base == other.apps_base
            && self.classic_base == other.classic_base
    }
}

impl Eq for EnvironmentUrl {}

impl fmt::Debug for EnvironmentUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnvironmentUrl")
            .field("kind", &self.kind)
            .field("environment_id", &self.environment_id)
            .field("apps_base", &self.apps_base.as_ref().map(Url::as_str))
            .field("classic_base", &self.classic_base.as_str())
            .finish()
    }
}

impl fmt::Display for EnvironmentUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

const EXAMPLES: &str = "Paste the address of your environment, for example \
    https://abc12345.apps.dynatrace.com, or only its ID (abc12345). For Dynatrace Managed paste \
    https://<your cluster>/e/<environment ID>.";

fn invalid(message: impl Into<String>) -> Error {
    Error::input(
        ErrorCode::InvalidEnvironmentUrl,
        format!("{} {EXAMPLES}", message.into()),
    )
}

/// Maximum environment ID length: a Managed UUID. SaaS IDs have 8 characters.
const MAX_ENVIRONMENT_ID_LEN: usize = 36;

/// Returns whether `id` has the SaaS environment ID shape: three letters and five digits.
fn is_saas_id(id: &str) -> bool {
    let bytes = id.as_bytes();
    bytes.len() == 8
        && bytes[..3].iter().all(u8::is_ascii_lowercase)
        && bytes[3..].iter().all(u8::is_ascii_digit)
}

/// Returns whether `label` can be the environment ID part of a SaaS host name.
fn is_host_id(label: &str) -> bool {
    !label.is_empty()
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// Returns whether `id` can be a Managed environment ID: a UUID or a shorter ID of letters, digits and
/// dashes.
fn is_managed_id(id: &str) -> bool {
    (1..=MAX_ENVIRONMENT_ID_LEN).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

pub(crate) fn is_loopback_host(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(domain) => domain.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
    }
}

/// Returns whether `url` is encrypted or stays on this machine: `https`, or `http` to loopback.
/// No secret or bearer goes anywhere else, whatever the host.
pub(crate) fn is_secure_transport(url: &Url) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => url.host().is_some_and(|host| is_loopback_host(&host)),
        _ => false,
    }
}

/// Returns whether a host may receive credentials without the user confirming it: Dynatrace's own
/// domains and loopback. The scheme is checked separately by [`is_secure_transport`].
pub(crate) fn is_trusted_host(url: &Url) -> bool {
    let Some(host) = url.host() else {
        return false;
    };
    if is_loopback_host(&host) {
        return true;
    }
    match host {
        Host::Domain(domain) => {
            let domain = domain.to_ascii_lowercase();
            ["dynatrace.com", "dynatracelabs.com"]
                .iter()
                .any(|suffix| domain == *suffix || domain.ends_with(&format!(".{suffix}")))
        }
        _ => false,
    }
}

fn origin_of(url: &Url) -> Url {
    let mut origin = url.clone();
    origin.set_path("/");
    origin.set_query(None);
    origin.set_fragment(None);
    let _ = origin.set_username("");
    let _ = origin.set_password(None);
    origin
}

fn with_host(scheme: &str, host: &str) -> Url {
    Url::parse(&format!("{scheme}://{host}/")).expect("host built from a parsed URL")
}

/// Returns whether `c` is invisible in a pasted address: a byte order mark, a zero-width space,
/// joiner or non-joiner, or a word joiner.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{feff}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}'
    )
}

impl EnvironmentUrl {
    /// Parses an environment ID or URL as users paste it and normalises it.
    pub fn parse(input: &str) -> Result<Self, Error> {
        let visible: String = input.chars().filter(|c| !is_invisible(*c)).collect();
        let mut parsed = Self::parse_visible(&visible)?;
        if visible.len() != input.len() {
            parsed.notes.push(
                "Removed invisible characters (a byte order mark or zero-width space) from the \
                 address."
                    .to_string(),
            );
        }
        Ok(parsed)
    }

    fn parse_visible(input: &str) -> Result<Self, Error> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(invalid("The environment URL is empty."));
        }
        if trimmed.chars().any(char::is_whitespace) {
            return Err(invalid(
                "The environment URL contains spaces or line breaks.",
            ));
        }
        reject_pasted_credentials(trimmed)?;

        let lower = trimmed.to_ascii_lowercase();
        if is_saas_id(&lower) {
            let mut parsed = Self::saas(Stage::Production, &lower);
            parsed.notes.push(format!(
                "Built the environment URL {} from the environment ID.",
                parsed.display()
            ));
            return Ok(parsed);
        }

        for scheme in ["https:", "http:"] {
            let Some(rest) = lower.strip_prefix(scheme) else {
                continue;
            };
            if !rest.starts_with("//") {
                let missing = if rest.starts_with('/') {
                    "a slash"
                } else {
                    "the slashes"
                };
                return Err(invalid(format!(
                    "The URL is missing {missing} after {scheme}: write {scheme}// followed by \
                     the host name."
                )));
            }
        }

        let mut notes = Vec::new();
        let with_scheme = if let Some((scheme, _)) = trimmed.split_once("://") {
            let scheme = scheme.to_ascii_lowercase();
            if scheme != "http" && scheme != "https" {
                return Err(invalid(format!(
                    "The scheme {scheme}:// is not supported: environment URLs start with https://."
                )));
            }
            trimmed.to_string()
        } else if trimmed.contains('@') {
            return Err(invalid(
                "This looks like an email address, not an environment URL.",
            ));
        } else if !trimmed.contains('.')
            && !trimmed.contains(':')
            && !lower.starts_with("localhost")
        {
            return Err(invalid(
                "This is neither a URL nor a SaaS environment ID (three letters and five digits).",
            ));
        } else {
            let loopback = lower.starts_with("localhost")
                || lower.starts_with("127.")
                || lower.starts_with("[::1]");
            let scheme = if loopback { "http" } else { "https" };
            notes.push(format!("Added {scheme}:// in front of the address."));
            format!("{scheme}://{trimmed}")
        };

        let url = Url::parse(&with_scheme)
            .map_err(|error| invalid(format!("This is not a valid URL ({error}).")))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid(
                "The URL contains a user name or password; remove them.",
            ));
        }
        let Some(host) = url.host() else {
            return Err(invalid("The URL has no host name."));
        };
        if url.port() == Some(0) {
            return Err(invalid("Port 0 is not a valid port; remove it."));
        }

        if is_loopback_host(&host) {
            return Ok(Self::local(&url, notes));
        }
        if url.scheme() == "http" {
            return Err(invalid(
                "Plain http:// is only allowed for a server on this computer (127.0.0.1, \
                 localhost or [::1]); Dynatrace environments use https://.",
            ));
        }

        let domain = match host {
            Host::Domain(domain) => domain.to_ascii_lowercase(),
            Host::Ipv4(ip) => {
                return Self::managed_or_reject(&url, &IpAddr::V4(ip).to_string(), notes);
            }
            Host::Ipv6(ip) => return Self::managed_or_reject(&url, &format!("[{ip}]"), notes),
        };
        if let Some(parsed) = Self::parse_saas_host(&domain, &url, &mut notes)? {
            return Ok(parsed);
        }
        Self::managed_or_reject(&url, &domain, notes)
    }

    fn parse_saas_host(
        domain: &str,
        url: &Url,
        notes: &mut Vec<String>,
    ) -> Result<Option<Self>, Error> {
        let known: &[(&str, Stage, bool)] = &[
            (".apps.dynatrace.com", Stage::Production, true),
            (".live.dynatrace.com", Stage::Production, false),
            (".sprint.apps.dynatracelabs.com", Stage::Sprint, true),
            (".sprint.dynatracelabs.com", Stage::Sprint, false),
            (".dev.apps.dynatracelabs.com", Stage::Dev, true),
            (".dev.dynatracelabs.com", Stage::Dev, false),
        ];
        for (suffix, stage, is_apps) in known {
            let Some(id) = domain.strip_suffix(suffix) else {
                continue;
            };
            if id.len() > MAX_ENVIRONMENT_ID_LEN {
                return Err(invalid(format!(
                    "The host name starts with a label of {} characters, too long for an \
                     environment ID (SaaS environment IDs have 8 characters).",
                    id.len()
                )));
            }
            if !is_host_id(id) {
                return Err(invalid(format!(
                    "The host {domain} does not start with an environment ID such as abc12345."
                )));
            }
            let mut parsed = Self::saas(*stage, id);
            parsed.notes.append(notes);
            if let Some(port) = url.port() {
                parsed.notes.push(format!(
                    "Removed the port :{port}: Dynatrace SaaS is reached on the standard https \
                     port."
                ));
            }
            note_removed_parts(url, &mut parsed.notes);
            if !is_apps {
                parsed.notes.push(format!(
                    "OAuth and platform tokens use the apps host {}; API tokens use {}.",
                    parsed
                        .apps_base
                        .as_ref()
                        .map(|u| u.host_str().unwrap_or(""))
                        .unwrap_or(""),
                    parsed.classic_base.host_str().unwrap_or("")
                ));
            }
            return Ok(Some(parsed));
        }

        let under = |suffix: &str| domain == suffix || domain.ends_with(&format!(".{suffix}"));
        if !under("dynatrace.com") && !under("dynatracelabs.com") {
            return Ok(None);
        }
        let first = domain.split('.').next().unwrap_or("");
        let message = match first {
            "myaccount" => format!(
                "{domain} is Account Management, not an environment. Open the environment from \
                 there and copy the address of its browser tab."
            ),
            "sso" | "sso-sprint" | "sso-dev" => format!(
                "{domain} is the Dynatrace login service, not an environment. Copy the address \
                 of a browser tab that shows your environment."
            ),
            "api" => format!(
                "{domain} is the Account Management API, not an environment. Use the address of \
                 your environment."
            ),
            "dynatrace" | "www" | "docs" | "community" | "developer" | "dynatracelabs" => {
                format!("{domain} is a Dynatrace website, not an environment.")
            }
            _ => format!(
                "{domain} is not a known Dynatrace environment host: SaaS environments are \
                 <id>.apps.dynatrace.com or <id>.live.dynatrace.com."
            ),
        };
        Err(invalid(message))
    }

    fn saas(stage: Stage, id: &str) -> Self {
        EnvironmentUrl {
            kind: EnvironmentKind::Saas { stage },
            environment_id: Some(id.to_string()),
            apps_base: Some(with_host("https", &stage.apps_host(id))),
            classic_base: with_host("https", &stage.classic_host(id)),
            notes: Vec::new(),
        }
    }

    fn local(url: &Url, mut notes: Vec<String>) -> Self {
        let origin = origin_of(url);
        let segments: Vec<&str> = url.path().split('/').filter(|s| !s.is_empty()).collect();
        let (environment_id, classic_base) = match segments.as_slice() {
            ["e", id, ..] if is_managed_id(id) => {
                let mut classic = origin.clone();
                classic.set_path(&format!("/e/{id}/"));
                (Some((*id).to_string()), classic)
            }
            _ => (None, origin.clone()),
        };
        let kept_prefix = classic_base.path().trim_end_matches('/').to_string();
        note_removed_parts_after(url, &kept_prefix, &mut notes);
        EnvironmentUrl {
            kind: EnvironmentKind::Local,
            environment_id,
            apps_base: Some(origin),
            classic_base,
            notes,
        }
    }

    fn managed_or_reject(url: &Url, host: &str, mut notes: Vec<String>) -> Result<Self, Error> {
        let segments: Vec<&str> = url.path().split('/').filter(|s| !s.is_empty()).collect();
        let id = match segments.as_slice() {
            ["e", id, ..] if is_managed_id(id) => *id,
            ["e", id, ..] if id.len() > MAX_ENVIRONMENT_ID_LEN => {
                return Err(invalid(format!(
                    "The environment ID after /e/ has {} characters; Managed environment IDs \
                     have at most {MAX_ENVIRONMENT_ID_LEN}.",
                    id.len()
                )));
            }
            ["e", ..] => {
                return Err(invalid(format!(
                    "The URL on {host} has /e/ but no valid environment ID after it."
                )));
            }
            _ => {
                return Err(invalid(format!(
                    "{host} is not a Dynatrace SaaS host and the URL has no /e/<environment ID> \
                     part for Dynatrace Managed."
                )));
            }
        };
        let mut classic_base = origin_of(url);
        classic_base.set_path(&format!("/e/{id}/"));
        note_removed_parts_after(url, &format!("/e/{id}"), &mut notes);
        Ok(EnvironmentUrl {
            kind: EnvironmentKind::Managed,
            environment_id: Some(id.to_string()),
            apps_base: None,
            classic_base,
            notes,
        })
    }

    pub fn kind(&self) -> &EnvironmentKind {
        &self.kind
    }

    pub fn environment_id(&self) -> Option<&str> {
        self.environment_id.as_deref()
    }

    /// Origin for Bearer calls (OAuth and platform tokens); `None` for Managed.
    pub fn apps_base(&self) -> Option<&Url> {
        self.apps_base.as_ref()
    }

    /// Base for `Api-Token` calls: the live host, or the Managed cluster with `/e/<id>/`.
    pub fn classic_base(&self) -> &Url {
        &self.classic_base
    }

    /// Base of the API token endpoints for an authentication kind, ending in `/`.
    pub fn token_api_base(&self, auth: AuthKind) -> Result<Url, Error> {
        match auth {
            AuthKind::OAuth | AuthKind::PlatformToken => {
                let Some(apps) = &self.apps_base else {
                    return Err(Error::input(
                        ErrorCode::InvalidInput,
                        "Dynatrace Managed has no platform API, so OAuth clients and platform \
                         tokens cannot manage its tokens. Sign in with an API token that has the \
                         apiTokens.write scope instead.",
                    ));
                };
                let mut base = apps.clone();
                base.set_path("/platform/classic/environment-api/v2/");
                Ok(base)
            }
            AuthKind::ApiToken => {
                let mut base = self.classic_base.clone();
                let prefix = base.path().trim_end_matches('/').to_string();
                base.set_path(&format!("{prefix}/api/v2/"));
                Ok(base)
            }
        }
    }

    /// Normalised form to show the user; parsing it again gives an equal value.
    pub fn display(&self) -> String {
        match (&self.kind, &self.apps_base) {
            (EnvironmentKind::Saas { .. }, Some(apps)) => {
                apps.as_str().trim_end_matches('/').to_string()
            }
            _ => self.classic_base.as_str().trim_end_matches('/').to_string(),
        }
    }

    /// Returns what normalisation changed, in sentences for the user.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }
}

fn reject_pasted_credentials(input: &str) -> Result<(), Error> {
    let what = match recognise_credential(input) {
        Some(CredentialShape::ApiToken) | Some(CredentialShape::ApiTokenId) => "an API token",
        Some(CredentialShape::OAuthClientId) => "an OAuth client ID",
        Some(CredentialShape::OAuthClientSecret) => "an OAuth client secret",
        Some(CredentialShape::PlatformToken) => "a platform token",
        Some(CredentialShape::OtherDynatraceToken) => "a Dynatrace token",
        Some(CredentialShape::Bearer) => "a bearer token",
        Some(CredentialShape::AccountUuid) => {
            return Err(invalid(
                "This is an account UUID. Paste it into the account field; here the environment \
                 URL is needed.",
            ));
        }
        Some(CredentialShape::LegacyApiToken) | None => return Ok(()),
    };
    Err(invalid(format!(
        "This is {what}, not an environment URL. Paste it into its own field."
    )))
}

fn note_removed_parts(url: &Url, notes: &mut Vec<String>) {
    note_removed_parts_after(url, "", notes);
}

/// Adds notes for the path after `kept_prefix`, the query and the fragment that parsing drops.
fn note_removed_parts_after(url: &Url, kept_prefix: &str, notes: &mut Vec<String>) {
    let path = url.path();
    let rest = path.strip_prefix(kept_prefix).unwrap_or(path);
    let rest = rest.trim_end_matches('/');
    if !rest.is_empty() && rest != "/" {
        let what = if rest.starts_with("/api") || rest.starts_with("/platform") {
            "API path"
        } else {
            "page path"
        };
        notes.push(format!("Removed the {what} {rest}."));
    }
    if url.query().is_some() {
        notes.push("Removed the query string.".to_string());
    }
    if url.fragment().is_some() {
        notes.push("Removed the part after #.".to_string());
    }
}
