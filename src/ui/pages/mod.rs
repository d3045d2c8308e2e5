//! pages: one module per area of the app.

pub mod complaints;
pub mod customers;
pub mod dashboard;
pub mod demands;
pub mod kiosk;
pub mod quality;
pub mod reports;
pub mod settings;
pub mod surveys;
pub mod sync_settings;
