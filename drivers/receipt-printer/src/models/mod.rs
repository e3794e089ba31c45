//! Printer models: code page numbers, widths and features per model, from the
//! ecosystem's printer database (escpos-printer-db, [`db`]) plus kiosk printers it does
//! not list. Selected by `printer.model`; an unknown name gets [`PrinterModel::safe`].

use std::sync::OnceLock;

pub mod db;

/// How a model selects a code page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodePageCommand {
    /// `ESC t n` (Epson and most ESC/POS printers).
    EscT,
    /// `ESC GS t n` (Star printers in ESC/POS emulation).
    StarEscGsT,
}

/// How a model reports its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFormat {
    /// `DLE EOT 1..4`, one byte each. `paper_end` are the paper-end bits of the
    /// `DLE EOT 4` reply (Epson 0x60); `presenter` the "paper in presenter" bit there.
    DleEot {
        paper_end: u8,
        presenter: Option<u8>,
    },
    /// Custom's full status `DLE EOT 20`: `10 0F paper user recoverable unrecoverable`.
    CustomFull,
}

/// A kiosk presenter (the receipt is held in the mouth until taken or retracted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresenterKind {
    /// Custom: `FS P steps blink 'R' timeout` cuts, presents and retracts by itself
    /// after the timeout.
    CustomFsP,
    /// Ejector command family `GS e`: `GS e 3 m` presents, `GS e 2` retracts
    /// (Citizen PPU-700 and other ejector printers).
    GsE,
}

/// Where a model's data come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelSource {
    /// escpos-printer-db.
    Database,
    /// Added by this driver (see [`PrinterModel::note`]).
    Kiosk,
    /// The fallback for unknown names.
    Fallback,
}

/// Whether the driver can print on a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    Supported,
    /// Not ESC/POS, or no usable command set: the reason.
    Unsupported(&'static str),
}

/// Everything the encoder and the printer session need to know about a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrinterModel {
    pub id: &'static str,
    pub vendor: &'static str,
    pub name: &'static str,
    pub source: ModelSource,
    /// Code page number of CP857; `None`: lines with Turkish letters are rasterised.
    pub pc857: Option<u8>,
    /// Code page number of CP866; `None`: Cyrillic lines are rasterised.
    pub pc866: Option<u8>,
    pub code_page_command: CodePageCommand,
    pub width_dots: Option<u32>,
    pub font_a_columns: Option<u8>,
    /// `GS ( k` QR codes; otherwise the QR code is printed as a raster image.
    pub qr: bool,
    /// `GS V 66 n`; otherwise a full cut `GS V 65 n`.
    pub partial_cut: bool,
    /// `ESC &` / `ESC %` user-defined characters for ə/Ə; otherwise raster lines.
    pub user_defined_chars: bool,
    /// `GS a n` automatic status back.
    pub auto_status_back: bool,
    pub status: StatusFormat,
    pub presenter: Option<PresenterKind>,
    pub support: Support,
    /// Where the kiosk-specific facts come from, and what is not known.
    pub note: &'static str,
}

const EPSON_STATUS: StatusFormat = StatusFormat::DleEot {
    paper_end: 0x60,
    presenter: None,
};

/// Vendors whose printers take `ESC &` user-defined characters of the Epson form.
const UDC_VENDORS: [&str; 4] = ["Epson", "Seiko", "Citizen", "Bixolon"];

fn from_db(p: &db::DbProfile) -> PrinterModel {
    let epson = p.vendor == "Epson";
    PrinterModel {
        id: p.id,
        vendor: p.vendor,
        name: p.name,
        source: ModelSource::Database,
        pc857: p.pc857,
        pc866: p.pc866,
        code_page_command: if p.star_commands {
            CodePageCommand::StarEscGsT
        } else {
            CodePageCommand::EscT
        },
        width_dots: p.width_dots,
        font_a_columns: p.font_a_columns,
        qr: p.qr,
        partial_cut: p.partial_cut,
        user_defined_chars: p.id == "default" || UDC_VENDORS.contains(&p.vendor),
        auto_status_back: epson || p.id == "default",
        status: EPSON_STATUS,
        presenter: None,
        support: Support::Supported,
        note: "escpos-printer-db",
    }
}

const fn kiosk(id: &'static str, vendor: &'static str, name: &'static str) -> PrinterModel {
    PrinterModel {
        id,
        vendor,
        name,
        source: ModelSource::Kiosk,
        pc857: None,
        pc866: None,
        code_page_command: CodePageCommand::EscT,
        width_dots: Some(576),
        font_a_columns: Some(48),
        qr: true,
        partial_cut: true,
        user_defined_chars: false,
        auto_status_back: false,
        status: EPSON_STATUS,
        presenter: None,
        support: Support::Supported,
        note: "",
    }
}

