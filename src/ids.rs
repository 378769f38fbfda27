//! Typed row ids, so that one kind of id can never be passed where another belongs.

use diesel_derive_newtype::DieselNewType;
use serde::{Deserialize, Serialize};

/// Id of a row in `users`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, DieselNewType, Serialize, Deserialize,
)]
pub struct UserId(pub i64);

impl std::fmt::Display for UserId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}
