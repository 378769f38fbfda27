//! The request context every page is rendered with: who is asking, their CSRF token and
//! any flash message; plus extractors that require a logged-in member.

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::rc::Rc;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono_tz::Tz;
use sha2::{Digest, Sha256};

use crate::accounts::sessions;
use crate::accounts::types::{Role, SessionUser};
use crate::shell::state::AppState;
use crate::web::cookies::{self, PreSession};
use crate::web::error::{AppError, AppResult};

/// Who is behind a request, resolved once and cached in the request's extensions.
#[derive(Debug)]
pub struct Viewer {
    /// The logged-in member, if any.
    pub user: Option<SessionUser>,
    /// The secret the CSRF token is derived from: the session token, or the anonymous
    /// visitor's pre-session cookie.
    csrf_secret: String,
}

/// Page context: state, viewer, flash message and the path that was asked for.
pub struct Ctx {
    /// Shared application state.
    pub state: AppState,
    viewer: Rc<Viewer>,
    /// A one-time message from the previous request (e.g. "You are logged out").
    pub flash: Option<String>,
    /// Path and query of this request, for `?next=` links.
    pub path: String,
}

impl Ctx {
    /// The logged-in member, if any.
    pub fn user(&self) -> Option<&SessionUser> {
        self.viewer.user.as_ref()
    }

    /// Time zone dates are shown in.
    pub fn time_zone(&self) -> Tz {
        self.user().map_or(Tz::UTC, |u| u.time_zone)
    }

    /// The raw token of the session the member is logged in with.
    pub fn session_token(&self) -> Option<&str> {
        self.viewer.session_token()
    }

    /// The CSRF token to put into forms.
    pub fn csrf_token(&self) -> String {
        self.viewer.csrf_token()
    }

    /// Whether a submitted token is the one this visitor's forms carry.
    pub fn csrf_matches(&self, submitted: &str) -> bool {
        let expected = self.csrf_token();
        !self.viewer.csrf_secret.is_empty()
            && expected.len() == submitted.len()
            && expected
                .bytes()
                .zip(submitted.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }

    /// 303 to `location`, showing `message` on the page it leads to.
    pub fn redirect_with_flash(&self, location: &str, message: &str) -> actix_web::HttpResponse {
        let mut response = crate::web::redirect::see_other(location);
        cookies::set_flash(&mut response, message, self.state.settings.secure_cookies);
        response
    }

    /// Whether the member is staff (sees staff notes, works the desk).
    pub fn is_staff(&self) -> bool {
        self.user().is_some_and(|u| u.staff)
    }

    /// Whether the member is a moderator or an administrator.
    pub fn is_moderator(&self) -> bool {
        self.user().is_some_and(|u| u.role >= Role::Moderator)
    }

    /// The site's name.
    pub fn site_name(&self) -> &str {
        &self.state.settings.site_name
    }

    async fn resolve(req: &HttpRequest) -> AppResult<Ctx> {
        let state = req
            .app_data::<web::Data<AppState>>()
            .ok_or_else(|| AppError::internal("application state missing"))?
            .get_ref()
            .clone();
        // A handler's extractors run concurrently: they share one lookup of the viewer.
        let once = {
            let mut extensions = req.extensions_mut();
            match extensions.get::<Rc<ViewerOnce>>() {
                Some(once) => once.clone(),
                None => {
                    let once = Rc::new(ViewerOnce::new());
                    extensions.insert(once.clone());
                    once
                }
            }
        };
        let viewer = once
            .get_or_try_init(|| async { load_viewer(req, &state).await.map(Rc::new) })
            .await?
            .clone();
        req.extensions_mut().insert(viewer.clone());
        let path = req
            .uri()
            .path_and_query()
            .map_or_else(|| req.path().to_string(), |p| p.as_str().to_string());
        Ok(Ctx {
            flash: cookies::read_flash(req),
            state,
            viewer,
            path,
        })
    }
}

/// The viewer of a request, looked up at most once.
type ViewerOnce = tokio::sync::OnceCell<Rc<Viewer>>;

/// The viewer of a request, if the context was already resolved (used by error pages).
pub fn cached_viewer(req: &HttpRequest) -> Option<Rc<Viewer>> {
    req.extensions().get::<Rc<Viewer>>().cloned()
}

/// Derives the form token from a secret; the secret itself never appears in a page.
pub fn csrf_token_for(secret: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"parley-csrf\0")
        .chain_update(secret.as_bytes())
        .finalize();
    URL_SAFE_NO_PAD.encode(digest)
}

async fn load_viewer(req: &HttpRequest, state: &AppState) -> AppResult<Viewer> {
    if let Some(token) = cookies::session_token(req) {
        let user_agent = crate::web::client::user_agent(req);
        let ip = crate::web::client::ip(req, &state.settings);
        let mut conn = state.conn().await?;
        if let Some(user) = sessions::lookup(&mut conn, &token, user_agent, &ip).await? {
            return Ok(Viewer {
                user: Some(user),
                csrf_secret: token,
            });
        }
    }
    Ok(Viewer {
        user: None,
        csrf_secret: anonymous_csrf_secret(req),
    })
}

