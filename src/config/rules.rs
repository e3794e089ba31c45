//! The configuration's checks: one set of ranges and character rules
//! ([`kiosk_core::limits`]) for every setting, used when a file is read (`config check`, the
//! kiosk's start, `config set`, the technician's form, which all write then re-read the file)
//! and when the centre's remote settings are applied.

use std::path::Path;

use kiosk_core::limits::{self, in_range};
use kiosk_core::problem::{Problem, Seg, Spans};

use super::{CentralMode, CentralSection, KioskConfig, PrinterKind};

impl KioskConfig {
    /// Everything wrong with the values; lines from `spans` when the text is at hand.
    pub(super) fn problems(&self, spans: Option<&Spans>) -> Vec<Problem> {
        let mut out = Vec::new();
        let mut add = |section: &str, key: &str, reason: &str| {
            out.push(Problem {
                line: spans.and_then(|s| s.line(&[Seg::Key(section), Seg::Key(key)])),
                key: format!("{section}.{key}"),
                reason: reason.to_owned(),
            })
        };
        for (section, key, range) in self.ranges() {
            if let Err(why) = range {
                add(section, key, &why);
            }
        }
        let (k, s, p, c) = (&self.kiosk, &self.session, &self.printer, &self.central);
        for (section, key, text, max) in self.texts() {
            if let Err(e) = limits::one_line(text, max) {
                add(section, key, &e.to_string());
            }
        }
        if !kiosk_core::settings::is_kiosk_id(&k.id) {
            add("kiosk", "id", "1 to 64 characters, A-Z, 0-9, `-` and `_`");
        }
        if !dost_api::is_kiosk_code(&k.code) {
            add("kiosk", "code", "2 to 8 characters, A-Z and 0-9");
        }
        if let Err(e) = limits::center_name(&k.center_name) {
            add("kiosk", "center_name", &e.to_string());
        }
        if s.countdown_s < super::MIN_COUNTDOWN_S || s.countdown_s >= s.idle_timeout_s {
            add(
                "session",
                "countdown_s",
                "at least 20 seconds (time to answer the warning) and less than idle_timeout_s",
            );
        }
        if s.accept.is_empty() {
            add("session", "accept", "accept at least one document type");
        }
        if s.accept
            .iter()
            .enumerate()
            .any(|(i, d)| s.accept[..i].contains(d))
        {
            add("session", "accept", "a document type is named twice");
        }
        for (key, why) in self.card_reader.problems() {
            add("card_reader", key, &why);
        }
        match p.kind {
            PrinterKind::Serial if p.port.is_empty() => {
                add("printer", "port", "a serial printer needs a port");
            }
            PrinterKind::Usblp if p.port.is_empty() => add(
                "printer",
                "port",
                "a usblp printer needs its device file, e.g. /dev/usb/lp0 or /dev/dost-printer",
            ),
            _ => {}
        }
        if let Some(why) = embedded_refusal(c.mode, cfg!(feature = "embedded-central")) {
            add("central", "mode", why);
        }
        if c.mode == CentralMode::Remote {
            if c.url.trim().is_empty() {
                add(
                    "central",
                    "url",
                    "missing: the central API's address, e.g. https://api.example.az",
                );
            } else if let Err(e) = kiosk_core::central_url::check(&c.url) {
                add("central", "url", &e.to_string());
            }
            if c.token.is_empty() && c.token_file.is_none() && c.token_credential.is_none() {
                add(
                    "central",
                    "token",
                    "a remote centre needs token_credential, token_file or token",
                );
            }
        }
        if !c.token.is_empty()
            && let Err(e) = limits::token(&c.token)
        {
            add("central", "token", &e.to_string());
        }
        if let Some(name) = &c.token_credential
            && !is_credential_name(name)
        {
            add(
                "central",
                "token_credential",
                "a credential name: 1 to 64 of a-z, A-Z, 0-9, `-`, `_` and `.`",
            );
        }
        for (key, why) in retry_problems(c) {
            add("central", key, why);
        }
        for (key, hash) in [
            ("technician_pin_hash", &self.service.technician_pin_hash),
            ("staff_pin_hash", &self.service.staff_pin_hash),
        ] {
            if !hash.is_empty()
                && let Err(e) = super::pin::check_hash(hash)
            {
                add("service", key, &e.to_string());
            }
        }
        out.extend(self.chip.problems(spans));
        out.extend(super::access::problems(&self.keypad, &self.speech, spans));
        out
    }

