//! The load scenarios' data set: 2,000 members, 5 forums, 10,000 threads and 200,000 posts
//! (5–30 posts a thread, one hot thread of 1,000 posts; bodies of 200–1,500 characters of
//! varied text, some with quotes), written set-based and rendered by the app's own markup.

use std::time::Instant;

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use parley::markup;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Every generated member's password (`member1` … `member2000`).
pub const PASSWORD: &str = "bench password";
/// A word in about one sentence of 3,000, for a rare-word search.
pub const RARE_WORD: &str = "zanzibar";

/// Members.
pub const MEMBERS: i64 = 2_000;
/// Threads, the hot one included.
pub const THREADS: i64 = 10_000;
/// Posts in the hot thread (the first one).
pub const HOT_POSTS: i64 = 1_000;
/// Posts in all (about).
pub const TARGET_POSTS: i64 = 200_000;

const WORDS: &[&str] = &[
    "customer",
    "caller",
    "refund",
    "delay",
    "manager",
    "team",
    "queue",
    "ticket",
    "angry",
    "patience",
    "listen",
    "escalate",
    "policy",
    "apology",
    "promise",
    "schedule",
    "shift",
    "coaching",
    "feedback",
    "survey",
    "score",
    "chat",
    "email",
    "phone",
    "template",
    "script",
    "empathy",
    "tone",
    "resolution",
    "first",
    "contact",
    "billing",
    "invoice",
    "payment",
    "delivery",
    "order",
    "return",
    "exchange",
    "warranty",
    "complaint",
    "praise",
    "training",
    "onboarding",
    "handover",
    "backlog",
    "priority",
    "response",
    "time",
    "hold",
    "music",
    "transfer",
    "supervisor",
    "calm",
    "explain",
    "options",
    "honest",
    "dates",
    "follow",
    "up",
    "callback",
    "notes",
    "history",
    "account",
    "password",
    "reset",
    "login",
    "error",
];

fn sentence(rng: &mut StdRng) -> String {
    let n = rng.random_range(6..16);
    let mut words: Vec<&str> = (0..n)
        .map(|_| WORDS[rng.random_range(0..WORDS.len())])
        .collect();
    if rng.random_range(0..3000) == 0 {
        words.push(RARE_WORD);
    }
    let mut s = words.join(" ");
    if let Some(first) = s.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    s.push('.');
    s
}

/// A post body of 200–1,500 characters drawn from the forum's vocabulary.
pub fn body(rng: &mut StdRng) -> String {
    let target = rng.random_range(200..1500);
    let mut text = String::new();
    while text.len() < target {
        text.push_str(&sentence(rng));
        text.push(if rng.random_range(0..4) == 0 {
            '\n'
        } else {
            ' '
        });
        if rng.random_range(0..6) == 0 {
            text.push('\n');
        }
    }
    text
}

