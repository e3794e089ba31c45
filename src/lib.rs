//! DOST Kiosk: the software of the self-service kiosks in DOST centers.
//!
//! Pure core (session state machine, screen selection, validation) with I/O at the edge
//! (store, sync, devices, UI). Only [`ui_bridge`] names Slint types.

pub mod burnin;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod doctor;
pub mod logs;
pub mod notify;
pub mod printing;
pub mod runtime;
pub mod screen;
pub mod service;
pub mod session;
pub mod settings;
pub mod store;
pub mod sync;
pub mod text;
pub mod ui_bridge;
pub mod validate;
pub mod view;
pub mod view_samples;
