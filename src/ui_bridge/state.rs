//! What the bridge remembers between two view models (UI thread only).

use std::collections::HashMap;

use kiosk_core::view::{FieldKind, ViewModel};
use slint::Image;

#[derive(Default)]
pub(crate) struct BridgeState {
    /// The view model on screen (with the citizen's latest keyboard edits applied).
    pub last: Option<ViewModel>,
    /// QR image of the last payload.
    pub qr: Option<(String, Image)>,
    /// QR image of the last queue ticket.
    pub ticket_qr: Option<(String, Image)>,
    /// Where the keyboard types in each field of the form on show (in editable units: phone
    /// digits, IBAN characters without spaces, else characters).
    pub cursors: HashMap<String, usize>,
    /// Field kinds of the form on screen, by id (for keyboard editing).
    pub field_kinds: HashMap<String, FieldKind>,
    /// Most units the keyboard types into each field, by id.
    pub field_max: HashMap<String, usize>,
    /// Digits typed on the service PIN pad (never in a Slint property: the UI only sees how
    /// many).
    pub pin: String,
}

/// Longest PIN the pad takes.
pub(crate) const PIN_MAX: usize = 12;
