//! Form handling shared by every feature: per-field errors and the markup of labelled
//! fields.

use crate::web::error::AppError;
use actix_web::web::Bytes;
use maud::{Markup, html};
use serde::Deserialize;

/// Largest form body accepted (bigger ones get 413).
pub const MAX_FORM_BYTES: usize = 256 * 1024;

/// Messages for the fields of a form that failed validation, in the order found.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(Vec<(&'static str, String)>);

impl FieldErrors {
    /// No errors yet.
    pub fn new() -> FieldErrors {
        FieldErrors::default()
    }

    /// Records `message` for `field` (only the first message of a field is kept).
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        if self.get(field).is_none() {
            self.0.push((field, message.into()));
        }
    }

    /// The message for `field`, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    /// True when the form is valid.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// All messages, for the summary at the top of a form.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.0.iter().map(|(f, m)| (*f, m.as_str()))
    }
}

/// A form that carries nothing but its CSRF token (e.g. log out).
#[derive(Deserialize)]
pub struct NoFields {}

/// The form body with every NUL character (`%00` or a raw zero byte) left out: no field
/// can hold one in PostgreSQL, and dropping it keeps the rest of what the person wrote.
pub fn without_nul(body: Bytes) -> Bytes {
    if !crate::text::carries_nul(&body) {
        return body;
    }
    let mut kept = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body[i] == 0 {
            i += 1;
        } else if body[i..].len() >= 3 && body[i..i + 3].eq_ignore_ascii_case(b"%00") {
            i += 3;
        } else {
            kept.push(body[i]);
            i += 1;
        }
    }
    Bytes::from(kept)
}

/// How one input is drawn.
pub struct Field<'a> {
    /// Form field name.
    pub name: &'static str,
    pub label: &'a str,
    /// `text`, `email`, `password`, …
    pub kind: &'static str,
    /// Current value (never set for passwords).
    pub value: &'a str,
    /// Help shown under the input.
    pub hint: Option<&'a str>,
    /// `autocomplete` attribute.
    pub autocomplete: &'static str,
    /// Whether the field is required.
    pub required: bool,
    /// Length limit the browser enforces too.
    pub maxlength: usize,
}

impl<'a> Field<'a> {
    /// A required text input.
    pub fn new(name: &'static str, label: &'a str) -> Field<'a> {
        Field {
            name,
            label,
            kind: "text",
            value: "",
            hint: None,
            autocomplete: "off",
            required: true,
            maxlength: 1024,
        }
    }

    /// Sets the input type.
    pub fn kind(mut self, kind: &'static str) -> Self {
        self.kind = kind;
        self
    }

    /// Sets the current value.
    pub fn value(mut self, value: &'a str) -> Self {
        self.value = value;
        self
    }

    /// Sets the help text.
    pub fn hint(mut self, hint: &'a str) -> Self {
        self.hint = Some(hint);
        self
    }

    /// Sets `autocomplete`.
    pub fn autocomplete(mut self, autocomplete: &'static str) -> Self {
        self.autocomplete = autocomplete;
        self
    }

    /// Marks the field optional.
    pub fn optional(mut self) -> Self {
        self.required = false;
        self
    }

    /// Sets the length limit.
    pub fn maxlength(mut self, maxlength: usize) -> Self {
        self.maxlength = maxlength;
        self
    }

    /// Label, input, hint and error together, wired up for screen readers.
    pub fn render(&self, errors: &FieldErrors) -> Markup {
        let id = format!("f-{}", self.name);
        let error = errors.get(self.name);
        let hint_id = format!("{id}-hint");
        let error_id = format!("{id}-error");
        let described: Vec<&str> = [
            self.hint.map(|_| hint_id.as_str()),
            error.map(|_| error_id.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect();
        html! {
            div.field.has-error[error.is_some()] {
                label for=(id) { (self.label) }
                input id=(id) name=(self.name) type=(self.kind) value=(self.value)
                    autocomplete=(self.autocomplete) maxlength=(self.maxlength)
                    required[self.required]
                    aria-invalid=[error.map(|_| "true")]
                    aria-describedby=[(!described.is_empty()).then(|| described.join(" "))];
                @if let Some(hint) = self.hint { p.hint id=(hint_id) { (hint) } }
                @if let Some(error) = error { p.error id=(error_id) { (error) } }
            }
        }
    }
}

/// A checkbox with its label after it.
pub fn checkbox(name: &'static str, label: &str, checked: bool) -> Markup {
    let id = format!("f-{name}");
    html! {
        div.field.checkbox {
            input id=(id) type="checkbox" name=(name) value="on" checked[checked];
            label for=(id) { (label) }
        }
    }
}

/// The list of problems shown above a rejected form.
pub fn error_summary(errors: &FieldErrors) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.error-summary role="alert" tabindex="-1" {
                h2 { "Please correct the following:" }
                ul { @for (field, message) in errors.iter() {
                    li { a href=(format!("#f-{field}")) { (message) } }
                } }
            }
        }
    }
}

/// A form's choice among fixed words (a `<select>` or a button's value): 400 "Unknown
/// {what}." for a word that is none of them, as only a hand-made request sends.
pub fn choice<T: std::str::FromStr>(word: &str, what: &str) -> Result<T, AppError> {
    word.parse()
        .map_err(|_| AppError::BadRequest(format!("Unknown {what}.")))
}

/// Reads an HTML checkbox value.
pub fn is_checked(value: &Option<String>) -> bool {
    value.as_deref() == Some("on")
}
