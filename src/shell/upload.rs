//! A CSRF-checked form that may carry files: `multipart/form-data` (a form with a file
//! field) or a plain urlencoded one, read into the same fields either way.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use actix_multipart::Multipart;
use actix_web::dev::Payload;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::shell::ctx::CurrentUser;
use crate::web::error::AppError;
use crate::web::form::{MAX_FORM_BYTES, without_nul};
use crate::web::middleware::SubmittedForm;

/// How long an upload may pause between two pieces before it is given up.
const IDLE: Duration = Duration::from_secs(30);

/// A file sent with the form.
#[derive(Debug)]
pub struct FilePart {
    /// The form field it came in.
    pub field: String,
    /// Its name as the browser gave it (untrusted).
    pub name: String,
    /// Its bytes, cut one past the largest file taken (see `cut`).
    pub bytes: Vec<u8>,
    /// It was larger than any file taken; `bytes` holds only its start.
    pub cut: bool,
}

/// A member's form whose CSRF token was checked: the member, its fields, every name–value
/// pair as sent (for repeated fields), and its files. The member is resolved only once the
/// body has arrived, so that when the database is away the text is already kept for the
/// page that offers it again (an extractor of its own would fail first).
pub struct UploadForm<T> {
    pub member: CurrentUser,
    pub form: T,
    pub pairs: Vec<(String, String)>,
    pub files: Vec<FilePart>,
}

impl<T> UploadForm<T> {
    /// Every value sent under `name`.
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn broke_off() -> AppError {
    AppError::BadRequest("The upload broke off; please send the form again.".into())
}

/// Reads a multipart body: text fields (at most [`MAX_FORM_BYTES`] together) and files
/// (at most `max_files` of at most `max_bytes` each kept; the rest counted, not kept).
async fn read_multipart(
    mut parts: Multipart,
    max_bytes: usize,
    max_files: usize,
) -> Result<(Vec<(String, String)>, Vec<FilePart>), AppError> {
    let mut pairs = Vec::new();
    let mut files = Vec::new();
    let mut text_bytes = 0usize;
    loop {
        let next = tokio::time::timeout(IDLE, parts.next())
            .await
            .map_err(|_| broke_off())?;
        let Some(field) = next else { break };
        let mut field = field.map_err(|_| broke_off())?;
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_string);
        let mut bytes = Vec::new();
        let mut cut = false;
        let keep = if file_name.is_some() {
            max_bytes + 1
        } else {
            MAX_FORM_BYTES
        };
        loop {
            let chunk = tokio::time::timeout(IDLE, field.next())
                .await
                .map_err(|_| broke_off())?;
            let Some(chunk) = chunk else { break };
            let chunk = chunk.map_err(|_| broke_off())?;
            // Past the limit the rest is read and dropped, so the fields after it arrive.
            if bytes.len() < keep {
                let room = keep - bytes.len();
                bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            cut |= bytes.len() >= keep;
        }
        match file_name {
            // An empty file field (nothing chosen) sends a part with no name and no bytes.
            Some(file_name) if file_name.is_empty() && bytes.is_empty() => {}
            Some(file_name) => {
                if files.len() <= max_files {
                    files.push(FilePart {
                        field: name,
                        name: file_name,
                        bytes,
                        cut,
                    });
                }
            }
            None => {
                text_bytes += bytes.len() + name.len();
                if cut || text_bytes > MAX_FORM_BYTES {
                    return Err(AppError::PayloadTooLarge);
                }
                let value = without_nul(Bytes::from(bytes));
                pairs.push((name, String::from_utf8_lossy(&value).into_owned()));
            }
        }
    }
    Ok((pairs, files))
}

impl<T: DeserializeOwned + 'static> FromRequest for UploadForm<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let multipart = req
            .content_type()
            .eq_ignore_ascii_case("multipart/form-data");
        let body = (!multipart).then(|| Bytes::from_request(&req, payload));
        let parts = multipart.then(|| Multipart::new(req.headers(), payload.take()));
        let limits = req
            .app_data::<actix_web::web::Data<crate::config::Settings>>()
            .map(|s| {
                let max_bytes = s
                    .attachment_bytes()
                    .max(crate::accounts::avatars::MAX_BYTES);
                (max_bytes, s.attachments_per_post)
            })
            .unwrap_or((crate::accounts::avatars::MAX_BYTES, 1));
        // Without a session there is no member to take files from: answered at once,
        // without reading what may be megabytes.
        let anonymous = req.cookie(crate::web::cookies::SESSION).is_none();
        Box::pin(async move {
            if anonymous {
                CurrentUser::from_request(&req, &mut Payload::None).await?;
                return Err(AppError::Csrf);
            }
            // The body is read before anything asks the database, and a multipart form's
            // fields are kept as a plain one: a page about a failure (the database away)
            // offers the text again, as it does for every other form.
            let (pairs, files) = match (body, parts) {
                (Some(body), _) => {
                    let body = body.await.map_err(crate::shell::form::unreadable)?;
                    let pairs = serde_urlencoded::from_bytes(&without_nul(body))
                        .map_err(|_| AppError::Csrf)?;
                    (pairs, Vec::new())
                }
                (None, Some(parts)) => read_multipart(parts, limits.0, limits.1).await?,
                (None, None) => unreachable!("one of the two readers is made"),
            };
            let encoded = serde_urlencoded::to_string(&pairs)
                .map_err(|_| AppError::BadRequest("The form could not be read.".into()))?;
            if multipart {
                req.extensions_mut()
                    .insert(SubmittedForm(Bytes::from(encoded.clone())));
            }
            let member = CurrentUser::from_request(&req, &mut Payload::None).await?;
            let token = pairs
                .iter()
                .find(|(name, _)| name == "csrf")
                .map_or("", |(_, v)| v.as_str());
            if !member.csrf_matches(token) {
                return Err(AppError::Csrf);
            }
            let form = serde_urlencoded::from_str(&encoded)
                .map_err(|e| AppError::BadRequest(format!("The form could not be read: {e}.")))?;
            Ok(UploadForm {
                member,
                form,
                pairs,
                files,
            })
        })
    }
}
