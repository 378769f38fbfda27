//! `/desk/replies` for staff: list, add, change and delete canned replies.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::canned::Draft;
use crate::canned::store::{self, SaveError};
use crate::canned::views::{self, Forms};
use crate::shell::ctx::Staff;
use crate::shell::form::CsrfForm;
use crate::web::error::{AppError, AppResult};
use crate::web::form::FieldErrors;
use crate::web::{html, urls};

impl From<SaveError> for AppError {
    fn from(e: SaveError) -> AppError {
        match e {
            SaveError::TitleTaken => {
                AppError::Conflict("Another canned reply has this title.".into())
            }
            SaveError::Database(e) => e.into(),
        }
    }
}

/// The typed template with its text cleaned as it is stored, and its problems.
fn cleaned(draft: &Draft) -> (Draft, FieldErrors) {
    let draft = Draft {
        title: crate::markup::clean_text(&draft.title)
            .trim()
            .replace('\n', " "),
        body: crate::markup::clean_text(&draft.body).trim().to_string(),
    };
    let errors = draft.check();
    (draft, errors)
}

/// The page with `forms`, answered with `status`.
async fn render(staff: &Staff, status: StatusCode, forms: &Forms<'_>) -> AppResult<HttpResponse> {
    let mut conn = staff.state.conn().await?;
    let replies = store::all(&mut conn).await?;
    Ok(html(status, views::replies_page(staff, &replies, forms)))
}

/// A title taken by another template, as a problem of the form's title.
fn title_taken(result: Result<bool, SaveError>) -> Result<Option<FieldErrors>, AppError> {
    match result {
        Ok(_) => Ok(None),
        Err(SaveError::TitleTaken) => {
            let mut errors = FieldErrors::new();
            errors.add(
                "title",
                "Another canned reply has this title; please choose another.",
            );
            Ok(Some(errors))
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /desk/replies`.
pub async fn list(staff: Staff) -> AppResult<HttpResponse> {
    render(&staff, StatusCode::OK, &Forms::default()).await
}

/// `POST /desk/replies`: a new template.
pub async fn create(staff: Staff, CsrfForm(typed): CsrfForm<Draft>) -> AppResult<HttpResponse> {
    let (draft, mut errors) = cleaned(&typed);
    if errors.is_empty() {
        let mut conn = staff.state.conn().await?;
        let saved = store::insert(&mut conn, &draft.title, &draft.body, staff.user().id)
            .await
            .map(|()| true);
        match title_taken(saved)? {
            None => {
                return Ok(staff.redirect_with_flash(
                    &urls::canned_replies().to_string(),
                    "Canned reply added.",
                ));
            }
            Some(taken) => errors = taken,
        }
    }
    let forms = Forms {
        new: Some((&typed, &errors)),
        refused: None,
    };
    render(&staff, StatusCode::UNPROCESSABLE_ENTITY, &forms).await
}

/// A change of one template: save (with its text) or delete.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ChangeForm {
    action: String,
    title: String,
    body: String,
}

/// `POST /desk/replies/{id}`.
pub async fn change(
    staff: Staff,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<ChangeForm>,
) -> AppResult<HttpResponse> {
    let id = *id;
    let typed = Draft {
        title: form.title,
        body: form.body,
    };
    let mut conn = staff.state.conn().await?;
    let message = match form.action.as_str() {
        "save" => {
            let (draft, mut errors) = cleaned(&typed);
            if errors.is_empty() {
                let saved =
                    store::update(&mut conn, id, &draft.title, &draft.body, staff.user().id).await;
                if let Ok(false) = saved {
                    return Err(AppError::NotFound);
                }
                if let Some(taken) = title_taken(saved)? {
                    errors = taken;
                }
            }
            if !errors.is_empty() {
                drop(conn);
                let forms = Forms {
                    new: None,
                    refused: Some((id, &typed, &errors)),
                };
                return render(&staff, StatusCode::UNPROCESSABLE_ENTITY, &forms).await;
            }
            "Canned reply saved."
        }
        "delete" => {
            store::delete(&mut conn, id).await?;
            "Canned reply deleted."
        }
        _ => return Err(AppError::BadRequest("Unknown action.".into())),
    };
    Ok(staff.redirect_with_flash(&urls::canned_replies().to_string(), message))
}
