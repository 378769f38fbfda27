//! `parley user create`: accounts made by the operator from the command line.

use std::io::{BufRead, IsTerminal};

use crate::accounts::registration::{NewAccount, RegisterError, create_account};
use crate::accounts::types::Role;
use crate::config::Settings;
use crate::server::{CommandError, with_database};
use crate::web::error::AppError;

/// Reads the password (from stdin when piped, otherwise prompted twice) and creates the
/// account with a confirmed address.
pub fn create_user(
    settings: &Settings,
    username: String,
    email: String,
    role: Role,
) -> Result<(), CommandError> {
    let (password, confirmation) = read_password()?;
    let input = NewAccount {
        username,
        email,
        password,
        confirmation,
    }
    .normalized();
    with_database(settings, async |pool| {
        let mut conn = pool.get().await?;
        match create_account(&mut conn, &input, role, true).await {
            Ok(id) => {
                eprintln!(
                    "Created {} {} (id {id}).",
                    role.label().to_lowercase(),
                    input.username
                );
                Ok(())
            }
            Err(RegisterError::Invalid(errors)) => {
                let messages: Vec<String> = errors.iter().map(|(_, m)| m.to_string()).collect();
                Err(messages.join("\n").into())
            }
            Err(e) => Err(AppError::from(e).to_string().into()),
        }
    })
}

fn read_password() -> Result<(String, String), CommandError> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Password again: ")?;
        return Ok((first, second));
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let password = line.trim_end_matches(['\n', '\r']).to_string();
    Ok((password.clone(), password))
}
