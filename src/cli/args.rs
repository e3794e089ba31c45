//! The command line of `dost-kiosk` (clap): commands, arguments and their help.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "dost-kiosk",
    version,
    about = "DOST self-service kiosk",
    long_about = "DOST self-service kiosk: citizens insert their ID card, apply for a service and \
                  take a receipt. Without a subcommand it runs the kiosk."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Configuration file.
    #[arg(long, global = true, default_value = "config/kiosk.toml")]
    pub config: PathBuf,
    /// Where the kiosk keeps its database and files (overrides kiosk.data_dir).
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the kiosk (the default).
    Run(RunArgs),
    /// Render a screen with sample data to a PNG, without a display.
    Screenshot(ScreenshotArgs),
    /// Configuration files.
    #[command(subcommand)]
    Config(ConfigCmd),
    /// ID card reads.
    #[command(subcommand)]
    Card(CardCmd),
    /// ESC/POS receipts.
    #[command(subcommand)]
    Receipt(ReceiptCmd),
    /// The receipt printer: status, test page, paper restock.
    #[command(subcommand)]
    Printer(PrinterCmd),
    /// List the serial ports of this machine (USB vendor:product where known).
    Ports,
    /// Service-mode PINs.
    #[command(subcommand)]
    Pin(PinCmd),
    /// Check everything the technician screen shows; exit non-zero when something fails.
    Doctor {
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Prepare a new kiosk: data directory, device key and token file with safe permissions.
    Provision {
        /// The kiosk's bearer token from the centre (default: keep an existing one, else make one).
        #[arg(long)]
        token: Option<String>,
    },
    /// Scripted citizen sessions through the real core, without a display (soak and fault tests).
    BurnIn(crate::kit::burnin::BurnInArgs),
    /// ID document chips (ICAO 9303): verify files, list PC/SC readers, read a card.
    #[command(subcommand)]
    Chip(ChipCmd),
    /// Audio guidance: render speech with espeak-ng.
    #[command(subcommand)]
    Speech(SpeechCmd),
}

