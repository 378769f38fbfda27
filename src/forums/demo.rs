//! `parley demo`: fills an empty forum with a small, living community of customer-service
//! people, written for this project, through the same write path as real posts.

use diesel_async::AsyncPgConnection;

use crate::accounts::registration::{NewAccount, create_account};
use crate::accounts::types::Role;
use crate::forums::store::{self, NewForum};
use crate::forums::writing::{self, Draft, WriteError};
use crate::ids::{ForumId, PostId, UserId};
use crate::markup;
use crate::web::cookies::random_token;

/// The password every demo member gets (printed by the command).
pub const DEMO_PASSWORD: &str = "parley demo password";

const MEMBERS: &[(&str, Role)] = &[
    ("maria.lopez", Role::Admin),
    ("tom_becker", Role::Moderator),
    ("aisha-k", Role::Member),
    ("jonas", Role::Member),
    ("priya.n", Role::Member),
    ("gregor", Role::Member),
    ("lin_wei", Role::Member),
    ("sam.okafor", Role::Member),
    ("helena", Role::Member),
    ("dave-r", Role::Member),
    ("noor", Role::Member),
    ("keith.m", Role::Member),
];

struct ForumSeed {
    slug: &'static str,
    title: &'static str,
    description: &'static str,
    /// A Questions forum.
    questions: bool,
}

const CATEGORIES: &[(&str, &[ForumSeed])] = &[
    (
        "Working with customers",
        &[
            ForumSeed {
                slug: "angry-customers",
                title: "Handling angry customers",
                description: "De-escalation, difficult calls and the customer who is never satisfied.",
                questions: false,
            },
            ForumSeed {
                slug: "internal-customers",
                title: "Internal customers",
                description: "Serving colleagues in other departments: IT, finance, sales and the rest.",
                questions: false,
            },
            ForumSeed {
                slug: "channels",
                title: "Phone, chat and e-mail",
                description: "Channel-specific craft: scripts, templates, response times.",
                questions: true,
            },
        ],
    ),
    (
        "Leading a service team",
        &[
            ForumSeed {
                slug: "team-management",
                title: "Team management",
                description: "Hiring, coaching, scheduling and keeping people for more than a year.",
                questions: false,
            },
            ForumSeed {
                slug: "metrics",
                title: "Metrics and quality",
                description: "CSAT, NPS, first-contact resolution and what the numbers really say.",
                questions: false,
            },
        ],
    ),
    (
        "About this forum",
        &[ForumSeed {
            slug: "meta",
            title: "Site feedback",
            description: "Ideas, bugs and questions about Parley itself.",
            questions: false,
        }],
    ),
];

/// One thread: forum slug, title, and posts as (author index, text). A text starting with
/// `>N ` quotes post N (1-based) of the same thread before saying the rest.
type ThreadSeed = (&'static str, &'static str, &'static [(usize, &'static str)]);

