//! Builds the load scenarios' data set in a Parley data dir, ready for `parley serve`.
//!
//! Run: `cargo run --release --example generate -- [DATA_DIR]` (default
//! `target/bench-data`); then `PARLEY_DATA_DIR=DATA_DIR parley serve`. Refuses a data dir
//! that already holds a cluster, so a data set is never mixed with other content.

#[path = "dataset.rs"]
mod dataset;

use std::path::PathBuf;

use parley::config::Settings;
use parley::db::{self, Database};

fn main() {
    parley::telemetry::init();
    let data_dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "target/bench-data".into()),
    );
    if db::pg_dir(&data_dir).exists() {
        eprintln!(
            "{} already holds a cluster; remove it to generate a new data set",
            data_dir.display()
        );
        std::process::exit(2);
    }
    std::fs::create_dir_all(&data_dir).expect("create the data dir");
    let settings = Settings {
        data_dir: data_dir.clone(),
        ..Settings::default()
    };
    let database = Database::open(&settings).expect("start the embedded cluster");
    let report = actix_web::rt::System::new().block_on(async {
        database
            .ensure_created()
            .await
            .expect("create the database");
        db::migrate(&database.url).await.expect("migrate");
        dataset::generate(&database.url).await
    });
    database.close();
    println!("{report}in {}", data_dir.display());
}
