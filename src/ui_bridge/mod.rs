//! Slint adapter (being written).
