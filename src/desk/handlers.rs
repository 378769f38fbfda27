//! The desk's handlers: `/desk`, assigning at `/t/{id}/assign`, and `/admin/groups`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::Utc;
use serde::Deserialize;

use crate::accounts::store::{self as accounts, GroupError};
use crate::desk::assigning::{self, AssignError};
use crate::desk::stats;
use crate::desk::stats_views;
use crate::desk::store::{self, Assignee, QueueView};
use crate::desk::views::{self, GROUP_NAME_MAX, GroupForms};
use crate::forums::pages::{self, Reader};
use crate::ids::{GroupId, ThreadId, UserId};
use crate::shell::ctx::{Admin, Staff};
use crate::shell::form::CsrfForm;
use crate::web::error::{AppError, AppResult};
use crate::web::form::FieldErrors;
use crate::web::html;
use crate::web::pagination::{Pages, items_before};

/// Questions on a page of the queue.
const QUEUE_PAGE: i64 = 50;

/// `?show=…&page=…` of the queue.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct QueueQuery {
    show: String,
    page: Option<String>,
}

/// `GET /desk`.
pub async fn queue(staff: Staff, query: web::Query<QueueQuery>) -> AppResult<HttpResponse> {
    let view = QueueView::from_word(&query.show);
    let page = crate::web::pagination::PageQuery {
        page: query.page.clone(),
    }
    .number();
    let mut conn = staff.state.conn().await?;
    let user = staff.user().id;
    let groups = accounts::groups_of(&mut conn, user).await?;
    let offset = items_before(page, QUEUE_PAGE);
    let rows = store::queue(&mut conn, view, user, &groups, (QUEUE_PAGE, offset)).await?;
    let total = rows.first().map_or(0, |r| r.total);
    let pages = Pages::new(total, QUEUE_PAGE, page);
    Ok(html(
        StatusCode::OK,
        views::queue_page(&staff, view, &rows, pages, Utc::now()),
    ))
}

/// `?weeks=` of the figures.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StatsQuery {
    weeks: String,
}

impl StatsQuery {
    /// Weeks asked for, within 1 and the most a page shows; the default otherwise.
    fn weeks(&self) -> u32 {
        self.weeks
            .trim()
            .parse()
            .map_or(stats::DEFAULT_WEEKS, |n: u32| n.clamp(1, stats::MAX_WEEKS))
    }
}

/// The figures of `weeks` weeks up to now, in the viewer's time zone.
async fn figures(staff: &Staff, weeks: u32) -> AppResult<Vec<stats::ForumFigures>> {
    let (now, zone) = (Utc::now(), staff.time_zone());
    let since = stats::start_of(stats::first_week(now, zone, weeks), zone);
    let mut conn = staff.state.conn().await?;
    let forums = store::question_forums(&mut conn).await?;
    let rows = store::asked_since(&mut conn, since).await?;
    Ok(stats::by_forum(&forums, &rows, zone, weeks, now))
}

/// `GET /desk/stats`.
pub async fn stats(staff: Staff, query: web::Query<StatsQuery>) -> AppResult<HttpResponse> {
    let weeks = query.weeks();
    let forums = figures(&staff, weeks).await?;
    Ok(html(
        StatusCode::OK,
        stats_views::stats_page(&staff, &forums, weeks),
    ))
}

/// `GET /desk/stats.csv`.
pub async fn stats_csv(staff: Staff, query: web::Query<StatsQuery>) -> AppResult<HttpResponse> {
    let forums = figures(&staff, query.weeks()).await?;
    let body = stats_views::stats_csv(&forums).map_err(|e| AppError::Internal(e.into()))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Cache-Control", "private, no-cache"))
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"desk-stats.csv\"",
        ))
        .body(body))
}