/// Fills an empty, migrated database; returns a description with the time it took.
pub async fn generate(url: &str) -> String {
    let started = Instant::now();
    let mut conn = AsyncPgConnection::establish(url).await.expect("connect");
    // Every member shares one real hash, so that load scenarios can log in as anyone.
    let hash = parley::accounts::password::hash_blocking(PASSWORD).expect("hash");
    conn.batch_execute(&format!(
        "INSERT INTO users (username, email, password_hash, email_confirmed_at, created_at)
         SELECT 'member' || g, 'member' || g || '@example.com', '{hash}', now(), now() - g * interval '1 hour'
           FROM generate_series(1, {MEMBERS}) g;
         INSERT INTO categories (title, position) VALUES ('Customer service', 1);
         INSERT INTO forums (category_id, slug, title, description, position)
         SELECT 1, 'forum-' || g, 'Forum ' || g, 'Generated forum', g FROM generate_series(1, 5) g;"
    ))
    .await
    .expect("members and forums");

    let mut rng = StdRng::seed_from_u64(2026);
    // Thread sizes: one hot thread, the others 5–30 posts, scaled to the target.
    let mut sizes: Vec<i64> = (0..THREADS - 1).map(|_| rng.random_range(5..=30)).collect();
    let total: i64 = sizes.iter().sum();
    let scale = (TARGET_POSTS - HOT_POSTS) as f64 / total as f64;
    for s in &mut sizes {
        *s = ((*s as f64 * scale).round() as i64).max(1);
    }
    sizes.insert(0, HOT_POSTS);
    let now = chrono::Utc::now();
    let mut titles = Vec::new();
    let mut forums = Vec::new();
    let mut authors = Vec::new();
    let mut created = Vec::new();
    for i in 0..THREADS {
        let n = rng.random_range(3..9);
        let words: Vec<&str> = (0..n)
            .map(|_| WORDS[rng.random_range(0..WORDS.len())])
            .collect();
        titles.push(format!("{} #{i}", words.join(" ")));
        forums.push(1 + (i % 5));
        authors.push(rng.random_range(1..=MEMBERS));
        created.push(now - chrono::Duration::minutes(THREADS - i));
    }
    diesel::sql_query(
        "INSERT INTO threads (forum_id, author_id, title, slug, created_at, last_post_at)
         SELECT f, a, t, 'generated-thread', c, c FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::timestamptz[]) AS x(f, a, t, c)",
    )
    .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(&forums)
    .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(&authors)
    .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(&titles)
    .bind::<diesel::sql_types::Array<diesel::sql_types::Timestamptz>, _>(&created)
    .execute(&mut conn)
    .await
    .expect("threads");

    let mut batch = PostBatch::default();
    let mut posts = 0i64;
    let mut post_id = 0i64;
    for (thread_index, size) in sizes.iter().enumerate() {
        let thread = thread_index as i64 + 1;
        let mut first_in_thread = 0;
        for position in 1..=*size {
            post_id += 1;
            if position == 1 {
                first_in_thread = post_id;
            }
            let mut source = body(&mut rng);
            if position > 2 && rng.random_range(0..10) == 0 {
                source = format!(
                    "[quote=member1 post={first_in_thread}]\nAn earlier point.\n[/quote]\n\n{source}"
                );
            }
            let html = markup::render(&source, &markup::Context::default());
            batch.push(
                thread,
                rng.random_range(1..=MEMBERS),
                position as i32,
                source,
                html,
                now - chrono::Duration::seconds(post_id),
            );
            posts += 1;
            if batch.len() >= 5_000 {
                batch.flush(&mut conn).await;
            }
        }
    }
    batch.flush(&mut conn).await;
    conn.batch_execute(
        "UPDATE threads t SET post_count = s.n, last_post_id = s.last_id, last_post_at = s.last_at
           FROM (SELECT thread_id, count(*)::int AS n, max(id) AS last_id, max(created_at) AS last_at
                   FROM posts GROUP BY thread_id) s
          WHERE t.id = s.thread_id;
         UPDATE threads t SET last_post_author_id = p.author_id FROM posts p WHERE p.id = t.last_post_id;
         UPDATE forums f SET thread_count = s.threads, post_count = s.posts, last_post_id = s.last_id
           FROM (SELECT forum_id, count(*)::int AS threads, sum(post_count)::int AS posts, max(last_post_id) AS last_id
                   FROM threads GROUP BY forum_id) s
          WHERE f.id = s.forum_id;
         UPDATE users u SET post_count = s.n FROM (SELECT author_id, count(*)::int AS n FROM posts GROUP BY author_id) s
          WHERE u.id = s.author_id;
         -- As replying records them: a quoted post lists the replies quoting it.
         INSERT INTO post_quotes (post_id, quoted_post_id)
         SELECT p.id, q.id FROM posts p JOIN posts q ON q.thread_id = p.thread_id AND q.position = 1
          WHERE p.body_source LIKE '[quote=%';",
    )
    .await
    .expect("counters");
    // Settled once here rather than by autovacuum during the first measurements: every
    // run starts from a copy of this set, so the copy is kept frozen and analysed.
    conn.batch_execute("VACUUM (FREEZE, ANALYZE)")
        .await
        .expect("vacuum");
    format!(
        "Data set: {MEMBERS} members, 5 forums, {THREADS} threads, {posts} posts (one thread of {HOT_POSTS}), bodies of 200–1,500 characters rendered by the app's markup code; generated in {:.0} s.\n\n",
        started.elapsed().as_secs_f64()
    )
}

#[derive(Default)]
struct PostBatch {
    threads: Vec<i64>,
    authors: Vec<i64>,
    positions: Vec<i32>,
    sources: Vec<String>,
    htmls: Vec<String>,
    created: Vec<chrono::DateTime<chrono::Utc>>,
}

impl PostBatch {
    fn push(
        &mut self,
        thread: i64,
        author: i64,
        position: i32,
        source: String,
        html: String,
        at: chrono::DateTime<chrono::Utc>,
    ) {
        self.threads.push(thread);
        self.authors.push(author);
        self.positions.push(position);
        self.sources.push(source);
        self.htmls.push(html);
        self.created.push(at);
    }

    fn len(&self) -> usize {
        self.threads.len()
    }

    async fn flush(&mut self, conn: &mut AsyncPgConnection) {
        if self.threads.is_empty() {
            return;
        }
        diesel::sql_query(
            "INSERT INTO posts (thread_id, author_id, position, body_source, body_html, created_at)
             SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::text[], $5::text[], $6::timestamptz[])",
        )
        .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(&self.threads)
        .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(&self.authors)
        .bind::<diesel::sql_types::Array<diesel::sql_types::Integer>, _>(&self.positions)
        .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(&self.sources)
        .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(&self.htmls)
        .bind::<diesel::sql_types::Array<diesel::sql_types::Timestamptz>, _>(&self.created)
        .execute(conn)
        .await
        .expect("posts");
        *self = PostBatch::default();
    }
}
