//! Sample view models for screenshots (being written).