/// The secret a logged-out visitor's form tokens derive from: the pre-session cookie, or
/// the one minted for this first visit (empty when there is neither).
pub fn anonymous_csrf_secret(req: &HttpRequest) -> String {
    req.extensions()
        .get::<PreSession>()
        .map(|p| p.0.clone())
        .or_else(|| cookies::pre_session(req))
        .unwrap_or_default()
}

impl Viewer {
    /// The CSRF token of this viewer's forms.
    pub fn csrf_token(&self) -> String {
        csrf_token_for(&self.csrf_secret)
    }

    /// The token of the session this viewer is logged in with.
    pub fn session_token(&self) -> Option<&str> {
        self.user.as_ref().map(|_| self.csrf_secret.as_str())
    }
}

type LocalFuture<T> = Pin<Box<dyn Future<Output = Result<T, AppError>>>>;

impl FromRequest for Ctx {
    type Error = AppError;
    type Future = LocalFuture<Ctx>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ctx::resolve(&req).await })
    }
}

/// A context with a logged-in member; anyone else is sent to the log-in page.
pub struct CurrentUser {
    ctx: Ctx,
    user: SessionUser,
}

impl CurrentUser {
    /// The member.
    pub fn user(&self) -> &SessionUser {
        &self.user
    }
}

/// Resolves the member and checks their role: members below it get 403, visitors the
/// log-in page.
fn require_role(
    req: &HttpRequest,
    payload: &mut Payload,
    role: Role,
    who: &'static str,
) -> LocalFuture<CurrentUser> {
    let member = CurrentUser::from_request(req, payload);
    let get = req.method() == actix_web::http::Method::GET;
    Box::pin(async move {
        let member = member.await?;
        if member.user().role < role {
            return Err(AppError::Forbidden(format!("Only {who} may do this.")));
        }
        second_factor_gate(member, get).await
    })
}

/// Staff pass on to staff pages with a second factor, or when administrators do not
/// require one; the others are sent to set it up first.
async fn second_factor_gate(member: CurrentUser, get: bool) -> AppResult<CurrentUser> {
    let user = member.user();
    if !user.staff || user.two_factor {
        return Ok(member);
    }
    let mut conn = member.state.conn().await?;
    if !crate::accounts::two_factor::required_of_staff(&mut conn).await? {
        return Ok(member);
    }
    // A form sent to a staff page cannot be sent again by a link; its page can be.
    let next = if get { member.path.clone() } else { "/".into() };
    Err(AppError::SecondFactorRequired { next })
}

/// A context whose member is a moderator or an administrator.
pub struct Moderator(pub CurrentUser);

impl Deref for Moderator {
    type Target = CurrentUser;
    fn deref(&self) -> &CurrentUser {
        &self.0
    }
}

impl FromRequest for Moderator {
    type Error = AppError;
    type Future = LocalFuture<Moderator>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let member = require_role(req, payload, Role::Moderator, "moderators");
        Box::pin(async move { member.await.map(Moderator) })
    }
}

/// A context whose member is staff: a moderator, an administrator or a member of a staff
/// group.
pub struct Staff(pub CurrentUser);

impl Deref for Staff {
    type Target = CurrentUser;
    fn deref(&self) -> &CurrentUser {
        &self.0
    }
}

impl FromRequest for Staff {
    type Error = AppError;
    type Future = LocalFuture<Staff>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let member = CurrentUser::from_request(req, payload);
        let get = req.method() == actix_web::http::Method::GET;
        Box::pin(async move {
            let member = member.await?;
            if !member.user().staff {
                return Err(AppError::Forbidden("Only staff may do this.".into()));
            }
            second_factor_gate(member, get).await.map(Staff)
        })
    }
}

/// A context whose member is an administrator.
pub struct Admin(pub CurrentUser);

impl Deref for Admin {
    type Target = CurrentUser;
    fn deref(&self) -> &CurrentUser {
        &self.0
    }
}

impl FromRequest for Admin {
    type Error = AppError;
    type Future = LocalFuture<Admin>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let member = require_role(req, payload, Role::Admin, "administrators");
        Box::pin(async move { member.await.map(Admin) })
    }
}

impl Deref for CurrentUser {
    type Target = Ctx;
    fn deref(&self) -> &Ctx {
        &self.ctx
    }
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = LocalFuture<CurrentUser>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let ctx = Ctx::resolve(&req).await?;
            let Some(user) = ctx.user().cloned() else {
                let next = if req.method() == actix_web::http::Method::GET {
                    ctx.path.clone()
                } else {
                    "/".into()
                };
                return Err(AppError::LoginRequired { next });
            };
            Ok(CurrentUser { ctx, user })
        })
    }
}
