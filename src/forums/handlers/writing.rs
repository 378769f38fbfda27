//! Writing: new threads, replies (with quotes and preview), edits and deletions.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::accounts::cards::MemberCards;
use crate::accounts::types::NotifyMode;
use crate::accounts::types::Role;
use crate::attachments::views::ComposerFiles;
use crate::attachments::{self, Gathered, Posted};
use crate::forums::drafts::{self, Place};
use crate::forums::handlers::reading::visible_thread;
use crate::forums::pages;
use crate::forums::places::ForumPlaces;
use crate::forums::policy;
use crate::forums::publishing::{self, Destination, Refused, Revision, Submission};
use crate::forums::similar::SimilarIndex;
use crate::forums::store;
use crate::forums::views::{self, Composer, DraftOf, SimilarBox};
use crate::forums::writing::{self, Deleted, WriteError};
use crate::ids::{PostId, ThreadId};
use crate::shell::ctx::CurrentUser;
use crate::shell::form::CsrfForm;
use crate::shell::limits::{self, Limit};
use crate::shell::upload::UploadForm;
use crate::web::client;
use crate::web::cookies::random_token;
use crate::web::error::{AppError, AppResult, chain};
use crate::web::form::{FieldErrors, NoFields, is_checked};
use crate::web::urls;
use crate::web::{html, redirect};

/// A composer form as posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ComposeForm {
    title: String,
    body: String,
    submission: String,
    action: String,
    notify: Option<String>,
    /// The canned reply staff chose to insert.
    canned: String,
}

impl ComposeForm {
    fn wants_preview(&self) -> bool {
        self.action == "preview"
    }

    /// A fresh token when the form came without a plausible one.
    fn submission(&self) -> String {
        if self.submission.len() >= 16 && self.submission.len() <= 64 {
            self.submission.clone()
        } else {
            random_token()
        }
    }
}

/// How a failed write comes back: the form with the text kept and a message, or an error page.
fn form_error(e: WriteError) -> Result<(StatusCode, FieldErrors), AppError> {
    let mut errors = FieldErrors::new();
    match e {
        WriteError::Invalid(errors) => Ok((StatusCode::UNPROCESSABLE_ENTITY, errors)),
        WriteError::NotAllowed(message) => {
            errors.add("body", message);
            Ok((StatusCode::FORBIDDEN, errors))
        }
        other => match AppError::from(other) {
            e @ AppError::Unavailable(_) => {
                tracing::warn!("could not save a post: {}", chain(&e));
                errors.add(
                    "body",
                    "Your post could not be saved just now. Nothing was lost: please try again.",
                );
                Ok((StatusCode::SERVICE_UNAVAILABLE, errors))
            }
            other => Err(other),
        },
    }
}

/// Members post once their address is confirmed, and not while suspended.
fn check_may_post(member: &CurrentUser, errors: &mut FieldErrors) -> bool {
    match member.user().may_write() {
        Ok(()) => true,
        Err(message) => {
            errors.add("body", message);
            false
        }
    }
}

/// The subscription a post asks for ("Notify me of follow-up replies").
fn subscription(member: &CurrentUser, form: &ComposeForm) -> Option<NotifyMode> {
    is_checked(&form.notify).then(|| member.user().notify_mode.for_watching())
}

/// Shows the composer of `action` again, with the text as typed.
struct Again<'a> {
    action: String,
    form: &'a ComposeForm,
    submission: String,
    /// The client's address, stored with the post.
    ip: String,
    /// The canned replies offered to staff (id, title).
    canned: Vec<(i64, String)>,
    /// A new question: the "Similar questions" box, with what was found if it was asked.
    similar: Option<Option<Vec<pages::Similar>>>,
    /// Its files.
    files: Gathered,
    /// Why this member may not attach files.
    no_files: Option<String>,
    /// Where its draft is kept.
    draft: DraftOf<'a>,
    /// "Save draft" was pressed and the draft kept.
    saved: std::cell::Cell<bool>,
}

impl Again<'_> {
    fn composer<'b>(&'b self, title: bool, errors: &'b FieldErrors) -> Composer<'b> {
        Composer {
            files: ComposerFiles::of(&self.files, self.no_files.clone()),
            draft: Some(self.draft),
            has_draft: self.saved.get(),
            draft_saved: self.saved.get(),
            action: &self.action,
            title: title.then_some(self.form.title.as_str()),
            body: &self.form.body,
            errors,
            submission: &self.submission,
            notify: is_checked(&self.form.notify),
            canned: &self.canned,
            similar: self.similar.as_ref().map(|found| SimilarBox {
                found: found.as_deref(),
            }),
        }
    }
}