const THREADS: &[ThreadSeed] = &[
    (
        "angry-customers",
        "How do you calm a caller who starts shouting in the first ten seconds?",
        &[
            (
                2,
                "I run a team of eight on the phones. Several times a week someone opens the call already shouting, before we even know their account number.\n\nMy people either freeze or start talking over them. What do you actually *say* in the first minute?",
            ),
            (
                3,
                "Let them finish the first burst. Really finish. Then say their name and one sentence that shows you heard the actual problem, not the tone:\n\n> \"Mr Hall, you were promised a refund on the 3rd and it still isn't there.\"\n\nMost people drop their voice by half once they hear their problem repeated correctly.",
            ),
            (
                4,
                ">2 This. And never say *\"calm down\"*. I have never seen it work once in eleven years.",
            ),
            (
                1,
                "We train a simple order: **listen, name it, own the next step, give a time**. The last one matters most: \"I will call you back before 4 pm today\" and then doing it rebuilds more trust than any apology.",
            ),
            (
                2,
                ">4 Writing that order on a card next to each screen now. Thank you all.",
            ),
            (
                5,
                "One addition: it is fine to say \"I want to help you, and I can't while we are both talking\". Said quietly, it works better than silence.",
            ),
        ],
    ),
    (
        "angry-customers",
        "Customer demanded to speak to my manager — I AM the manager",
        &[
            (
                6,
                "Had a lovely one today. After twenty minutes: \"Put me through to your manager.\" I am the service manager. There is a director above me, who does not take calls.\n\nHow do you say that without it sounding like a brush-off?",
            ),
            (
                7,
                "I say: \"I'm the manager for this team, so this stops with me — and I'd rather solve it than pass it on.\" Then I summarise what I can do. Usually they wanted *power*, not a person.",
            ),
            (
                0,
                ">2 Good wording. If it still escalates, offer a written summary by e-mail with your direct line. A paper trail calms people who feel unheard.",
            ),
        ],
    ),
    (
        "internal-customers",
        "IT keeps closing our tickets as \"cannot reproduce\"",
        &[
            (
                8,
                "Our agents log issues with the CRM — slow screens, lost notes — and the IT desk closes about half of them as \"cannot reproduce\" within a day. My team has stopped reporting anything. Has anyone fixed this relationship?",
            ),
            (
                9,
                "We treated IT as a customer of *ours*: what do they need to reproduce? Turned out they needed time stamps, the customer record number and a screenshot. We made a three-field template and closures dropped to almost nothing.",
            ),
            (
                10,
                ">2 Same experience. Also invite one of their engineers to sit with your agents for an hour. Watching a screen freeze while a customer waits does more than any ticket.",
            ),
            (8, ">3 Booked an engineer for Thursday. Will report back."),
        ],
    ),
    (
        "team-management",
        "New agents quit after three months — what are we doing wrong?",
        &[
            (
                0,
                "Honest question for other managers. Our onboarding is four weeks, people seem happy, and then around month three we lose one in three. Exit interviews say \"not for me\". What did you change that actually helped?",
            ),
            (
                11,
                "Month three is when the training wheels come off and the hard calls arrive without a buddy. We kept the buddy system until month six and losses halved.",
            ),
            (
                5,
                "Give them a *visible* next step. Even a small one: a \"senior agent\" title after six months with one extra responsibility. People stay for a path, not a script.",
            ),
            (
                2,
                ">2 We did the same with buddies and saw the same effect. Also: stop putting new people on the complaints queue first.",
            ),
            (
                0,
                ">3 The complaints queue point hurts because it is exactly what we do. Changing it this week.",
            ),
        ],
    ),
    (
        "team-management",
        "Scheduling for a team across three time zones",
        &[
            (
                7,
                "We now cover 6:00 to 22:00 with people in Lisbon, Berlin and Bucharest. Any tips for fair rotas that don't burn out the early shift?",
            ),
            (
                3,
                "Rotate the early shift weekly, never two weeks in a row, and publish four weeks ahead. Fairness people can *see* matters more than perfect fairness.",
            ),
        ],
    ),
    (
        "metrics",
        "Is first-contact resolution worth chasing?",
        &[
            (
                4,
                "Leadership wants FCR above 80%. My worry: agents will avoid transfers that are genuinely the right thing for the customer.",
            ),
            (
                9,
                "Measure it, don't target it. The moment FCR becomes a bonus number, people stop escalating things that need escalating.",
            ),
            (
                10,
                ">2 Agree. We pair FCR with a sample of re-contacts within seven days. If both move in the right direction, the improvement is real.",
            ),
            (
                4,
                ">3 Pairing it with re-contacts is the argument I needed for the meeting. Thanks.",
            ),
        ],
    ),
    (
        "channels",
        "Chat templates: helpful or robotic?",
        &[
            (
                6,
                "We have 140 chat templates. Customers say we sound like robots. Agents say they can't keep up without them. Where's the balance?",
            ),
            (
                11,
                "Cut to 30 and make every one end mid-sentence so the agent must finish it in their own words. Still fast, never identical.",
            ),
            (
                1,
                ">2 Clever. We also let agents rate templates monthly; the ones nobody uses get deleted.",
            ),
        ],
    ),
    (
        "meta",
        "Welcome to Parley — please introduce yourself",
        &[
            (
                0,
                "Welcome! This forum is for people who help customers for a living, and for the people who lead them.\n\nSay hello below: where you work, what channel you're on, and one thing you'd like to get better at this year.",
            ),
            (
                7,
                "Hi all — Lin, team lead for a chat team of twelve in a travel company. Want to get better at coaching without micromanaging.",
            ),
            (
                10,
                "Noor, internal IT service desk for a hospital group. Our customers are nurses at 3 am, so patience is the job.",
            ),
        ],
    ),
];

