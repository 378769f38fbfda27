//! Bounded load on loopback for the fault and soak tests: a real `parley serve` process on
//! an embedded cluster of its own, members posting through the real reply form, readers
//! reading, and the counters checked against a recount afterwards.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use parley::accounts::types::Role;
use parley::db::schema::{forums, posts, threads, users};
use parley::ids::ThreadId;

use crate::common::smtp::SmtpSink;
use crate::common::{Browser, PASSWORD};
use crate::supervisor::{data_dir, free_port, serve_command, wait_healthy};

/// The member every load post mentions, so that each post makes exactly one mail.
pub const WATCHER: &str = "watcher";

/// A `parley serve` process with its data directory, mail going to an SMTP server.
pub struct Served {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// The process.
    pub child: Child,
    port: u16,
    data: PathBuf,
    smtp_url: String,
    _dir: tempfile::TempDir,
}

impl Served {
    /// Starts `parley serve` on a fresh data directory (limits off: the load posts fast).
    pub async fn start(smtp: &SmtpSink) -> Served {
        let dir = data_dir();
        let port = free_port();
        let data = dir.path().join("data");
        let child = spawn(&data, port, &smtp.url());
        let mut served = Served {
            base: format!("http://127.0.0.1:{port}"),
            child,
            port,
            data,
            smtp_url: smtp.url(),
            _dir: dir,
        };
        wait_healthy(served.port, &mut served.child).await;
        served
    }

    /// Starts the process again on the same data directory and port.
    pub async fn restart(&mut self) {
        self.child = spawn(&self.data, self.port, &self.smtp_url);
        wait_healthy(self.port, &mut self.child).await;
    }

    /// The data directory.
    pub fn data(&self) -> &Path {
        &self.data
    }

    /// A direct connection to the served database.
    pub async fn conn(&self) -> AsyncPgConnection {
        let socket = parley::db::embedded::socket_dir_for(&self.data.join("pg"));
        let url = parley::db::embedded::socket_url(&socket, parley::db::EMBEDDED_DATABASE);
        AsyncPgConnection::establish(&url).await.expect("connect")
    }

    /// Stops the process with SIGTERM and waits for it.
    pub fn stop(&mut self) {
        use nix::sys::signal::{Signal, kill};
        let _ = kill(
            nix::unistd::Pid::from_raw(self.child.id() as i32),
            Signal::SIGTERM,
        );
        let _ = self.child.wait();
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            self.stop();
        }
    }
}

fn spawn(data: &Path, port: u16, smtp_url: &str) -> Child {
    std::fs::create_dir_all(data).expect("data dir");
    // The request log goes to a file: a pipe nobody reads would fill and stall the server.
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(data.with_file_name("serve.log"))
        .expect("log file");
    serve_command(data, port)
        .env("PARLEY_RATE_LIMITS", "off")
        .env("PARLEY_APPROVAL", "off")
        .env("PARLEY_SMTP_URL", smtp_url)
        .env("RUST_LOG", "warn")
        .stderr(Stdio::from(log))
        .spawn()
        .expect("parley serve starts")
}

/// The forum the load works in: `threads` threads started by the watcher, and members
/// `writer0..` who can log in with [`PASSWORD`].
pub struct Setup {
    /// The threads, in order.
    pub threads: Vec<ThreadId>,
    /// The writers' names.
    pub writers: Vec<String>,
}

/// Creates the accounts, a forum and its threads directly in the database.
pub async fn furnish(served: &Served, writers: usize, threads: usize) -> Setup {
    let mut conn = served.conn().await;
    let account = async |name: &str, conn: &mut AsyncPgConnection| {
        let input = parley::accounts::registration::NewAccount {
            username: name.into(),
            email: format!("{name}@example.com"),
            password: PASSWORD.into(),
            confirmation: PASSWORD.into(),
        };
        parley::accounts::registration::create_account(conn, &input, Role::Member, true)
            .await
            .expect("account")
    };
    let watcher = account(WATCHER, &mut conn).await;
    let names: Vec<String> = (0..writers).map(|i| format!("writer{i}")).collect();
    for name in &names {
        account(name, &mut conn).await;
    }
    let category = parley::forums::store::insert_category(&mut conn, "General")
        .await
        .expect("category");
    let forum = parley::forums::store::insert_forum(
        &mut conn,
        &parley::forums::store::NewForum {
            category_id: category,
            slug: "load",
            title: "Under load",
            description: "Posts written by the load tests.",
            position: 1,
            questions: false,
        },
    )
    .await
    .expect("forum");
    let mut ids = Vec::new();
    for i in 0..threads {
        let submission = parley::web::cookies::random_token();
        let draft = crate::common::draft(watcher, "Where the load writes.", &submission);
        let title = format!("Load thread {i}");
        let (thread, _) = parley::forums::writing::create_thread(&mut conn, forum, &title, &draft)
            .await
            .expect("thread");
        ids.push(thread);
    }
    Setup {
        threads: ids,
        writers: names,
    }
}

/// A reply the server acknowledged (answered with a redirect to the new post).
#[derive(Debug, Clone)]
pub struct Acknowledged {
    /// The new post.
    pub post_id: i64,
    /// What was posted.
    pub body: String,
}

