//! Every query of the forums feature, by concern. Each page is a fixed number of
//! statements, whatever the number of rows on it.

/// Per forum, the replies logged since the last fold and the newest of them still shown
/// in that forum (not hidden, thread not hidden or moved away).
macro_rules! unfolded_replies {
    ($log:literal) => {
        concat!(
            "SELECT l.forum_id, count(*) AS posts,
                    max(l.post_id) FILTER (WHERE t.forum_id = l.forum_id AND NOT t.hidden AND NOT p.hidden)
                        AS last_post_id
               FROM ", $log, " l
               LEFT JOIN posts p ON p.id = l.post_id
               LEFT JOIN threads t ON t.id = p.thread_id
              GROUP BY l.forum_id"
        )
    };
}

/// The id a statement returns.
#[derive(diesel::QueryableByName)]
struct IdRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
}

mod admin;
mod drafts;
mod helpful;
mod listing;
mod maintenance;
mod member_activity;
mod notes;
mod questions;
mod thread;
mod watching;
mod write;

pub use admin::*;
pub use drafts::*;
pub use helpful::*;
pub use listing::*;
pub use maintenance::*;
pub use member_activity::*;
pub use notes::*;
pub use questions::*;
pub use thread::*;
pub use watching::*;
pub use write::*;
