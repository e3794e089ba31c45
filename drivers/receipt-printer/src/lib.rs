//! Receipt printer driver (being written).
