//! Database access: the connection pool, start-up (embedded cluster or `DATABASE_URL`) and migrations.

pub mod connect;
pub mod embedded;
pub mod prepared;
pub mod schema;
pub mod store;
pub mod watch;

use std::path::{Path, PathBuf};
use std::time::Duration;

use diesel::Connection;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_async::pooled_connection::deadpool::{Object, Pool};
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use futures_util::FutureExt;

use crate::config::Settings;
use embedded::{Cluster, ClusterOptions, DataDirLock, SupervisorError};

/// Runs `work` on a thread of its own named `name`, with a runtime of its own, so that it
/// keeps its pace however busy the HTTP workers are (the page-cache listener, the
/// database watch).
pub fn run_on_own_thread<F>(name: &str, work: F)
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    let started = std::thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime.block_on(work),
                Err(e) => tracing::error!("starting a runtime: {e}"),
            }
        });
    if let Err(e) = started {
        tracing::error!("starting {name}: {e}");
    }
}

/// The application's connection pool.
pub type DbPool = Pool<AsyncPgConnection>;
/// A connection checked out of the pool.
pub type DbConn = Object<AsyncPgConnection>;

/// Every migration in `migrations/`, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// Name of the application database inside the embedded cluster.
pub const EMBEDDED_DATABASE: &str = "parley";

/// Why the database could not be reached or prepared.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Supervisor(#[from] SupervisorError),
    #[error("cannot reach the database after {attempts} attempts: {last}")]
    Unreachable { attempts: u32, last: String },
    #[error("running migrations failed: {0}")]
    Migrations(String),
    #[error("building the connection pool failed: {0}")]
    Pool(String),
}

/// Where the database is: an operator's server, or the cluster this process runs.
#[derive(Debug)]
pub struct Database {
    /// Connection URL of the application database.
    pub url: String,
    embedded: Option<(Cluster, DataDirLock)>,
}

impl Database {
    /// Uses `DATABASE_URL` when set; otherwise starts the embedded cluster under the data dir.
    pub fn open(settings: &Settings) -> Result<Database, StartError> {
        if let Some(url) = &settings.database_url {
            return Ok(Database {
                url: url.clone(),
                embedded: None,
            });
        }
        let lock = DataDirLock::acquire(&settings.data_dir)?;
        let cluster = Cluster::start(&embedded_options(&settings.data_dir))?;
        tracing::info!(socket = %cluster.socket_dir().display(), "embedded PostgreSQL is ready");
        Ok(Database {
            url: cluster.url(EMBEDDED_DATABASE),
            embedded: Some((cluster, lock)),
        })
    }

    /// For one-off commands: like [`Database::open`], but when a `parley serve` already runs
    /// the embedded cluster of this data dir, connect to it instead of starting another.
    pub fn open_or_join(settings: &Settings) -> Result<Database, StartError> {
        if settings.database_url.is_none() && DataDirLock::is_held(&settings.data_dir) {
            let pg_dir = std::path::absolute(pg_dir(&settings.data_dir))
                .unwrap_or_else(|_| pg_dir(&settings.data_dir));
            let socket = embedded::socket_dir_for(&pg_dir);
            return Ok(Database {
                url: embedded::socket_url(&socket, EMBEDDED_DATABASE),
                embedded: None,
            });
        }
        Database::open(settings)
    }

    /// Creates the application database in the embedded cluster on first run.
    pub async fn ensure_created(&self) -> Result<(), StartError> {
        let Some((cluster, _)) = &self.embedded else {
            return Ok(());
        };
        let mut conn = connect_with_retries(&cluster.url("postgres"), 5).await?;
        store::create_database_if_missing(&mut conn, EMBEDDED_DATABASE)
            .await
            .map_err(|e| StartError::Unreachable {
                attempts: 1,
                last: e.to_string(),
            })
    }

    /// Stops the embedded cluster, if this process runs one.
    pub fn close(self) {
        if let Some((cluster, lock)) = self.embedded {
            if let Err(e) = cluster.stop() {
                tracing::error!("stopping PostgreSQL: {e}");
            }
            drop(lock);
        }
    }
}

/// The embedded cluster's directory inside the data dir.
pub fn pg_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("pg")
}

