//! `[card_reader]`: the model's defaults, keys over them, the kinds and their checks.

use super::*;
use card_reader::{Framing, Parity, ReaderModel};

/// The printer's kind and port in the shipped configuration, with their comments.
pub(crate) const PRINTER_DEVICE: &str = "[printer]\n\
# simulated (demo), serial, or usblp (a USB printer through the kernel's usblp device file;\n\
# its status is read back through the file).\n\
kind = \"simulated\"\n\
# The ESC/POS printer: serial, its port (/dev/ttyUSB0); usblp, its device file (/dev/usb/lp0,\n\
# or /dev/dost-printer with the udev rules of config/udev/).\n\
port = \"\"";

/// The shipped configuration with its `[card_reader]` table replaced by `table`.
pub(crate) fn with_reader(table: &str) -> String {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("config/kiosk.toml"))
            .unwrap_or_default();
    let start = text.find("[card_reader]").unwrap_or(0);
    let end = start + text[start..].find("[printer]").unwrap_or(0);
    format!(
        "{}[card_reader]\n{table}\n\n{}",
        &text[..start],
        &text[end..]
    )
}

fn parse(table: &str) -> Result<KioskConfig, ConfigError> {
    KioskConfig::parse(&with_reader(table), Path::new("k.toml"))
}

fn ok(table: &str) -> ReaderSettings {
    match parse(table) {
        Ok(c) => c.card_reader.effective(),
        Err(e) => panic!("{table}: {e}"),
    }
}

/// The problems of a refused table, as (key, line, reason).
fn refused(table: &str) -> Vec<(String, Option<usize>, String)> {
    match parse(table) {
        Ok(_) => panic!("accepted: {table}"),
        Err(e) => e
            .problems()
            .iter()
            .map(|p| (p.key.clone(), p.line, p.reason.clone()))
            .collect(),
    }
}

#[test]
fn a_model_brings_its_framing_and_line() {
    for model in ReaderModel::ALL {
        let r = ok(&format!(
            "model = \"{model}\"\nkind = \"simulated\"\nport = \"\""
        ));
        let d = model.defaults();
        assert_eq!(r.model, model);
        assert_eq!(r.framing, d.framing, "{model}");
        assert_eq!(
            (r.baud, r.data_bits, r.parity, r.stop_bits),
            (d.baud, d.data_bits, d.parity, d.stop_bits),
            "{model}"
        );
    }
    let r = ok("model = \"access-is-ocr31x\"\nkind = \"serial\"\nport = \"/dev/ttyS0\"");
    assert_eq!(r.framing, Framing::AccessIs);
    assert_eq!(r.line_label(), "9600 8N1");
    let s = r.serial("/dev/ttyS0");
    assert_eq!((s.framing, s.baud), (Framing::AccessIs, 9600));
}

#[test]
fn keys_written_override_the_model() {
    let r = ok(
        "model = \"thales-3m-rte\"\nkind = \"serial\"\nport = \"/dev/ttyS0\"\n\
                baud = 19200\nparity = \"even\"\ndata_bits = 7",
    );
    assert_eq!(r.framing, Framing::ThreeM, "not written: the model's");
    assert_eq!(
        (r.baud, r.data_bits, r.parity, r.stop_bits),
        (19200, 7, Parity::Even, 1)
    );
    assert_eq!(r.line_label(), "19200 7E1");
    let r = ok(
        "model = \"desko-penta\"\nkind = \"serial\"\nport = \"/dev/ttyS0\"\n\
                framing = \"access-is\"",
    );
    assert_eq!(r.framing, Framing::AccessIs);
}

#[test]
fn a_file_without_a_model_reads_as_before() {
    let r = ok("kind = \"serial\"\nport = \"/dev/ttyS0\"\nbaud = 4800\nframing = \"3m\"");
    assert_eq!(r.model, ReaderModel::GenericPlain);
    assert_eq!((r.baud, r.framing), (4800, Framing::ThreeM));
    let r = ok("kind = \"serial\"\nport = \"/dev/ttyS0\"");
    assert_eq!((r.baud, r.data_bits, r.framing), (9600, 8, Framing::Plain));
}

#[test]
fn an_unknown_model_is_named_with_its_line() {
    let problems = refused("model = \"cr5400\"\nkind = \"serial\"\nport = \"/dev/ttyS0\"");
    assert_eq!(problems.len(), 1, "{problems:?}");
    let (key, line, reason) = &problems[0];
    assert_eq!(key, "card_reader.model");
    let text = with_reader("model = \"cr5400\"");
    let expected = text
        .lines()
        .position(|l| l.contains("cr5400"))
        .map(|i| i + 1);
    assert_eq!(*line, expected);
    assert!(reason.contains("cr5400"), "{reason}");
}

#[test]
fn the_kind_is_required_unless_the_model_is_a_keyboard() {
    let problems = refused("model = \"desko-penta\"\nport = \"/dev/ttyS0\"");
    assert!(
        problems.iter().any(|(_, _, why)| why.contains("kind")),
        "{problems:?}"
    );
    let r = ok("model = \"keyboard-wedge\"\nport = \"/dev/input/by-id/usb-x-event-kbd\"");
    assert_eq!((r.kind, r.framing), (DeviceKind::Wedge, Framing::Plain));
    assert_eq!(r.line_label(), "keyboard (evdev grab)");
}