/// The composer's files as posted, gathered (see [`attachments::gather`]); refusals are
/// the "files" field's message.
async fn gather_files(
    member: &CurrentUser,
    pairs: &[(String, String)],
    sent: Vec<crate::shell::upload::FilePart>,
    existing: Vec<attachments::store::AttachmentRow>,
    errors: &mut FieldErrors,
) -> AppResult<Gathered> {
    let posted = Posted::of(pairs, sent);
    if posted.is_empty() {
        return Ok(Gathered {
            existing,
            ..Gathered::default()
        });
    }
    let mut conn = member.state.conn().await?;
    let settings = &member.state.settings;
    let gathered =
        attachments::gather(&mut conn, member.user(), settings, posted, existing).await?;
    if let Some(why) = &gathered.refused {
        errors.add("files", why.clone());
    }
    Ok(gathered)
}

/// Why `member` may not attach files, shown in place of the file field.
fn no_files(member: &CurrentUser) -> Option<String> {
    attachments::may_attach(member.user(), &member.state.settings).err()
}

/// The canned replies a member may insert: every one for staff, none for anyone else.
async fn canned_for(member: &CurrentUser) -> AppResult<Vec<(i64, String)>> {
    if !member.user().staff {
        return Ok(Vec::new());
    }
    let mut conn = member.state.conn().await?;
    Ok(crate::canned::store::titles(&mut conn).await?)
}

