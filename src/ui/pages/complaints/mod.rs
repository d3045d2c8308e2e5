//! complaints: intake, the case page with its lifecycle actions and deadline clocks, the
//! paged list with filters, and the printed record (客户投诉处理记录表).

mod case;
mod intake;
mod list;
pub mod model;
mod print;
pub mod repo;

pub use case::CasePage;
pub use intake::IntakePage;
pub use list::ListPage;
pub use print::PrintPage;