/// Logs `name` in and posts replies round the threads through the real form, pausing
/// `pause` between posts, until `stop` is set or the server stops answering. Returns the
/// replies acknowledged.
pub async fn write(
    base: String,
    name: String,
    threads: Vec<ThreadId>,
    pause: Duration,
    stop: Arc<AtomicBool>,
) -> Vec<Acknowledged> {
    let browser = Browser::new(&base);
    assert_eq!(
        browser.log_in(&name, PASSWORD).await.status,
        303,
        "{name} logs in"
    );
    let mut acknowledged = Vec::new();
    for n in 0.. {
        if AtomicBool::load(&stop, Ordering::Relaxed) {
            break;
        }
        let thread = threads[n % threads.len()];
        let body = format!("Reply {n} from {name}, for @{WATCHER}.");
        let action = format!("/t/{thread}/reply");
        let Some(answer) = browser
            .try_fill(&action, &action, &[("body", &body), ("action", "post")])
            .await
        else {
            break; // The server went away.
        };
        let post_id = answer
            .location()
            .and_then(|l| l.strip_prefix("/p/").map(str::to_string))
            .and_then(|id| id.parse().ok());
        match post_id {
            Some(post_id) if answer.status == 303 => {
                acknowledged.push(Acknowledged { post_id, body });
            }
            _ => panic!("reply {n} of {name} was refused: {}", answer.status),
        }
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
    }
    acknowledged
}

/// The counters that disagree with a recount of the posts (empty when all agree).
pub async fn counter_mismatches(conn: &mut AsyncPgConnection) -> Vec<String> {
    // Replies reach the forum counters when the background round folds them.
    parley::forums::store::fold_reply_counts(conn)
        .await
        .expect("fold");
    let rows: Vec<(i64, i64, bool)> = posts::table
        .select((posts::thread_id, posts::author_id, posts::hidden))
        .load(conn)
        .await
        .expect("posts");
    let thread_forum: HashMap<i64, i64> = threads::table
        .select((threads::id, threads::forum_id))
        .load::<(i64, i64)>(conn)
        .await
        .expect("threads")
        .into_iter()
        .collect();
    let (mut per_thread, mut per_forum, mut per_user) =
        (HashMap::new(), HashMap::new(), HashMap::new());
    for (thread, author, hidden) in rows {
        if hidden {
            continue;
        }
        *per_thread.entry(thread).or_insert(0) += 1;
        *per_forum.entry(thread_forum[&thread]).or_insert(0) += 1;
        *per_user.entry(author).or_insert(0) += 1;
    }
    let mut threads_in_forum: HashMap<i64, i32> = HashMap::new();
    for forum in thread_forum.values() {
        *threads_in_forum.entry(*forum).or_insert(0) += 1;
    }
    let mut wrong = Vec::new();
    let stored: Vec<(i64, i32)> = threads::table
        .select((threads::id, threads::post_count))
        .load(conn)
        .await
        .expect("thread counts");
    for (id, count) in stored {
        let actual = per_thread.get(&id).copied().unwrap_or(0);
        if count != actual {
            wrong.push(format!("thread {id}: {count} counted, {actual} posts"));
        }
    }
    let stored: Vec<(i64, i32, i32)> = forums::table
        .select((forums::id, forums::post_count, forums::thread_count))
        .load(conn)
        .await
        .expect("forum counts");
    for (id, count, thread_count) in stored {
        let actual = per_forum.get(&id).copied().unwrap_or(0);
        let threads_actual = threads_in_forum.get(&id).copied().unwrap_or(0);
        if count != actual || thread_count != threads_actual {
            wrong.push(format!(
                "forum {id}: {count} posts and {thread_count} threads counted, {actual} and {threads_actual} there"
            ));
        }
    }
    let stored: Vec<(i64, i32)> = users::table
        .select((users::id, users::post_count))
        .load(conn)
        .await
        .expect("user counts");
    for (id, count) in stored {
        let actual = per_user.get(&id).copied().unwrap_or(0);
        if count != actual {
            wrong.push(format!("member {id}: {count} counted, {actual} posts"));
        }
    }
    wrong.extend(last_author_mismatches(conn).await);
    wrong
}

/// Threads whose kept last-post author is not who wrote their last post.
pub async fn last_author_mismatches(conn: &mut AsyncPgConnection) -> Vec<String> {
    let author_of: HashMap<i64, i64> = posts::table
        .select((posts::id, posts::author_id))
        .load::<(i64, i64)>(conn)
        .await
        .expect("post authors")
        .into_iter()
        .collect();
    let kept: Vec<(i64, Option<i64>, Option<i64>)> = threads::table
        .select((
            threads::id,
            threads::last_post_id,
            threads::last_post_author_id,
        ))
        .load(conn)
        .await
        .expect("last posts");
    kept.into_iter()
        .filter_map(|(id, last_post, last_author)| {
            let written = last_post.and_then(|post| author_of.get(&post).copied());
            (last_author != written).then(|| {
                format!("thread {id}: last post by {last_author:?} kept, by {written:?} written")
            })
        })
        .collect()
}
