//! The one rule for the central API's address, on a parsed URL: `https://` to any host, plain
//! `http://` only to this machine (a loopback IP or exactly `localhost`: the embedded or a test
//! centre), never with a user name or password in it.

use url::{Host, Url};

/// Why an address is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlRefusal {
    #[error("not a URL: {0}")]
    Parse(#[from] url::ParseError),
    #[error("the scheme must be https (plain http only to this machine)")]
    Scheme,
    #[error("plain http is only allowed to this machine (127.0.0.1, ::1 or localhost)")]
    NotLoopback,
    #[error("the address must not carry a user name or password")]
    UserInfo,
    #[error("the address has no host")]
    NoHost,
    #[error("the address has a query or fragment")]
    QueryOrFragment,
}

/// Parses and checks a central API address.
pub fn check(text: &str) -> Result<Url, UrlRefusal> {
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(UrlRefusal::Parse(url::ParseError::InvalidDomainCharacter));
    }
    let url = Url::parse(text)?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UrlRefusal::UserInfo);
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(UrlRefusal::QueryOrFragment);
    }
    let host = url.host().ok_or(UrlRefusal::NoHost)?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&host) => Ok(url),
        "http" => Err(UrlRefusal::NotLoopback),
        _ => Err(UrlRefusal::Scheme),
    }
}

/// True when `text` is an allowed central API address.
pub fn allowed(text: &str) -> bool {
    check(text).is_ok()
}

/// A loopback IP address, or exactly `localhost`.
pub fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
        Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_addresses() {
        for ok in [
            "https://api.dost.gov.az",
            "https://api.dost.gov.az:8443/kiosk",
            "http://127.0.0.1:8080",
            "http://localhost/",
            "http://[::1]:9000",
            "https://127.0.0.1:8443",
        ] {
            assert!(allowed(ok), "{ok}");
        }
    }

    #[test]
    fn refused_addresses_including_known_bypasses() {
        for (bad, why) in [
            ("http://api.dost.gov.az", UrlRefusal::NotLoopback),
            ("http://127.0.0.1:@evil.example/", UrlRefusal::UserInfo),
            ("http://localhost:x@evil.example/", UrlRefusal::UserInfo),
            ("https://user:pw@api.dost.gov.az", UrlRefusal::UserInfo),
            ("http://127.0.0.1.evil.az", UrlRefusal::NotLoopback),
            ("http://localhost.evil.az", UrlRefusal::NotLoopback),
            ("ftp://x", UrlRefusal::Scheme),
            ("https://api.dost.gov.az/?x=1", UrlRefusal::QueryOrFragment),
        ] {
            assert_eq!(check(bad).err(), Some(why), "{bad}");
        }
        for bad in ["https://", "https://exa mple.az", "api.dost.gov.az", ""] {
            assert!(!allowed(bad), "{bad}");
        }
        // https to a host that merely starts like a loopback address is https like any other.
        assert!(allowed("https://127.evil.example"));
    }
}
