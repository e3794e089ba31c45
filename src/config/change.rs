//! The one decision every configuration change goes through — the file edited by hand, the
//! centre's remote settings, the technician's settings form: what applies at once, and which
//! sections wait for the core to restart.

use kiosk_core::settings::Section;

use super::KioskConfig;

/// What a new configuration means for the running kiosk.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigChange {
    /// The running configuration with the parts that apply at once taken from the new one
    /// (session, service mode, the centre's name).
    pub live: KioskConfig,
    /// Sections that differ but only apply when the core starts again (devices, the centre
    /// link, identity and storage).
    pub restart: Vec<Section>,
}

impl ConfigChange {
    /// Nothing waits for a restart.
    pub fn is_live(&self) -> bool {
        self.restart.is_empty()
    }
}

/// Compares the running configuration with a new one.
pub fn decide(running: &KioskConfig, new: &KioskConfig) -> ConfigChange {
    let mut live = running.clone();
    live.session = new.session.clone();
    live.service = new.service.clone();
    live.kiosk.center_name = new.kiosk.center_name.clone();
    live.kiosk.location = new.kiosk.location.clone();
    let mut restart = Vec::new();
    let identity = |c: &KioskConfig| {
        let mut k = c.kiosk.clone();
        k.center_name.clear();
        k.location.clear();
        k
    };
    if identity(running) != identity(new) {
        restart.push(Section::Kiosk);
    }
    // The reader as it runs: a key written out with the model's own value changes nothing.
    if running.card_reader.effective() != new.card_reader.effective() {
        restart.push(Section::CardReader);
    }
    if running.printer != new.printer {
        restart.push(Section::Printer);
    }
    if running.central != new.central {
        restart.push(Section::Central);
    }
    if running.chip != new.chip {
        restart.push(Section::Chip);
    }
    ConfigChange { live, restart }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const DEMO: &str = include_str!("../../config/kiosk.toml");

    fn parse(text: &str) -> KioskConfig {
        KioskConfig::parse(text, Path::new("config/kiosk.toml")).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn session_and_name_apply_at_once_devices_wait() {
        let running = parse(DEMO);
        let edited = parse(
            &DEMO
                .replacen("idle_timeout_s = 45", "idle_timeout_s = 90", 1)
                .replacen("baud = 38400", "baud = 19200", 1)
                .replacen(
                    "center_name = \"DOST Yasamal\"",
                    "center_name = \"DOST Xətai\"",
                    1,
                ),
        );
        let change = decide(&running, &edited);
        assert_eq!(change.live.session.idle_timeout_s, 90);
        assert_eq!(change.live.kiosk.center_name, "DOST Xətai");
        assert_eq!(
            change.live.printer.baud, 38400,
            "devices stay until a restart"
        );
        assert_eq!(change.restart, vec![Section::Printer]);
        assert!(!change.is_live());
    }

    #[test]
    fn identity_reader_and_centre_need_a_restart() {
        let running = parse(DEMO);
        let edited = parse(
            &DEMO
                .replacen("code = \"YAS01\"", "code = \"YAS02\"", 1)
                .replacen("framing = \"plain\"", "framing = \"3m\"", 1)
                .replacen("request_timeout_s = 10", "request_timeout_s = 20", 1),
        );
        let change = decide(&running, &edited);
        assert_eq!(
            change.restart,
            vec![Section::Kiosk, Section::CardReader, Section::Central]
        );
        assert_eq!(change.live.kiosk.code, "YAS01");
        assert!(decide(&running, &running).is_live());
    }

    #[test]
    fn the_reader_model_counts_by_what_it_changes() {
        let running = parse(DEMO);
        // Leaving out keys that hold the model's own values changes nothing.
        let same = parse(
            &DEMO
                .replacen("model = \"generic-plain\"\n", "", 1)
                .replacen("baud = 9600\n", "", 1)
                .replacen("framing = \"plain\"\n", "", 1),
        );
        assert_ne!(same.card_reader, running.card_reader);
        assert!(decide(&running, &same).is_live());
        // A model whose framing differs, with the framing key gone: the reader restarts.
        let other = parse(
            &DEMO
                .replacen("\"generic-plain\"", "\"thales-3m-rte\"", 1)
                .replacen("framing = \"plain\"\n", "", 1),
        );
        assert_eq!(
            other.card_reader.effective().framing,
            card_reader::Framing::ThreeM
        );
        assert_eq!(decide(&running, &other).restart, vec![Section::CardReader]);
    }
}
