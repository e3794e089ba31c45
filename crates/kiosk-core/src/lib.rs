//! The pure core of DOST Kiosk.
//!
//! The citizen session as a state machine ([`session::step`]), the screen as a function of the
//! session and the facts ([`screen::view`]), the view types the UI shows ([`view`]), the
//! service catalog, form validation, Azerbaijani text rules, card policy, the health model the
//! screens and `doctor` share, the paper counter, the PIN pad's lockout and the technician's
//! settings form. Nothing here does I/O: time, device states and answers from the centre come
//! in as values, and work for the outside world leaves as [`session::Effect`]s.

pub mod access;
pub mod card;
pub mod catalog;
pub mod central_url;
pub mod chip;
pub mod focus;
pub mod health;
pub mod keypad;
pub mod limits;
pub mod paper;
pub mod pin;
pub mod print;
pub mod problem;
pub mod samples;
pub mod screen;
pub mod session;
pub mod settings;
pub mod speech;
pub mod status_link;
pub mod text;
pub mod validate;
pub mod view;

pub use dost_api::{ApplicationId, ApplicationState, Fin, Lang};