impl From<AssignError> for AppError {
    fn from(e: AssignError) -> AppError {
        match e {
            AssignError::BadChoice(message) => AppError::Unprocessable(message.into()),
            AssignError::NotAQuestion => {
                AppError::Unprocessable("Only questions in a Questions forum are assigned.".into())
            }
            AssignError::Database(e) => e.into(),
        }
    }
}

/// `GET /t/{id}/assign`.
pub async fn assign_form(staff: Staff, id: web::Path<ThreadId>) -> AppResult<HttpResponse> {
    render_assign(&staff, *id, StatusCode::OK, None).await
}

async fn render_assign(
    staff: &Staff,
    id: ThreadId,
    status: StatusCode,
    error: Option<&str>,
) -> AppResult<HttpResponse> {
    let mut conn = staff.state.conn().await?;
    let thread = pages::thread_for(&mut conn, id, Reader::of(staff)).await?;
    if !thread.place.questions || thread.merged_into.is_some() {
        return Err(AssignError::NotAQuestion.into());
    }
    let people = accounts::staff_members(&mut conn).await?;
    let groups = accounts::staff_groups(&mut conn).await?;
    Ok(html(
        status,
        views::assign_page(staff, &thread, &people, &groups, error),
    ))
}

/// The assign form as sent: `action` is "assign" (to `to`, "u{id}" or "g{id}"), "claim"
/// or "unassign".
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AssignForm {
    action: String,
    to: String,
}

/// Who "u12" or "g3" names.
fn assignee(word: &str) -> Option<Assignee> {
    let (kind, id) = word.split_at_checked(1)?;
    let id: i64 = id.parse().ok()?;
    match kind {
        "u" => Some(Assignee::Person(UserId(id))),
        "g" => Some(Assignee::Group(GroupId(id))),
        _ => None,
    }
}

