//! HTTP handlers of moderation: thread and post tools, reports, sanctions, the log and roles.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::Utc;
use serde::Deserialize;

use crate::accounts::cards::MemberCards;
use crate::accounts::types::Role;
use crate::forums::pages::visible_thread;
use crate::forums::store as forums_store;
use crate::ids::{ForumId, PostId, ThreadId, UserId};
use crate::moderation::actions::{self, ModerationError, ReportOutcome, Sanction, ThreadAction};
use crate::moderation::store;
use crate::moderation::views::{self, LogFilter};
use crate::shell::ctx::{Admin, CurrentUser, Moderator};
use crate::shell::form::CsrfForm;
use crate::shell::limits::{self, Limit};
use crate::web::error::{AppError, AppResult};
use crate::web::form::{FieldErrors, choice, is_checked};
use crate::web::html;
use crate::web::pagination::{PageQuery, Pages, items_before};
use crate::web::urls;

/// A moderator's action that was not carried out, as an error page.
impl From<ModerationError> for AppError {
    fn from(e: ModerationError) -> AppError {
        match e {
            ModerationError::NotFound => AppError::NotFound,
            ModerationError::NotAllowed(message) => AppError::Forbidden(message.into()),
            ModerationError::Settled(message) => AppError::Conflict(message.into()),
            ModerationError::BadChoice(message) => AppError::Unprocessable(message.into()),
            ModerationError::Writing(e) => e.into(),
            ModerationError::Database(e) => e.into(),
        }
    }
}

/// A moderation form: an action and what it needs.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ToolForm {
    action: String,
    reason: String,
    title: String,
    forum_id: ForumId,
    days: String,
    hide_posts: Option<String>,
    into: String,
}

fn reason(form: &ToolForm) -> AppResult<String> {
    let reason = crate::markup::clean_text(&form.reason)
        .trim()
        .replace('\n', " ");
    if reason.is_empty() {
        return Err(AppError::Unprocessable(
            "Please give a reason: members see it, and the log keeps it.".into(),
        ));
    }
    Ok(reason.chars().take(300).collect())
}

/// `POST /mod/t/{id}`: lock, pin, rename, move, hide or restore a thread.
pub async fn thread_tool(
    moderator: Moderator,
    id: web::Path<ThreadId>,
    CsrfForm(form): CsrfForm<ToolForm>,
) -> AppResult<HttpResponse> {
    let thread = *id;
    let action = match form.action.as_str() {
        "lock" => ThreadAction::Lock(reason(&form)?),
        "unlock" => ThreadAction::Unlock,
        "pin" => ThreadAction::Pin,
        "unpin" => ThreadAction::Unpin,
        "rename" => {
            let mut errors = FieldErrors::new();
            let title = crate::forums::writing::check_title(&form.title, &mut errors);
            if let Some(problem) = errors.get("title") {
                return Err(AppError::Unprocessable(problem.to_string()));
            }
            ThreadAction::Rename(title)
        }
        "move" => ThreadAction::Move(form.forum_id),
        "hide" => ThreadAction::Hide(reason(&form)?),
        "restore" => ThreadAction::Restore,
        "merge" => {
            let into = form
                .into
                .trim()
                .trim_start_matches('#')
                .parse::<i64>()
                .map_err(|_| {
                    AppError::Unprocessable(
                        "Please give the number of the thread to merge into.".into(),
                    )
                })?;
            let mut conn = moderator.state.conn().await?;
            actions::merge(&mut conn, moderator.user().id, thread, ThreadId(into)).await?;
            return Ok(moderator.redirect_with_flash(
                &urls::thread(ThreadId(into)).to_string(),
                "Threads merged.",
            ));
        }
        _ => return Err(AppError::BadRequest("Unknown action.".into())),
    };
    let mut conn = moderator.state.conn().await?;
    actions::on_thread(&mut conn, moderator.user().id, thread, action).await?;
    let header = forums_store::thread_header(&mut conn, thread)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(moderator.redirect_with_flash(&header.path(), "Done."))
}

/// `POST /mod/p/{id}`: hide (with a reason) or restore a post.
pub async fn post_tool(
    moderator: Moderator,
    id: web::Path<PostId>,
    CsrfForm(form): CsrfForm<ToolForm>,
) -> AppResult<HttpResponse> {
    let post = *id;
    let mut conn = moderator.state.conn().await?;
    match form.action.as_str() {
        "hide" => actions::hide_post(&mut conn, moderator.user().id, post, &reason(&form)?).await?,
        "restore" => actions::restore_post(&mut conn, moderator.user().id, post).await?,
        _ => return Err(AppError::BadRequest("Unknown action.".into())),
    }
    Ok(moderator.redirect_with_flash(&urls::post(post).to_string(), "Done."))
}

