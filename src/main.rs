//! The `parley` command line: serve, migrate, user, demo.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use parley::accounts::types::Role;
use parley::config::Settings;
use parley::user_cli::create_user;
use parley::{server, telemetry};

/// mimalloc instead of the system allocator: the thread page's many short-lived strings
/// spent about a sixth of the server's CPU in glibc's malloc. It also hands each password
/// hash's 19 MiB block back to the system once freed, where glibc kept them in its heaps.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "parley",
    version,
    about = "A discussion forum for customer-service professionals"
)]
struct Cli {
    /// Settings file (optional; environment variables override it).
    #[arg(
        long,
        global = true,
        default_value = "parley.toml",
        env = "PARLEY_CONFIG"
    )]
    config: PathBuf,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the forum (the default).
    Serve {
        /// Address to listen on, e.g. 0.0.0.0:8080 (overrides PARLEY_BIND).
        #[arg(long)]
        bind: Option<String>,
        /// Fill an empty forum with demo content first.
        #[arg(long)]
        demo: bool,
    },
    /// Fill an empty database with demo content and exit.
    Demo,
    /// Apply pending database migrations and exit.
    Migrate,
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account; the password is read from standard input or prompted for.
    Create {
        name: String,
        /// E-mail address.
        email: String,
        /// Make the account an administrator.
        #[arg(long, conflicts_with = "moderator")]
        admin: bool,
        /// Make the account a moderator.
        #[arg(long)]
        moderator: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init();
    let mut settings = match Settings::load(&cli.config) {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("error: invalid settings: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command.unwrap_or(Command::Serve {
        bind: None,
        demo: false,
    }) {
        Command::Serve { bind, demo } => {
            if let Some(bind) = bind {
                settings.bind = bind;
            }
            server::serve(settings, demo)
        }
        Command::Demo => server::demo(&settings),
        Command::Migrate => server::migrate(&settings),
        Command::User(UserCommand::Create {
            name,
            email,
            admin,
            moderator,
        }) => {
            let role = match (admin, moderator) {
                (true, _) => Role::Admin,
                (_, true) => Role::Moderator,
                _ => Role::Member,
            };
            create_user(&settings, name, email, role)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
