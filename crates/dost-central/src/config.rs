//! Configuration: fault injection and the status timeline.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::auth::KioskToken;

/// Largest injected latency, in milliseconds.
pub const MAX_LATENCY_MS: u64 = 60_000;

/// Configuration of the reference central server.
#[derive(Clone)]
pub struct CentralConfig {
    /// SQLite database file (created if missing).
    pub db_path: PathBuf,
    /// Faults injected into `/v1` requests.
    pub faults: Faults,
    /// How applications move through their states as time passes.
    pub timeline: Timeline,
    /// Kiosk bearer tokens, each bound to one kiosk id. Empty = development: `demo-<kiosk id>`
    /// acts as that kiosk, any other non-empty token for every kiosk (see [`crate::auth`]).
    pub kiosk_tokens: Vec<KioskToken>,
    /// Bearer token of the `/admin` routes. `None`: they are open in development (no kiosk
    /// tokens) and closed (403) once kiosk tokens are configured.
    pub admin_token: Option<String>,
    /// Document served by `GET /v1/catalog` (404 when `None`).
    pub catalog_json: Option<serde_json::Value>,
    /// Trust store (CSCAs, CRLs) of the chip evidence in `POST /v1/citizens/verify`; `None`:
    /// evidence is not checked (`not_checked`).
    pub chip_trust: Option<chip_reader::TrustStore>,
    /// Citizens' names in Azerbaijani spelling by FİN, as a population register would give
    /// them (the demo's specimen card); more with `POST /admin/citizens`.
    pub citizen_names: Vec<(String, String)>,
}

impl fmt::Debug for CentralConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Tokens are secrets: only the kiosk ids are shown.
        f.debug_struct("CentralConfig")
            .field("db_path", &self.db_path)
            .field("faults", &self.faults)
            .field("timeline", &self.timeline)
            .field("kiosk_tokens", &self.kiosk_tokens)
            .field(
                "admin_token",
                &self.admin_token.as_ref().map(|_| "<redacted>"),
            )
            .field("catalog_json", &self.catalog_json.is_some())
            .field(
                "chip_trust_cscas",
                &self.chip_trust.as_ref().map(|t| t.cscas().len()),
            )
            .field("citizen_names", &self.citizen_names.len())
            .finish()
    }
}

impl CentralConfig {
    /// Defaults: no faults, [`Timeline::demo`], development tokens, no catalog.
    pub fn new(db_path: impl Into<PathBuf>) -> Self {
        Self {
            db_path: db_path.into(),
            faults: Faults::default(),
            timeline: Timeline::demo(),
            kiosk_tokens: Vec::new(),
            admin_token: None,
            catalog_json: None,
            chip_trust: None,
            citizen_names: Vec::new(),
        }
    }
}

/// Faults injected per `/v1` request (all rates are probabilities in `[0, 1]`).
///
/// Text form (for `--fault`): `latency=50,error-rate=0.2,drop=0.1,garbage=0.05`; `none` or an
/// empty string is no fault.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Added to every request, in milliseconds.
    #[serde(deserialize_with = "dost_api::int::u64")]
    pub latency_ms: u64,
    /// Answer 500 or 503 (with `Retry-After: 1`), either before or after the request was
    /// handled (so a batch may be stored although the kiosk sees an error).
    pub error_rate: f64,
    /// Close the connection without an answer, before or after the request was handled.
    pub drop_rate: f64,
    /// Answer 200 with a truncated, non-JSON body (after the request was handled).
    pub garbage_rate: f64,
}

impl Faults {
    /// True when no fault is configured.
    pub fn is_none(&self) -> bool {
        self.latency_ms == 0
            && self.error_rate <= 0.0
            && self.drop_rate <= 0.0
            && self.garbage_rate <= 0.0
    }