/// How `serve` runs the embedded cluster of `data_dir`.
pub fn embedded_options(data_dir: &Path) -> ClusterOptions {
    ClusterOptions {
        pg_dir: pg_dir(data_dir),
        log_file: data_dir.join("postgres.log"),
        durable: true,
    }
}

/// Connects, retrying with a growing pause, so a database that is still starting is waited
/// for, and one that is down gives a clear error instead of a hang.
pub async fn connect_with_retries(
    url: &str,
    attempts: u32,
) -> Result<AsyncPgConnection, StartError> {
    let mut last = String::new();
    for attempt in 1..=attempts {
        let connecting = AsyncPgConnection::establish(url);
        match tokio::time::timeout(Duration::from_secs(5), connecting).await {
            Ok(Ok(conn)) => return Ok(conn),
            Ok(Err(e)) => last = e.to_string(),
            Err(_) => last = "timed out after 5 s".into(),
        }
        if attempt < attempts {
            tracing::warn!(attempt, "database not reachable yet: {last}");
            tokio::time::sleep(Duration::from_millis(250 * u64::from(attempt))).await;
        }
    }
    Err(StartError::Unreachable { attempts, last })
}

/// Runs pending migrations under an advisory lock, so several nodes starting together apply
/// each migration once.
pub async fn migrate(url: &str) -> Result<(), StartError> {
    let url = url.to_string();
    // diesel's migration harness is synchronous; on a thread of its own, the wrapper runs
    // the async connection on a private runtime instead of blocking ours.
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let _ = tx.send(run_migrations_blocking(&url));
    });
    rx.await
        .map_err(|_| StartError::Migrations("the migration thread died".into()))?
        .map_err(StartError::Migrations)
}

fn run_migrations_blocking(url: &str) -> Result<(), String> {
    let mut conn = <AsyncConnectionWrapper<AsyncPgConnection> as Connection>::establish(url)
        .map_err(|e| e.to_string())?;
    store::blocking::lock_migrations(&mut conn).map_err(|e| e.to_string())?;
    let result = conn
        .run_pending_migrations(MIGRATIONS)
        .map(|applied| {
            for version in applied {
                tracing::info!(%version, "applied migration");
            }
        })
        .map_err(|e| e.to_string());
    let _ = store::blocking::unlock_migrations(&mut conn);
    result
}

/// How long a request's connection waits for a server that owes it an answer: with the
/// pool's own waits below it, every request answers within five seconds however the
/// database fails.
pub const REQUEST_PATIENCE: Duration = Duration::from_secs(3);
/// The same for work outside requests, whose statements may run longer.
pub const BACKGROUND_PATIENCE: Duration = Duration::from_secs(60);

/// Builds a pool for requests (see [`REQUEST_PATIENCE`]).
pub fn build_pool(url: &str, size: usize) -> Result<DbPool, StartError> {
    pool_with(url, size, REQUEST_PATIENCE)
}

/// Builds a pool for work outside requests (see [`BACKGROUND_PATIENCE`]).
pub fn build_background_pool(url: &str, size: usize) -> Result<DbPool, StartError> {
    pool_with(url, size, BACKGROUND_PATIENCE)
}

/// Every connection gets a statement timeout, so one slow query cannot hold it for ever
/// while the server answers, and a bound on the server's silence (see [`connect`]) for
/// when it does not.
fn pool_with(url: &str, size: usize, patience: Duration) -> Result<DbPool, StartError> {
    let mut config = ManagerConfig::default();
    config.recycling_method = RecyclingMethod::Fast;
    config.custom_setup = Box::new(move |url| {
        async move {
            let mut conn = connect::open(url, patience).await?;
            store::configure_session(&mut conn)
                .await
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
            Ok(conn)
        }
        .boxed()
    });
    let manager = AsyncDieselConnectionManager::new_with_config(url, config);
    let wait = patience.min(Duration::from_secs(2));
    Pool::builder(manager)
        .max_size(size.max(2))
        .wait_timeout(Some(wait))
        .create_timeout(Some(patience))
        .recycle_timeout(Some(patience))
        .runtime(deadpool::Runtime::Tokio1)
        .build()
        .map_err(|e| StartError::Pool(e.to_string()))
}
