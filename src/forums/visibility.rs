//! The one rule of who sees what. Every way content leaves the server (pages, quotes,
//! permalinks, backlinks, search, feeds, mail) asks it here: in Rust through [`Reader`],
//! in SQL through [`public_post!`] and [`public_thread!`], which write the same rule for
//! readers who are neither moderators nor the author. Staff notes are kept out of posts
//! altogether (their own table, which only the thread page reads, and only when
//! [`Reader::sees_staff_notes`] says so), so no door built for posts can carry one.

use crate::ids::UserId;

/// SQL condition: the post `$p` may be shown to anyone (not hidden, not waiting for
/// approval). A post is only public in a public thread; see [`public_thread!`].
macro_rules! public_post {
    ($p:literal) => {
        concat!("(NOT ", $p, ".hidden AND ", $p, ".approved)")
    };
}

/// SQL condition: the thread `$t` may be shown to anyone.
macro_rules! public_thread {
    ($t:literal) => {
        concat!("(NOT ", $t, ".hidden AND ", $t, ".approved)")
    };
}

pub(crate) use {public_post, public_thread};

/// Who reads, as far as visibility goes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Reader {
    /// The logged-in member, if any.
    pub user: Option<UserId>,
    /// Moderators see hidden and unapproved content.
    pub moderator: bool,
    /// Staff (moderators, administrators, staff groups' members) see staff notes.
    pub staff: bool,
}

/// What visibility depends on for a thread.
#[derive(Debug, Clone, Copy)]
pub struct ThreadFacts {
    /// Hidden by a moderator (or deleted by its author).
    pub hidden: bool,
    /// Out of the approval queue.
    pub approved: bool,
    /// Who started it.
    pub author: UserId,
}

/// What visibility depends on for a post.
#[derive(Debug, Clone, Copy)]
pub struct PostFacts {
    /// Hidden by a moderator (or deleted by its author).
    pub hidden: bool,
    /// Out of the approval queue.
    pub approved: bool,
    /// Who wrote it.
    pub author: UserId,
    pub thread: ThreadFacts,
}

impl Reader {
    /// The reader behind a request.
    pub fn of(ctx: &crate::shell::ctx::Ctx) -> Reader {
        ctx.user().map_or_else(Reader::default, Reader::of_member)
    }

    /// The reader a member is (through the API, where there is no page context).
    pub fn of_member(user: &crate::accounts::types::SessionUser) -> Reader {
        Reader {
            user: Some(user.id),
            moderator: user.role >= crate::accounts::types::Role::Moderator,
            staff: user.staff,
        }
    }

    /// Whether this reader sees staff notes: staff only.
    pub fn sees_staff_notes(self) -> bool {
        self.staff
    }

    /// Whether the thread is there for this reader: moderators see every thread, its
    /// author also while it waits for approval, everyone else a public one.
    pub fn sees_thread(self, thread: ThreadFacts) -> bool {
        self.moderator || (!thread.hidden && (thread.approved || self.user == Some(thread.author)))
    }

    /// Whether the post's words are there for this reader: its thread is, and the post is
    /// neither hidden (except to moderators) nor waiting for approval (except to its
    /// author and moderators). A hidden post's place in its thread still shows as a
    /// placeholder; its words do not.
    pub fn sees_post(self, post: PostFacts) -> bool {
        self.sees_thread(post.thread)
            && (self.moderator
                || (!post.hidden && (post.approved || self.user == Some(post.author))))
    }

    /// Whether the post has a place this reader may be sent to (a permalink): its thread
    /// is there, and it is not waiting for someone else's approval.
    pub fn sees_place_of(self, post: PostFacts) -> bool {
        self.sees_thread(post.thread)
            && (self.moderator || post.approved || self.user == Some(post.author))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(hidden: bool, approved: bool, thread_hidden: bool, thread_approved: bool) -> PostFacts {
        PostFacts {
            hidden,
            approved,
            author: UserId(1),
            thread: ThreadFacts {
                hidden: thread_hidden,
                approved: thread_approved,
                author: UserId(1),
            },
        }
    }

    #[test]
    fn only_public_posts_in_public_threads_reach_everyone() {
        let anyone = Reader::default();
        let author = Reader {
            user: Some(UserId(1)),
            ..Reader::default()
        };
        let moderator = Reader {
            user: Some(UserId(9)),
            moderator: true,
            staff: true,
        };
        assert!(anyone.sees_post(post(false, true, false, true)));
        for kind in [
            post(true, true, false, true),
            post(false, false, false, true),
            post(false, true, true, true),
            post(false, true, false, false),
        ] {
            assert!(!anyone.sees_post(kind), "{kind:?}");
            assert!(moderator.sees_post(kind), "{kind:?}");
        }
        assert!(author.sees_post(post(false, false, false, false)));
        assert!(!author.sees_post(post(true, true, false, true)));
        assert!(!author.sees_post(post(false, true, true, true)));
        assert!(anyone.sees_place_of(post(true, true, false, true)));
        assert!(!anyone.sees_place_of(post(false, false, false, true)));
        assert!(!anyone.sees_staff_notes() && !author.sees_staff_notes());
        assert!(moderator.sees_staff_notes());
    }
}
