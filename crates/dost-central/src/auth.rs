//! Who may call the centre: kiosk tokens, each bound to one kiosk id, and one admin token.
//!
//! * **Kiosk tokens** (`--kiosk-token KIOSK_ID=TOKEN`, `--tokens-file`): a `/v1` request acts
//!   as the kiosk its token belongs to. It may send that kiosk's heartbeat, pull that kiosk's
//!   configuration and submit applications and ratings that name that kiosk, nothing else
//!   (403 otherwise).
//! * **Development** (no kiosk token configured, as in the embedded kiosk demo): a token
//!   `demo-<kiosk id>` acts as that kiosk (what a kiosk without a token sends); any other
//!   non-empty token may act for every kiosk.
//! * **Admin token** (`--admin-token`): required by every `/admin` route. Without one, the
//!   `/admin` routes are open in development and closed (403) once kiosk tokens are configured.
//!
//! Tokens are kept as SHA-256 digests and compared in constant time ([`subtle`]).

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::validate::{IdError, check_id};

/// Development tokens `demo-<kiosk id>` act as that kiosk.
pub const DEMO_TOKEN_PREFIX: &str = "demo-";
/// Longest token accepted in configuration, in bytes.
pub const MAX_TOKEN_LEN: usize = 512;

/// A kiosk's bearer token and the kiosk it belongs to.
#[derive(Clone, PartialEq, Eq)]
pub struct KioskToken {
    pub kiosk_id: String,
    pub token: String,
}

impl fmt::Debug for KioskToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KioskToken")
            .field("kiosk_id", &self.kiosk_id)
            .field("token", &"<redacted>")
            .finish()
    }
}

/// A token setting that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("expected KIOSK_ID=TOKEN")]
    NotKeyValue,
    #[error("kiosk id {id:?} {source}")]
    KioskId {
        id: String,
        #[source]
        source: IdError,
    },
    #[error("the token is empty")]
    Empty,
    #[error("the token is longer than {MAX_TOKEN_LEN} bytes")]
    TooLong,
    #[error("a token may only hold A-Z a-z 0-9 - . _ ~ + / and trailing = (RFC 6750)")]
    Syntax,
    #[error("one token is given to kiosks {0} and {1}")]
    Shared(String, String),
    #[error("the admin token is also a kiosk token")]
    AdminIsKioskToken,
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}", path.display())]
    Line {
        path: PathBuf,
        line: usize,
        #[source]
        source: Box<TokenError>,
    },
}

/// Checks a token against RFC 6750's `b64token` (what fits `Authorization: Bearer`).
pub fn check_token(token: &str) -> Result<(), TokenError> {
    if token.is_empty() {
        return Err(TokenError::Empty);
    }
    if token.len() > MAX_TOKEN_LEN {
        return Err(TokenError::TooLong);
    }
    let body = token.trim_end_matches('=');
    let ok = !body.is_empty()
        && body.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
        });
    if ok { Ok(()) } else { Err(TokenError::Syntax) }
}

impl KioskToken {
    /// A checked pair.
    pub fn new(kiosk_id: &str, token: &str) -> Result<Self, TokenError> {
        check_id(kiosk_id).map_err(|source| TokenError::KioskId {
            id: kiosk_id.to_owned(),
            source,
        })?;
        check_token(token)?;
        Ok(Self {
            kiosk_id: kiosk_id.to_owned(),
            token: token.to_owned(),
        })
    }
}

impl FromStr for KioskToken {
    type Err = TokenError;

    /// `KIOSK_ID=TOKEN` (the first `=` separates: kiosk ids hold none, tokens may end in `=`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (id, token) = s.trim().split_once('=').ok_or(TokenError::NotKeyValue)?;
        Self::new(id.trim(), token.trim())
    }
}

/// Reads a tokens file: one `KIOSK_ID=TOKEN` a line; blank lines and lines starting with `#`
/// are skipped.
pub fn read_tokens_file(path: &Path) -> Result<Vec<KioskToken>, TokenError> {
    let text = std::fs::read_to_string(path).map_err(|source| TokenError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse_tokens(&text).map_err(|(line, source)| TokenError::Line {
        path: path.to_owned(),
        line,
        source: Box::new(source),
    })
}

/// Reads a secret kept in a file: its first line, trimmed.
pub fn read_secret_file(path: &Path) -> Result<String, TokenError> {
    let text = std::fs::read_to_string(path).map_err(|source| TokenError::Read {
        path: path.to_owned(),
        source,
    })?;
    let token = text.lines().next().unwrap_or("").trim().to_owned();
    check_token(&token).map_err(|source| TokenError::Line {
        path: path.to_owned(),
        line: 1,
        source: Box::new(source),
    })?;
    Ok(token)
}

/// Parses the text of a tokens file; the error names the line (from 1).
pub fn parse_tokens(text: &str) -> Result<Vec<KioskToken>, (usize, TokenError)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        out.push(line.parse().map_err(|e| (i + 1, e))?);
    }
    Ok(out)
}