    /// Checks that every rate is a probability and the latency at most [`MAX_LATENCY_MS`].
    pub fn validate(&self) -> Result<(), ParseFaultsError> {
        if self.latency_ms > MAX_LATENCY_MS {
            return Err(ParseFaultsError::Latency(self.latency_ms));
        }
        for (name, v) in [
            ("error-rate", self.error_rate),
            ("drop", self.drop_rate),
            ("garbage", self.garbage_rate),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(ParseFaultsError::Range {
                    key: name.to_owned(),
                    value: v,
                });
            }
        }
        Ok(())
    }
}

/// A `--fault` specification that could not be parsed.
#[derive(Debug, thiserror::Error)]
pub enum ParseFaultsError {
    #[error("fault item {0:?} is not key=value")]
    NotKeyValue(String),
    #[error("unknown fault {0:?} (expected latency, error-rate, drop, garbage)")]
    UnknownKey(String),
    #[error("fault {key}: cannot parse {value:?}")]
    Number {
        key: String,
        value: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("fault {key}: {value} is not a probability in [0, 1]")]
    Range { key: String, value: f64 },
    #[error("fault latency: {0} ms is more than {MAX_LATENCY_MS} ms")]
    Latency(u64),
}

impl FromStr for Faults {
    type Err = ParseFaultsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut faults = Faults::default();
        let s = s.trim();
        if s.is_empty() || s.eq_ignore_ascii_case("none") {
            return Ok(faults);
        }
        for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (key, value) = item
                .split_once('=')
                .ok_or_else(|| ParseFaultsError::NotKeyValue(item.to_owned()))?;
            let key = key.trim().to_ascii_lowercase().replace('_', "-");
            let value = value.trim();
            let rate = |key: &str| -> Result<f64, ParseFaultsError> {
                value.parse::<f64>().map_err(|e| ParseFaultsError::Number {
                    key: key.to_owned(),
                    value: value.to_owned(),
                    source: Box::new(e),
                })
            };
            match key.as_str() {
                "latency" | "latency-ms" => {
                    let v = value.strip_suffix("ms").unwrap_or(value);
                    faults.latency_ms = v.parse().map_err(|e| ParseFaultsError::Number {
                        key: key.clone(),
                        value: value.to_owned(),
                        source: Box::new(e),
                    })?;
                }
                "error-rate" | "error" | "errors" => faults.error_rate = rate(&key)?,
                "drop" | "drop-rate" => faults.drop_rate = rate(&key)?,
                "garbage" | "garbage-rate" => faults.garbage_rate = rate(&key)?,
                _ => return Err(ParseFaultsError::UnknownKey(key)),
            }
        }
        faults.validate()?;
        Ok(faults)
    }
}

impl fmt::Display for Faults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "latency={},error-rate={},drop={},garbage={}",
            self.latency_ms, self.error_rate, self.drop_rate, self.garbage_rate
        )
    }
}

/// How long after `received_at` an application reaches each state on its own.
///
/// States move `submitted → received → in_review → approved | rejected` (the decision is a
/// deterministic function of the application id, about one in five rejected). A step whose
/// offset cannot be represented (e.g. `Duration::MAX`) is never reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeline {
    pub received_after: Duration,
    pub in_review_after: Duration,
    pub decided_after: Duration,
}

impl Timeline {
    /// Demo speed: received at once, in review after 20 s, decided after 60 s.
    pub fn demo() -> Self {
        Self {
            received_after: Duration::ZERO,
            in_review_after: Duration::from_secs(20),
            decided_after: Duration::from_secs(60),
        }
    }

    /// Fast (benchmarks, UI tests): received at once, in review after 2 s, decided after 5 s.
    pub fn fast() -> Self {
        Self {
            received_after: Duration::ZERO,
            in_review_after: Duration::from_secs(2),
            decided_after: Duration::from_secs(5),
        }
    }

    /// No automatic movement: applications stay `received` until an admin moves them.
    pub fn off() -> Self {
        Self {
            received_after: Duration::ZERO,
            in_review_after: Duration::MAX,
            decided_after: Duration::MAX,
        }
    }
}