/// Why the demo could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The forum already holds content.
    #[error("the database already holds forums; the demo only fills an empty forum")]
    NotEmpty,
    /// Anything else.
    #[error("{0}")]
    Failed(String),
}

fn failed(e: impl std::fmt::Debug) -> DemoError {
    DemoError::Failed(format!("{e:?}"))
}

/// Fills an empty database with the demo community.
pub async fn load(conn: &mut AsyncPgConnection) -> Result<(), DemoError> {
    if !store::is_empty(conn).await.map_err(failed)? {
        return Err(DemoError::NotEmpty);
    }
    let mut members: Vec<UserId> = Vec::new();
    for (name, role) in MEMBERS {
        let input = NewAccount {
            username: name.to_string(),
            email: format!("{name}@demo.parley.invalid"),
            password: DEMO_PASSWORD.into(),
            confirmation: DEMO_PASSWORD.into(),
        };
        match create_account(conn, &input, *role, true).await {
            Ok(id) => members.push(id),
            Err(e) => return Err(failed(e)),
        }
    }
    let mut forums: Vec<(&str, ForumId)> = Vec::new();
    for (title, seeds) in CATEGORIES {
        let category = store::insert_category(conn, title).await.map_err(failed)?;
        for (i, seed) in seeds.iter().enumerate() {
            let new = NewForum {
                category_id: category,
                slug: seed.slug,
                title: seed.title,
                description: seed.description,
                position: i as i32 + 1,
                questions: seed.questions,
            };
            forums.push((
                seed.slug,
                store::insert_forum(conn, &new).await.map_err(failed)?,
            ));
        }
    }
    for (slug, title, posts) in THREADS {
        let forum = forums
            .iter()
            .find(|(s, _)| s == slug)
            .map(|(_, id)| *id)
            .ok_or_else(|| failed(slug))?;
        let mut ids: Vec<PostId> = Vec::new();
        for (i, (author, text)) in posts.iter().enumerate() {
            let body = with_quote(conn, &ids, text).await?;
            let submission = random_token();
            let draft = Draft {
                files: &crate::attachments::NO_FILES,
                author: members[*author],
                body: &body,
                submission: &submission,
                subscribe: None,
                moderator: false,
                ip: None,
                held: false,
            };
            let id = if i == 0 {
                writing::create_thread(conn, forum, title, &draft)
                    .await
                    .map(|(_, p)| p)
            } else {
                let thread = store::post_location(conn, ids[0])
                    .await
                    .map_err(failed)?
                    .ok_or_else(|| failed("thread"))?;
                // No cache holds the pages of a forum being seeded; the reply log's fold
                // announces them anyway.
                writing::reply(conn, thread.thread_id, &draft)
                    .await
                    .map(|replied| replied.post)
            };
            ids.push(id.map_err(|e: WriteError| failed(e))?);
        }
    }
    // The seeded history is not news: nobody gets mail about it.
    crate::forums::store::discard_pending_events(conn)
        .await
        .map_err(failed)?;
    Ok(())
}

/// Turns a leading `>N ` into a real quote of post N of the thread.
async fn with_quote(
    conn: &mut AsyncPgConnection,
    ids: &[PostId],
    text: &str,
) -> Result<String, DemoError> {
    let Some(rest) = text.strip_prefix('>') else {
        return Ok(text.to_string());
    };
    let (number, said) = rest.split_once(' ').ok_or_else(|| failed(text))?;
    let index: usize = number.parse().map_err(failed)?;
    let quoted = ids.get(index - 1).copied().ok_or_else(|| failed(text))?;
    let post = store::post_for_edit(conn, quoted)
        .await
        .map_err(failed)?
        .ok_or_else(|| failed(text))?;
    Ok(format!(
        "{}{said}",
        markup::quote_block(
            &post.author,
            post.id.0,
            &post.body_source,
            &Default::default()
        )
    ))
}