/// `POST /t/{id}/assign`.
pub async fn assign(
    staff: Staff,
    id: web::Path<ThreadId>,
    CsrfForm(form): CsrfForm<AssignForm>,
) -> AppResult<HttpResponse> {
    let (to, done) = match form.action.as_str() {
        "claim" => (
            Some(Assignee::Person(staff.user().id)),
            "You have this question now.",
        ),
        "unassign" => (None, "Nobody has this question now."),
        "assign" => match assignee(&form.to) {
            Some(to) => (Some(to), "Question assigned."),
            None => {
                return render_assign(
                    &staff,
                    *id,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some("Please choose a person or a group."),
                )
                .await;
            }
        },
        _ => return Err(AppError::BadRequest("Unknown action.".into())),
    };
    let mut conn = staff.state.conn().await?;
    let thread = pages::thread_for(&mut conn, *id, Reader::of(&staff)).await?;
    match assigning::assign(&mut conn, &staff.state.settings, staff.user(), &thread, to).await {
        Ok(()) => {
            staff.state.mail_wake.notify_one();
            Ok(staff.redirect_with_flash(&thread.path(), done))
        }
        Err(AssignError::BadChoice(message)) => {
            drop(conn);
            render_assign(&staff, *id, StatusCode::UNPROCESSABLE_ENTITY, Some(message)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /admin/groups`.
pub async fn groups(admin: Admin) -> AppResult<HttpResponse> {
    render_groups(&admin, StatusCode::OK, &GroupForms::default()).await
}

async fn render_groups(
    admin: &Admin,
    status: StatusCode,
    forms: &GroupForms<'_>,
) -> AppResult<HttpResponse> {
    let mut conn = admin.state.conn().await?;
    let groups = accounts::staff_groups(&mut conn).await?;
    Ok(html(status, views::groups_page(admin, &groups, forms)))
}

/// A group's name as stored, or what is wrong with it.
fn group_name(typed: &str) -> Result<String, String> {
    let name = crate::markup::clean_text(typed).trim().replace('\n', " ");
    match name.chars().count() {
        0 => Err("Please give the group a name.".into()),
        n if n > GROUP_NAME_MAX => Err(format!(
            "A group's name may be at most {GROUP_NAME_MAX} characters long."
        )),
        _ => Ok(name),
    }
}

/// A refused name as a problem of its field.
fn name_problem(result: Result<String, String>) -> Result<String, FieldErrors> {
    result.map_err(|message| {
        let mut errors = FieldErrors::new();
        errors.add("name", message);
        errors
    })
}

fn taken(e: GroupError) -> Result<FieldErrors, AppError> {
    match e {
        GroupError::NameTaken => {
            let mut errors = FieldErrors::new();
            errors.add(
                "name",
                "Another group has this name; please choose another.",
            );
            Ok(errors)
        }
        GroupError::Database(e) => Err(e.into()),
    }
}

/// The new-group form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewGroupForm {
    name: String,
}

/// `POST /admin/groups`.
pub async fn create_group(
    admin: Admin,
    CsrfForm(form): CsrfForm<NewGroupForm>,
) -> AppResult<HttpResponse> {
    let errors = match name_problem(group_name(&form.name)) {
        Ok(name) => {
            let mut conn = admin.state.conn().await?;
            match accounts::create_group(&mut conn, &name).await {
                Ok(()) => {
                    return Ok(admin.redirect_with_flash(
                        &crate::web::urls::admin_groups().to_string(),
                        "Group created.",
                    ));
                }
                Err(e) => taken(e)?,
            }
        }
        Err(errors) => errors,
    };
    let forms = GroupForms {
        new: Some((&form.name, &errors)),
        refused: None,
    };
    render_groups(&admin, StatusCode::UNPROCESSABLE_ENTITY, &forms).await
}

/// A change of one group: "rename" (to `name`), "delete", "add" (`username`) or "remove"
/// (`user`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GroupForm {
    action: String,
    name: String,
    username: String,
    user: String,
}

/// `POST /admin/groups/{id}`.
pub async fn change_group(
    admin: Admin,
    id: web::Path<GroupId>,
    CsrfForm(form): CsrfForm<GroupForm>,
) -> AppResult<HttpResponse> {
    let group = *id;
    let mut conn = admin.state.conn().await?;
    let (typed, refused): (&str, FieldErrors) = match form.action.as_str() {
        "rename" => match name_problem(group_name(&form.name)) {
            Ok(name) => match accounts::rename_group(&mut conn, group, &name).await {
                Ok(true) => return Ok(done(&admin, "Group renamed.")),
                Ok(false) => return Err(AppError::NotFound),
                Err(e) => (&form.name, taken(e)?),
            },
            Err(errors) => (&form.name, errors),
        },
        "delete" => {
            if !accounts::delete_group(&mut conn, group).await? {
                return Err(AppError::NotFound);
            }
            return Ok(done(&admin, "Group deleted; its questions are unassigned."));
        }
        "add" => {
            let name = form.username.trim();
            match accounts::add_group_member(&mut conn, group, name).await? {
                Some(_) => return Ok(done(&admin, "Member added.")),
                None => {
                    let mut errors = FieldErrors::new();
                    errors.add(
                        "username",
                        format!("There is no member called \u{201c}{name}\u{201d}."),
                    );
                    (&form.username, errors)
                }
            }
        }
        "remove" => {
            let user = form
                .user
                .parse()
                .map(UserId)
                .map_err(|_| AppError::NotFound)?;
            accounts::remove_group_member(&mut conn, group, user).await?;
            return Ok(done(&admin, "Member removed."));
        }
        _ => return Err(AppError::BadRequest("Unknown action.".into())),
    };
    drop(conn);
    let forms = GroupForms {
        new: None,
        refused: Some((group, typed, &refused)),
    };
    render_groups(&admin, StatusCode::UNPROCESSABLE_ENTITY, &forms).await
}

fn done(admin: &Admin, message: &str) -> HttpResponse {
    admin.redirect_with_flash(&crate::web::urls::admin_groups().to_string(), message)
}