#[test]
fn wedge_readers_are_checked() {
    let keys = |t: &str| -> Vec<String> { refused(t).into_iter().map(|p| p.0).collect() };
    assert_eq!(keys("kind = \"wedge\""), ["card_reader.port"]);
    assert_eq!(
        keys("kind = \"wedge\"\nport = \"/dev/input/event3\"\nframing = \"3m\""),
        ["card_reader.framing"]
    );
    assert_eq!(
        keys("model = \"keyboard-wedge\"\nkind = \"serial\"\nport = \"/dev/ttyS0\""),
        ["card_reader.kind"]
    );
    // A serial model read through a wedge still types plain lines: allowed with plain framing.
    let r = ok("model = \"generic-plain\"\nkind = \"wedge\"\nport = \"/dev/input/event3\"");
    assert_eq!(r.kind, DeviceKind::Wedge);
}

#[test]
fn written_line_values_are_range_checked_model_values_are_not() {
    let problems = refused("kind = \"serial\"\nport = \"/dev/ttyS0\"\nbaud = 0\nstop_bits = 3");
    let keys: Vec<&str> = problems.iter().map(|p| p.0.as_str()).collect();
    assert_eq!(keys, ["card_reader.baud", "card_reader.stop_bits"]);
    // The keyboard model's baud is 0 (no line): not a problem, it was not written.
    ok("model = \"keyboard-wedge\"\nport = \"/dev/input/event3\"");
}

#[test]
fn a_printer_is_never_a_wedge() {
    let text = with_reader("kind = \"simulated\"").replacen(
        PRINTER_DEVICE,
        "[printer]\nkind = \"wedge\"\nport = \"\"",
        1,
    );
    assert!(text.contains("kind = \"wedge\""));
    let problems = match KioskConfig::parse(&text, Path::new("k.toml")) {
        Ok(_) => panic!("a wedge printer was accepted"),
        Err(e) => e.problems().to_vec(),
    };
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].key, "printer.kind");
    // Nor is a reader a usblp device.
    let problems = refused("kind = \"usblp\"\nport = \"/dev/usb/lp0\"");
    assert_eq!(problems[0].0, "card_reader.kind", "{problems:?}");
}

#[test]
fn a_usblp_printer_needs_its_device_file() {
    let usblp = |port: &str| {
        with_reader("kind = \"simulated\"").replacen(
            PRINTER_DEVICE,
            &format!("[printer]\nkind = \"usblp\"\nport = \"{port}\""),
            1,
        )
    };
    let cfg = KioskConfig::parse(&usblp("/dev/usb/lp0"), Path::new("k.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (cfg.printer.kind, cfg.printer.port.as_str()),
        (PrinterKind::Usblp, "/dev/usb/lp0")
    );
    let keys: Vec<String> = match KioskConfig::parse(&usblp(""), Path::new("k.toml")) {
        Ok(_) => panic!("a usblp printer without a device was accepted"),
        Err(e) => e.problems().iter().map(|p| p.key.clone()).collect(),
    };
    assert_eq!(keys, ["printer.port"]);
}

#[test]
fn desko_delimiters_are_read_as_bytes_and_checked() {
    let base = "model = \"desko-penta\"\nkind = \"serial\"\nport = \"/dev/ttyS0\"\n\n[card_reader.desko]\n";
    let r = ok(&format!("{base}ocr = [0x10, 0x11]\nmsr = [0x80, 0xFF]"));
    assert_eq!((r.desko.ocr.open, r.desko.ocr.close), (0x10, 0x11));
    assert_eq!((r.desko.msr.open, r.desko.msr.close), (0x80, 0xFF));
    assert_eq!(
        r.desko.barcode,
        card_reader::framing::ChannelDelimiters::ACCESS_IS.barcode,
        "a channel not given keeps the Access-IS bytes"
    );
    assert_eq!(r.options().desko, r.desko);
    // Without the table: the Access-IS values.
    let r = ok("model = \"desko-penta\"\nkind = \"serial\"\nport = \"/dev/ttyS0\"");
    assert_eq!(r.desko, card_reader::framing::ChannelDelimiters::ACCESS_IS);
    for (value, why) in [
        ("ocr = [0x0D, 0x11]", "frame itself"),
        ("ocr = [0x10, 0x0A]", "frame itself"),
        ("ocr = [0x02, 0x11]", "frame itself"),
        ("ocr = [0x3C, 0x11]", "printable"),
        ("ocr = [0x10, 0x41]", "printable"),
        ("ocr = [0x10, 0x10]", "used twice"),
        ("ocr = [0x0E, 0x11]", "used twice"),
        ("ocr = [0x10, 256]", "not a byte"),
        ("ocr = [-1, 0x11]", "not a byte"),
    ] {
        let text = format!("{base}{value}");
        let problems = refused(&text);
        assert_eq!(problems.len(), 1, "{value}: {problems:?}");
        let (key, line, reason) = &problems[0];
        assert_eq!(key, "card_reader.desko", "{value}");
        assert!(line.is_some(), "{value}: no line");
        assert!(
            reason.contains(why) && reason.starts_with("ocr:"),
            "{value}: {reason}"
        );
    }
    // Not a pair, or a key the table does not have: named by the parser.
    for value in ["ocr = [0x10]", "ocr = 16", "sod = [0x10, 0x11]"] {
        let problems = refused(&format!("{base}{value}"));
        assert!(
            problems
                .iter()
                .any(|p| p.0.starts_with("card_reader.desko")),
            "{value}: {problems:?}"
        );
    }
}
