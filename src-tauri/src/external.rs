//! Opening documentation and account pages in the system browser, for allow-listed hosts only.

use url::Url;

use crate::error::{AppError, ErrorCode};

/// Hosts `open_external` may open. Exact matches: no subdomains, no other ports.
pub const ALLOWED_HOSTS: &[&str] = &[
    "docs.dynatrace.com",
    "myaccount.dynatrace.com",
    "community.dynatrace.com",
    "www.dynatrace.com",
];

/// Parses `input` and accepts it only as an `https` URL on an allowed host, without user info
/// or an explicit port.
pub fn allowed_url(input: &str) -> Result<Url, AppError> {
    let rejected = |reason: &str| {
        AppError::new(
            ErrorCode::InvalidInput,
            format!(
                "The app opens only https pages on {}; this link was not opened.",
                ALLOWED_HOSTS.join(", ")
            ),
        )
        .with_detail(reason.to_string())
    };

    let url = Url::parse(input.trim()).map_err(|e| rejected(&format!("not a URL: {e}")))?;
    if url.scheme() != "https" {
        return Err(rejected(&format!("scheme {} is not https", url.scheme())));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(rejected("the URL carries user info"));
    }
    if url.port().is_some() {
        return Err(rejected("the URL names a port"));
    }
    match url.host_str() {
        Some(host) if ALLOWED_HOSTS.contains(&host) => Ok(url),
        Some(host) => Err(rejected(&format!("host {host} is not allowed"))),
        None => Err(rejected("the URL has no host")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documentation_url_is_allowed() {
        let url = allowed_url("https://docs.dynatrace.com/docs/manage/access-tokens").unwrap();

        assert_eq!(url.host_str(), Some("docs.dynatrace.com"));
    }

    #[test]
    fn account_management_url_is_allowed() {
        assert!(allowed_url("https://myaccount.dynatrace.com/accounts/abc/iam").is_ok());
    }

    #[test]
    fn other_urls_are_rejected() {
        let rejected = [
            "http://docs.dynatrace.com/docs",
            "https://evil.example/docs.dynatrace.com",
            "https://docs.dynatrace.com.evil.example/",
            "https://abc123.apps.dynatrace.com/ui",
            "https://user@docs.dynatrace.com/",
            "https://docs.dynatrace.com:8443/",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "docs.dynatrace.com",
        ];
        for input in rejected {
            let error = allowed_url(input).unwrap_err();
            assert_eq!(error.code, ErrorCode::InvalidInput, "{input}");
        }
    }
}