#[derive(Debug, Subcommand)]
pub enum ChipCmd {
    /// Passive Authentication of an EF.SOD and data groups on disk: exit 0 valid, 2 invalid,
    /// 1 when it could not run.
    Verify(ChipVerifyArgs),
    /// The PC/SC readers pcscd knows, and the card in each (ATR, interface).
    Readers {
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Read and verify the chip of the card on a reader through PC/SC (access, data groups,
    /// Passive Authentication, Chip/Active Authentication, DG1 against the MRZ, timings):
    /// exit 0 genuine, 2 refused, 1 when it could not read.
    Read(ChipReadArgs),
}

#[derive(Debug, Args)]
pub struct ChipVerifyArgs {
    /// Trust store: a folder of CSCA certificates (PEM/DER) and CRLs, one certificate file, or
    /// a CSCA master list.
    #[arg(long, value_name = "PATH")]
    pub csca: std::path::PathBuf,
    /// EF.SOD (with or without its tag 77).
    #[arg(long, value_name = "FILE")]
    pub sod: std::path::PathBuf,
    /// A data group: its number and file, e.g. `--dg 1=dg1.bin` (repeatable).
    #[arg(long = "dg", value_name = "N=FILE", required = true)]
    pub dg: Vec<String>,
    /// One JSON object on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ChipReadArgs {
    /// PC/SC reader (part of its name; default: the configuration's `chip.reader`).
    #[arg(long)]
    pub reader: Option<String>,
    /// The document's MRZ, one line per line (as the OCR reader reads it).
    #[arg(long, value_name = "FILE")]
    pub mrz_file: std::path::PathBuf,
    /// Trust store instead of the configuration's `chip.trust`.
    #[arg(long, value_name = "PATH")]
    pub csca: Option<std::path::PathBuf>,
    /// Save EF.SOD and the data groups read into this folder (for `chip verify`).
    #[arg(long, value_name = "DIR")]
    pub save: Option<std::path::PathBuf>,
    /// One JSON object on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum SpeechCmd {
    /// Render TEXT as speech into a WAV file (numbers, dates and codes said in words first).
    Say {
        /// Language: az, ru or en.
        #[arg(long, default_value = "az")]
        lang: String,
        /// Output WAV file (16-bit mono).
        #[arg(long)]
        out: PathBuf,
        /// Words per minute (80 to 450).
        #[arg(long, default_value_t = 165)]
        rate: u32,
        /// Volume in percent (1 to 100).
        #[arg(long, default_value_t = 100)]
        volume: u8,
        /// Give the text to the engine as it is (no words for numbers and dates).
        #[arg(long)]
        raw: bool,
        /// The text to say.
        #[arg(required = true, num_args = 1..)]
        text: Vec<String>,
    },
}

/// Talk to a printer on this serial port instead of the configured one.
#[derive(Debug, Clone, Args, Default)]
pub struct PortArgs {
    /// Serial port of the printer (e.g. /dev/ttyUSB1).
    #[arg(long)]
    pub port: Option<String>,
    /// Baud rate (default: the configured one, or 38400).
    #[arg(long)]
    pub baud: Option<u32>,
}

#[derive(Debug, Subcommand)]
pub enum PrinterCmd {
    /// Device, paper, cover, cutter, held receipts, paper used and receipts left.
    Status {
        #[command(flatten)]
        port: PortArgs,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Print a test page with every Azerbaijani and Russian letter and a QR code.
    Test {
        #[command(flatten)]
        port: PortArgs,
    },
    /// Staff restocked the paper: reset the counter and release held receipts.
    Restocked,
    /// The printer models `printer.model` can name: code pages, QR, ə/Ə, presenter, support.
    Models {
        /// Machine-readable output (one JSON array).
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Args, Default)]
pub struct RunArgs {
    /// Fill the screen (kiosk hardware); otherwise a window of the design's proportions.
    #[arg(long)]
    pub fullscreen: bool,
}

#[derive(Debug, Args)]
pub struct ScreenshotArgs {
    /// Screen name (see --list).
    #[arg(long, required_unless_present_any = ["list", "state", "list_states"])]
    pub screen: Option<String>,
    /// Language: az, ru or en.
    #[arg(long, default_value = "az")]
    pub lang: String,
    /// Output PNG file.
    #[arg(long, required_unless_present_any = ["list", "list_states"])]
    pub out: Option<PathBuf>,
    #[arg(long, default_value_t = 1080)]
    pub width: u32,
    #[arg(long, default_value_t = 1920)]
    pub height: u32,
    /// List the screens.
    #[arg(long)]
    pub list: bool,
    /// A state the screen samples do not show (help, rejected, ticket-offline...; see
    /// --list-states); replaces --screen.
    #[arg(long)]
    pub state: Option<String>,
    /// List the states.
    #[arg(long)]
    pub list_states: bool,
    /// Large text (A+).
    #[arg(long)]
    pub large_text: bool,
    /// High contrast.
    #[arg(long)]
    pub contrast: bool,
    /// Press these keypad keys on the screen first, comma-separated (`down,down,enter`):
    /// the focus ring and the keypad bar show (`start-speech` first for audio mode).
    #[arg(long, value_delimiter = ',')]
    pub keys: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum PinCmd {
    /// Read a PIN on stdin and print its argon2 hash for the configuration.
    Hash,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Check a configuration file (and the catalog it names): exit 0 when valid.
    Check {
        /// The file to check (default: --config).
        path: Option<PathBuf>,
    },
    /// Set one key of --config in place (comments kept, the old file kept as .bak), after
    /// checking the whole new configuration, e.g. `config set card_reader.port /dev/ttyUSB0`.
    Set {
        /// `section.key`, as in the file.
        key: String,
        /// The new value: numbers, true/false and [arrays] as TOML, anything else as text.
        value: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum CardCmd {
    /// Show reads and status changes of the reader live (Ctrl-C stops).
    Listen {
        /// Serial port of the reader (default: the configured one).
        #[arg(long)]
        port: Option<String>,
    },
    /// Parse raw reader bytes from stdin; one JSON object per read on stdout.
    Parse {
        /// How the reader frames a read.
        #[arg(long, default_value = "plain")]
        framing: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReceiptCmd {
    /// Render an ESC/POS file as a PNG of the printed receipt.
    Preview {
        #[arg(long = "in")]
        input: PathBuf,
        #[arg(long)]
        out: PathBuf,
        /// Paper width in dots (576 for 80 mm, 384 for 58 mm).
        #[arg(long, default_value_t = 576)]
        width: u32,
    },
}
