//! ID card reader driver (being written).