/// `GET /f/{slug}/new`.
pub async fn new_thread_form(
    member: CurrentUser,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    let mut conn = member.state.conn().await?;
    let forum = store::forum_by_slug(&mut conn, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let kept = store::thread_draft(&mut conn, member.user().id, forum.id).await?;
    drop(conn);
    let (title, body) = kept.clone().unwrap_or_default();
    let mut errors = FieldErrors::new();
    check_may_post(&member, &mut errors);
    let action = urls::new_thread(&forum.slug).to_string();
    let composer = Composer {
        draft: Some(DraftOf::Forum(&forum.slug)),
        has_draft: kept.is_some(),
        draft_saved: false,
        action: &action,
        title: Some(&title),
        body: &body,
        errors: &errors,
        submission: &random_token(),
        notify: member.user().notify_default,
        canned: &[],
        similar: forum.questions.then_some(SimilarBox { found: None }),
        files: ComposerFiles::none(no_files(&member)),
    };
    Ok(html(
        StatusCode::OK,
        views::new_thread_page(&member, &forum, &composer, None),
    ))
}

/// `POST /f/{slug}/new`.
pub async fn new_thread(
    req: HttpRequest,
    places: web::Data<ForumPlaces>,
    index: web::Data<SimilarIndex>,
    slug: web::Path<String>,
    upload: UploadForm<ComposeForm>,
) -> AppResult<HttpResponse> {
    let UploadForm {
        member,
        form,
        pairs,
        files,
    } = upload;
    let mut conn = member.state.conn().await?;
    let forum = store::forum_by_slug(&mut conn, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    let mut errors = FieldErrors::new();
    let files = gather_files(&member, &pairs, files, Vec::new(), &mut errors).await?;
    let mut conn = member.state.conn().await?;
    // "Check for similar questions": the form comes back with them, nothing is posted.
    let checked = form.action == "similar" && forum.questions;
    let similar = match (forum.questions, checked) {
        (false, _) => None,
        (true, false) => Some(None),
        (true, true) => Some(Some(
            pages::similar_questions(&mut conn, &places, &index, &form.title).await?,
        )),
    };
    drop(conn);
    let title = writing::check_title(&form.title, &mut errors);
    let body = writing::check_body(&form.body, &mut errors);
    let again = Again {
        action: urls::new_thread(&forum.slug).to_string(),
        form: &form,
        submission: form.submission(),
        ip: client::ip(&req, &member.state.settings),
        canned: Vec::new(),
        similar,
        files,
        no_files: no_files(&member),
        draft: DraftOf::Forum(&forum.slug),
        saved: Default::default(),
    };
    if checked {
        return Ok(html(
            StatusCode::OK,
            views::new_thread_page(
                &member,
                &forum,
                &again.composer(true, &FieldErrors::new()),
                None,
            ),
        ));
    }
    let show = |status, errors: &FieldErrors, preview: Option<&str>| {
        html(
            status,
            views::new_thread_page(&member, &forum, &again.composer(true, errors), preview),
        )
    };
    let destination = Destination::NewThread {
        forum: forum.id,
        title: &title,
    };
    publish(&member, &again, &body, errors, destination, show).await
}

/// The steps every composer shares: an unconfirmed or suspended member is refused with the
/// text kept; a preview or rule violations show the form again; otherwise the post is
/// written and the browser goes to it. Previews and posts both count against limits.
async fn publish(
    member: &CurrentUser,
    again: &Again<'_>,
    body: &str,
    mut errors: FieldErrors,
    destination: Destination<'_>,
    show: impl Fn(StatusCode, &FieldErrors, Option<&str>) -> HttpResponse,
) -> AppResult<HttpResponse> {
    let place = match destination {
        Destination::NewThread { forum, .. } => Place::NewThread(forum),
        Destination::Reply(thread) => Place::Reply(thread),
    };
    match again.form.action.as_str() {
        "draft" => {
            let mut conn = member.state.conn().await?;
            let (title, body) = (&again.form.title, &again.form.body);
            drafts::keep(&mut conn, member.user().id, place, title, body).await?;
            again.saved.set(true);
            let mut kept = FieldErrors::new();
            if let Some(files) = errors.get("files") {
                kept.add("files", files.to_string());
            }
            return Ok(show(StatusCode::OK, &kept, None));
        }
        "discard" => {
            let mut conn = member.state.conn().await?;
            drafts::discard(&mut conn, member.user().id, place).await?;
            return Ok(member.redirect_with_flash(&again.action, "The draft was discarded."));
        }
        _ => {}
    }
    if !check_may_post(member, &mut errors) {
        return Ok(show(StatusCode::FORBIDDEN, &errors, None));
    }
    if again.form.wants_preview() || !errors.is_empty() {
        return preview(member, body, errors, show).await;
    }
    let mut conn = member.state.conn().await?;
    let files = again.files.attach();
    let submission = Submission {
        author: member.user(),
        body,
        token: &again.submission,
        ip: Some(&again.ip),
        subscribe: subscription(member, again.form),
        files: &files,
    };
    match publishing::publish(&mut conn, &member.state.settings, &submission, destination).await {
        Ok(published) if published.held => Ok(member.redirect_with_flash(
            &urls::post(published.post).to_string(),
            "Thank you! As a new member, your post waits for a moderator's approval before others see it.",
        )),
        Ok(published) => {
            let mut response = redirect::see_other(&urls::post(published.post).to_string());
            response
                .extensions_mut()
                .insert(crate::changes::AnnounceAfterCommit(published.pages));
            Ok(response)
        }
        Err(refused) => refused_page(refused, &mut errors, &show),
    }
}

/// The composer again with the text kept, the limit's message and `Retry-After`.
fn too_many(
    errors: &mut FieldErrors,
    retry_after: std::time::Duration,
    message: &str,
    show: &impl Fn(StatusCode, &FieldErrors, Option<&str>) -> HttpResponse,
) -> HttpResponse {
    errors.add("body", format!("{message} Your text is kept below."));
    let mut response = show(StatusCode::TOO_MANY_REQUESTS, errors, None);
    response.headers_mut().insert(
        actix_web::http::header::RETRY_AFTER,
        actix_web::http::header::HeaderValue::from(retry_after.as_secs()),
    );
    response
}

/// Takes one use of `limit`; when it is used up, the composer comes back with the text
/// kept, a message and `Retry-After`.
async fn take_or_show(
    conn: &mut diesel_async::AsyncPgConnection,
    member: &CurrentUser,
    limit: Limit<'_>,
    errors: &mut FieldErrors,
    show: &impl Fn(StatusCode, &FieldErrors, Option<&str>) -> HttpResponse,
) -> AppResult<Option<HttpResponse>> {
    let taken = limits::take(conn, &member.state.settings, Some(member.user()), limit).await;
    let Err(AppError::TooManyRequests {
        retry_after,
        message,
    }) = taken
    else {
        return taken.map(|()| None);
    };
    Ok(Some(too_many(errors, retry_after, &message, show)))
}

/// The composer again with the body rendered as it would be posted (when the body itself
/// is acceptable), counted against the preview limit.
async fn preview(
    member: &CurrentUser,
    body: &str,
    mut errors: FieldErrors,
    show: impl Fn(StatusCode, &FieldErrors, Option<&str>) -> HttpResponse,
) -> AppResult<HttpResponse> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    if errors.get("body").is_some() || body.trim().is_empty() {
        return Ok(show(status, &errors, None));
    }
    let mut conn = member.state.conn().await?;
    let limit = Limit::Preview(member.user().id);
    if let Some(refused) = take_or_show(&mut conn, member, limit, &mut errors, &show).await? {
        return Ok(refused);
    }
    match writing::render(&mut conn, body).await {
        Ok((html, _)) => Ok(show(status, &errors, Some(&html))),
        Err(e) => {
            let (status, errors) = form_error(e)?;
            Ok(show(status, &errors, None))
        }
    }
}

/// `?quote=ID` (repeatable) on the reply page.
fn quote_ids(req: &HttpRequest) -> Vec<PostId> {
    req.query_string()
        .split('&')
        .filter_map(|pair| pair.strip_prefix("quote="))
        .filter_map(|id| id.parse::<i64>().ok())
        .take(10)
        .map(PostId)
        .collect()
}

/// `GET /t/{id}/reply`: the composer, pre-filled with a kept draft or the quoted posts.
pub async fn reply_form(
    req: HttpRequest,
    member: CurrentUser,
    id: web::Path<ThreadId>,
) -> AppResult<HttpResponse> {
    let thread = visible_thread(&member, *id).await?;
    let mut conn = member.state.conn().await?;
    let kept = store::draft(&mut conn, member.user().id, thread.id).await?;
    let has_draft = kept.is_some();
    let mut body = kept.unwrap_or_default();
    let reader = crate::forums::visibility::Reader::of(&member);
    body.push_str(&writing::quotes_for(&mut conn, reader, &quote_ids(&req)).await?);
    let mut errors = FieldErrors::new();
    check_may_post(&member, &mut errors);
    drop(conn);
    let action = urls::reply(thread.id).to_string();
    let canned = canned_for(&member).await?;
    let composer = Composer {
        action: &action,
        title: None,
        body: &body,
        errors: &errors,
        submission: &random_token(),
        notify: member.user().notify_default,
        canned: &canned,
        similar: None,
        files: ComposerFiles::none(no_files(&member)),
        draft: Some(DraftOf::Thread(thread.id)),
        has_draft,
        draft_saved: false,
    };
    Ok(html(
        StatusCode::OK,
        views::reply_page(&member, &thread, &composer, None),
    ))
}

/// `POST /t/{id}/reply`.
pub async fn reply(
    req: HttpRequest,
    members: web::Data<MemberCards>,
    id: web::Path<ThreadId>,
    upload: UploadForm<ComposeForm>,
) -> AppResult<HttpResponse> {
    let UploadForm {
        member,
        form,
        pairs,
        files,
    } = upload;
    let thread = visible_thread(&member, *id).await?;
    let canned = canned_for(&member).await?;
    let mut errors = FieldErrors::new();
    let files = gather_files(&member, &pairs, files, Vec::new(), &mut errors).await?;
    if form.action == "insert" && !canned.is_empty() {
        return insert_canned(&member, &members, &thread, form, canned, files).await;
    }
    let body = writing::check_body(&form.body, &mut errors);
    let again = Again {
        action: urls::reply(thread.id).to_string(),
        form: &form,
        submission: form.submission(),
        ip: client::ip(&req, &member.state.settings),
        canned,
        similar: None,
        files,
        no_files: no_files(&member),
        draft: DraftOf::Thread(thread.id),
        saved: Default::default(),
    };
    let show = |status, errors: &FieldErrors, preview: Option<&str>| {
        html(
            status,
            views::reply_page(&member, &thread, &again.composer(false, errors), preview),
        )
    };
    publish(
        &member,
        &again,
        &body,
        errors,
        Destination::Reply(thread.id),
        show,
    )
    .await
}

/// The reply composer again, with the canned reply staff picked added to their text
/// (the asker's name and the title filled in); nothing is written.
async fn insert_canned(
    member: &CurrentUser,
    members: &MemberCards,
    thread: &crate::forums::types::ThreadHeader,
    mut form: ComposeForm,
    canned: Vec<(i64, String)>,
    files: Gathered,
) -> AppResult<HttpResponse> {
    let mut conn = member.state.conn().await?;
    let mut errors = FieldErrors::new();
    let template = match form.canned.trim().parse::<i64>() {
        Ok(id) => crate::canned::store::body(&mut conn, id).await?,
        Err(_) => None,
    };
    let status = match template {
        Some(template) => {
            let asker = &members.of(&mut conn, &[thread.author_id]).await?[0].name;
            let text = crate::canned::expand(&template, asker, &thread.title);
            let kept = form.body.trim_end();
            form.body = if kept.is_empty() {
                text
            } else {
                format!("{kept}\n\n{text}")
            };
            StatusCode::OK
        }
        None => {
            errors.add("canned", "That canned reply is gone; please pick another.");
            StatusCode::UNPROCESSABLE_ENTITY
        }
    };
    let composer = Composer {
        action: &urls::reply(thread.id).to_string(),
        title: None,
        body: &form.body,
        errors: &errors,
        submission: &form.submission(),
        notify: is_checked(&form.notify),
        canned: &canned,
        similar: None,
        files: ComposerFiles::of(&files, no_files(member)),
        draft: Some(DraftOf::Thread(thread.id)),
        has_draft: false,
        draft_saved: false,
    };
    Ok(html(
        status,
        views::reply_page(member, thread, &composer, None),
    ))
}

/// The edit form as posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EditForm {
    body: String,
    action: String,
    reason: String,
}

