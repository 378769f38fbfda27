//! What each reading page loads, as one function per page, so the number of statements a
//! page costs is fixed here and can be counted by a test.

use diesel_async::AsyncPgConnection;

use crate::accounts::cards::MemberCards;
use crate::forums::places::ForumPlaces;
use crate::forums::similar::SimilarIndex;
use crate::forums::store::{self, QuestionScope};
use crate::forums::types::{
    Backlink, Category, ForumHeader, ForumPlace, ForumSummary, ListedQuestion, PostRow, PostView,
    QuestionFilter, ThreadHeader, ThreadListItem, ThreadListRow, ThreadRow,
};
use crate::ids::{PostId, ThreadId, UserId};
use crate::web::pagination::{Pages, items_before};

pub use crate::forums::types::THREADS_PER_PAGE;

/// Why a page's content was not loaded.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The forum, thread or post is not there, or not for this reader to see.
    #[error("not there, or not for this reader")]
    NotFound,
    #[error("the database failed")]
    Database(#[from] diesel::result::Error),
}

/// What a page loads, or why not.
pub type ReadResult<T> = Result<T, ReadError>;
/// Posts on a thread page.
pub const POSTS_PER_PAGE: i64 = 20;

/// The forum start page: two statements in one round trip.
pub async fn start(conn: &mut AsyncPgConnection) -> ReadResult<(Vec<Category>, Vec<ForumSummary>)> {
    Ok(store::categories_and_forums(conn).await?)
}

/// A forum page: two statements in one round trip, and one more for members whose cards
/// are not in memory (see [`with_members`]).
pub struct ForumPage {
    pub forum: ForumHeader,
    /// Its threads on this page.
    pub threads: Vec<ThreadListItem>,
    /// Where we are.
    pub pages: Pages,
}

/// Loads page `page` of the forum `slug`; 404 when either does not exist.
pub async fn forum(
    conn: &mut AsyncPgConnection,
    members: &MemberCards,
    slug: &str,
    page: i64,
    viewer: Option<UserId>,
) -> ReadResult<ForumPage> {
    // The listing is read together with the forum, so its offset comes from the page
    // asked for; a page past the end finds no threads and is shown empty.
    let offset = items_before(page, THREADS_PER_PAGE);
    let (forum, threads) = store::forum_with_threads(conn, slug, viewer, offset).await?;
    let forum = forum.ok_or(ReadError::NotFound)?;
    let pages = Pages::new(i64::from(forum.thread_count), THREADS_PER_PAGE, page);
    let threads = with_members(conn, members, threads).await?;
    Ok(ForumPage {
        forum,
        threads,
        pages,
    })
}

/// A Questions forum's page as `filter` asks: the forum, then its questions (two
/// statements, and one for members whose cards are not in memory); `None` when the forum
/// asks no questions, so that its plain list is shown instead.
pub async fn forum_questions(
    conn: &mut AsyncPgConnection,
    members: &MemberCards,
    slug: &str,
    filter: QuestionFilter,
    page: i64,
    viewer: Option<UserId>,
) -> ReadResult<Option<ForumPage>> {
    let forum = store::forum_by_slug(conn, slug)
        .await?
        .ok_or(ReadError::NotFound)?;
    if !forum.questions {
        return Ok(None);
    }
    let offset = items_before(page, THREADS_PER_PAGE);
    let rows =
        store::question_list(conn, QuestionScope::Forum(slug), filter, viewer, offset).await?;
    let total = rows.first().map_or(0, |r| r.total);
    let threads = with_members(conn, members, rows.into_iter().map(|q| q.thread).collect()).await?;
    Ok(Some(ForumPage {
        forum,
        threads,
        pages: Pages::new(total, THREADS_PER_PAGE, page),
    }))
}

/// `/questions`: one page of the questions of every Questions forum as `filter` asks, each
/// with its forum's slug and title (one statement, and one for members whose cards are not
/// in memory).
pub async fn questions(
    conn: &mut AsyncPgConnection,
    members: &MemberCards,
    filter: QuestionFilter,
    page: i64,
    viewer: Option<UserId>,
) -> ReadResult<(Vec<ListedQuestion>, Pages)> {
    let offset = items_before(page, THREADS_PER_PAGE);
    let rows = store::question_list(conn, QuestionScope::Site, filter, viewer, offset).await?;
    let total = rows.first().map_or(0, |r| r.total);
    let (threads, forums): (Vec<_>, Vec<_>) = rows
        .into_iter()
        .map(|q| (q.thread, (q.forum_slug, q.forum_title)))
        .unzip();
    let listed = with_members(conn, members, threads)
        .await?
        .into_iter()
        .zip(forums)
        .map(|(item, (forum_slug, forum_title))| ListedQuestion {
            item,
            forum_slug,
            forum_title,
        })
        .collect();
    Ok((listed, Pages::new(total, THREADS_PER_PAGE, page)))
}

