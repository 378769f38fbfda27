//! Serving attached files. Access follows the post: a file answers only to readers who may
//! read its post's words (an upload not attached yet, only to its uploader); to anyone
//! else it is not there. Files never run in the site's origin: non-pictures are downloads,
//! and every response forbids sniffing and carries a sandboxing policy.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::attachments::files::content_type;
use crate::attachments::store::{self, ServedRow};
use crate::forums::visibility::{PostFacts, Reader, ThreadFacts};
use crate::ids::AttachmentId;
use crate::shell::ctx::Ctx;
use crate::web::error::{AppError, AppResult};

/// What a served file may do in a browser: nothing but show itself.
const SANDBOX: &str = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";

/// Whether `reader` may have the file.
fn may_have(reader: Reader, row: &ServedRow) -> bool {
    let Some(author) = row.post_author else {
        return row.file.post_id.is_none() && reader.user == Some(row.file.uploader_id);
    };
    let facts = PostFacts {
        hidden: row.post_hidden.unwrap_or(true),
        approved: row.post_approved.unwrap_or(false),
        author,
        thread: ThreadFacts {
            hidden: row.thread_hidden.unwrap_or(true),
            approved: row.thread_approved.unwrap_or(false),
            author: row.thread_author.unwrap_or_default(),
        },
    };
    reader.sees_post(facts)
}

/// The file row `id` under `hash`, if this reader may have it.
async fn allowed(ctx: &Ctx, id: AttachmentId, hash: &str) -> AppResult<ServedRow> {
    let mut conn = ctx.state.conn().await?;
    store::for_serving(&mut conn, id, hash)
        .await?
        .filter(|row| may_have(Reader::of(ctx), row))
        .ok_or(AppError::NotFound)
}

/// Headers every file response carries. The address changes with the content, yet the
/// browser asks again each time (`no-cache`), so that a file of a post hidden since is not
/// handed out from a cache; the answer is usually `304`.
fn common(response: &mut actix_web::HttpResponseBuilder, etag: &str) {
    response
        .insert_header((header::CONTENT_SECURITY_POLICY, SANDBOX))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .insert_header((header::ETAG, etag.to_string()))
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        // Stored as they are served: ranges count the stored bytes, and pictures and
        // archives do not shrink.
        .insert_header((header::CONTENT_ENCODING, "identity"));
}

fn not_modified(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
}

/// The one byte range asked for, when it applies: `Range` with a single range, and an
/// `If-Range` (if any) naming this version. `Err` when it cannot be satisfied.
fn asked_range(req: &HttpRequest, etag: &str, length: u64) -> Result<Option<(u64, u64)>, ()> {
    use actix_web::http::header::{Header, Range};
    if let Some(if_range) = req.headers().get(header::IF_RANGE)
        && if_range.to_str().ok() != Some(etag)
    {
        return Ok(None);
    }
    match Range::parse(req) {
        Ok(Range::Bytes(ranges)) if ranges.len() == 1 => {
            ranges[0].to_satisfiable_range(length).map(Some).ok_or(())
        }
        // Several ranges at once are answered with the whole file, as the standard allows.
        _ => Ok(None),
    }
}

/// `GET /files/{id}/{hash}/{name}`: the file itself (the name is only what it is saved as).
pub async fn file(
    req: HttpRequest,
    ctx: Ctx,
    path: web::Path<(AttachmentId, String, String)>,
) -> AppResult<HttpResponse> {
    let (id, hash, _) = path.into_inner();
    let row = allowed(&ctx, id, &hash).await?;
    let file = &row.file;
    let etag = format!("\"{}\"", file.hash);
    let mut response = HttpResponse::Ok();
    common(&mut response, &etag);
    if not_modified(&req, &etag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, "private, no-cache"))
            .finish());
    }
    let disposition = ContentDisposition {
        disposition: if file.is_picture() {
            DispositionType::Inline
        } else {
            DispositionType::Attachment
        },
        parameters: vec![DispositionParam::FilenameExt(header::ExtendedValue {
            charset: header::Charset::Ext("UTF-8".into()),
            language_tag: None,
            value: file.name.clone().into_bytes(),
        })],
    };
    response
        .insert_header(disposition)
        .content_type(content_type(file.kind));
    let length = u64::try_from(file.size).unwrap_or(0);
    let mut conn = ctx.state.conn().await?;
    match asked_range(&req, &etag, length) {
        Err(()) => Ok(HttpResponse::build(StatusCode::RANGE_NOT_SATISFIABLE)
            .insert_header((header::CONTENT_RANGE, format!("bytes */{length}")))
            .finish()),
        Ok(Some((first, last))) => {
            let bytes = store::bytes(&mut conn, id, Some((first, last - first + 1))).await?;
            response.status(StatusCode::PARTIAL_CONTENT).insert_header((
                header::CONTENT_RANGE,
                format!("bytes {first}-{last}/{length}"),
            ));
            Ok(response.body(bytes))
        }
        Ok(None) => Ok(response.body(store::bytes(&mut conn, id, None).await?)),
    }
}

/// `GET /files/{id}/{hash}.jpg`: a picture's thumbnail.
pub async fn thumbnail(
    req: HttpRequest,
    ctx: Ctx,
    path: web::Path<(AttachmentId, String)>,
) -> AppResult<HttpResponse> {
    let (id, hash) = path.into_inner();
    allowed(&ctx, id, &hash).await?;
    let etag = format!("\"{hash}-thumbnail\"");
    if not_modified(&req, &etag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .finish());
    }
    let mut conn = ctx.state.conn().await?;
    let bytes = store::thumbnail(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut response = HttpResponse::Ok();
    common(&mut response, &etag);
    Ok(response.content_type("image/jpeg").body(bytes))
}