async fn own_post(
    member: &CurrentUser,
    id: PostId,
) -> AppResult<(
    crate::forums::types::PostForEdit,
    crate::forums::types::ThreadHeader,
)> {
    let mut conn = member.state.conn().await?;
    let post = store::post_for_edit(&mut conn, id)
        .await?
        .filter(|p| !p.hidden)
        .ok_or(AppError::NotFound)?;
    if post.author_id != member.user().id && member.user().role < Role::Moderator {
        return Err(AppError::Forbidden(
            "You can edit only your own posts.".into(),
        ));
    }
    drop(conn);
    let thread = visible_thread(member, post.thread_id).await?;
    Ok((post, thread))
}

/// `GET /p/{id}/edit`. An author whose edit waits for approval, or was turned down,
/// finds that text in the box and is told so.
pub async fn edit_form(member: CurrentUser, id: web::Path<PostId>) -> AppResult<HttpResponse> {
    let (post, thread) = own_post(&member, *id).await?;
    let own = post.author_id == member.user().id;
    let mut conn = member.state.conn().await?;
    let pending = if own {
        store::pending_edit(&mut conn, post.id).await?
    } else {
        None
    };
    let existing = Gathered {
        existing: attachments::store::of_posts(&mut conn, &[post.id]).await?,
        ..Gathered::default()
    };
    drop(conn);
    let editing = views::Editing {
        post_id: post.id,
        body: pending
            .as_ref()
            .map_or(&post.body_source, |e| &e.body_source),
        reason: (!own).then_some(""),
        pending: pending.as_ref(),
        files: ComposerFiles::of(&existing, no_files(&member)),
    };
    Ok(html(
        StatusCode::OK,
        views::edit_page(&member, &thread, &editing, &FieldErrors::new(), None),
    ))
}