/// Kiosk printers and others the database does not list.
const KIOSK_MODELS: [PrinterModel; 6] = [
    PrinterModel {
        pc866: Some(17),
        partial_cut: false,
        status: StatusFormat::CustomFull,
        presenter: Some(PresenterKind::CustomFsP),
        note: "FS P, DLE EOT 20 and code pages from the open-source quobox/vkp80iii driver \
               (after Custom's VKP80III commands manual); CP857 not listed there, so Turkish \
               letters are rasterised; total cut only",
        ..kiosk("VKP80III", "Custom", "VKP80III")
    },
    PrinterModel {
        pc857: Some(8),
        pc866: Some(17),
        user_defined_chars: true,
        status: StatusFormat::DleEot {
            paper_end: 0x20,
            presenter: Some(0x40),
        },
        presenter: Some(PresenterKind::GsE),
        note: "status bits (DLE EOT 4: 0x20 paper end, 0x40 paper in presenter) and GS e \
               ejector commands from an open-source kiosk driver; code pages as the \
               database's Citizen CT-S651",
        ..kiosk("PPU-700", "Citizen", "PPU-700")
    },
    PrinterModel {
        pc857: Some(61),
        pc866: Some(59),
        note: "code pages as the database's Zjiang/Netum profiles (same firmware family)",
        ..kiosk("XP-80", "Xprinter", "XP-80")
    },
    PrinterModel {
        pc857: Some(13),
        pc866: Some(17),
        user_defined_chars: true,
        auto_status_back: true,
        note: "Epson code pages; the loop presenter's commands are not implemented (the \
               receipt is cut and left in the loop)",
        ..kiosk("EU-T400", "Epson", "EU-T400 series")
    },
    PrinterModel {
        support: Support::Unsupported("Star Line Mode printer; its presenter status is not public"),
        ..kiosk("TUP900", "Star Micronics", "TUP900")
    },
    PrinterModel {
        support: Support::Unsupported("speaks ZPL, not ESC/POS"),
        ..kiosk("KR403", "Zebra", "KR403")
    },
];

impl PrinterModel {
    /// Every model: the database's, then the kiosk additions.
    pub fn all() -> &'static [PrinterModel] {
        static ALL: OnceLock<Vec<PrinterModel>> = OnceLock::new();
        ALL.get_or_init(|| {
            db::PROFILES
                .iter()
                .map(from_db)
                .chain(KIOSK_MODELS)
                .collect()
        })
    }

    /// The model named `name` (its id, case-insensitive), if known.
    pub fn find(name: &str) -> Option<PrinterModel> {
        let name = name.trim();
        Self::all()
            .iter()
            .find(|m| m.id.eq_ignore_ascii_case(name))
            .copied()
    }

    /// The model for `name`; an unknown name gets [`PrinterModel::safe`].
    pub fn for_name(name: &str) -> PrinterModel {
        Self::find(name).unwrap_or_else(|| {
            tracing::warn!(
                model = name,
                "unknown printer model, using the safe profile"
            );
            Self::safe()
        })
    }

    /// The database's Epson-compatible "default" profile (what an unset model means).
    pub fn default_model() -> PrinterModel {
        Self::find("default").unwrap_or_else(Self::safe)
    }

    /// For unknown printers: no code page, user-defined character or QR command is
    /// assumed; every line with a letter outside ASCII and the QR code are printed as
    /// raster images, which every ESC/POS printer takes.
    pub fn safe() -> PrinterModel {
        PrinterModel {
            id: "safe",
            vendor: "Generic",
            name: "Unknown model (raster text)",
            source: ModelSource::Fallback,
            width_dots: None,
            font_a_columns: None,
            qr: false,
            note: "fallback for unknown models",
            ..kiosk("safe", "Generic", "")
        }
    }

    /// One line for a `printer models` listing.
    pub fn describe(&self) -> String {
        let page = |p: Option<u8>| p.map_or("raster".to_string(), |n| n.to_string());
        let mut s = format!(
            "{:<18} {:<16} {:<30} CP857 {:<6} CP866 {:<6}",
            self.id,
            self.vendor,
            self.name,
            page(self.pc857),
            page(self.pc866)
        );
        if self.presenter.is_some() {
            s.push_str(" presenter");
        }
        if let Support::Unsupported(why) = self.support {
            s.push_str(&format!(" NOT SUPPORTED: {why}"));
        }
        s
    }
}