impl Default for Timeline {
    fn default() -> Self {
        Self::demo()
    }
}

/// A `--timeline` that could not be parsed.
#[derive(Debug, thiserror::Error)]
#[error("timeline {0:?}: expected demo, fast, off or RECEIVED/IN_REVIEW/DECIDED like 0s/2s/500ms")]
pub struct ParseTimelineError(String);

fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if let Some(ms) = s.strip_suffix("ms") {
        return ms.trim().parse().ok().map(Duration::from_millis);
    }
    if let Some(m) = s.strip_suffix('m') {
        return m
            .trim()
            .parse::<u64>()
            .ok()
            .map(|m| Duration::from_secs(m.saturating_mul(60)));
    }
    let secs = s.strip_suffix('s').unwrap_or(s).trim();
    secs.parse::<f64>()
        .ok()
        .and_then(|v| Duration::try_from_secs_f64(v).ok())
}

impl FromStr for Timeline {
    type Err = ParseTimelineError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "demo" => return Ok(Self::demo()),
            "fast" => return Ok(Self::fast()),
            "off" => return Ok(Self::off()),
            _ => {}
        }
        let parts: Vec<_> = s.split('/').collect();
        let err = || ParseTimelineError(s.to_owned());
        if parts.len() != 3 {
            return Err(err());
        }
        Ok(Self {
            received_after: parse_duration(parts[0]).ok_or_else(err)?,
            in_review_after: parse_duration(parts[1]).ok_or_else(err)?,
            decided_after: parse_duration(parts[2]).ok_or_else(err)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fault_spec() {
        let f: Faults = "latency=50,error-rate=0.2,drop=0.1,garbage=0.05"
            .parse()
            .unwrap();
        assert_eq!(
            f,
            Faults {
                latency_ms: 50,
                error_rate: 0.2,
                drop_rate: 0.1,
                garbage_rate: 0.05
            }
        );
        let again: Faults = f.to_string().parse().unwrap();
        assert_eq!(again, f);
        assert_eq!("none".parse::<Faults>().unwrap(), Faults::default());
        assert_eq!("".parse::<Faults>().unwrap(), Faults::default());
        assert!("error-rate=1.5".parse::<Faults>().is_err());
        assert!("error-rate=x".parse::<Faults>().is_err());
        assert!("bogus=1".parse::<Faults>().is_err());
        assert!("latency".parse::<Faults>().is_err());
        assert_eq!("error_rate=1".parse::<Faults>().unwrap().error_rate, 1.0);
    }

    #[test]
    fn debug_hides_tokens() {
        let mut c = CentralConfig::new("/tmp/x.db");
        c.kiosk_tokens = vec![KioskToken::new("YAS01", "s3cret").unwrap()];
        c.admin_token = Some("adm1n".into());
        let d = format!("{c:?}");
        assert!(!d.contains("s3cret") && !d.contains("adm1n"), "{d}");
        assert!(d.contains("YAS01"), "{d}");
    }

    #[test]
    fn latency_is_bounded() {
        assert!("latency=60000".parse::<Faults>().is_ok());
        assert!(matches!(
            "latency=60001".parse::<Faults>(),
            Err(ParseFaultsError::Latency(60001))
        ));
    }

    #[test]
    fn parses_timeline() {
        assert_eq!("demo".parse::<Timeline>().unwrap(), Timeline::demo());
        assert_eq!("off".parse::<Timeline>().unwrap(), Timeline::off());
        assert_eq!(
            "0s/250ms/1.5".parse::<Timeline>().unwrap(),
            Timeline {
                received_after: Duration::ZERO,
                in_review_after: Duration::from_millis(250),
                decided_after: Duration::from_millis(1500),
            }
        );
        assert!("slow".parse::<Timeline>().is_err());
        assert!("1/2".parse::<Timeline>().is_err());
    }
}