/// `POST /p/{id}/edit`: the previous text is kept as a revision.
pub async fn edit(id: web::Path<PostId>, upload: UploadForm<EditForm>) -> AppResult<HttpResponse> {
    let UploadForm {
        member,
        form,
        pairs,
        files,
    } = upload;
    let (post, thread) = own_post(&member, *id).await?;
    let editor = member.user().id;
    // Editing someone else's post is moderation: it needs a reason, and it is logged.
    let needs_reason = post.author_id != editor;
    let mut errors = FieldErrors::new();
    let existing = {
        let mut conn = member.state.conn().await?;
        attachments::store::of_posts(&mut conn, &[post.id]).await?
    };
    let files = gather_files(&member, &pairs, files, existing, &mut errors).await?;
    let body = writing::check_body(&form.body, &mut errors);
    let reason = crate::markup::clean_text(&form.reason)
        .trim()
        .replace('\n', " ");
    if needs_reason && reason.is_empty() && form.action != "preview" {
        errors.add("reason", "Please say why you edit this member's post.");
    }
    let shown_reason = needs_reason.then_some(form.reason.as_str());
    let page = |status, errors: &FieldErrors, preview: Option<&str>| {
        let editing = views::Editing {
            post_id: post.id,
            body: &form.body,
            reason: shown_reason,
            pending: None,
            files: ComposerFiles::of(&files, no_files(&member)),
        };
        html(
            status,
            views::edit_page(&member, &thread, &editing, errors, preview),
        )
    };
    if let Err(message) = policy::may_change(member.user(), &thread) {
        errors.add("body", message);
        return Ok(page(StatusCode::FORBIDDEN, &errors, None));
    }
    if form.action == "preview" || !errors.is_empty() {
        return preview(&member, &body, errors, page).await;
    }
    let mut conn = member.state.conn().await?;
    let attach = files.attach();
    let revision = Revision {
        editor: member.user(),
        body: &body,
        reason: &reason,
        files: &attach,
    };
    match publishing::revise(&mut conn, &member.state.settings, &revision, &post, &thread).await {
        Ok(writing::Edited::Held) => Ok(member.redirect_with_flash(
            &urls::post(post.id).to_string(),
            "Thank you! Your edit waits for a moderator's approval; until then the post shows its earlier text.",
        )),
        Ok(writing::Edited::Applied) => Ok(redirect::see_other(&urls::post(post.id).to_string())),
        Err(refused) => refused_page(refused, &mut errors, &page),
    }
}

