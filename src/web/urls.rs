//! Every linkable place on the site, one function each: pages, forms, redirects and mails
//! take their paths from here, so the shape of a route is written once beside the router.
//!
//! A [`Url`] renders straight into a page (no string built per link, which matters on a
//! thread page that prints a dozen links a post) and `to_string()` gives it as a `String`
//! for headers and mails.

use std::fmt;

use crate::ids::{
    ArticleId, AttachmentId, CategoryId, ForumId, GroupId, MailId, NoteId, PostId, SubscriptionId,
    ThreadId, UserId,
};

/// A path on this site, built by one of this module's functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Url<'a>(Shape<'a>);

/// The few shapes every path takes; the functions below fill in the fixed parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape<'a> {
    /// `{head}{id}{tail}`: most paths.
    Id(&'static str, i64, &'static str),
    /// `{head}{id}{between}{slug}`: a thread or article under its slug.
    Slug(&'static str, i64, &'static str, &'a str),
    /// `{head}{word}{tail}`, the word percent-encoded: forums, profiles, signed tokens.
    Word(&'static str, &'a str, &'static str),
    /// `/t/{thread}/reply?quote={post}`.
    Quote(ThreadId, PostId),
    /// `/members?q=…&sort=…&dir=…`.
    Members(&'a str, &'a str, &'a str),
    /// `/avatars/{member}/{hash}/{size}.jpg`, the hash percent-encoded.
    Avatar(UserId, &'a str, &'static str),
    /// `/files/{id}/{hash}/{name}` (or `/files/{id}/{hash}.jpg`, its thumbnail), percent-encoded.
    File(AttachmentId, &'a str, Option<&'a str>),
}

impl Url<'_> {
    fn push(&self, out: &mut String) {
        use maud::Render;
        let encoded =
            |out: &mut String, word: &str| crate::text::push_percent_encoded(out, word, b"");
        match self.0 {
            Shape::Id(head, id, tail) => {
                out.push_str(head);
                id.render_to(out);
                out.push_str(tail);
            }
            Shape::Slug(head, id, between, slug) => {
                out.push_str(head);
                id.render_to(out);
                out.push_str(between);
                out.push_str(slug);
            }
            Shape::Word(head, word, tail) => {
                out.push_str(head);
                encoded(out, word);
                out.push_str(tail);
            }
            Shape::Quote(thread, post) => {
                out.push_str("/t/");
                thread.render_to(out);
                out.push_str("/reply?quote=");
                post.render_to(out);
            }
            Shape::Avatar(member, hash, size) => {
                out.push_str("/avatars/");
                member.render_to(out);
                out.push('/');
                encoded(out, hash);
                out.push('/');
                out.push_str(size);
                out.push_str(".jpg");
            }
            Shape::File(id, hash, name) => {
                out.push_str("/files/");
                id.render_to(out);
                out.push('/');
                encoded(out, hash);
                match name {
                    Some(name) => {
                        out.push('/');
                        encoded(out, name);
                    }
                    None => out.push_str(".jpg"),
                }
            }
            Shape::Members(query, sort, dir) => {
                out.push_str("/members?q=");
                encoded(out, query);
                out.push_str("&sort=");
                encoded(out, sort);
                out.push_str("&dir=");
                encoded(out, dir);
            }
        }
    }
}

impl maud::Render for Url<'_> {
    fn render_to(&self, out: &mut String) {
        // Every part is either digits, a percent-encoded name or a fixed ASCII path: none
        // needs HTML escaping.
        self.push(out);
    }
}

impl fmt::Display for Url<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::with_capacity(32);
        self.push(&mut out);
        f.write_str(&out)
    }
}

/// A post's permalink: it finds the post's thread and page.
pub fn post(id: PostId) -> Url<'static> {
    Url(Shape::Id("/p/", id.0, ""))
}

/// An attached file under an address that changes with its content; the name is what a
/// browser saves it as.
pub fn attachment<'a>(id: AttachmentId, hash: &'a str, name: &'a str) -> Url<'a> {
    Url(Shape::File(id, hash, Some(name)))
}

/// The thumbnail of an attached picture.
pub fn attachment_thumbnail(id: AttachmentId, hash: &str) -> Url<'_> {
    Url(Shape::File(id, hash, None))
}

