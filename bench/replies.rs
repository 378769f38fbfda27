//! Load client for `bench/run`: logged-in members replying through the real form.
//!
//! `CLIENTS` members of the generated data set (`memberFIRST` …, FIRST 1 unless given) log
//! in first; then each posts replies back to back, to a thread of its own, for `SECONDS`.
//! Prints one line: `replies=N per_second=R p50_ms=X p99_ms=Y` (latency of the POST,
//! redirect not followed). Two clients with different FIRST load two nodes side by side.
//!
//! Run: `cargo run --release --example replies -- BASE_URL CLIENTS SECONDS [FIRST]`.

#[path = "client.rs"]
mod client;
#[path = "dataset.rs"]
#[allow(dead_code)] // the password and the body generator are used here
mod dataset;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let base = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:8080".into());
    let clients: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(32);
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    let first: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    actix_web::rt::System::new().block_on(run(
        base,
        first..first + clients,
        Duration::from_secs(seconds),
    ));
}

async fn run(base: String, members: std::ops::Range<usize>, length: Duration) {
    let first = members.start;
    let mut sessions = Vec::new();
    for n in members {
        sessions.push(client::logged_in(&base, &format!("member{n}"), dataset::PASSWORD).await);
    }
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (n, (http, csrf)) in sessions.into_iter().enumerate() {
        let base = base.clone();
        let latencies = latencies.clone();
        // Threads 2 and up: typical ones, a different one per client.
        let thread = 1 + (first + n) as i64;
        tasks.push(actix_web::rt::spawn(async move {
            use rand::SeedableRng;
            // Replies read like the rest of the data set, so they do not skew later searches.
            let mut rng =
                rand::rngs::StdRng::seed_from_u64(n as u64 ^ u64::from(std::process::id()));
            let mut i = 0u64;
            while started.elapsed() < length {
                let submission = format!("bench-{}-{n}-{i}", std::process::id());
                let body = dataset::body(&mut rng);
                let sent = Instant::now();
                client::reply(&http, &base, &csrf, thread, &submission, &body).await;
                latencies.lock().expect("lock").push(sent.elapsed());
                i += 1;
            }
        }));
    }
    for task in tasks {
        task.await.expect("client");
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut all = latencies.lock().expect("lock").clone();
    all.sort();
    if all.is_empty() {
        println!("replies=0 per_second=0 p50_ms=0 p99_ms=0");
        return;
    }
    let pick =
        |q: f64| all[((all.len() as f64 * q) as usize).min(all.len() - 1)].as_secs_f64() * 1000.0;
    println!(
        "replies={} per_second={:.0} p50_ms={:.1} p99_ms={:.1}",
        all.len(),
        all.len() as f64 / elapsed,
        pick(0.5),
        pick(0.99)
    );
}
