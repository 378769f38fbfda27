//! Writing through the API, with every rule of the composer pages: the member must be
//! allowed to write, limits count, new members' posts wait for approval, locks hold.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::accounts::api_tokens::Scope;
use crate::accounts::cards::MemberCards;
use crate::accounts::types::Role;
use crate::api::caller::Caller;
use crate::api::error::{ApiError, ApiResult, CommonErrors, WriteErrors};
use crate::api::read::post_json;
use crate::api::types;
use crate::api::{json_status, link};
use crate::attachments::NO_FILES;
use crate::forums::pages;
use crate::forums::publishing::{self, Destination, Revision, Submission};
use crate::forums::store as forums_store;
use crate::forums::visibility::Reader;
use crate::forums::writing::{self, Edited};
use crate::ids::{PostId, ThreadId, UserId};
use crate::web::cookies::random_token;
use crate::web::form::FieldErrors;
use crate::web::urls;

/// The key that makes a repeated request return the first one's post: the client's
/// `idempotency_key`, kept apart per member and per place written to, so that no one else's
/// request, and no request to another thread or forum, can answer with that post.
fn idempotency(key: Option<&str>, user: UserId, place: &str) -> ApiResult<String> {
    match key {
        None => Ok(random_token()),
        Some(key) if (16..=64).contains(&key.len()) => Ok(format!("api:{user}:{place}:{key}")),
        Some(_) => Err(ApiError::bad_request(
            "idempotency_key holds 16 to 64 characters.",
        )),
    }
}

/// A post by `user` with `text`: subscribed as their "Notify me" default says, no files.
fn submission<'a>(
    caller: &'a Caller,
    user: &'a crate::accounts::types::SessionUser,
    text: &'a str,
    token: &'a str,
) -> Submission<'a> {
    Submission {
        author: user,
        body: text,
        token,
        ip: Some(&caller.ip),
        subscribe: Some(user.notify_mode.for_watching()).filter(|_| user.notify_default),
        files: &NO_FILES,
    }
}

/// 201 with what was written.
fn created(caller: &Caller, published: &publishing::Published) -> HttpResponse {
    let base = caller.state.settings.base_url();
    let written = types::Written {
        post_id: published.post.0,
        thread_id: published.thread.map_or(0, |t| t.0),
        held: published.held,
        url: link(&base, &urls::post(published.post).to_string()),
    };
    let mut response = json_status(StatusCode::CREATED, &written);
    response.headers_mut().insert(
        actix_web::http::header::LOCATION,
        actix_web::http::header::HeaderValue::from_str(&format!(
            "/api/v1/posts/{}",
            published.post
        ))
        .expect("a number is a header value"),
    );
    response
        .extensions_mut()
        .insert(crate::changes::AnnounceAfterCommit(published.pages.clone()));
    response
}

/// `POST /api/v1/forums/{slug}/threads`.
#[utoipa::path(post, path = "/api/v1/forums/{slug}/threads", tag = "write",
    description = "Starts a thread. Needs the `write` scope.",
    params(("slug" = String, Path, description = "The forum's slug")),
    request_body = types::NewThread,
    responses((status = 201, description = "The thread and its opening post", body = types::Written),
        CommonErrors, WriteErrors),
    security(("token" = ["write"])))]
pub async fn new_thread(
    caller: Caller,
    slug: web::Path<String>,
    body: web::Json<types::NewThread>,
) -> ApiResult<HttpResponse> {
    let user = caller.with(Scope::Write)?;
    let mut conn = caller.conn().await?;
    let forum = forums_store::forum_by_slug(&mut conn, &slug)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let place = format!("f{}", forum.id);
    let token = idempotency(body.idempotency_key.as_deref(), user.id, &place)?;
    let mut errors = FieldErrors::new();
    let title = writing::check_title(&body.title, &mut errors);
    let text = writing::check_body(&body.body, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::invalid(&errors));
    }
    let submission = submission(&caller, user, &text, &token);
    let destination = Destination::NewThread {
        forum: forum.id,
        title: &title,
    };
    let published =
        publishing::publish(&mut conn, &caller.state.settings, &submission, destination).await?;
    Ok(created(&caller, &published))
}

/// `POST /api/v1/threads/{id}/posts`.
#[utoipa::path(post, path = "/api/v1/threads/{id}/posts", tag = "write",
    description = "Replies to a thread. Needs the `write` scope.",
    params(("id" = i64, Path, description = "The thread's number")),
    request_body = types::NewPost,
    responses((status = 201, description = "The reply", body = types::Written),
        CommonErrors, WriteErrors),
    security(("token" = ["write"])))]