/// Where the composer's script sends files dropped or pasted into it.
pub fn attachment_upload() -> Url<'static> {
    Url(Shape::Word("/attachments", "", ""))
}

/// A member's unfinished posts.
pub fn drafts() -> Url<'static> {
    Url(Shape::Word("/drafts", "", ""))
}

/// Where the composer's script keeps the text while it is typed.
pub fn draft_save() -> Url<'static> {
    Url(Shape::Word("/drafts/save", "", ""))
}

/// Member names starting with what was typed after "@" (JSON).
pub fn member_names() -> Url<'static> {
    Url(Shape::Word("/members/names", "", ""))
}

/// The form that reports a post to the moderators.
pub fn post_report(id: PostId) -> Url<'static> {
    Url(Shape::Id("/p/", id.0, "/report"))
}

/// The composer that edits a post.
pub fn post_edit(id: PostId) -> Url<'static> {
    Url(Shape::Id("/p/", id.0, "/edit"))
}

/// Where an author deletes their own post.
pub fn post_delete(id: PostId) -> Url<'static> {
    Url(Shape::Id("/p/", id.0, "/delete"))
}

/// A thread by id alone: it redirects to the thread's current slug.
pub fn thread(id: ThreadId) -> Url<'static> {
    Url(Shape::Id("/t/", id.0, ""))
}

/// A thread's first page under its slug.
pub fn thread_slug(id: ThreadId, slug: &str) -> Url<'_> {
    Url(Shape::Slug("/t/", id.0, "/", slug))
}

/// The thread at its reader's first unread post.
pub fn thread_unread(id: ThreadId) -> Url<'static> {
    Url(Shape::Id("/t/", id.0, "/unread"))
}

/// The reply composer of a thread.
pub fn reply(id: ThreadId) -> Url<'static> {
    Url(Shape::Id("/t/", id.0, "/reply"))
}

/// The reply composer with `post` quoted.
pub fn reply_quoting(thread: ThreadId, post: PostId) -> Url<'static> {
    Url(Shape::Quote(thread, post))
}

/// The thread whose reply composer `path` is: the inverse of [`reply`].
pub fn reply_target(path: &str) -> Option<ThreadId> {
    let id = path.strip_prefix("/t/")?.strip_suffix("/reply")?;
    id.parse().ok().map(ThreadId)
}

/// Where a member starts or stops watching a thread.
pub fn thread_watch(id: ThreadId) -> Url<'static> {
    Url(Shape::Id("/t/", id.0, "/watch"))
}

/// Where a member presses "Me too" on a question, or takes it back.
pub fn thread_me_too(id: ThreadId) -> Url<'static> {
    Url(Shape::Id("/t/", id.0, "/me-too"))
}

/// The questions of every Questions forum.
pub fn questions() -> Url<'static> {
    Url(Shape::Word("/questions", "", ""))
}

/// The "Similar questions" of a title being typed (`?title=`), as a fragment of a page.
pub fn similar_questions() -> Url<'static> {
    Url(Shape::Word("/questions/similar", "", ""))
}

/// The staff's canned replies.
pub fn canned_replies() -> Url<'static> {
    Url(Shape::Word("/desk/replies", "", ""))
}

/// Where one canned reply is saved or deleted.
pub fn canned_reply(id: i64) -> Url<'static> {
    Url(Shape::Id("/desk/replies/", id, ""))
}

/// Where staff write a "Staff note" in a thread.
pub fn thread_note(id: ThreadId) -> Url<'static> {
    Url(Shape::Id("/t/", id.0, "/note"))
}

/// Where staff assign, claim or unassign a question.
pub fn thread_assign(id: ThreadId) -> Url<'static> {
    Url(Shape::Id("/t/", id.0, "/assign"))
}

/// A staff note's place on its thread page.
pub fn staff_note(id: NoteId) -> Url<'static> {
    Url(Shape::Id("/notes/", id.0, ""))
}

/// The staff queue.
pub fn desk() -> Url<'static> {
    Url(Shape::Word("/desk", "", ""))
}

/// The managers' figures of the desk.
pub fn desk_stats() -> Url<'static> {
    Url(Shape::Word("/desk/stats", "", ""))
}

/// The desk's figures as CSV.
pub fn desk_stats_csv() -> Url<'static> {
    Url(Shape::Word("/desk/stats.csv", "", ""))
}

