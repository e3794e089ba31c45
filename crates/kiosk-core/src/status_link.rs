//! What a receipt's or a ticket's QR code opens: the status page of the number, from the
//! template `central.status_url_template` of `kiosk.toml`.
//!
//! Placeholders: `{central}` (the central API's address), `{number}` (the application or
//! ticket number) and `{code}` (its lookup code, [`dost_api::lookup_code`]); the last two must
//! be there. The address follows the one URL rule ([`crate::central_url`]): `https://`, plain
//! `http://` only to this machine (the embedded demo centre).

use std::fmt;

use serde::Deserialize;

/// The template the kiosk uses when the configuration names none: the centre's own public
/// status page (`GET /status/{number}?code=`).
pub const DEFAULT_TEMPLATE: &str = "{central}/status/{number}?code={code}";

const PLACEHOLDERS: [&str; 3] = ["{central}", "{number}", "{code}"];

/// Why a template is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("the template must contain {0}")]
    Missing(&'static str),
    #[error("unknown placeholder {0} (use {{central}}, {{number}} and {{code}})")]
    Unknown(String),
    #[error("the status page's address is refused: {0}")]
    Address(#[from] crate::central_url::UrlRefusal),
    #[error("the status page's address does not parse: {0}")]
    Parse(#[from] url::ParseError),
}

/// A checked status page template.
#[derive(Clone, PartialEq, Eq)]
pub struct StatusLinkTemplate(String);

impl fmt::Debug for StatusLinkTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StatusLinkTemplate({:?})", self.0)
    }
}

impl Default for StatusLinkTemplate {
    fn default() -> Self {
        StatusLinkTemplate(DEFAULT_TEMPLATE.to_owned())
    }
}

impl StatusLinkTemplate {
    /// Checks a template: both placeholders, no unknown ones, and an allowed address once
    /// filled in (with an `https://` centre for `{central}`).
    pub fn parse(text: &str) -> Result<Self, TemplateError> {
        for p in ["{number}", "{code}"] {
            if !text.contains(p) {
                return Err(TemplateError::Missing(p));
            }
        }
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            let tail = &rest[open..];
            let close = tail.find('}').map_or(tail.len(), |c| c + 1);
            let p = &tail[..close];
            if !PLACEHOLDERS.contains(&p) {
                return Err(TemplateError::Unknown(p.to_owned()));
            }
            rest = &tail[close..];
        }
        let sample = StatusLinkTemplate(text.to_owned())
            .resolve("https://central.example")
            .url("YAS01-261124-0001", "0123456789");
        let url = url::Url::parse(&sample)?;
        // The rule of the central API's address, on the page's origin.
        crate::central_url::check(&format!("{}://{}", url.scheme(), authority(&url)))?;
        Ok(StatusLinkTemplate(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The template with `{central}` filled in (`central` without a trailing `/`).
    pub fn resolve(&self, central: &str) -> StatusLink {
        StatusLink(self.0.replace("{central}", central.trim_end_matches('/')))
    }
}

fn authority(url: &url::Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    }
}

impl<'de> Deserialize<'de> for StatusLinkTemplate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        StatusLinkTemplate::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A status page template with the centre filled in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StatusLink(String);

impl StatusLink {
    /// The page of `number` with its lookup `code`. Numbers and codes are A-Z, 0-9 and `-`;
    /// anything else is percent-encoded.
    pub fn url(&self, number: &str, code: &str) -> String {
        self.0
            .replace("{number}", &encode(number))
            .replace("{code}", &encode(code))
    }

    /// Not configured (tests): no link.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_checked_and_filled() {
        let t = StatusLinkTemplate::default().resolve("http://127.0.0.1:8080/");
        assert_eq!(
            t.url("YAS01-261124-0007", "8D1B2C5958"),
            "http://127.0.0.1:8080/status/YAS01-261124-0007?code=8D1B2C5958"
        );
        let own = StatusLinkTemplate::parse("https://dost.gov.az/s/{number}/{code}")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            own.resolve("x").url("D017", "AB"),
            "https://dost.gov.az/s/D017/AB"
        );
        assert_eq!(
            own.resolve("x").url("a b/", "c"),
            "https://dost.gov.az/s/a%20b%2F/c"
        );
        for (bad, why) in [
            ("https://dost.gov.az/s/{number}", "{code}"),
            ("https://dost.gov.az/s/{code}", "{number}"),
            ("https://dost.gov.az/{number}?c={code}&l={lang}", "{lang}"),
            ("http://dost.gov.az/{number}?c={code}", "http"),
            ("ftp://dost.gov.az/{number}?c={code}", "scheme"),
            ("{number}{code}", "parse"),
        ] {
            let e = StatusLinkTemplate::parse(bad).err();
            assert!(
                e.as_ref()
                    .is_some_and(|e| e.to_string().to_lowercase().contains(why)
                        || matches!(e, TemplateError::Parse(_) | TemplateError::Address(_))),
                "{bad}: {e:?}"
            );
        }
        assert!(StatusLinkTemplate::parse("http://localhost:9/{number}?c={code}").is_ok());
    }
}
