//! `/admin/forums`: categories and forums (administrators only).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::forums::admin_views::{self, AdminForms};
use crate::forums::store::{self, NewForum};
use crate::ids::{CategoryId, ForumId};
use crate::shell::ctx::Admin;
use crate::shell::form::CsrfForm;
use crate::web::error::{AppError, AppResult, violated_unique};
use crate::web::form::FieldErrors;
use crate::web::html;

async fn render(admin: &Admin, status: StatusCode, forms: &AdminForms) -> AppResult<HttpResponse> {
    let mut conn = admin.state.conn().await?;
    let categories = store::categories(&mut conn).await?;
    let forums = store::forum_summaries(&mut conn).await?;
    Ok(html(
        status,
        admin_views::forums_admin(admin, &categories, &forums, forms),
    ))
}

fn check_title(raw: &str, field: &'static str, errors: &mut FieldErrors) -> String {
    let title = crate::markup::clean_text(raw).trim().replace('\n', " ");
    if title.is_empty() || title.chars().count() > 100 {
        errors.add(field, "The title must be 1 to 100 characters long.");
    }
    title
}

/// `GET /admin/forums`.
pub async fn show(admin: Admin) -> AppResult<HttpResponse> {
    render(&admin, StatusCode::OK, &AdminForms::default()).await
}

/// The new-category form.
#[derive(Deserialize)]
pub struct CategoryForm {
    #[serde(default)]
    title: String,
}

/// `POST /admin/categories`.
pub async fn create_category(
    admin: Admin,
    CsrfForm(form): CsrfForm<CategoryForm>,
) -> AppResult<HttpResponse> {
    let mut errors = FieldErrors::new();
    let title = check_title(&form.title, "title", &mut errors);
    if !errors.is_empty() {
        let forms = AdminForms {
            category_title: form.title,
            category_errors: errors,
            ..AdminForms::default()
        };
        return render(&admin, StatusCode::UNPROCESSABLE_ENTITY, &forms).await;
    }
    let mut conn = admin.state.conn().await?;
    store::insert_category(&mut conn, &title).await?;
    Ok(admin.redirect_with_flash("/admin/forums", "Category created."))
}

/// A row action on a category or forum.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RowAction {
    action: String,
    title: String,
    description: String,
    category_id: CategoryId,
    questions: bool,
}

/// `POST /admin/categories/{id}`: rename, move or delete.
pub async fn category_action(
    admin: Admin,
    id: web::Path<CategoryId>,
    CsrfForm(form): CsrfForm<RowAction>,
) -> AppResult<HttpResponse> {
    let id = *id;
    let mut conn = admin.state.conn().await?;
    let message = match form.action.as_str() {
        "rename" => {
            let mut errors = FieldErrors::new();
            let title = check_title(&form.title, "title", &mut errors);
            if let Some(problem) = errors.get("title") {
                return Err(AppError::Unprocessable(problem.to_string()));
            }
            store::rename_category(&mut conn, id, &title).await?;
            "Category renamed."
        }
        "up" | "down" => {
            store::move_category(&mut conn, id, form.action == "up").await?;
            "Category moved."
        }
        "delete" => {
            if !store::delete_empty_category(&mut conn, id).await? {
                return Err(AppError::Conflict(
                    "This category still holds forums; move or delete them first.".into(),
                ));
            }
            "Category deleted."
        }
        _ => return Err(AppError::BadRequest("Unknown action.".into())),
    };
    Ok(admin.redirect_with_flash("/admin/forums", message))
}

/// The new-forum form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ForumForm {
    category_id: CategoryId,
    forum_title: String,
    slug: String,
    description: String,
    questions: bool,
}

/// `POST /admin/forums`.
pub async fn create_forum(
    admin: Admin,
    CsrfForm(form): CsrfForm<ForumForm>,
) -> AppResult<HttpResponse> {
    let mut errors = FieldErrors::new();
    let title = check_title(&form.forum_title, "forum_title", &mut errors);
    let slug = form.slug.trim().to_lowercase();
    let valid_slug = !slug.is_empty()
        && slug.len() <= 60
        && slug.split('-').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
    if !valid_slug {
        errors.add("slug", "The address may hold lower-case letters, digits and single hyphens between them (at most 60).");
    }
    let description = crate::markup::clean_text(&form.description)
        .trim()
        .replace('\n', " ");
    if description.chars().count() > 500 {
        errors.add(
            "description",
            "The description may be at most 500 characters long.",
        );
    }
    if errors.is_empty() {
        let mut conn = admin.state.conn().await?;
        let category = form.category_id;
        let position = store::next_forum_position(&mut conn, category).await?;
        let new = NewForum {
            category_id: category,
            slug: &slug,
            title: &title,
            description: &description,
            position,
            questions: form.questions,
        };
        match store::insert_forum(&mut conn, &new).await {
            Ok(_) => return Ok(admin.redirect_with_flash("/admin/forums", "Forum created.")),
            Err(e) if violated_unique(&e) == Some("forums_slug_key") => {
                errors.add("slug", "Another forum already has this address.")
            }
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::ForeignKeyViolation,
                _,
            )) => errors.add("category_id", "Please choose an existing category."),
            Err(e) => return Err(e.into()),
        }
    }
    let forms = AdminForms {
        forum: (form.forum_title, form.slug, form.description),
        forum_questions: form.questions,
        forum_errors: errors,
        ..AdminForms::default()
    };
    render(&admin, StatusCode::UNPROCESSABLE_ENTITY, &forms).await
}

/// `POST /admin/forums/{id}`: save, move or delete.
pub async fn forum_action(
    admin: Admin,
    id: web::Path<ForumId>,
    CsrfForm(form): CsrfForm<RowAction>,
) -> AppResult<HttpResponse> {
    let id = *id;
    let mut conn = admin.state.conn().await?;
    let message = match form.action.as_str() {
        "save" => {
            let mut errors = FieldErrors::new();
            let title = check_title(&form.title, "title", &mut errors);
            let description = crate::markup::clean_text(&form.description)
                .trim()
                .replace('\n', " ");
            if let Some(problem) = errors.get("title") {
                return Err(AppError::Unprocessable(problem.to_string()));
            }
            if description.chars().count() > 500 {
                return Err(AppError::Unprocessable(
                    "The description may be at most 500 characters long.".into(),
                ));
            }
            let change = store::ForumChange {
                category: form.category_id,
                title: &title,
                description: &description,
                questions: form.questions,
            };
            store::update_forum(&mut conn, id, &change).await?;
            "Forum saved."
        }
        "up" | "down" => {
            store::move_forum(&mut conn, id, form.action == "up").await?;
            "Forum moved."
        }
        "delete" => {
            if !store::delete_empty_forum(&mut conn, id).await? {
                return Err(AppError::Conflict(
                    "This forum still holds threads and cannot be deleted.".into(),
                ));
            }
            "Forum deleted."
        }
        _ => return Err(AppError::BadRequest("Unknown action.".into())),
    };
    Ok(admin.redirect_with_flash("/admin/forums", message))
}
