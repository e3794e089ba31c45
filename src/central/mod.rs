//! The link to the central API: the HTTP client and the outbox relay.

pub mod client;
pub mod relay;

pub use client::{CentralClient, CentralError, ensure_tls};
pub use relay::{
    RECENT_DELIVERED, Relay, RelaySettings, SyncStatus, backoff, full_jitter, retry_wait,
    retry_wait_at_slot, until_slot,
};
