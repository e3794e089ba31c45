//! Chip authentication at the edge: the chip reader's owner thread ([`worker`]), one whole
//! read and what it means for the core ([`read`]), which PC/SC readers are used
//! ([`select`]), and the trust store the configuration names. The policy is the core's
//! ([`kiosk_core::chip`]); the protocol is the `chip-reader` driver's.

pub mod connect;
pub mod read;
pub mod select;
pub mod worker;

use std::path::PathBuf;
use std::time::Duration;

use chip_reader::TrustStore;
use chip_reader::reader::AccessPreference;
use chip_reader::trust::TrustError;

use crate::config::KioskConfig;
use crate::config::chip::{ChipAccess, ChipKind};
use read::ReadSettings;
use worker::{ChipSettings, Source};

/// Why chip authentication cannot start.
#[derive(Debug, thiserror::Error)]
pub enum ChipStartError {
    #[error("chip trust store: {0}")]
    Trust(#[from] TrustError),
    #[error(
        "chip trust store {0}: holds the demo CSCA (NOT FOR PRODUCTION) while kiosk.demo is false"
    )]
    DemoRootInProduction(PathBuf),
    #[error("the demo CSCA cannot be made: {0}")]
    DemoRoot(String),
    #[error("cannot start the chip thread: {0}")]
    Thread(#[source] std::io::Error),
}

/// The trust store `cfg` names: every folder or file of `chip.trust`, merged. Outside demo
/// mode a store holding the demo root is refused.
pub fn load_trust(cfg: &KioskConfig) -> Result<TrustStore, ChipStartError> {
    let demo =
        chip_reader::sim::demo::demo_csca().map_err(|e| ChipStartError::DemoRoot(e.to_string()))?;
    let mut store = TrustStore::new();
    for p in &cfg.chip.trust {
        let path = cfg.resolve(p);
        let part = TrustStore::load(&path)?;
        if !cfg.kiosk.demo && part.cscas().contains(&demo) {
            return Err(ChipStartError::DemoRootInProduction(path));
        }
        store.merge(part);
    }
    Ok(store)
}

/// How reads go, from the configuration.
pub fn read_settings(cfg: &KioskConfig) -> ReadSettings {
    ReadSettings {
        access: match cfg.chip.access {
            ChipAccess::Auto => AccessPreference::Auto,
            ChipAccess::BacOnly => AccessPreference::BacOnly,
        },
        max_read_chunk: cfg.chip.max_read_chunk as usize,
    }
}

/// Everything the chip worker needs, from the configuration (the trust store loaded).
pub fn settings(cfg: &KioskConfig) -> Result<ChipSettings, ChipStartError> {
    let c = &cfg.chip;
    Ok(ChipSettings {
        source: match c.kind {
            ChipKind::Simulated => Source::Simulated,
            ChipKind::Pcsc => Source::Pcsc {
                reader: c.reader_name().map(str::to_owned),
                interface: c.interface,
                card_wait: Duration::from_secs(u64::from(c.card_wait_s)),
            },
        },
        read: read_settings(cfg),
        trust: load_trust(cfg)?,
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn demo() -> KioskConfig {
        let text = include_str!("../../config/kiosk.toml");
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/kiosk.toml");
        KioskConfig::parse(text, &path).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_demo_root_is_refused_outside_demo_mode() {
        let mut cfg = demo();
        let store = load_trust(&cfg).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(store.cscas().len(), 1);
        cfg.kiosk.demo = false;
        assert!(matches!(
            load_trust(&cfg),
            Err(ChipStartError::DemoRootInProduction(_))
        ));
        cfg.chip.trust = vec!["trust/az".into()];
        let az = load_trust(&cfg).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(az.cscas().len(), 3, "the three AZ-CSCA certificates");
        cfg.chip.trust = vec!["trust/nowhere".into()];
        assert!(matches!(load_trust(&cfg), Err(ChipStartError::Trust(_))));
    }
}
