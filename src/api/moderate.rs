//! Moderating through the API: the thread and post actions of the moderator tools, for
//! tokens with the `moderate` scope whose member moderates. Each is logged as on the pages.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::accounts::cards::MemberCards;
use crate::api::caller::Caller;
use crate::api::error::{ApiError, ApiResult, CommonErrors, WriteErrors};
use crate::api::read::{post_json, thread_answer};
use crate::api::{json, store};
use crate::forums::visibility::Reader;
use crate::ids::{PostId, ThreadId};
use crate::moderation::actions::{self, ThreadAction};
use crate::web::form::FieldErrors;

/// What a moderator does to a thread: lock it (with a reason, shown in the thread) or
/// unlock it, pin it first in its forum or unpin it, hide it (with a reason) or restore it.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ThreadMove {
    Lock,
    Unlock,
    Pin,
    Unpin,
    Hide,
    Restore,
}

/// A thread action.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ThreadModeration {
    pub action: ThreadMove,
    /// Why: needed to lock or hide; members see it, the log keeps it.
    #[schema(max_length = 300)]
    pub reason: Option<String>,
}

/// What a moderator does to a post: hide it (with a reason) or restore it, approve it out
/// of the approval queue, or reject it (with a reason, which its author sees).
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PostMove {
    Hide,
    Restore,
    Approve,
    Reject,
}

/// A post action.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostModeration {
    pub action: PostMove,
    /// Why: needed to hide or reject.
    #[schema(max_length = 300)]
    pub reason: Option<String>,
}

/// The reason given, cleaned; 422 when the action needs one and there is none.
fn reason(given: Option<&str>, needed: bool) -> ApiResult<String> {
    let reason = crate::markup::clean_text(given.unwrap_or_default())
        .trim()
        .replace('\n', " ");
    if needed && reason.is_empty() {
        let mut errors = FieldErrors::new();
        errors.add(
            "reason",
            "Please give a reason: members see it, and the log keeps it.",
        );
        return Err(ApiError::invalid(&errors));
    }
    Ok(reason.chars().take(300).collect())
}

/// `POST /api/v1/threads/{id}/moderation`.
#[utoipa::path(post, path = "/api/v1/threads/{id}/moderation", tag = "moderate",
    description = "Locks, unlocks, pins, unpins, hides or restores a thread. Needs the `moderate` scope and a moderator.",
    params(("id" = i64, Path, description = "The thread's number")),
    request_body = ThreadModeration,
    responses((status = 200, description = "The thread as it is now", body = crate::api::types::Thread),
        CommonErrors, WriteErrors),
    security(("token" = ["moderate"])))]
pub async fn thread(
    caller: Caller,
    members: web::Data<MemberCards>,
    id: web::Path<ThreadId>,
    body: web::Json<ThreadModeration>,
) -> ApiResult<HttpResponse> {
    let user = caller.moderator()?;
    let given = body.reason.as_deref();
    let action = match body.action {
        ThreadMove::Lock => ThreadAction::Lock(reason(given, true)?),
        ThreadMove::Unlock => ThreadAction::Unlock,
        ThreadMove::Pin => ThreadAction::Pin,
        ThreadMove::Unpin => ThreadAction::Unpin,
        ThreadMove::Hide => ThreadAction::Hide(reason(given, true)?),
        ThreadMove::Restore => ThreadAction::Restore,
    };
    let mut conn = caller.conn().await?;
    actions::on_thread(&mut conn, user.id, *id, action).await?;
    thread_answer(&caller, &mut conn, &members, *id, Reader::of_member(user)).await
}

/// `POST /api/v1/posts/{id}/moderation`.
#[utoipa::path(post, path = "/api/v1/posts/{id}/moderation", tag = "moderate",
    description = "Hides, restores, approves or rejects a post. Needs the `moderate` scope and a moderator.",
    params(("id" = i64, Path, description = "The post's number")),
    request_body = PostModeration,
    responses((status = 200, description = "The post as it is now", body = crate::api::types::Post),
        CommonErrors, WriteErrors),
    security(("token" = ["moderate"])))]
pub async fn post(
    caller: Caller,
    id: web::Path<PostId>,
    body: web::Json<PostModeration>,
) -> ApiResult<HttpResponse> {
    let user = caller.moderator()?;
    let given = body.reason.as_deref();
    let post = *id;
    let mut conn = caller.conn().await?;
    match body.action {
        PostMove::Hide => {
            actions::hide_post(&mut conn, user.id, post, &reason(given, true)?).await?
        }
        PostMove::Restore => actions::restore_post(&mut conn, user.id, post).await?,
        PostMove::Approve => actions::approve(&mut conn, user.id, post).await?,
        PostMove::Reject => {
            actions::reject(&mut conn, user.id, post, &reason(given, true)?).await?
        }
    }
    let shown = store::post(&mut conn, post).await?;
    drop(conn);
    let base = caller.state.settings.base_url();
    let shown = shown
        .and_then(|p| post_json(p, Reader::of_member(user), &base))
        .ok_or_else(ApiError::not_found)?;
    Ok(json(&shown))
}