    /// Every numeric setting against its range.
    fn ranges(&self) -> Vec<(&'static str, &'static str, Result<(), String>)> {
        let (k, s, r, p, c) = (
            &self.kiosk,
            &self.session,
            &self.card_reader,
            &self.printer,
            &self.central,
        );
        vec![
            (
                "kiosk",
                "purge_after_days",
                in_range(k.purge_after_days, &limits::PURGE_AFTER_DAYS),
            ),
            (
                "session",
                "idle_timeout_s",
                in_range(s.idle_timeout_s, &limits::IDLE_TIMEOUT_S),
            ),
            (
                "session",
                "tap_guard_ms",
                in_range(s.tap_guard_ms, &(0..=super::MAX_TAP_GUARD_MS)),
            ),
            (
                "session",
                "card_error_s",
                in_range(s.card_error_s, &limits::CARD_ERROR_S),
            ),
            // Keys written in the file; a model's own defaults are valid.
            ("card_reader", "baud", written(r.baud, &limits::BAUD)),
            ("card_reader", "data_bits", written(r.data_bits, &(5..=8))),
            ("card_reader", "stop_bits", written(r.stop_bits, &(1..=2))),
            ("printer", "baud", in_range(p.baud, &limits::BAUD)),
            (
                "printer",
                "roll_length_mm",
                in_range(p.roll_length_mm, &limits::ROLL_LENGTH_MM),
            ),
            (
                "printer",
                "low_paper_receipts",
                in_range(p.low_paper_receipts, &limits::LOW_PAPER_RECEIPTS),
            ),
            (
                "printer",
                "status_poll_s",
                in_range(p.status_poll_s, &limits::STATUS_POLL_S),
            ),
            (
                "printer",
                "retract_after_s",
                in_range(p.retract_after_s, &limits::RETRACT_AFTER_S),
            ),
            (
                "central",
                "request_timeout_s",
                in_range(c.request_timeout_s, &limits::REQUEST_TIMEOUT_S),
            ),
            (
                "central",
                "batch_size",
                in_range(c.batch_size, &limits::BATCH_SIZE),
            ),
            (
                "central",
                "retry_base_ms",
                in_range(c.retry_base_ms, &limits::RETRY_BASE_MS),
            ),
            (
                "central",
                "retry_cap_s",
                in_range(c.retry_cap_s, &limits::RETRY_CAP_S),
            ),
            (
                "central",
                "heartbeat_s",
                in_range(c.heartbeat_s, &limits::HEARTBEAT_S),
            ),
            (
                "central",
                "status_refresh_s",
                in_range(c.status_refresh_s, &limits::STATUS_REFRESH_S),
            ),
            (
                "service",
                "idle_close_s",
                in_range(self.service.idle_close_s, &limits::SERVICE_IDLE_CLOSE_S),
            ),
        ]
    }

    /// The one-line texts of the configuration and their longest lengths.
    fn texts(&self) -> [(&'static str, &'static str, &str, usize); 7] {
        fn path(p: &Path) -> &str {
            // A path that is not UTF-8 is refused as if it held a control character.
            p.to_str().unwrap_or("\u{0}")
        }
        let token_file = self.central.token_file.as_deref().map_or("", path);
        [
            (
                "kiosk",
                "data_dir",
                path(&self.kiosk.data_dir),
                limits::PATH_CHARS,
            ),
            (
                "kiosk",
                "catalog",
                path(&self.kiosk.catalog),
                limits::PATH_CHARS,
            ),
            (
                "card_reader",
                "port",
                &self.card_reader.port,
                limits::PORT_CHARS,
            ),
            ("printer", "port", &self.printer.port, limits::PORT_CHARS),
            ("printer", "model", &self.printer.model, limits::MODEL_CHARS),
            ("central", "url", &self.central.url, limits::URL_CHARS),
            ("central", "token_file", token_file, limits::PATH_CHARS),
        ]
    }
}

/// A key written in the file against its range; an absent key is the model's default.
fn written<T: PartialOrd + std::fmt::Display + Copy>(
    v: Option<T>,
    range: &std::ops::RangeInclusive<T>,
) -> Result<(), String> {
    v.map_or(Ok(()), |v| in_range(v, range))
}

/// A systemd credential name as the configuration may give it.
fn is_credential_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The embedded reference centre is a demo feature: a production build (without the
/// `embedded-central` feature, as packaged) refuses a configuration that asks for it.
fn embedded_refusal(mode: CentralMode, built_with_it: bool) -> Option<&'static str> {
    (mode == CentralMode::Embedded && !built_with_it).then_some(
        "this build has no embedded reference centre (a demo feature): set mode = \"remote\" \
         and the centre's url",
    )
}

/// The retry schedule's keys against each other (their ranges are checked with the others).
fn retry_problems(c: &CentralSection) -> Vec<(&'static str, &'static str)> {
    let cap_ms = u64::from(c.retry_cap_s) * 1000;
    let mut out = Vec::new();
    if limits::RETRY_BASE_MS.contains(&c.retry_base_ms) && u64::from(c.retry_base_ms) > cap_ms {
        out.push(("retry_base_ms", "at most retry_cap_s"));
    }
    if c.retry_slot_ms
        .is_some_and(|slot| u64::from(slot) >= cap_ms)
    {
        out.push((
            "retry_slot_ms",
            "below retry_cap_s (a place in the cap's period, in ms)",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_production_build_refuses_the_embedded_centre() {
        assert!(embedded_refusal(CentralMode::Embedded, false).is_some());
        assert_eq!(embedded_refusal(CentralMode::Embedded, true), None);
        assert_eq!(embedded_refusal(CentralMode::Remote, false), None);
    }
}