/// A member's notices.
pub fn notices() -> Url<'static> {
    Url(Shape::Word("/notices", "", ""))
}

/// The administrators' staff groups.
pub fn admin_groups() -> Url<'static> {
    Url(Shape::Word("/admin/groups", "", ""))
}

/// An administrator's form for one staff group.
pub fn admin_group(id: GroupId) -> Url<'static> {
    Url(Shape::Id("/admin/groups/", id.0, ""))
}

/// Where the thread's author marks its answer.
pub fn thread_solution(id: ThreadId) -> Url<'static> {
    Url(Shape::Id("/t/", id.0, "/solution"))
}

/// A thread's Atom feed.
pub fn thread_feed(id: ThreadId) -> Url<'static> {
    Url(Shape::Id("/t/", id.0, "/feed.atom"))
}

/// A forum's thread list.
pub fn forum(slug: &str) -> Url<'_> {
    Url(Shape::Word("/f/", slug, ""))
}

/// The composer of a new thread in a forum.
pub fn new_thread(forum_slug: &str) -> Url<'_> {
    Url(Shape::Word("/f/", forum_slug, "/new"))
}

/// Where a member starts or stops watching a forum.
pub fn forum_watch(slug: &str) -> Url<'_> {
    Url(Shape::Word("/f/", slug, "/watch"))
}

/// A forum's Atom feed.
pub fn forum_feed(slug: &str) -> Url<'_> {
    Url(Shape::Word("/f/", slug, "/feed.atom"))
}

/// A member's public profile.
pub fn profile(username: &str) -> Url<'_> {
    Url(Shape::Word("/u/", username, ""))
}

/// An FAQ article by id alone: it redirects to the article's current slug.
pub fn article(id: ArticleId) -> Url<'static> {
    Url(Shape::Id("/faq/", id.0, ""))
}

/// An FAQ article under its slug.
pub fn article_slug(id: ArticleId, slug: &str) -> Url<'_> {
    Url(Shape::Slug("/faq/", id.0, "-", slug))
}

/// The editor of an FAQ article.
pub fn article_edit(id: ArticleId) -> Url<'static> {
    Url(Shape::Id("/faq/", id.0, "/edit"))
}

/// Moderators' actions on a thread (pin, lock, rename, move, hide).
pub fn mod_thread(id: ThreadId) -> Url<'static> {
    Url(Shape::Id("/mod/t/", id.0, ""))
}

/// The page that splits posts off a thread.
pub fn mod_split(id: ThreadId) -> Url<'static> {
    Url(Shape::Id("/mod/t/", id.0, "/split"))
}

/// Where a moderator turns a thread into an FAQ article.
pub fn mod_promote(id: ThreadId) -> Url<'static> {
    Url(Shape::Id("/mod/t/", id.0, "/promote"))
}

/// Moderators' actions on a post (hide, restore, approve).
pub fn mod_post(id: PostId) -> Url<'static> {
    Url(Shape::Id("/mod/p/", id.0, ""))
}

/// A post's edit history, for moderators.
pub fn mod_revisions(id: PostId) -> Url<'static> {
    Url(Shape::Id("/mod/p/", id.0, "/revisions"))
}

/// Where a moderator resolves the reports on a post.
pub fn mod_report(post: PostId) -> Url<'static> {
    Url(Shape::Id("/mod/reports/", post.0, ""))
}

/// Where a moderator approves or rejects a held post.
pub fn mod_queue(post: PostId) -> Url<'static> {
    Url(Shape::Id("/mod/queue/", post.0, ""))
}

/// Where a moderator approves or rejects a held edit of a post.
pub fn mod_queue_edit(post: PostId) -> Url<'static> {
    Url(Shape::Id("/mod/queue/edit/", post.0, ""))
}

/// The one-click unsubscribe page of a signed token.
pub fn unsubscribe(token: &str) -> Url<'_> {
    Url(Shape::Word("/unsubscribe/", token, ""))
}

/// The link that confirms a member's address.
pub fn confirm(token: &str) -> Url<'_> {
    Url(Shape::Word("/confirm/", token, ""))
}

/// The "Helpful" button of a post.
pub fn post_helpful(id: PostId) -> Url<'static> {
    Url(Shape::Id("/p/", id.0, "/helpful"))
}