/// `GET /mod/p/{id}/revisions`.
pub async fn revisions(moderator: Moderator, id: web::Path<PostId>) -> AppResult<HttpResponse> {
    let post = *id;
    let mut conn = moderator.state.conn().await?;
    let current = forums_store::post_for_edit(&mut conn, post)
        .await?
        .ok_or(AppError::NotFound)?;
    let list = store::revisions(&mut conn, post).await?;
    Ok(html(
        StatusCode::OK,
        views::revisions_page(
            &moderator,
            post,
            &list,
            &current.body_source,
            moderator.time_zone(),
        ),
    ))
}

/// The report form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReportForm {
    reason: String,
    details: String,
}

async fn reportable(
    member: &CurrentUser,
    members: &MemberCards,
    post: PostId,
) -> AppResult<crate::forums::types::PostView> {
    let mut conn = member.state.conn().await?;
    let facts = store::post_facts(&mut conn, post)
        .await?
        .filter(|p| !p.hidden)
        .ok_or(AppError::NotFound)?;
    visible_thread(&mut conn, facts.thread_id).await?;
    let mut posts = crate::forums::pages::posts(
        &mut conn,
        members,
        facts.thread_id,
        (facts.position, facts.position),
        Default::default(),
    )
    .await?;
    posts.pop().ok_or(AppError::NotFound)
}

/// `GET /p/{id}/report`.
pub async fn report_form(
    member: CurrentUser,
    members: web::Data<MemberCards>,
    id: web::Path<PostId>,
) -> AppResult<HttpResponse> {
    let post = reportable(&member, &members, *id).await?;
    Ok(html(
        StatusCode::OK,
        views::report_page(&member, &post, &FieldErrors::new(), "", ""),
    ))
}

/// `POST /p/{id}/report`: one open report per member per post; suspended members cannot report.
pub async fn report(
    member: CurrentUser,
    members: web::Data<MemberCards>,
    id: web::Path<PostId>,
    CsrfForm(form): CsrfForm<ReportForm>,
) -> AppResult<HttpResponse> {
    let post = reportable(&member, &members, *id).await?;
    let user = member.user();
    if user.suspended().is_some() {
        return Err(AppError::Forbidden(
            "Your account is suspended: you cannot report posts until the suspension ends.".into(),
        ));
    }
    let details = crate::markup::clean_text(&form.details).trim().to_string();
    let mut errors = FieldErrors::new();
    if !views::REPORT_REASONS.iter().any(|(r, _)| *r == form.reason) {
        errors.add("reason", "Please choose why you report this post.");
    }
    if form.reason == "other" && details.is_empty() {
        errors.add("details", "Please say what is wrong with the post.");
    }
    if details.chars().count() > 1000 {
        errors.add("details", "Please keep the details under 1000 characters.");
    }
    if !errors.is_empty() {
        return Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            views::report_page(&member, &post, &errors, &form.reason, &details),
        ));
    }
    let settings = &member.state.settings;
    let mut conn = member.state.conn().await?;
    let limit = Limit::Report(user.id);
    limits::take(&mut conn, settings, Some(user), limit).await?;
    let filed = store::file_report(&mut conn, post.id, user.id, &form.reason, &details).await?;
    if !filed {
        limits::refund(&mut conn, settings, Some(user), limit).await?;
        return Ok(member.redirect_with_flash(
            &urls::post(post.id).to_string(),
            "You already reported this post; a moderator will look at it.",
        ));
    }
    Ok(member.redirect_with_flash(
        &urls::post(post.id).to_string(),
        "Thank you: a moderator will look at this post.",
    ))
}

/// `GET /mod/reports`.
pub async fn reports(moderator: Moderator) -> AppResult<HttpResponse> {
    let mut conn = moderator.state.conn().await?;
    let open = store::open_reports(&mut conn).await?;
    Ok(html(StatusCode::OK, views::reports_page(&moderator, &open)))
}

/// An outcome button of the report queue.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OutcomeForm {
    outcome: String,
}

/// `POST /mod/reports/{post_id}`.
pub async fn resolve(
    moderator: Moderator,
    id: web::Path<PostId>,
    CsrfForm(form): CsrfForm<OutcomeForm>,
) -> AppResult<HttpResponse> {
    let outcome: ReportOutcome = choice(&form.outcome, "outcome")?;
    let mut conn = moderator.state.conn().await?;
    actions::resolve_reports(&mut conn, moderator.user().id, *id, outcome).await?;
    Ok(moderator.redirect_with_flash("/mod/reports", "Reports resolved."))
}

