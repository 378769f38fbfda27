//! Typed row ids, so that one kind of id can never be passed where another belongs.

use diesel_derive_newtype::DieselNewType;
use serde::{Deserialize, Serialize};

/// Declares a typed id newtype with `Display` and `maud::Render`. Its `Default` (0) names
/// no row: what a form field left empty reads as.
macro_rules! row_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, DieselNewType, Serialize,
            Deserialize,
        )]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        // Pages print ids by the dozen: straight digits, without the formatting machinery.
        impl maud::Render for $name {
            fn render_to(&self, out: &mut String) {
                self.0.render_to(out)
            }
        }
    };
}

row_id!(
    /// Id of a row in `users`.
    UserId
);
row_id!(
    /// Id of a row in `categories`.
    CategoryId
);
row_id!(
    /// Id of a row in `forums`.
    ForumId
);
row_id!(
    /// Id of a row in `threads`.
    ThreadId
);
row_id!(
    /// Id of a row in `posts`.
    PostId
);
row_id!(
    /// Id of a row in `attachments`.
    AttachmentId
);
row_id!(
    /// Id of a row in `faq_articles`.
    ArticleId
);
row_id!(
    /// Id of a row in `subscriptions`.
    SubscriptionId
);
row_id!(
    /// Id of a row in `outbox`: one mail.
    MailId
);
row_id!(
    /// Id of a row in `reports`.
    ReportId
);
row_id!(
    /// Id of a row in `staff_groups`.
    GroupId
);
row_id!(
    /// Id of a row in `staff_notes`.
    NoteId
);