type Digest32 = [u8; 32];

fn digest(token: &str) -> Digest32 {
    Sha256::digest(token.as_bytes()).into()
}

/// Who is calling a `/v1` route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// A token bound to this kiosk id.
    Kiosk(String),
    /// A development token: may act for every kiosk.
    AnyKiosk,
}

impl Caller {
    /// True when this caller may act as kiosk `kiosk_id`.
    pub fn may_act_as(&self, kiosk_id: &str) -> bool {
        match self {
            Caller::Kiosk(id) => id == kiosk_id,
            Caller::AnyKiosk => true,
        }
    }
}

/// What an `/admin` request may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminAccess {
    Granted,
    /// No token or the wrong one (401).
    Unauthorized,
    /// No admin token is configured while kiosk tokens are (403).
    Disabled,
}

/// The tokens in force.
pub struct Auth {
    kiosks: Vec<(Digest32, String)>,
    admin: Option<Digest32>,
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth")
            .field("kiosk_tokens", &self.kiosks.len())
            .field("admin_token", &self.admin.is_some())
            .finish()
    }
}

impl Auth {
    /// Checks the configuration: each token belongs to one kiosk, the admin token to none.
    pub fn new(kiosk_tokens: &[KioskToken], admin_token: Option<&str>) -> Result<Self, TokenError> {
        let mut kiosks: Vec<(Digest32, String)> = Vec::with_capacity(kiosk_tokens.len());
        for t in kiosk_tokens {
            let t = KioskToken::new(&t.kiosk_id, &t.token)?;
            let d = digest(&t.token);
            if let Some((_, other)) = kiosks.iter().find(|(seen, _)| *seen == d) {
                if *other != t.kiosk_id {
                    return Err(TokenError::Shared(other.clone(), t.kiosk_id));
                }
                continue;
            }
            kiosks.push((d, t.kiosk_id));
        }
        let admin = match admin_token {
            None => None,
            Some(t) => {
                check_token(t)?;
                let d = digest(t);
                if kiosks.iter().any(|(k, _)| *k == d) {
                    return Err(TokenError::AdminIsKioskToken);
                }
                Some(d)
            }
        };
        Ok(Self { kiosks, admin })
    }

    /// True when no kiosk token is configured.
    pub fn is_development(&self) -> bool {
        self.kiosks.is_empty()
    }

    /// True when an admin token is configured.
    pub fn has_admin_token(&self) -> bool {
        self.admin.is_some()
    }

    /// The caller a `/v1` bearer token stands for, if any.
    pub fn kiosk(&self, token: &str) -> Option<Caller> {
        if token.is_empty() {
            return None;
        }
        if self.is_development() {
            return Some(match token.strip_prefix(DEMO_TOKEN_PREFIX) {
                Some(id) if check_id(id).is_ok() => Caller::Kiosk(id.to_owned()),
                _ => Caller::AnyKiosk,
            });
        }
        let d = digest(token);
        // Every configured digest is compared, whichever matches.
        let mut found = None;
        for (k, id) in &self.kiosks {
            if bool::from(k.ct_eq(&d)) {
                found = Some(id);
            }
        }
        found.map(|id| Caller::Kiosk(id.clone()))
    }

