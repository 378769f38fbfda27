//! What every load scenario needs: a private cluster with a migrated database, Parley on a
//! loopback port (rate limits off, as for any load test), and a results file.

use std::future::Future;
use std::net::TcpListener;

use actix_web::dev::ServerHandle;
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use parley::config::Settings;
use parley::db::DbPool;
use parley::db::embedded::{Cluster, ClusterOptions};
use parley::{Site, build_app, db};

/// Starts a private cluster (`durable`: fsync on), creates and migrates a database, runs
/// `scenario` with its URL on an actix system, stops the cluster and returns the report.
pub fn with_database<F, Fut>(durable: bool, scenario: F) -> String
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = String>,
{
    let root = tempfile::Builder::new()
        .prefix("parley-bench-")
        .tempdir_in("/tmp")
        .expect("temp dir");
    use std::os::unix::fs::PermissionsExt;
    // Running as root, the cluster runs as an unprivileged user who must reach inside.
    std::fs::set_permissions(root.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let cluster = Cluster::start(&ClusterOptions {
        pg_dir: root.path().join("pg"),
        log_file: root.path().join("postgres.log"),
        durable,
    })
    .expect("cluster");
    let admin_url = cluster.url("postgres");
    let url = cluster.url("bench");
    let report = actix_web::rt::System::new().block_on(async move {
        let mut conn = AsyncPgConnection::establish(&admin_url)
            .await
            .expect("connect");
        conn.batch_execute("CREATE DATABASE bench")
            .await
            .expect("create database");
        db::migrate(&url).await.expect("migrate");
        scenario(url).await
    });
    drop(cluster);
    report
}

/// Serves Parley with 2 workers on a loopback port; returns its base URL and handle.
pub fn serve(pool: DbPool, url: &str) -> (String, ServerHandle) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let settings = Settings {
        database_url: Some(url.into()),
        base_url: Some(base.clone()),
        rate_limits: "off".into(),
        ..Settings::default()
    };
    let state = Site::new(pool, settings);
    let server = actix_web::HttpServer::new(move || build_app(state.clone()))
        .workers(2)
        .disable_signals()
        .listen(listener)
        .expect("listen")
        .run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    (base, handle)
}

/// Prints the report and keeps it as `bench/RESULTS-{name}.md`.
pub fn record(name: &str, report: &str) {
    println!("{report}");
    let path = format!("{}/bench/RESULTS-{name}.md", env!("CARGO_MANIFEST_DIR"));
    std::fs::write(&path, report).expect("write results");
    println!("written to bench/RESULTS-{name}.md");
}

/// The `q`-quantile of sorted latencies, in milliseconds.
pub fn quantile(sorted: &[std::time::Duration], q: f64) -> f64 {
    sorted[((sorted.len() as f64 * q) as usize).min(sorted.len() - 1)].as_secs_f64() * 1000.0
}