/// `POST /mod/u/{name}`: suspend, unsuspend, ban or unban.
pub async fn sanction(
    moderator: Moderator,
    name: web::Path<String>,
    CsrfForm(form): CsrfForm<ToolForm>,
) -> AppResult<HttpResponse> {
    let mut conn = moderator.state.conn().await?;
    let member = store::member_by_name(&mut conn, &name)
        .await?
        .ok_or(AppError::NotFound)?;
    let sanction = match form.action.as_str() {
        "suspend" => {
            let days: i64 = form
                .days
                .trim()
                .parse()
                .ok()
                .filter(|d| (1..=3650).contains(d))
                .ok_or_else(|| {
                    AppError::Unprocessable(
                        "Please give the length of the suspension in days (1 to 3650).".into(),
                    )
                })?;
            Sanction::Suspend(Utc::now() + chrono::Duration::days(days), reason(&form)?)
        }
        "unsuspend" => Sanction::Unsuspend,
        "ban" => Sanction::Ban {
            reason: reason(&form)?,
            hide_posts: is_checked(&form.hide_posts),
        },
        "unban" => Sanction::Unban,
        _ => return Err(AppError::BadRequest("Unknown action.".into())),
    };
    actions::sanction(&mut conn, moderator.user().id, member.id, sanction).await?;
    let path = urls::profile(&member.username).to_string();
    Ok(moderator.redirect_with_flash(&path, "Done."))
}

/// The moderator panel of `/u/{name}` (for moderators only; `None` for everyone else).
pub async fn member_panel(
    ctx: &crate::shell::ctx::Ctx,
    user: UserId,
) -> AppResult<Option<maud::Markup>> {
    if !ctx.is_moderator() {
        return Ok(None);
    }
    let mut conn = ctx.state.conn().await?;
    let Some((name, _)) = store::name_and_role(&mut conn, user).await? else {
        return Ok(None);
    };
    let member = store::member_by_name(&mut conn, &name)
        .await?
        .ok_or(AppError::NotFound)?;
    let history = store::log_entries(&mut conn, None, Some(&name), None, 50, 0).await?;
    Ok(Some(views::member_panel(ctx, &member, &history)))
}

const LOG_PER_PAGE: i64 = 50;

/// `GET /mod/log`.
pub async fn log(moderator: Moderator, filter: web::Query<LogFilter>) -> AppResult<HttpResponse> {
    let filter = filter.into_inner();
    let blank = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
    let page = PageQuery {
        page: filter.page.clone(),
    }
    .number();
    let mut conn = moderator.state.conn().await?;
    let entries = store::log_entries(
        &mut conn,
        blank(&filter.moderator).as_deref(),
        blank(&filter.member).as_deref(),
        blank(&filter.action).as_deref(),
        LOG_PER_PAGE + 1,
        items_before(page, LOG_PER_PAGE),
    )
    .await?;
    // One extra row says whether a next page exists, without counting the whole log.
    let more = entries.len() as i64 > LOG_PER_PAGE;
    let pages = Pages {
        current: page,
        total: page.saturating_add(i64::from(more)),
    };
    let shown = &entries[..entries.len().min(LOG_PER_PAGE as usize)];
    Ok(html(
        StatusCode::OK,
        views::log_page(&moderator, &filter, shown, pages),
    ))
}

/// `?q=&page=` of the member list.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UserQuery {
    q: String,
    page: Option<String>,
}

const USERS_PER_PAGE: i64 = 50;

/// `GET /admin/users`.
pub async fn users(admin: Admin, query: web::Query<UserQuery>) -> AppResult<HttpResponse> {
    let page = PageQuery {
        page: query.page.clone(),
    }
    .number();
    let mut conn = admin.state.conn().await?;
    let (members, total) = store::find_members(
        &mut conn,
        query.q.trim(),
        USERS_PER_PAGE,
        items_before(page, USERS_PER_PAGE),
    )
    .await?;
    let pages = Pages::new(total, USERS_PER_PAGE, page);
    Ok(html(
        StatusCode::OK,
        views::users_page(&admin, query.q.trim(), &members, pages),
    ))
}

/// The role form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RoleForm {
    role: String,
}

