//! Every query of attachments. Metadata is read without the bytes, which PostgreSQL keeps
//! out of line: listing a page's files never touches their content.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::files::Prepared;
use crate::config::FileKind;
use crate::db::schema::attachments;
use crate::ids::{AttachmentId, PostId, UserId};

/// What pages show of a file.
#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = attachments)]
pub struct AttachmentRow {
    pub id: AttachmentId,
    pub post_id: Option<PostId>,
    pub uploader_id: UserId,
    pub name: String,
    pub kind: FileKind,
    /// Bytes.
    pub size: i32,
    pub hash: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
}

impl AttachmentRow {
    pub fn is_picture(&self) -> bool {
        self.kind.is_picture()
    }
}

/// A file about to be served, with what its visibility depends on: the post (and its
/// thread) it belongs to, or none for an upload whose post is not written yet.
#[derive(Debug, QueryableByName)]
pub struct ServedRow {
    #[diesel(embed)]
    pub file: AttachmentRow,
    #[diesel(sql_type = Nullable<Bool>)]
    pub post_hidden: Option<bool>,
    #[diesel(sql_type = Nullable<Bool>)]
    pub post_approved: Option<bool>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub post_author: Option<UserId>,
    #[diesel(sql_type = Nullable<Bool>)]
    pub thread_hidden: Option<bool>,
    #[diesel(sql_type = Nullable<Bool>)]
    pub thread_approved: Option<bool>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub thread_author: Option<UserId>,
}

/// `uploader`'s uploads among `ids` that still wait for their post.
#[diesel::dsl::auto_type]
fn waiting_among<'a>(uploader: UserId, ids: &'a [AttachmentId]) -> _ {
    attachments::id
        .eq_any(ids)
        .and(attachments::uploader_id.eq(uploader))
        .and(attachments::post_id.is_null())
}

/// Stores a prepared file, for `post` or (with `None`) waiting for its post.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    uploader: UserId,
    post: Option<PostId>,
    file: &Prepared,
) -> QueryResult<AttachmentId> {
    let size = i32::try_from(file.bytes.len()).unwrap_or(i32::MAX);
    diesel::insert_into(attachments::table)
        .values((
            attachments::uploader_id.eq(uploader),
            attachments::post_id.eq(post),
            attachments::name.eq(&file.name),
            attachments::kind.eq(file.kind),
            attachments::size.eq(size),
            attachments::hash.eq(&file.hash),
            attachments::width.eq(file.width.map(|w| w as i32)),
            attachments::height.eq(file.height.map(|h| h as i32)),
            attachments::data.eq(&file.bytes),
            attachments::thumbnail.eq(file.thumbnail.as_deref()),
        ))
        .returning(attachments::id)
        .get_result(conn)
        .await
}

/// Bytes `uploader` stored since `since` (whether attached to a post or not).
pub async fn uploaded_since(
    conn: &mut AsyncPgConnection,
    uploader: UserId,
    since: DateTime<Utc>,
) -> QueryResult<i64> {
    let total: Option<i64> = attachments::table
        .filter(attachments::uploader_id.eq(uploader))
        .filter(attachments::created_at.gt(since))
        .select(diesel::dsl::sum(attachments::size))
        .first(conn)
        .await?;
    Ok(total.unwrap_or(0))
}

/// Attaches `uploader`'s waiting uploads `ids` to `post`; returns how many were.
pub async fn claim(
    conn: &mut AsyncPgConnection,
    uploader: UserId,
    post: PostId,
    ids: &[AttachmentId],
) -> QueryResult<usize> {
    if ids.is_empty() {
        return Ok(0);
    }
    diesel::update(attachments::table.filter(waiting_among(uploader, ids)))
        .set(attachments::post_id.eq(post))
        .execute(conn)
        .await
}

/// The files of `posts`, by post and in the order they were added.
pub async fn of_posts(
    conn: &mut AsyncPgConnection,
    posts: &[PostId],
) -> QueryResult<Vec<AttachmentRow>> {
    if posts.is_empty() {
        return Ok(Vec::new());
    }
    attachments::table
        .filter(attachments::post_id.eq_any(posts))
        .order((attachments::post_id, attachments::id))
        .select(AttachmentRow::as_select())
        .load(conn)
        .await
}

