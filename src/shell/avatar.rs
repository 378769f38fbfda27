//! A member's avatar as pages draw it: their picture, or their initials on a colour of
//! their name's.

use maud::{Markup, html};

use crate::accounts::avatars::{colour, initials};
use crate::ids::UserId;
use crate::web::urls;

/// How large an avatar is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// Beside posts and in lists.
    Small,
    /// On profiles.
    Large,
}

/// The avatar of member `id` called `name`, whose picture (if any) `hash` names. It stands
/// beside the name, so it is decorative for screen readers.
pub fn avatar(id: UserId, name: &str, hash: Option<&str>, size: Size) -> Markup {
    let (class, file, side) = match size {
        Size::Small => ("avatar small", "small", 48),
        Size::Large => ("avatar large", "large", 160),
    };
    html! {
        @if let Some(hash) = hash {
            img class=(class) src=(urls::avatar(id, hash, file)) alt="" width=(side) height=(side) loading="lazy";
        } @else {
            span class=(format!("{class} initials avatar-c{}", colour(name))) aria-hidden="true" { (initials(name)) }
        }
    }
}
