//! "Staff note": staff write one into a thread, and its address leads staff to it.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::forums::handlers::reading::post_page_url;
use crate::forums::pages::{self, Reader};
use crate::forums::staff_views::{self, NOTE_MAX};
use crate::forums::store;
use crate::forums::writing;
use crate::ids::{NoteId, ThreadId};
use crate::shell::ctx::{Ctx, Staff};
use crate::shell::form::CsrfForm;
use crate::web::error::{AppError, AppResult};
use crate::web::form::FieldErrors;
use crate::web::{html, redirect};

/// The note form as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NoteForm {
    body: String,
}

/// `POST /t/{id}/note`: adds a staff note after the thread's last post; a note that is
/// empty or too long comes back with its text.
pub async fn add(
    staff: Staff,
    id: web::Path<ThreadId>,
    CsrfForm(form): CsrfForm<NoteForm>,
) -> AppResult<HttpResponse> {
    let mut conn = staff.state.conn().await?;
    let thread = pages::thread_for(&mut conn, *id, Reader::of(&staff)).await?;
    if thread.merged_into.is_some() {
        return Err(AppError::NotFound);
    }
    let body = crate::markup::clean_text(&form.body).trim().to_string();
    let mut errors = FieldErrors::new();
    let length = body.chars().count();
    if body.is_empty() {
        errors.add("body", "Please write the note.");
    } else if length > NOTE_MAX {
        errors.add(
            "body",
            format!("A note may be at most {NOTE_MAX} characters long (this one has {length})."),
        );
    }
    if !errors.is_empty() {
        return Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            staff_views::note_page(&staff, &thread, &form.body, &errors),
        ));
    }
    let (body_html, _) = writing::render(&mut conn, &body).await?;
    let note = store::add_staff_note(&mut conn, thread.id, staff.user().id, &body, &body_html)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(staff.redirect_with_flash(
        &note_url(&mut conn, note, Reader::of(&staff)).await?,
        "Staff note added.",
    ))
}

/// Where a note shows: the page of the post it follows, at the note.
async fn note_url(
    conn: &mut diesel_async::AsyncPgConnection,
    note: NoteId,
    reader: Reader,
) -> AppResult<String> {
    let place = store::staff_note_place(conn, note)
        .await?
        .filter(|p| reader.sees_thread(p.facts.facts().thread))
        .ok_or(AppError::NotFound)?;
    let page = post_page_url(&place.slug, place.thread_id, place.position);
    Ok(format!("{page}#n{note}"))
}

/// `GET /notes/{id}`: to the note on its thread page, for staff; anyone else finds
/// nothing here, as if there were no note.
pub async fn permalink(ctx: Ctx, id: web::Path<NoteId>) -> AppResult<HttpResponse> {
    if !Reader::of(&ctx).sees_staff_notes() {
        return Err(AppError::NotFound);
    }
    let mut conn = ctx.state.conn().await?;
    Ok(redirect::found(
        &note_url(&mut conn, *id, Reader::of(&ctx)).await?,
    ))
}
