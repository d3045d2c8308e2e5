//! The demand pages' dialog (`components::dialog::Modal`) and their sign-in notice.

pub use crate::ui::components::dialog::Modal;
pub use crate::ui::components::NeedUser;
