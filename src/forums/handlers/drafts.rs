//! Drafts: kept by the composer's script while typing (`POST /drafts/save`) or by its
//! "Save draft" button, listed at `/drafts`, discarded there or from the composer.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use maud::html;
use serde::Deserialize;

use crate::forums::drafts::{Place, discard, keep};
use crate::forums::handlers::reading::visible_thread;
use crate::forums::store;
use crate::forums::visibility::{Reader, ThreadFacts};
use crate::ids::ThreadId;
use crate::shell::ctx::CurrentUser;
use crate::shell::form::{CsrfForm, csrf_input};
use crate::shell::layout::page;
use crate::web::error::{AppError, AppResult};
use crate::web::{html as page_html, time, urls};

/// A draft as the script or the list sends it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DraftForm {
    /// The thread of a reply.
    thread: Option<i64>,
    /// The forum (URL name) of a new thread.
    forum: Option<String>,
    title: String,
    body: String,
}

/// The place a form names, if the member may write there.
async fn place_of(member: &CurrentUser, form: &DraftForm) -> AppResult<Place> {
    if let Some(thread) = form.thread {
        let thread = visible_thread(member, ThreadId(thread)).await?;
        return Ok(Place::Reply(thread.id));
    }
    let slug = form.forum.as_deref().ok_or(AppError::NotFound)?;
    let mut conn = member.state.conn().await?;
    let forum = store::forum_by_slug(&mut conn, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Place::NewThread(forum.id))
}

/// `POST /drafts/save`: the composer's script, every few seconds while typing.
pub async fn save(
    member: CurrentUser,
    CsrfForm(form): CsrfForm<DraftForm>,
) -> AppResult<HttpResponse> {
    let place = place_of(&member, &form).await?;
    let mut conn = member.state.conn().await?;
    keep(&mut conn, member.user().id, place, &form.title, &form.body).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /drafts/discard`: from the list.
pub async fn discard_from_list(
    member: CurrentUser,
    CsrfForm(form): CsrfForm<DraftForm>,
) -> AppResult<HttpResponse> {
    let place = place_of(&member, &form).await?;
    let mut conn = member.state.conn().await?;
    discard(&mut conn, member.user().id, place).await?;
    Ok(member.redirect_with_flash(&urls::drafts().to_string(), "The draft was discarded."))
}

/// `GET /drafts`: every unfinished reply and new thread, newest first, each leading back
/// to its composer. A reply to a thread the member may no longer see is not listed.
pub async fn list(member: CurrentUser) -> AppResult<HttpResponse> {
    let mut conn = member.state.conn().await?;
    let user = member.user();
    let (replies, threads) = store::drafts_of(&mut conn, user.id).await?;
    let reader = Reader::of(&member);
    let replies: Vec<_> = replies
        .into_iter()
        .filter(|d| {
            reader.sees_thread(ThreadFacts {
                hidden: d.hidden,
                approved: d.approved,
                author: d.author_id,
            })
        })
        .collect();
    let tz = member.time_zone();
    let excerpt = |body: &str| -> String {
        let flat = body.split_whitespace().collect::<Vec<_>>().join(" ");
        crate::text::truncate_chars(&flat, 160)
    };
    let body = html! {
        h1 { "Drafts" }
        p.hint { "What you started writing and did not post yet. Your reply or new thread comes back when you open its composer again; posting it removes the draft." }
        @if replies.is_empty() && threads.is_empty() {
            p.card { "You have no drafts." }
        }
        @if !threads.is_empty() {
            h2 { "New threads" }
            ul.drafts {
                @for d in &threads {
                    li.card {
                        a href=(urls::new_thread(&d.forum_slug)) {
                            @if d.title.trim().is_empty() { "(no title yet)" } @else { bdi { (d.title) } }
                        }
                        " in " (d.forum_title) " · saved " (time::relative(d.updated_at, tz))
                        p.excerpt { (excerpt(&d.body)) }
                        form.inline method="post" action="/drafts/discard" {
                            (csrf_input(&member))
                            input type="hidden" name="forum" value=(d.forum_slug);
                            button.link type="submit" { "Discard" }
                        }
                    }
                }
            }
        }
        @if !replies.is_empty() {
            h2 { "Replies" }
            ul.drafts {
                @for d in &replies {
                    li.card {
                        "Reply to " a href=(urls::reply(d.thread_id)) { bdi { (d.title) } }
                        " · saved " (time::relative(d.updated_at, tz))
                        p.excerpt { (excerpt(&d.body)) }
                        form.inline method="post" action="/drafts/discard" {
                            (csrf_input(&member))
                            input type="hidden" name="thread" value=(d.thread_id);
                            button.link type="submit" { "Discard" }
                        }
                    }
                }
            }
        }
    };
    Ok(page_html(StatusCode::OK, page(&member, "Drafts", body)))
}
