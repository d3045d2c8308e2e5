//! sync/: replication with a CouchDB-protocol endpoint (Apache CouchDB 3, PouchDB Server).
//! Pure protocol logic (checkpoint ids, payloads, batching, merge) and the engine over the
//! [`transport::Transport`] trait are host-tested against an in-memory fake server; the
//! `fetch` transport and the live loop are wasm-only.

pub mod config;
pub mod conflicts;
pub mod connect;
pub mod engine;
pub mod link;
pub mod merge;
pub mod protocol;
pub mod readable;
pub mod security;
pub mod transport;

#[cfg(target_arch = "wasm32")]
pub mod http;
#[cfg(target_arch = "wasm32")]
pub mod live;

#[cfg(test)]
mod fake;
#[cfg(test)]
mod tests;

pub use config::{Phase, SyncConfig, SyncStatus};
pub use engine::SyncError;
