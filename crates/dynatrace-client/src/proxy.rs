//! Detection of the proxy that environment variables select for a host, for connection reports.

use hyper_util::client::proxy::matcher::Matcher;
use url::Url;

/// Returns a sentence naming the proxy that the environment variables (`HTTPS_PROXY`,
/// `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY` and their lower-case forms) select for `target`, or
/// `None` when the request goes direct.
///
/// It uses the matcher reqwest 0.13 itself uses, so the result follows the same rules. Proxies
/// configured only in macOS or Windows system settings are not reported.
pub(crate) fn proxy_warning(target: &Url) -> Option<String> {
    proxy_warning_with(&Matcher::from_env(), target)
}

pub(crate) fn proxy_warning_with(matcher: &Matcher, target: &Url) -> Option<String> {
    let uri: http::Uri = target.as_str().parse().ok()?;
    let intercept = matcher.intercept(&uri)?;
    let proxy = intercept.uri();
    // The proxy URI may contain a user name and password: name only its host and port.
    let proxy_host = match (proxy.host(), proxy.port_u16()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_string(),
        _ => "an unnamed proxy".to_string(),
    };
    let host = target.host_str().unwrap_or("the server");
    Some(format!(
        "Requests to {host} go through the proxy {proxy_host} set in the environment \
         (HTTPS_PROXY, HTTP_PROXY or ALL_PROXY). If connections fail, check the proxy or add \
         the host to NO_PROXY."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_is_named_without_credentials() {
        let matcher = Matcher::builder()
            .https("http://user:pa55word@proxy.corp.example:3128")
            .build();
        let target = Url::parse("https://abc12345.apps.dynatrace.com/").unwrap();
        let warning = proxy_warning_with(&matcher, &target).unwrap();
        assert!(warning.contains("proxy.corp.example:3128"));
        assert!(!warning.contains("pa55word"));
    }

    #[test]
    fn no_proxy_host_goes_direct() {
        let matcher = Matcher::builder()
            .https("http://proxy.corp.example:3128")
            .no("dynatrace.com")
            .build();
        let target = Url::parse("https://abc12345.apps.dynatrace.com/").unwrap();
        assert_eq!(proxy_warning_with(&matcher, &target), None);
    }
}