/// A thread page: three statements in one round trip (and, for a member, one more: see
/// [`visit`]; one for authors whose cards are not in memory: see [`with_authors`]; and one
/// when the forums' places are not: see [`crate::forums::places`]).
pub struct ThreadData {
    pub thread: ThreadHeader,
    /// Its posts on this page.
    pub posts: Vec<PostView>,
    /// Posts quoting those.
    pub backlinks: Vec<Backlink>,
    /// Where we are.
    pub pages: Pages,
    /// Staff notes after those posts: for staff, else none (and not read).
    pub notes: Vec<store::StaffNoteRow>,
}

pub use crate::forums::visibility::Reader;

/// A thread anyone may see: neither hidden nor waiting for approval.
pub async fn visible_thread(
    conn: &mut AsyncPgConnection,
    id: ThreadId,
) -> ReadResult<ThreadHeader> {
    thread_for(conn, id, Reader::default()).await
}

/// A thread as `reader` may see it: moderators see everything, authors their own thread
/// while it waits for approval.
pub async fn thread_for(
    conn: &mut AsyncPgConnection,
    id: ThreadId,
    reader: Reader,
) -> ReadResult<ThreadHeader> {
    readable(store::thread_header(conn, id).await?, reader)
}

fn readable(thread: Option<ThreadHeader>, reader: Reader) -> ReadResult<ThreadHeader> {
    thread
        .filter(|t| may_read(t, reader))
        .ok_or(ReadError::NotFound)
}

/// Whether `reader` may see `thread`.
fn may_read(thread: &ThreadRow, reader: Reader) -> bool {
    // A merged thread is found so that its address can lead to where it went.
    thread.merged_into.is_some() || reader.sees_thread(thread.facts())
}

/// Page `page` of thread `id` as `reader` may see it. The thread and its posts are read
/// together, before the thread is checked; a page past the end has no posts.
pub async fn thread(
    conn: &mut AsyncPgConnection,
    members: &MemberCards,
    places: &ForumPlaces,
    id: ThreadId,
    page: i64,
    reader: Reader,
) -> ReadResult<ThreadData> {
    // Positions are dense, so page N is one range look-up on (thread_id, position).
    let before = items_before(page, POSTS_PER_PAGE);
    let position = |n: i64| i32::try_from(n).unwrap_or(i32::MAX);
    let (first, last) = (
        position(before.saturating_add(1)),
        position(before.saturating_add(POSTS_PER_PAGE)),
    );
    let (thread, posts, backlinks) =
        store::thread_with_posts(conn, id, first, last, reader).await?;
    let row = thread
        .filter(|t| may_read(t, reader))
        .ok_or(ReadError::NotFound)?;
    // Only a thread the reader may see is placed.
    let place = places.of(conn, row.forum_id).await?;
    let thread = ThreadHeader {
        columns: row,
        place: ForumPlace::clone(&place),
    };
    let pages = Pages::new(i64::from(thread.post_count), POSTS_PER_PAGE, page);
    let mut posts = with_authors(conn, members, posts).await?;
    with_files(conn, &mut posts).await?;
    if let Some(user) = reader.user {
        with_helpful_marks(conn, user, &mut posts).await?;
    }
    let notes = if reader.sees_staff_notes() && !posts.is_empty() {
        let shown: Vec<PostId> = posts.iter().map(|p| p.id).collect();
        store::staff_notes_after(conn, thread.id, &shown).await?
    } else {
        Vec::new()
    };
    Ok(ThreadData {
        thread,
        posts,
        backlinks,
        pages,
        notes,
    })
}

/// The files of the posts that have some (whose words the reader sees); no statement
/// when none has.
pub async fn with_files(conn: &mut AsyncPgConnection, posts: &mut [PostView]) -> ReadResult<()> {
    let carrying: Vec<PostId> = posts
        .iter()
        .filter(|p| p.attachment_count > 0 && !p.hidden)
        .map(|p| p.id)
        .collect();
    if carrying.is_empty() {
        return Ok(());
    }
    for file in crate::attachments::store::of_posts(conn, &carrying).await? {
        if let Some(post) = posts.iter_mut().find(|p| Some(p.id) == file.post_id) {
            post.files.push(file);
        }
    }
    Ok(())
}

/// Which posts `reader` marked "Helpful", and on their own posts who did; no statement
/// when no post on the page has a mark.
async fn with_helpful_marks(
    conn: &mut AsyncPgConnection,
    reader: UserId,
    posts: &mut [PostView],
) -> ReadResult<()> {
    let marked: Vec<PostId> = posts
        .iter()
        .filter(|p| p.helpful_count > 0)
        .map(|p| p.id)
        .collect();
    if marked.is_empty() {
        return Ok(());
    }
    let mine = store::marked_helpful_by(conn, reader, &marked).await?;
    let own: Vec<PostId> = posts
        .iter()
        .filter(|p| p.helpful_count > 0 && p.author_id == reader)
        .map(|p| p.id)
        .collect();
    let mut names = match own.is_empty() {
        true => Default::default(),
        false => store::helpful_names(conn, &own).await?,
    };
    for post in posts.iter_mut() {
        post.helpful_mine = mine.contains(&post.id);
        post.helpful_by = names.remove(&post.id).unwrap_or_default();
    }
    Ok(())
}