/// `uploader`'s uploads among `ids` that wait for their post, in upload order.
pub async fn waiting(
    conn: &mut AsyncPgConnection,
    uploader: UserId,
    ids: &[AttachmentId],
) -> QueryResult<Vec<AttachmentRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    attachments::table
        .filter(waiting_among(uploader, ids))
        .order(attachments::id)
        .select(AttachmentRow::as_select())
        .load(conn)
        .await
}

/// Removes files `ids` from `post`.
pub async fn remove_from_post(
    conn: &mut AsyncPgConnection,
    post: PostId,
    ids: &[AttachmentId],
) -> QueryResult<usize> {
    if ids.is_empty() {
        return Ok(0);
    }
    diesel::delete(
        attachments::table
            .filter(attachments::post_id.eq(post))
            .filter(attachments::id.eq_any(ids)),
    )
    .execute(conn)
    .await
}

/// Forgets `uploader`'s waiting uploads `ids` ("Remove" in the composer).
pub async fn discard_waiting(
    conn: &mut AsyncPgConnection,
    uploader: UserId,
    ids: &[AttachmentId],
) -> QueryResult<usize> {
    if ids.is_empty() {
        return Ok(0);
    }
    diesel::delete(attachments::table.filter(waiting_among(uploader, ids)))
        .execute(conn)
        .await
}

/// File `id` under address hash `hash`, with the facts of its post.
pub async fn for_serving(
    conn: &mut AsyncPgConnection,
    id: AttachmentId,
    hash: &str,
) -> QueryResult<Option<ServedRow>> {
    diesel::sql_query(
        "SELECT a.id, a.post_id, a.uploader_id, a.name, a.kind, a.size, a.hash, a.width, a.height,
                p.hidden AS post_hidden, p.approved AS post_approved, p.author_id AS post_author,
                t.hidden AS thread_hidden, t.approved AS thread_approved,
                t.author_id AS thread_author
           FROM attachments a
           LEFT JOIN posts p ON p.id = a.post_id
           LEFT JOIN threads t ON t.id = p.thread_id
          WHERE a.id = $1 AND a.hash = $2",
    )
    .bind::<BigInt, _>(id)
    .bind::<diesel::sql_types::Text, _>(hash)
    .get_result(conn)
    .await
    .optional()
}

/// The bytes of file `id`, or of `length` of them from `offset` (PostgreSQL reads only
/// those from storage).
pub async fn bytes(
    conn: &mut AsyncPgConnection,
    id: AttachmentId,
    part: Option<(u64, u64)>,
) -> QueryResult<Vec<u8>> {
    #[derive(QueryableByName)]
    struct Part {
        #[diesel(sql_type = diesel::sql_types::Bytea)]
        data: Vec<u8>,
    }
    let (from, length) = part.unwrap_or((0, i32::MAX as u64));
    let part: Part = diesel::sql_query(
        "SELECT substring(data FROM $2::integer + 1 FOR $3::integer) AS data
           FROM attachments WHERE id = $1",
    )
    .bind::<BigInt, _>(id)
    .bind::<BigInt, _>(from as i64)
    .bind::<BigInt, _>(length.min(i32::MAX as u64) as i64)
    .get_result(conn)
    .await?;
    Ok(part.data)
}

/// The thumbnail of picture `id`.
pub async fn thumbnail(
    conn: &mut AsyncPgConnection,
    id: AttachmentId,
) -> QueryResult<Option<Vec<u8>>> {
    attachments::table
        .find(id)
        .select(attachments::thumbnail)
        .first::<Option<Vec<u8>>>(conn)
        .await
        .optional()
        .map(Option::flatten)
}

/// Deletes uploads that waited for a post since before `before`; returns how many.
pub async fn purge_waiting(
    conn: &mut AsyncPgConnection,
    before: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::delete(
        attachments::table
            .filter(attachments::post_id.is_null())
            .filter(attachments::created_at.lt(before)),
    )
    .execute(conn)
    .await
}