pub async fn reply(
    caller: Caller,
    id: web::Path<ThreadId>,
    body: web::Json<types::NewPost>,
) -> ApiResult<HttpResponse> {
    let user = caller.with(Scope::Write)?;
    let mut conn = caller.conn().await?;
    let thread = pages::thread_for(&mut conn, *id, Reader::of_member(user)).await?;
    let place = format!("t{}", thread.id);
    let token = idempotency(body.idempotency_key.as_deref(), user.id, &place)?;
    if thread.merged_into.is_some() {
        return Err(ApiError::not_found());
    }
    let mut errors = FieldErrors::new();
    let text = writing::check_body(&body.body, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::invalid(&errors));
    }
    let submission = submission(&caller, user, &text, &token);
    let published = publishing::publish(
        &mut conn,
        &caller.state.settings,
        &submission,
        Destination::Reply(thread.id),
    )
    .await?;
    Ok(created(&caller, &published))
}

/// `PATCH /api/v1/posts/{id}`.
#[utoipa::path(patch, path = "/api/v1/posts/{id}", tag = "write",
    description = "Edits a post: one's own, or any as a moderator (with a reason). Needs the `write` scope. The answer is the post as it shows now; a new member's edit may wait for approval (202).",
    params(("id" = i64, Path, description = "The post's number")),
    request_body = types::PostEdit,
    responses((status = 200, description = "The edited post", body = types::Post),
        (status = 202, description = "The edit waits for approval; the post as it shows meanwhile", body = types::Post),
        CommonErrors, WriteErrors),
    security(("token" = ["write"])))]
pub async fn edit(
    caller: Caller,
    id: web::Path<PostId>,
    body: web::Json<types::PostEdit>,
) -> ApiResult<HttpResponse> {
    let user = caller.with(Scope::Write)?;
    let reader = Reader::of_member(user);
    let mut conn = caller.conn().await?;
    let post = forums_store::post_for_edit(&mut conn, *id)
        .await?
        .filter(|p| !p.hidden)
        .ok_or_else(ApiError::not_found)?;
    let thread = pages::thread_for(&mut conn, post.thread_id, reader).await?;
    if post.author_id != user.id && user.role < Role::Moderator {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "You can edit only your own posts.",
        ));
    }
    let mut errors = FieldErrors::new();
    let text = writing::check_body(&body.body, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::invalid(&errors));
    }
    let reason = crate::markup::clean_text(body.reason.as_deref().unwrap_or_default())
        .trim()
        .replace('\n', " ");
    let revision = Revision {
        editor: user,
        body: &text,
        reason: &reason,
        files: &NO_FILES,
    };
    let edited =
        publishing::revise(&mut conn, &caller.state.settings, &revision, &post, &thread).await?;
    let shown = crate::api::store::post(&mut conn, post.id).await?;
    drop(conn);
    let base = caller.state.settings.base_url();
    let shown = shown
        .and_then(|p| post_json(p, reader, &base))
        .ok_or_else(ApiError::not_found)?;
    let status = match edited {
        Edited::Applied => StatusCode::OK,
        Edited::Held => StatusCode::ACCEPTED,
    };
    Ok(json_status(status, &shown))
}

/// `PUT /api/v1/threads/{id}/answer`.
#[utoipa::path(put, path = "/api/v1/threads/{id}/answer", tag = "write",
    description = "Marks a reply as the question's answer, or clears the mark with a null `post_id`. For the asker or a moderator; needs the `write` scope.",
    params(("id" = i64, Path, description = "The thread's number")),
    request_body = types::AnswerChoice,
    responses((status = 200, description = "The thread as it is now", body = types::Thread),
        CommonErrors, WriteErrors),
    security(("token" = ["write"])))]
pub async fn answer(
    caller: Caller,
    members: web::Data<MemberCards>,
    id: web::Path<ThreadId>,
    body: web::Json<types::AnswerChoice>,
) -> ApiResult<HttpResponse> {
    let user = caller.with(Scope::Write)?;
    let reader = Reader::of_member(user);
    let mut conn = caller.conn().await?;
    let thread = pages::thread_for(&mut conn, *id, reader).await?;
    if thread.author_id != user.id && user.role < Role::Moderator {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Only the person who asked, or a moderator, can mark the answer.",
        ));
    }
    let post = body.post_id.map(PostId);
    let settings = &caller.state.settings;
    writing::mark_solution(&mut conn, &members, settings, user, &thread, post).await?;
    crate::api::read::thread_answer(&caller, &mut conn, &members, *id, reader).await
}