/// `rows` with their authors' cards: from memory, and in one more statement for the
/// authors whose cards are not kept or changed since.
pub async fn with_authors(
    conn: &mut AsyncPgConnection,
    members: &MemberCards,
    rows: Vec<PostRow>,
) -> ReadResult<Vec<PostView>> {
    let authors: Vec<UserId> = rows.iter().map(|row| row.author_id).collect();
    let cards = members.of(conn, &authors).await?;
    Ok(rows
        .into_iter()
        .zip(cards)
        .map(|(row, author)| PostView {
            row,
            author,
            helpful_mine: false,
            helpful_by: Vec::new(),
            files: Vec::new(),
        })
        .collect())
}

/// `rows` with the cards of their threads' starters and last writers, read as
/// [`with_authors`] reads them. A last writer is kept without a foreign key, so one that
/// names no member shows no name rather than failing the page.
async fn with_members(
    conn: &mut AsyncPgConnection,
    members: &MemberCards,
    rows: Vec<ThreadListRow>,
) -> ReadResult<Vec<ThreadListItem>> {
    let ids: Vec<UserId> = rows
        .iter()
        .map(|row| row.author_id)
        .chain(rows.iter().filter_map(|row| row.last_post_author_id))
        .collect();
    let mut cards = members.find(conn, &ids).await?.into_iter();
    let authors: Vec<_> = cards.by_ref().take(rows.len()).collect();
    Ok(rows
        .into_iter()
        .zip(authors)
        .map(|(row, author)| {
            let last_author = row.last_post_author_id.and_then(|_| cards.next().flatten());
            Ok(ThreadListItem {
                author: author.ok_or(diesel::result::Error::NotFound)?,
                last_author,
                row,
            })
        })
        .collect::<Result<_, diesel::result::Error>>()?)
}

/// Posts `first..=last` of a thread as `reader` may see them, with their authors.
pub async fn posts(
    conn: &mut AsyncPgConnection,
    members: &MemberCards,
    thread: ThreadId,
    (first, last): (i32, i32),
    reader: Reader,
) -> ReadResult<Vec<PostView>> {
    let rows = store::posts_in_range(conn, thread, first, last, reader).await?;
    with_authors(conn, members, rows).await
}

/// One visible post of a thread with its author (the solution shown under the question).
pub async fn post_view(
    conn: &mut AsyncPgConnection,
    members: &MemberCards,
    thread: ThreadId,
    post: PostId,
) -> ReadResult<Option<PostView>> {
    let Some(row) = store::post_view(conn, thread, post).await? else {
        return Ok(None);
    };
    Ok(with_authors(conn, members, vec![row]).await?.pop())
}

/// A member's visit to a thread page: records how far they have read (to the last post
/// of the page) and tells whether they watch the thread and have its question too, in
/// one statement; `None` for a logged-out reader.
pub async fn visit(
    conn: &mut AsyncPgConnection,
    data: &ThreadData,
    reader: Reader,
) -> ReadResult<Option<store::Visit>> {
    let Some(user) = reader.user else {
        return Ok(None);
    };
    let visit = match data.posts.last() {
        Some(seen) => store::visit_thread(conn, user, data.thread.id, seen.position).await?,
        None => store::Visit {
            watching: store::subscription_mode(conn, user, Some(data.thread.id), None)
                .await?
                .is_some(),
            me_too: store::me_too_of(conn, data.thread.id, user).await?,
        },
    };
    Ok(Some(visit))
}

/// The fewest characters of a title that similar questions are looked for.
pub const SIMILAR_MIN_CHARS: usize = 10;
/// "Similar questions" shown at most.
pub const SIMILAR_SHOWN: usize = 5;

/// A similar question with the forum it is in.
pub struct Similar {
    pub question: crate::forums::types::SimilarQuestion,
    pub forum_title: String,
}

/// "Similar questions" for a title being typed, up to five, solved ones first: none for a
/// title shorter than [`SIMILAR_MIN_CHARS`]. The index names the candidates; one
/// statement reads those still public, with their state.
pub async fn similar_questions(
    conn: &mut AsyncPgConnection,
    places: &ForumPlaces,
    index: &SimilarIndex,
    title: &str,
) -> ReadResult<Vec<Similar>> {
    let title = title.trim();
    if title.chars().count() < SIMILAR_MIN_CHARS {
        return Ok(Vec::new());
    }
    let forums = places.question_forums(conn).await?;
    if forums.is_empty() {
        return Ok(Vec::new());
    }
    let candidates = index.candidates(conn, &forums, title).await?;
    let ids: Vec<_> = candidates.iter().map(|c| c.id).collect();
    let mut public = store::similar_questions(conn, &forums, &ids).await?;
    let rank =
        |q: &crate::forums::types::SimilarQuestion| candidates.iter().position(|c| c.id == q.id);
    public.sort_by_key(|q| (!q.solved, rank(q)));
    public.truncate(SIMILAR_SHOWN);
    let mut found = Vec::new();
    for question in public {
        let place = places.of(conn, question.forum_id).await?;
        found.push(Similar {
            forum_title: place.forum_title.clone(),
            question,
        });
    }
    Ok(found)
}
