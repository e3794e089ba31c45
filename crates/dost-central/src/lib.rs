//! Reference central API server (being written).
