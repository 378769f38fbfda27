//! Load scenario: does a reply cost the same with 10,000 watchers as with none?
//!
//! Starts a private PostgreSQL cluster (the same supervisor as `parley serve`, durable
//! settings), serves Parley on a loopback port, and posts replies through the real form
//! (session cookie and CSRF token included) from several concurrent clients, first to a
//! thread nobody watches, then to one 10,000 members watch. Prints the latency figures and
//! writes them to `bench/RESULTS-fanout.md`.
//!
//! Run: `cargo run --release --example fanout` (optionally `-- REPLIES CLIENTS`).

#[path = "client.rs"]
mod client;
#[path = "common.rs"]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel_async::SimpleAsyncConnection;
use parley::accounts::registration::{NewAccount, create_account};
use parley::accounts::types::Role;
use parley::db;
use parley::forums::store::{self as forums_store, NewForum};
use parley::forums::writing::{self, Draft};

const WATCHERS: i64 = 10_000;
const PASSWORD: &str = "benchmark password 1";

fn main() {
    let mut args = std::env::args().skip(1);
    let replies: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(400);
    let clients: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(8);

    let result = common::with_database(true, async move |url| run(&url, replies, clients).await);
    common::record("fanout", &result);
}

async fn run(url: &str, replies: usize, clients: usize) -> String {
    let pool = db::build_pool(url, 16).expect("pool");
    let mut conn = pool.get().await.expect("connection");
    let author = create_account(
        &mut conn,
        &NewAccount {
            username: "bench".into(),
            email: "bench@example.com".into(),
            password: PASSWORD.into(),
            confirmation: PASSWORD.into(),
        },
        Role::Member,
        true,
    )
    .await
    .expect("account");
    let category = forums_store::insert_category(&mut conn, "Bench")
        .await
        .expect("category");
    let forum = forums_store::insert_forum(
        &mut conn,
        &NewForum {
            category_id: category,
            slug: "bench",
            title: "Bench",
            description: "",
            position: 1,
            questions: false,
        },
    )
    .await
    .expect("forum");
    let mut threads = Vec::new();
    for title in ["Nobody watches this", "Everybody watches this"] {
        let draft = Draft {
            files: &parley::attachments::NO_FILES,
            author,
            body: "Opening post",
            submission: title,
            subscribe: None,
            moderator: false,
            ip: None,
            held: false,
        };
        let (thread, _) = writing::create_thread(&mut conn, forum, title, &draft)
            .await
            .expect("thread");
        threads.push(thread);
    }
    // 10,000 confirmed members watching the second thread, inserted set-based.
    conn.batch_execute(&format!(
        "INSERT INTO users (username, email, password_hash, email_confirmed_at)
         SELECT 'watcher' || g, 'watcher' || g || '@example.com', 'x', now() FROM generate_series(1, {WATCHERS}) g;
         INSERT INTO subscriptions (user_id, thread_id, mode)
         SELECT id, {}, 'immediate' FROM users WHERE username LIKE 'watcher%';",
        threads[1]
    ))
    .await
    .expect("watchers");
    drop(conn);

    let (base, handle) = common::serve(pool, url);

    let mut lines = vec![
        "# Reply latency against the number of watchers".to_string(),
        String::new(),
        format!(
            "`cargo run --release --example fanout -- {replies} {clients}`: {replies} replies through the real reply form from {clients} concurrent logged-in clients, per thread; PostgreSQL with fsync on; 2 HTTP workers; {}.",
            chrono::Utc::now().format("%Y-%m-%d")
        ),
        String::new(),
        "| thread | watchers | replies/s | p50 ms | p99 ms | max ms |".to_string(),
        "| --- | ---: | ---: | ---: | ---: | ---: |".to_string(),
    ];
    for (thread, watchers) in [(threads[0], 0), (threads[1], WATCHERS)] {
        let (rate, mut latencies) = load(&base, thread.0, replies, clients).await;
        latencies.sort();
        let pick = |q: f64| common::quantile(&latencies, q);
        lines.push(format!(
            "| #{} | {watchers} | {rate:.0} | {:.1} | {:.1} | {:.1} |",
            thread.0,
            pick(0.5),
            pick(0.99),
            latencies.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        ));
    }
    lines.push(String::new());
    lines.push("The mail worker was not running: each reply only records one notification event in its transaction, whatever the number of watchers; expanding the event into 10,000 mails is the worker's job.".into());
    drop(handle.stop(true));
    lines.join("\n") + "\n"
}

/// Posts `replies` replies to `thread` from `clients` logged-in clients; returns replies/s and latencies.
async fn load(base: &str, thread: i64, replies: usize, clients: usize) -> (f64, Vec<Duration>) {
    let latencies = Arc::new(std::sync::Mutex::new(Vec::with_capacity(replies)));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..clients {
        let base = base.to_string();
        let latencies = latencies.clone();
        let share = replies / clients + usize::from(client < replies % clients);
        tasks.push(actix_web::rt::spawn(async move {
            let (http, csrf) = client::logged_in(&base, "bench", PASSWORD).await;
            for i in 0..share {
                let submission = format!("bench-{thread}-{client}-{i}-{}", std::process::id());
                let body = format!(
                    "Reply {i} from client {client}: a few words about handling a difficult call."
                );
                let sent = Instant::now();
                client::reply(&http, &base, &csrf, thread, &submission, &body).await;
                latencies.lock().expect("lock").push(sent.elapsed());
            }
        }));
    }
    for task in tasks {
        task.await.expect("client task");
    }
    let elapsed = started.elapsed().as_secs_f64();
    let latencies = latencies.lock().expect("lock").clone();
    (latencies.len() as f64 / elapsed, latencies)
}
