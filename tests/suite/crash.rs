//! `kill -9` of `parley serve` while members post: after a restart every acknowledged post
//! is there, the counters agree with a recount, every post's mail still goes out, and the
//! embedded cluster came back by itself.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use parley::db::schema::{outbox, posts};

use crate::common::smtp::SmtpSink;
use crate::load::{self, Acknowledged, Served, WATCHER};
use crate::supervisor::{postmaster_pid, wait_gone};

const WRITERS: usize = 8;

/// The post ids named in the mails the watcher received.
fn mailed_posts(smtp: &SmtpSink, base: &str) -> HashSet<i64> {
    smtp.to(&format!("{WATCHER}@example.com"))
        .iter()
        .filter_map(|mail| mail.link(base, "/p/"))
        .filter_map(|link| link.trim_start_matches("/p/").parse().ok())
        .collect()
}

#[actix_web::test]
async fn kill_9_under_write_load_loses_no_acknowledged_post_count_or_mail() {
    let smtp = SmtpSink::start();
    let mut served = Served::start(&smtp).await;
    let setup = load::furnish(&served, WRITERS, 4).await;
    let base = served.base.clone();

    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = setup
        .writers
        .iter()
        .map(|name| {
            actix_web::rt::spawn(load::write(
                base.clone(),
                name.clone(),
                setup.threads.clone(),
                Duration::ZERO,
                stop.clone(),
            ))
        })
        .collect();
    // Let the writers get going, then pull the plug in mid-stream.
    let started = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut conn = served.conn().await;
        let written: i64 = posts::table.count().get_result(&mut conn).await.unwrap();
        if written >= 200 || started.elapsed() > Duration::from_secs(20) {
            break;
        }
    }
    let postgres = postmaster_pid(served.data());
    kill(Pid::from_raw(served.child.id() as i32), Signal::SIGKILL).unwrap();
    served.child.wait().unwrap();
    let mut acknowledged: Vec<Acknowledged> = Vec::new();
    for writer in writers {
        acknowledged.extend(writer.await.expect("writer"));
    }
    assert!(
        acknowledged.len() >= 100,
        "the load was running: {} replies acknowledged",
        acknowledged.len()
    );
    // The cluster goes down with its parent, and comes back with the next start.
    wait_gone(postgres).await;
    served.restart().await;

    let mut conn = served.conn().await;
    let ids: Vec<i64> = acknowledged.iter().map(|a| a.post_id).collect();
    let stored: Vec<(i64, String)> = posts::table
        .filter(posts::id.eq_any(&ids))
        .select((posts::id, posts::body_source))
        .load(&mut conn)
        .await
        .unwrap();
    let stored: std::collections::HashMap<i64, String> = stored.into_iter().collect();
    for reply in &acknowledged {
        assert_eq!(
            stored.get(&reply.post_id),
            Some(&reply.body),
            "acknowledged post {} is kept",
            reply.post_id
        );
    }
    let mismatches = load::counter_mismatches(&mut conn).await;
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));

    // Every post written (acknowledged or caught by the kill after its commit) has its mail
    // delivered once the worker is back: no outbox row or event was lost.
    let all_replies: HashSet<i64> = posts::table
        .filter(posts::position.gt(1))
        .select(posts::id)
        .load::<i64>(&mut conn)
        .await
        .unwrap()
        .into_iter()
        .collect();
    let started = Instant::now();
    loop {
        let missing: Vec<i64> = all_replies
            .difference(&mailed_posts(&smtp, &base))
            .copied()
            .collect();
        if missing.is_empty() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{} of {} posts never had their mail sent, e.g. {:?}",
            missing.len(),
            all_replies.len(),
            &missing[..missing.len().min(5)]
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The server has each mail before the worker commits its row as sent, so the last row
    // may still be settling when its mail is seen.
    loop {
        let unsent: i64 = outbox::table
            .filter(outbox::sent_at.is_null())
            .count()
            .get_result(&mut conn)
            .await
            .unwrap();
        if unsent == 0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the outbox drained: {unsent} rows still unsent"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    eprintln!(
        "kill -9 under load: {} replies acknowledged before the kill, {} posts kept, all mailed",
        acknowledged.len(),
        all_replies.len()
    );
    served.stop();
}
