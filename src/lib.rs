//! DOST Kiosk: the software of the self-service kiosks in DOST centers.
//!
//! The pure core (session, screens, catalog, validation, text rules) is the `kiosk-core`
//! crate; this crate is the edge around it:
//!
//! * [`runtime`] starts and owns everything that runs: the session loop, the effect executor,
//!   housekeeping, the devices, the relay; [`store`] is the SQLite store with its one owner
//!   thread; [`central`] the central API's client and the outbox relay; [`printing`] the
//!   printer worker and DOST's receipt layout; [`config`] the configuration files;
//!   [`platform`] systemd, locks, disks, ports and logs; [`chip`] the chip reader's owner
//!   thread (chip authentication of ID documents).
//! * [`cli`] is the `dost-kiosk` command; [`kit`] drives the real core by its UI events
//!   (burn-in, screenshots, tests); [`ui_bridge`] is the only Rust that names Slint types.

pub mod central;
pub mod chip;
pub mod cli;
pub mod config;
pub mod kit;
pub mod platform;
pub mod printing;
pub mod runtime;
pub mod store;
pub mod ui_bridge;
