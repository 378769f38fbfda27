//! How files show: under a post (pictures as thumbnails opening the full picture, other
//! files as download links with name and size) and in the composer.

use maud::{Markup, html};

use super::size_label;
use super::store::AttachmentRow;
use crate::config::Settings;
use crate::web::form::FieldErrors;
use crate::web::urls;

/// The files under a post's text.
pub fn post_files(files: &[AttachmentRow]) -> Markup {
    let (pictures, others): (Vec<_>, Vec<_>) = files.iter().partition(|f| f.is_picture());
    html! {
        @if !files.is_empty() {
            div.attachments {
                @if !pictures.is_empty() {
                    ul.pictures {
                        @for file in &pictures {
                            li {
                                a href=(urls::attachment(file.id, &file.hash, &file.name)) {
                                    @let (w, h) = thumbnail_size(file);
                                    img src=(urls::attachment_thumbnail(file.id, &file.hash)) alt=(file.name) width=(w) height=(h) loading="lazy";
                                }
                            }
                        }
                    }
                }
                @if !others.is_empty() {
                    ul.files {
                        @for file in &others {
                            li {
                                a href=(urls::attachment(file.id, &file.hash, &file.name)) download=(file.name) { (file.name) }
                                " " span.size { "(" (file.kind.as_str().to_uppercase()) ", " (size_label(i64::from(file.size))) ")" }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The size a thumbnail is drawn at, so the page does not jump as they arrive.
fn thumbnail_size(file: &AttachmentRow) -> (i32, i32) {
    let side = super::files::THUMBNAIL as i32;
    let (w, h) = (file.width.unwrap_or(side), file.height.unwrap_or(side));
    if w <= side && h <= side {
        return (w, h);
    }
    if w >= h {
        (side, (h * side / w).max(1))
    } else {
        ((w * side / h).max(1), side)
    }
}

/// What the composer's file part shows.
pub struct ComposerFiles<'a> {
    /// Why this member may not attach, if they may not.
    pub refused: Option<String>,
    /// Uploads waiting for this post.
    pub waiting: &'a [AttachmentRow],
    /// Files the edited post has.
    pub existing: &'a [AttachmentRow],
    /// Of those, the ones ticked "Remove".
    pub removing: &'a [crate::ids::AttachmentId],
}

impl<'a> ComposerFiles<'a> {
    /// A composer without files yet.
    pub fn none(refused: Option<String>) -> ComposerFiles<'static> {
        ComposerFiles {
            refused,
            waiting: &[],
            existing: &[],
            removing: &[],
        }
    }

    /// The composer's files after a submission, for `user`.
    pub fn of(gathered: &'a super::Gathered, refused: Option<String>) -> ComposerFiles<'a> {
        ComposerFiles {
            refused,
            waiting: &gathered.waiting,
            existing: &gathered.existing,
            removing: &gathered.removing,
        }
    }
}

/// The `accept` list of the file field (a hint to the browser's picker; the server decides
/// from the content).
fn accept_list(rules: &super::files::Rules) -> String {
    let mut list: Vec<String> = [".png", ".jpg", ".jpeg", ".gif", ".webp"]
        .into_iter()
        .map(String::from)
        .collect();
    list.extend(
        rules
            .kinds
            .iter()
            .filter(|k| !k.is_picture())
            .map(|k| format!(".{}", k.as_str())),
    );
    list.join(",")
}

/// One file listed in the composer, with "Remove".
fn listed(file: &AttachmentRow, waiting: bool, removing: bool) -> Markup {
    html! {
        li data-id=(file.id) {
            @if waiting { input type="hidden" name="attachment" value=(file.id); }
            @if file.is_picture() {
                img src=(urls::attachment_thumbnail(file.id, &file.hash)) alt="" width="48" height="48";
                " "
            }
            a href=(urls::attachment(file.id, &file.hash, &file.name)) { (file.name) }
            " " span.size { "(" (size_label(i64::from(file.size))) ")" }
            " "
            label.remove { input type="checkbox" name="remove" value=(file.id) checked[removing]; " Remove" }
        }
    }
}

/// The composer's "Attachments": the files so far, the file field (several at once), and
/// for scripts a drop zone that also takes pasted pictures.
pub fn composer_field(
    settings: &Settings,
    files: &ComposerFiles<'_>,
    errors: &FieldErrors,
) -> Markup {
    let error = errors.get("files");
    let rules = super::rules(settings);
    html! {
        fieldset.field.attachments-field.has-error[error.is_some()] #attachments {
            legend { "Attachments" }
            ul.attached #attached data-upload=(urls::attachment_upload()) aria-live="polite" {
                @for file in files.existing { (listed(file, false, files.removing.contains(&file.id))) }
                @for file in files.waiting { (listed(file, true, false)) }
            }
            @if let Some(e) = error { p.error id="f-files-error" { (e) } }
            @match &files.refused {
                Some(why) => { p.hint { (why) } },
                None => {
                    div.drop-zone #drop-zone {
                        label for="f-files" { "Add files" }
                        " "
                        input type="file" id="f-files" name="files" multiple accept=(accept_list(&rules)) aria-describedby="f-files-hint";
                    }
                    p.hint #f-files-hint {
                        "Up to " (settings.attachments_per_post) " files of at most " (settings.attachment_mb) " MB each: "
                        (super::files::accepted_list(&rules)) ". You can also drop files here or paste a picture into the message."
                    }
                }
            }
        }
    }
}
