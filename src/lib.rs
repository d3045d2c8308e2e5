//! Kefu (客服): the customer-service quality desk of a securities or credit branch office.
//! Layers, each depending only on those below: `domain` ← `store` ← `sync` ← `ui`.

pub mod domain;
pub mod store;
pub mod sync;

#[cfg(target_arch = "wasm32")]
pub mod ui;
