//! What the CLI commands do: serve, migrate, and a database for one-off commands.

use std::sync::Arc;

use actix_web::HttpServer;

use crate::Site;
use crate::accounts::store as accounts_store;
use crate::build_app;
use crate::config::Settings;
use crate::db::{self, Database, DbPool, StartError};
use crate::mail::mailer::Mailer;

/// Any failure that ends a command.
pub type CommandError = Box<dyn std::error::Error>;

/// `parley serve`: open the database (embedded or `DATABASE_URL`), migrate, serve until
/// SIGINT/SIGTERM, then stop the embedded cluster.
pub fn serve(settings: Settings, load_demo: bool) -> Result<(), CommandError> {
    // The embedded cluster is started from the main thread: its parent-death signal is tied
    // to the thread that spawned it, and this one lives as long as the process.
    let database = Database::open(&settings)?;
    let result = actix_web::rt::System::new().block_on(run(&database, settings, load_demo));
    database.close();
    result
}

async fn run(database: &Database, settings: Settings, load_demo: bool) -> Result<(), CommandError> {
    let pool = prepare(database, BACKGROUND_CONNECTIONS).await?;
    let state = Site::new(pool, settings);
    if load_demo {
        load_demo_if_empty(&state.pool).await?;
    }
    announce_setup_link(&state).await?;
    let mailer = Arc::new(Mailer::from_settings(&state.settings)?);
    crate::jobs::start(&state, &database.url, mailer);

    let bind = state.settings.bind.clone();
    let workers = match state.settings.workers {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    };
    let server_state = state.clone();
    let url = database.url.clone();
    let per_worker = (state.settings.pool_size / workers).max(2);
    // Each worker gets a pool of its own: a connection's I/O task runs on the thread that
    // opened it, so connections shared between workers made every query hop threads.
    let server = HttpServer::new(move || {
        build_app(server_state.with_pool(
            db::build_pool(&url, per_worker).unwrap_or_else(|_| server_state.pool.clone()),
        ))
    })
    .workers(workers)
    // Requests are bounded well below this (database patience, form deadline aside), so
    // a request still running at SIGTERM is stuck: it is dropped after five seconds, and
    // with the final writes `serve` ends within ten.
    .shutdown_timeout(5)
    .bind(&bind)
    .map_err(|e| format!("cannot listen on {bind}: {e}"))?;
    let addresses: Vec<String> = server.addrs().iter().map(|a| a.to_string()).collect();
    tracing::info!(addresses = ?addresses, "Parley is listening");
    eprintln!(
        "Parley is listening on http://{}",
        addresses.join(", http://")
    );
    server.run().await?;
    tracing::info!("stopped serving");
    crate::jobs::finish(&state).await;
    Ok(())
}

/// Connections for work outside requests: the mail worker, purges, view counts.
const BACKGROUND_CONNECTIONS: usize = 4;

/// Creates the embedded database if needed, waits for the server, migrates and builds a
/// pool of `size` connections.
pub async fn prepare(database: &Database, size: usize) -> Result<DbPool, StartError> {
    database.ensure_created().await?;
    // Bounded: a database that stays away gives a clear error, not a hang.
    drop(db::connect_with_retries(&database.url, 10).await?);
    db::migrate(&database.url).await?;
    let pool = db::build_background_pool(&database.url, size)?;
    let mut conn = pool
        .get()
        .await
        .map_err(|e| StartError::Migrations(e.to_string()))?;
    let filled = crate::accounts::registration::fill_name_skeletons(&mut conn)
        .await
        .map_err(|e| StartError::Migrations(e.to_string()))?;
    if filled > 0 {
        tracing::info!(filled, "user name skeletons filled in");
    }
    drop(conn);
    Ok(pool)
}

async fn announce_setup_link(state: &Site) -> Result<(), CommandError> {
    let mut conn = state.pool.get().await?;
    if accounts_store::admin_exists(&mut conn).await? {
        return Ok(());
    }
    let token = state.setup.open();
    // Printed, not logged: the link is for the person at this console only.
    eprintln!(
        "\nNo administrator exists yet. Open this one-time link to create one:\n\n    {}/setup/{}\n",
        state.settings.base_url(),
        token
    );
    Ok(())
}

async fn load_demo_if_empty(pool: &DbPool) -> Result<(), CommandError> {
    let mut conn = pool.get().await?;
    match crate::forums::demo::load(&mut conn).await {
        Ok(()) => {
            eprintln!(
                "Demo content loaded. Every demo member's password is \"{}\" (the admin is maria.lopez).",
                crate::forums::demo::DEMO_PASSWORD
            );
            Ok(())
        }
        Err(crate::forums::demo::DemoError::NotEmpty) => Ok(()),
        Err(e) => Err(e.to_string().into()),
    }
}

/// `parley demo`: fill an empty database with demo content.
pub fn demo(settings: &Settings) -> Result<(), CommandError> {
    with_database(settings, async |pool| {
        let mut conn = pool.get().await?;
        crate::forums::demo::load(&mut conn).await?;
        eprintln!(
            "Demo content loaded. Every demo member's password is \"{}\" (the admin is maria.lopez).",
            crate::forums::demo::DEMO_PASSWORD
        );
        Ok(())
    })
}

/// Runs `work` against the database of `settings` (joining a running `serve`'s embedded
/// cluster when there is one), after migrating.
pub fn with_database<F, T>(settings: &Settings, work: F) -> Result<T, CommandError>
where
    F: AsyncFnOnce(&DbPool) -> Result<T, CommandError>,
{
    let database = Database::open_or_join(settings)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(async {
        let pool = prepare(&database, settings.pool_size).await?;
        work(&pool).await
    });
    drop(runtime);
    database.close();
    result
}

/// `parley migrate`.
pub fn migrate(settings: &Settings) -> Result<(), CommandError> {
    with_database(settings, async |_| {
        eprintln!("Migrations are up to date.");
        Ok(())
    })
}
