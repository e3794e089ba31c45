//! Printing: the worker thread that owns the printer, DOST's receipt layout, and the previews
//! a simulated printer keeps.

pub mod preview;
pub mod receipt;
pub mod ticket;
pub mod worker;

pub use worker::{PrinterCmd, PrinterReport, WorkerSettings, run_worker};