    /// Whether an `/admin` request with this bearer token (if any) may proceed.
    pub fn admin(&self, token: Option<&str>) -> AdminAccess {
        match (&self.admin, token) {
            (None, _) if self.is_development() => AdminAccess::Granted,
            (None, _) => AdminAccess::Disabled,
            (Some(want), Some(t)) if bool::from(want.ct_eq(&digest(t))) => AdminAccess::Granted,
            (Some(_), _) => AdminAccess::Unauthorized,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kt(id: &str, t: &str) -> KioskToken {
        KioskToken::new(id, t).unwrap()
    }

    #[test]
    fn parses_kiosk_tokens() {
        let t: KioskToken = "YAS01=s3cret-Token_1".parse().unwrap();
        assert_eq!(
            (t.kiosk_id.as_str(), t.token.as_str()),
            ("YAS01", "s3cret-Token_1")
        );
        let t: KioskToken = " K-2 = abc/+def== ".parse().unwrap();
        assert_eq!(
            (t.kiosk_id.as_str(), t.token.as_str()),
            ("K-2", "abc/+def==")
        );
        assert!(matches!(
            "YAS01".parse::<KioskToken>(),
            Err(TokenError::NotKeyValue)
        ));
        assert!(matches!(
            "=tok".parse::<KioskToken>(),
            Err(TokenError::KioskId { .. })
        ));
        assert!(matches!(
            "a b=tok".parse::<KioskToken>(),
            Err(TokenError::KioskId { .. })
        ));
        assert!(matches!(
            "K1=".parse::<KioskToken>(),
            Err(TokenError::Empty)
        ));
        assert!(matches!(
            "K1=a b".parse::<KioskToken>(),
            Err(TokenError::Syntax)
        ));
        assert!(matches!(
            "K1===".parse::<KioskToken>(),
            Err(TokenError::Syntax)
        ));
        let long = format!("K1={}", "a".repeat(MAX_TOKEN_LEN + 1));
        assert!(matches!(
            long.parse::<KioskToken>(),
            Err(TokenError::TooLong)
        ));
        assert!(!format!("{:?}", kt("K1", "s3cret")).contains("s3cret"));
    }

    #[test]
    fn tokens_file_lines() {
        let v = parse_tokens("# kiosks of Yasamal\n\nYAS01=aaa\n  YAS02=bbb  \n").unwrap();
        assert_eq!(v, [kt("YAS01", "aaa"), kt("YAS02", "bbb")]);
        let (line, e) = parse_tokens("YAS01=aaa\nbroken\n").unwrap_err();
        assert_eq!(line, 2);
        assert!(matches!(e, TokenError::NotKeyValue));
    }

    #[test]
    fn kiosk_tokens_are_bound() {
        let auth = Auth::new(&[kt("K1", "t1"), kt("K2", "t2")], Some("adm")).unwrap();
        assert_eq!(auth.kiosk("t1"), Some(Caller::Kiosk("K1".into())));
        assert_eq!(auth.kiosk("t2"), Some(Caller::Kiosk("K2".into())));
        assert_eq!(auth.kiosk("t3"), None);
        assert_eq!(auth.kiosk(""), None);
        assert_eq!(
            auth.kiosk("demo-K1"),
            None,
            "no demo tokens once tokens are set"
        );
        assert_eq!(auth.kiosk("adm"), None, "the admin token is no kiosk token");
        assert!(Caller::Kiosk("K1".into()).may_act_as("K1"));
        assert!(!Caller::Kiosk("K1".into()).may_act_as("K2"));
        assert!(Caller::AnyKiosk.may_act_as("K2"));
    }

    #[test]
    fn development_tokens() {
        let auth = Auth::new(&[], None).unwrap();
        assert!(auth.is_development());
        assert_eq!(
            auth.kiosk("demo-YAS01"),
            Some(Caller::Kiosk("YAS01".into()))
        );
        assert_eq!(auth.kiosk("bench-token"), Some(Caller::AnyKiosk));
        assert_eq!(auth.kiosk("demo-a/b"), Some(Caller::AnyKiosk));
        assert_eq!(auth.kiosk(""), None);
    }

    #[test]
    fn admin_access() {
        let dev = Auth::new(&[], None).unwrap();
        assert_eq!(dev.admin(None), AdminAccess::Granted);
        let dev_locked = Auth::new(&[], Some("adm")).unwrap();
        assert_eq!(dev_locked.admin(None), AdminAccess::Unauthorized);
        assert_eq!(dev_locked.admin(Some("adm")), AdminAccess::Granted);
        let no_admin = Auth::new(&[kt("K1", "t1")], None).unwrap();
        assert_eq!(no_admin.admin(Some("t1")), AdminAccess::Disabled);
        assert_eq!(no_admin.admin(None), AdminAccess::Disabled);
        let full = Auth::new(&[kt("K1", "t1")], Some("adm")).unwrap();
        assert_eq!(full.admin(Some("adm")), AdminAccess::Granted);
        assert_eq!(full.admin(Some("t1")), AdminAccess::Unauthorized);
        assert_eq!(full.admin(Some("adm2")), AdminAccess::Unauthorized);
        assert_eq!(full.admin(None), AdminAccess::Unauthorized);
    }

    #[test]
    fn refuses_ambiguous_configuration() {
        assert!(matches!(
            Auth::new(&[kt("K1", "same"), kt("K2", "same")], None),
            Err(TokenError::Shared(..))
        ));
        assert!(matches!(
            Auth::new(&[kt("K1", "t1")], Some("t1")),
            Err(TokenError::AdminIsKioskToken)
        ));
        assert!(matches!(
            Auth::new(&[], Some("a b")),
            Err(TokenError::Syntax)
        ));
        // Two tokens for one kiosk (rotation) are fine, and so is a repeat.
        let auth = Auth::new(&[kt("K1", "old"), kt("K1", "new"), kt("K1", "new")], None).unwrap();
        assert_eq!(auth.kiosk("old"), auth.kiosk("new"));
    }
}
