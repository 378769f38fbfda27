//! A soak: mixed reading and writing against a real `parley serve` for a long while, with its
//! memory and open files sampled. Neither may trend upwards once warmed up.
//!
//! It runs 10 minutes under CI (`CI=true`) and 1 minute otherwise; `PARLEY_SOAK_SECONDS`
//! sets any other length.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::common::smtp::SmtpSink;
use crate::common::{Browser, PASSWORD};
use crate::load::{self, Served};

const SAMPLE_EVERY: Duration = Duration::from_secs(5);

fn soak_length() -> Duration {
    let seconds = std::env::var("PARLEY_SOAK_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if std::env::var("CI").is_ok_and(|v| v == "true") {
            600
        } else {
            60
        });
    Duration::from_secs(seconds)
}

/// Resident memory (KiB) and open file descriptors of a process.
fn sample(pid: u32) -> (u64, usize) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .expect("VmRSS");
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .expect("fd dir")
        .count();
    (rss, fds)
}

/// Tallies of what the readers saw.
#[derive(Default)]
struct Tally {
    requests: AtomicU64,
    failures: AtomicU64,
}

/// Reads round the site until `stop`: the forum start, the forum, thread pages, a
/// permalink, a search and the statistics; logged in when `member` is given.
async fn read(
    base: String,
    member: Option<String>,
    threads: Vec<parley::ids::ThreadId>,
    stop: Arc<AtomicBool>,
    tally: Arc<Tally>,
) {
    let browser = Browser::new(&base);
    if let Some(name) = &member {
        assert_eq!(browser.log_in(name, PASSWORD).await.status, 303);
    }
    let mut n = 0usize;
    while !stop.load(Ordering::Relaxed) {
        let index = n % threads.len();
        let paths = [
            "/".to_string(),
            "/f/load".into(),
            format!("/t/{}/load-thread-{index}", threads[index]),
            format!("/p/{}", n % 50 + 1),
            format!("/search?q=reply+{}", ["from", "watcher", "writer0"][n % 3]),
            "/stats".into(),
        ];
        for path in &paths {
            tally.requests.fetch_add(1, Ordering::Relaxed);
            let ok = browser
                .try_get(path)
                .await
                .is_some_and(|page| (200..400).contains(&page.status));
            if !ok {
                tally.failures.fetch_add(1, Ordering::Relaxed);
                eprintln!("soak: {path} failed");
            }
        }
        n += 1;
    }
}

fn mean(values: &[u64]) -> f64 {
    values.iter().sum::<u64>() as f64 / values.len().max(1) as f64
}

#[actix_web::test]
async fn a_soak_of_mixed_load_shows_no_growth_in_memory_or_open_files() {
    let length = soak_length();
    let smtp = SmtpSink::start();
    let served = Served::start(&smtp).await;
    const THREADS: usize = 20;
    let setup = load::furnish(&served, 3, THREADS).await;
    let base = served.base.clone();
    let pid = served.child.id();

    let stop = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(Tally::default());
    let mut writers = Vec::new();
    for name in &setup.writers {
        writers.push(actix_web::rt::spawn(load::write(
            base.clone(),
            name.clone(),
            setup.threads.clone(),
            // About 30 replies a second in all: steady writing, not a flood.
            Duration::from_millis(100),
            stop.clone(),
        )));
    }
    let readers: Vec<_> = [None, None, None, Some(setup.writers[0].clone())]
        .into_iter()
        .map(|member| {
            actix_web::rt::spawn(read(
                base.clone(),
                member,
                setup.threads.clone(),
                stop.clone(),
                tally.clone(),
            ))
        })
        .collect();

    let started = Instant::now();
    let mut samples: Vec<(u64, u64, usize)> = Vec::new();
    while started.elapsed() < length {
        tokio::time::sleep(SAMPLE_EVERY).await;
        let (rss, fds) = sample(pid);
        samples.push((started.elapsed().as_secs(), rss, fds));
    }
    stop.store(true, Ordering::Relaxed);
    let mut written = 0;
    for writer in writers {
        written += writer.await.expect("writer").len();
    }
    for reader in readers {
        reader.await.expect("reader");
    }

    // Warm-up (pools filling, caches filling) is the first fifth; then the first and last
    // thirds of the rest are compared.
    let steady = &samples[samples.len() / 5..];
    let third = (steady.len() / 3).max(1);
    let (first, last) = (&steady[..third], &steady[steady.len() - third..]);
    let rss = |s: &[(u64, u64, usize)]| s.iter().map(|x| x.1).collect::<Vec<_>>();
    let fds = |s: &[(u64, u64, usize)]| s.iter().map(|x| x.2 as u64).max().unwrap_or(0);
    let (rss_first, rss_last) = (mean(&rss(first)), mean(&rss(last)));
    let (fds_first, fds_last) = (fds(first), fds(last));
    let requests = tally.requests.load(Ordering::Relaxed);
    let failures = tally.failures.load(Ordering::Relaxed);
    eprintln!(
        "soak of {}s: {requests} reads ({failures} failed), {written} replies; \
         RSS {:.1} MiB early, {:.1} MiB late (peak {:.1} MiB); open files {fds_first} early, {fds_last} late",
        length.as_secs(),
        rss_first / 1024.0,
        rss_last / 1024.0,
        samples.iter().map(|s| s.1).max().unwrap_or(0) as f64 / 1024.0,
    );
    for (at, rss, fds) in &samples {
        eprintln!(
            "soak sample: {at:>4}s  RSS {:>7.1} MiB  files {fds}",
            *rss as f64 / 1024.0
        );
    }
    assert_eq!(failures, 0, "every read was answered");
    assert!(written > 0 && requests > 0, "the load ran");
    assert!(
        rss_last <= rss_first * 1.10 + 4096.0,
        "memory grew from {rss_first:.0} KiB to {rss_last:.0} KiB"
    );
    assert!(
        fds_last <= fds_first + 8,
        "open files grew from {fds_first} to {fds_last}"
    );
}
