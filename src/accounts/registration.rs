//! Creating an account, shared by the register page, the first-run set-up and the CLI.

use chrono::Utc;
use diesel_async::AsyncPgConnection;

use crate::accounts::password::{self, HashError};
use crate::accounts::store::{self, NewUser};
use crate::accounts::types::Role;
use crate::accounts::validate;
use crate::ids::UserId;
use crate::web::error::violated_unique;
use crate::web::form::FieldErrors;

/// What someone typed to create an account.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewAccount {
    /// Wanted user name.
    pub username: String,
    /// E-mail address.
    pub email: String,
    pub password: String,
    pub confirmation: String,
}

impl NewAccount {
    /// Trims the name and address (never the passwords).
    pub fn normalized(mut self) -> NewAccount {
        self.username = self.username.trim().to_string();
        self.email = self.email.trim().to_string();
        self
    }
}

impl NewAccount {
    /// The same input without the passwords, to show a rejected form again.
    pub fn without_passwords(&self) -> NewAccount {
        NewAccount {
            password: String::new(),
            confirmation: String::new(),
            ..self.clone()
        }
    }
}

/// Why an account was not created; nothing was.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    /// Rule violations, per field.
    #[error("the form breaks a rule")]
    Invalid(FieldErrors),
    /// Another account has the address.
    #[error("the address is in use")]
    AddressInUse,
    #[error("hashing the password")]
    Hash(#[from] HashError),
    #[error("the database failed")]
    Database(#[from] diesel::result::Error),
}

/// Message for a name that is taken.
pub const NAME_TAKEN: &str = "This user name is already taken; please choose another.";
/// Message for a name that looks like an existing one.
fn look_alike(existing: &str) -> String {
    format!(
        "This user name looks too much like the existing member \"{existing}\" and could be mistaken for them; please choose another."
    )
}

/// Message for an address that is registered.
pub const EMAIL_TAKEN: &str =
    "An account with this e-mail address already exists. Log in, or choose another address.";

/// Validates `input` and creates the account with `role`, refusing an address in use with
/// a field error (for operators, who may know which addresses exist). Addresses of accounts
/// made by an operator (`confirmed`) need no confirmation mail.
pub async fn create_account(
    conn: &mut AsyncPgConnection,
    input: &NewAccount,
    role: Role,
    confirmed: bool,
) -> Result<UserId, RegisterError> {
    match register(conn, input, role, confirmed).await {
        Err(RegisterError::AddressInUse) => Err(unique_error("email", EMAIL_TAKEN)),
        other => other,
    }
}

/// Validates `input` and creates the account with `role`. An address in use is not a field
/// error here: the register page answers it like a new account, so that it does not tell
/// strangers which addresses have accounts. The password is hashed either way, so the
/// answer takes as long.
pub async fn register(
    conn: &mut AsyncPgConnection,
    input: &NewAccount,
    role: Role,
    confirmed: bool,
) -> Result<UserId, RegisterError> {
    let mut errors = FieldErrors::new();
    validate::username(&input.username, &mut errors);
    validate::email(&input.email, &mut errors);
    password::check(
        &input.password,
        &input.confirmation,
        &input.username,
        &mut errors,
    );
    let skeleton = validate::name_skeleton(&input.username);
    if errors.get("username").is_none() {
        if store::username_taken(conn, &input.username).await? {
            errors.add("username", NAME_TAKEN);
        } else if let Some(existing) = store::name_with_skeleton(conn, &skeleton).await? {
            errors.add("username", look_alike(&existing));
        }
    }
    if !errors.is_empty() {
        return Err(RegisterError::Invalid(errors));
    }
    let in_use = store::email_taken(conn, &input.email).await?;
    let hash = password::hash(input.password.clone()).await?;
    if in_use {
        return Err(RegisterError::AddressInUse);
    }
    let new = NewUser {
        username: &input.username,
        email: &input.email,
        password_hash: &hash,
        role,
        email_confirmed_at: confirmed.then(Utc::now),
        name_skeleton: &skeleton,
    };
    match store::insert_user(conn, &new).await {
        Ok(id) => Ok(id),
        // Someone else took the name or address between the check and the insert.
        Err(e) => match violated_unique(&e) {
            Some("users_username_key") => Err(unique_error("username", NAME_TAKEN)),
            Some("users_name_skeleton_key") => Err(unique_error(
                "username",
                "This user name looks too much like another member's; please choose another.",
            )),
            Some("users_email_key") => Err(RegisterError::AddressInUse),
            _ => Err(e.into()),
        },
    }
}

fn unique_error(field: &'static str, message: &str) -> RegisterError {
    let mut errors = FieldErrors::new();
    errors.add(field, message);
    RegisterError::Invalid(errors)
}

/// Gives the accounts from before skeletons were kept theirs (run at start-up; a no-op once
/// done). Of older look-alikes, the oldest account holds the skeleton.
pub async fn fill_name_skeletons(conn: &mut AsyncPgConnection) -> diesel::QueryResult<usize> {
    const BATCH: i64 = 500;
    let mut filled = 0;
    let mut after = UserId(0);
    loop {
        let batch = store::names_without_skeleton(conn, after, BATCH).await?;
        let Some(&(last, _)) = batch.last() else {
            return Ok(filled);
        };
        for (id, name) in &batch {
            match store::set_name_skeleton(conn, *id, &validate::name_skeleton(name)).await {
                Ok(true) => filled += 1,
                Ok(false) => {}
                // A registration took the skeleton meanwhile: the older name keeps none.
                Err(e) if violated_unique(&e).is_some() => {}
                Err(e) => return Err(e),
            }
        }
        after = last;
    }
}
