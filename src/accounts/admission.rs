//! Who may register: the registration mode administrators choose ("open"; "open for these
//! e-mail domains, others wait for approval"; "by invitation"; "closed") and what it
//! makes of one registration.

use diesel::QueryResult;
use diesel_async::AsyncPgConnection;

use crate::accounts::store;
use crate::ids::UserId;
use crate::kinds::word_enum;

word_enum! {
    /// How people join.
    pub enum Mode {
        /// Anyone registers.
        Open = "open",
        /// Addresses of the listed domains register; others apply and wait for approval.
        Domains = "domains",
        /// Only with an invitation link.
        Invitation = "invitation",
        /// Nobody registers.
        Closed = "closed",
    }
}

/// The site setting naming the mode.
pub const MODE_SETTING: &str = "registration";
/// The site setting listing the domains let in, one a line.
pub const DOMAINS_SETTING: &str = "registration_domains";
/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 14;

/// The rules in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    pub mode: Mode,
    /// Lower-case domains (`example.com`) let in by [`Mode::Domains`].
    pub domains: Vec<String>,
}

/// What a registration becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// A member, as soon as the address is confirmed.
    Member,
    /// An applicant, until an administrator approves them.
    Applicant,
    /// Only with an invitation.
    NeedsInvitation,
    /// Not at all.
    Refused,
}

impl Rules {
    /// What registering with `email` makes of the account.
    pub fn admit(&self, email: &str) -> Admission {
        match self.mode {
            Mode::Open => Admission::Member,
            Mode::Closed => Admission::Refused,
            Mode::Invitation => Admission::NeedsInvitation,
            Mode::Domains => {
                let domain = email.rsplit_once('@').map(|(_, d)| d.to_lowercase());
                match domain {
                    Some(d) if self.domains.contains(&d) => Admission::Member,
                    _ => Admission::Applicant,
                }
            }
        }
    }
}

/// Domains as an administrator typed them (one a line, or separated by commas or spaces,
/// with or without `@`), cleaned and without repeats.
pub fn parse_domains(typed: &str) -> Vec<String> {
    let mut domains: Vec<String> = typed
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .map(|d| d.trim().trim_start_matches('@').to_lowercase())
        .filter(|d| d.contains('.') && !d.starts_with('.') && !d.ends_with('.'))
        .collect();
    domains.sort();
    domains.dedup();
    domains
}

/// The rules administrators set (open, when they set none).
pub async fn rules(conn: &mut AsyncPgConnection) -> QueryResult<Rules> {
    let mode = store::site_setting(conn, MODE_SETTING)
        .await?
        .and_then(|word| word.parse().ok())
        .unwrap_or(Mode::Open);
    let domains = store::site_setting(conn, DOMAINS_SETTING)
        .await?
        .map(|text| parse_domains(&text))
        .unwrap_or_default();
    Ok(Rules { mode, domains })
}

/// Saves the rules.
pub async fn save_rules(
    conn: &mut AsyncPgConnection,
    rules: &Rules,
    by: UserId,
) -> QueryResult<()> {
    store::set_site_setting(conn, MODE_SETTING, rules.mode.as_str(), by).await?;
    store::set_site_setting(conn, DOMAINS_SETTING, &rules.domains.join("\n"), by).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_mode_admits_as_it_says() {
        let rules = |mode| Rules {
            mode,
            domains: parse_domains("@Example.com, support.example.org\n\nnot-a-domain"),
        };
        assert_eq!(
            rules(Mode::Domains).domains,
            ["example.com", "support.example.org"]
        );
        assert_eq!(
            rules(Mode::Domains).admit("ann@EXAMPLE.com"),
            Admission::Member
        );
        assert_eq!(
            rules(Mode::Domains).admit("ann@example.com.evil"),
            Admission::Applicant
        );
        assert_eq!(
            rules(Mode::Domains).admit("ann@mail.example.com"),
            Admission::Applicant
        );
        assert_eq!(rules(Mode::Open).admit("x@y.z"), Admission::Member);
        assert_eq!(
            rules(Mode::Invitation).admit("x@y.z"),
            Admission::NeedsInvitation
        );
        assert_eq!(rules(Mode::Closed).admit("x@y.z"), Admission::Refused);
    }
}