/// How a refused post or edit comes back: the form with the text kept and why.
fn refused_page(
    refused: Refused,
    errors: &mut FieldErrors,
    show: &impl Fn(StatusCode, &FieldErrors, Option<&str>) -> HttpResponse,
) -> AppResult<HttpResponse> {
    match refused {
        Refused::MayNotWrite(message) => {
            errors.add("body", message);
            Ok(show(StatusCode::FORBIDDEN, errors, None))
        }
        Refused::TooMany {
            retry_after,
            message,
        } => Ok(too_many(errors, retry_after, &message, show)),
        Refused::Write(e) => {
            let (status, errors) = form_error(e)?;
            Ok(show(status, &errors, None))
        }
        Refused::App(e) => Err(e),
    }
}

/// `POST /p/{id}/delete`: the author removes their post.
pub async fn delete(
    member: CurrentUser,
    id: web::Path<PostId>,
    _form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let post = *id;
    let mut conn = member.state.conn().await?;
    let location = store::post_location(&mut conn, post)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    let thread = visible_thread(&member, location.thread_id).await?;
    policy::may_change(member.user(), &thread).map_err(AppError::Forbidden)?;
    let mut conn = member.state.conn().await?;
    let outcome = writing::delete_by_author(&mut conn, post, member.user().id)
        .await
        .map_err(|e| match e {
            WriteError::Invalid(_) => AppError::BadRequest("This post cannot be deleted.".into()),
            other => other.into(),
        })?;
    let (location, message) = match outcome {
        Deleted::Thread => ("/".to_string(), "Your thread was deleted."),
        Deleted::Post => (
            urls::thread_slug(location.thread_id, &location.slug).to_string(),
            "Your post was deleted.",
        ),
    };
    Ok(member.redirect_with_flash(&location, message))
}

/// The solution form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SolutionForm {
    post: String,
}

/// `POST /t/{id}/solution`: the thread's author (or a moderator) marks the answer, or
/// clears it with an empty `post`.
pub async fn solution(
    member: CurrentUser,
    members: web::Data<MemberCards>,
    id: web::Path<ThreadId>,
    CsrfForm(form): CsrfForm<SolutionForm>,
) -> AppResult<HttpResponse> {
    let thread = visible_thread(&member, *id).await?;
    let user = member.user();
    if thread.author_id != user.id && user.role < Role::Moderator {
        return Err(AppError::Forbidden(
            "Only the person who asked, or a moderator, can mark the answer.".into(),
        ));
    }
    let post = form.post.trim().parse::<i64>().ok().map(PostId);
    let mut conn = member.state.conn().await?;
    writing::mark_solution(
        &mut conn,
        &members,
        &member.state.settings,
        user,
        &thread,
        post,
    )
    .await?;
    let message = if post.is_some() {
        "Marked as the answer. Thank you!"
    } else {
        "The answer mark was removed."
    };
    Ok(member.redirect_with_flash(&thread.path(), message))
}