/// `POST /admin/users/{id}/role`.
pub async fn set_role(
    admin: Admin,
    id: web::Path<UserId>,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> AppResult<HttpResponse> {
    let role: Role = choice(&form.role, "role")?;
    let mut conn = admin.state.conn().await?;
    actions::change_role(&mut conn, admin.user().id, *id, role).await?;
    Ok(admin.redirect_with_flash("/admin/users", "Role changed."))
}

/// `POST /admin/users/{id}/two-factor`: turns a member's second factor off, for one who
/// lost their phone and their recovery codes.
pub async fn reset_two_factor(
    admin: Admin,
    id: web::Path<UserId>,
    _form: CsrfForm<crate::web::form::NoFields>,
) -> AppResult<HttpResponse> {
    let mut conn = admin.state.conn().await?;
    actions::reset_second_factor(&mut conn, admin.user().id, *id).await?;
    Ok(admin.redirect_with_flash(
        "/admin/users",
        "Two-factor authentication reset: the member logs in with the password alone until they set it up again.",
    ))
}

/// `GET /mod/queue`: posts and edits waiting for approval.
pub async fn queue(moderator: Moderator) -> AppResult<HttpResponse> {
    let mut conn = moderator.state.conn().await?;
    let held = store::held_posts(&mut conn).await?;
    let edits = store::held_edits(&mut conn).await?;
    Ok(html(
        StatusCode::OK,
        views::queue_page(&moderator, &held, &edits),
    ))
}

/// `POST /mod/queue/{post}`: approve, or reject with a reason.
pub async fn decide(
    moderator: Moderator,
    id: web::Path<PostId>,
    CsrfForm(form): CsrfForm<ToolForm>,
) -> AppResult<HttpResponse> {
    let post = *id;
    let mut conn = moderator.state.conn().await?;
    match form.action.as_str() {
        "approve" => {
            actions::approve(&mut conn, moderator.user().id, post).await?;
        }
        "reject" => actions::reject(&mut conn, moderator.user().id, post, &reason(&form)?).await?,
        _ => return Err(AppError::BadRequest("Unknown action.".into())),
    }
    Ok(moderator.redirect_with_flash("/mod/queue", "Done."))
}

/// `POST /mod/queue/edit/{post}`: approve an author's edit, or turn it down with a reason.
pub async fn decide_edit(
    moderator: Moderator,
    id: web::Path<PostId>,
    CsrfForm(form): CsrfForm<ToolForm>,
) -> AppResult<HttpResponse> {
    let post = *id;
    let mut conn = moderator.state.conn().await?;
    match form.action.as_str() {
        "approve" => actions::approve_edit(&mut conn, moderator.user().id, post).await?,
        "reject" => {
            actions::reject_edit(&mut conn, moderator.user().id, post, &reason(&form)?).await?
        }
        _ => return Err(AppError::BadRequest("Unknown action.".into())),
    }
    Ok(moderator.redirect_with_flash("/mod/queue", "Done."))
}

/// Posts a split page lists at most (a thread's first ones).
const SPLIT_LIST: i32 = 500;

/// `GET /mod/t/{id}/split`.
pub async fn split_form(
    moderator: Moderator,
    members: web::Data<MemberCards>,
    id: web::Path<ThreadId>,
) -> AppResult<HttpResponse> {
    let mut conn = moderator.state.conn().await?;
    let thread = forums_store::thread_header(&mut conn, *id)
        .await?
        .ok_or(AppError::NotFound)?;
    let reader = crate::forums::pages::Reader {
        user: Some(moderator.user().id),
        moderator: true,
        staff: true,
    };
    let posts =
        crate::forums::pages::posts(&mut conn, &members, thread.id, (1, SPLIT_LIST), reader)
            .await?;
    let forums = forums_store::forum_choices(&mut conn).await?;
    Ok(html(
        StatusCode::OK,
        views::split_page(&moderator, &thread, &posts, &forums),
    ))
}

/// `POST /mod/t/{id}/split`: the ticked posts (`post_{id}=on`) become a new thread.
pub async fn split(
    moderator: Moderator,
    id: web::Path<ThreadId>,
    CsrfForm(form): CsrfForm<std::collections::HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let mut errors = FieldErrors::new();
    let title = crate::forums::writing::check_title(
        form.get("title").map_or("", String::as_str),
        &mut errors,
    );
    if let Some(problem) = errors.get("title") {
        return Err(AppError::Unprocessable(problem.to_string()));
    }
    let forum = form
        .get("forum_id")
        .and_then(|f| f.parse::<i64>().ok())
        .map(ForumId)
        .ok_or_else(|| AppError::Unprocessable("Please choose a forum.".into()))?;
    let mut posts: Vec<PostId> = form
        .keys()
        .filter_map(|k| k.strip_prefix("post_"))
        .filter_map(|id| id.parse::<i64>().ok())
        .map(PostId)
        .collect();
    posts.sort();
    let mut conn = moderator.state.conn().await?;
    let new = actions::split(&mut conn, moderator.user().id, *id, &posts, &title, forum).await?;
    Ok(moderator.redirect_with_flash(
        &urls::thread(new).to_string(),
        "Posts split into a new thread.",
    ))
}