/// A member's avatar picture, `size` being `large` or `small`; the hash changes with the
/// picture, so the address can be cached for ever.
pub fn avatar<'a>(member: UserId, hash: &'a str, size: &'static str) -> Url<'a> {
    Url(Shape::Avatar(member, hash, size))
}

/// The register page with an invitation.
pub fn invitation(token: &str) -> Url<'_> {
    Url(Shape::Word("/register?invite=", token, ""))
}

/// The link that downloads a member's data, mailed on request.
pub fn data_export(token: &str) -> Url<'_> {
    Url(Shape::Word("/settings/data/", token, ""))
}

/// The log-in link a member asked for by mail.
pub fn login_link(token: &str) -> Url<'_> {
    Url(Shape::Word("/login/link/", token, ""))
}

/// The first administrator's set-up page.
pub fn setup(token: &str) -> Url<'_> {
    Url(Shape::Word("/setup/", token, ""))
}

/// The page that sets a new password from a reset mail.
pub fn password_reset(token: &str) -> Url<'_> {
    Url(Shape::Word("/password/reset/", token, ""))
}

/// One of a member's subscriptions, in their settings.
pub fn subscription(id: SubscriptionId) -> Url<'static> {
    Url(Shape::Id("/settings/subscriptions/", id.0, ""))
}

/// Where an administrator sends a failed mail again.
pub fn mail_retry(id: MailId) -> Url<'static> {
    Url(Shape::Id("/admin/mail/", id.0, "/retry"))
}

/// Where an administrator changes a member's role.
pub fn user_role(id: UserId) -> Url<'static> {
    Url(Shape::Id("/admin/users/", id.0, "/role"))
}

/// An administrator's reset of a member's second factor.
pub fn user_two_factor(id: UserId) -> Url<'static> {
    Url(Shape::Id("/admin/users/", id.0, "/two-factor"))
}

/// An administrator's form for one category.
pub fn admin_category(id: CategoryId) -> Url<'static> {
    Url(Shape::Id("/admin/categories/", id.0, ""))
}

/// An administrator's form for one forum.
pub fn admin_forum(id: ForumId) -> Url<'static> {
    Url(Shape::Id("/admin/forums/", id.0, ""))
}

/// The member list matching `query`, sorted by `sort` in direction `dir`.
pub fn members<'a>(query: &'a str, sort: &'a str, dir: &'a str) -> Url<'a> {
    Url(Shape::Members(query, sort, dir))
}

/// The administrators' member list matching `query`.
pub fn admin_users(query: &str) -> Url<'_> {
    Url(Shape::Word("/admin/users?q=", query, ""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use maud::Render;

    #[test]
    fn paths_render_and_print_alike() {
        let cases = [
            (post(PostId(7)), "/p/7"),
            (post_report(PostId(7)), "/p/7/report"),
            (
                thread_slug(ThreadId(3), "refund-policy"),
                "/t/3/refund-policy",
            ),
            (reply_quoting(ThreadId(3), PostId(9)), "/t/3/reply?quote=9"),
            (forum_feed("billing"), "/f/billing/feed.atom"),
            (article_slug(ArticleId(2), "returns"), "/faq/2-returns"),
            (mod_queue_edit(PostId(5)), "/mod/queue/edit/5"),
            (mail_retry(MailId(11)), "/admin/mail/11/retry"),
        ];
        for (url, expected) in cases {
            assert_eq!(url.to_string(), expected);
            assert_eq!(url.render().into_string(), expected);
        }
    }

    #[test]
    fn a_reply_path_names_its_thread() {
        assert_eq!(
            reply_target(&reply(ThreadId(42)).to_string()),
            Some(ThreadId(42))
        );
        assert_eq!(reply_target("/t/42/other"), None);
        assert_eq!(reply_target("/t/x/reply"), None);
    }

    #[test]
    fn names_and_tokens_are_percent_encoded() {
        assert_eq!(profile("Ana María").to_string(), "/u/Ana%20Mar%C3%ADa");
        assert_eq!(profile("a/b").to_string(), "/u/a%2Fb");
        assert_eq!(
            members("a&b", "posts", "desc").to_string(),
            "/members?q=a%26b&sort=posts&dir=desc"
        );
        assert_eq!(admin_users("x y").to_string(), "/admin/users?q=x%20y");
        assert_eq!(unsubscribe("ab-C_d.9").to_string(), "/unsubscribe/ab-C_d.9");
    }
}
