// @generated automatically by Diesel CLI.

pub mod sql_types {
    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "tsvector", schema = "pg_catalog"))]
    pub struct Tsvector;
}

diesel::table! {
    api_tokens (id) {
        id -> Int8,
        user_id -> Int8,
        name -> Text,
        token_hash -> Bytea,
        prefix -> Text,
        scopes -> Array<Text>,
        created_at -> Timestamptz,
        expires_at -> Nullable<Timestamptz>,
        last_used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    attachments (id) {
        id -> Int8,
        uploader_id -> Int8,
        post_id -> Nullable<Int8>,
        name -> Text,
        kind -> Text,
        size -> Int4,
        hash -> Text,
        width -> Nullable<Int4>,
        height -> Nullable<Int4>,
        data -> Bytea,
        thumbnail -> Nullable<Bytea>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    avatars (user_id) {
        user_id -> Int8,
        hash -> Text,
        large -> Bytea,
        small -> Bytea,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    canned_replies (id) {
        id -> Int8,
        title -> Text,
        body -> Text,
        changed_by -> Nullable<Int8>,
        changed_at -> Timestamptz,
    }
}

diesel::table! {
    categories (id) {
        id -> Int8,
        title -> Text,
        position -> Int4,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    digest_items (user_id, post_id) {
        user_id -> Int8,
        post_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    email_tokens (token_hash) {
        token_hash -> Bytea,
        user_id -> Int8,
        purpose -> Text,
        email -> Text,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Tsvector;

    faq_articles (id) {
        id -> Int8,
        title -> Text,
        slug -> Text,
        category -> Text,
        body_source -> Text,
        body_html -> Text,
        author_id -> Int8,
        sticky -> Bool,
        published -> Bool,
        view_count -> Int8,
        source_thread_id -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        tsv -> Nullable<Tsvector>,
        review_on -> Date,
        outdated_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    faq_links (article_id, position) {
        article_id -> Int8,
        position -> Int4,
        target_article -> Nullable<Int8>,
        target_thread -> Nullable<Int8>,
    }
}

diesel::table! {
    forum_reply_log (post_id) {
        forum_id -> Int8,
        post_id -> Int8,
    }
}

diesel::table! {
    forums (id) {
        id -> Int8,
        category_id -> Int8,
        slug -> Text,
        title -> Text,
        description -> Text,
        position -> Int4,
        thread_count -> Int4,
        post_count -> Int4,
        last_post_id -> Nullable<Int8>,
        created_at -> Timestamptz,
        questions -> Bool,
        first_response_hours -> Nullable<Int4>,
        solution_hours -> Nullable<Int4>,
        business_zone -> Nullable<Text>,
        business_start -> Int2,
        business_end -> Int2,
        targets_mailed_on -> Nullable<Date>,
    }
}

diesel::table! {
    helpful (post_id, user_id) {
        post_id -> Int8,
        user_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    invitations (token_hash) {
        token_hash -> Bytea,
        created_by -> Int8,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        used_by -> Nullable<Int8>,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    login_challenges (token_hash) {
        token_hash -> Bytea,
        user_id -> Int8,
        remember -> Bool,
        next -> Nullable<Text>,
        draft -> Nullable<Text>,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    me_too (thread_id, user_id) {
        thread_id -> Int8,
        user_id -> Int8,
        tell_when_solved -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    moderation_log (id) {
        id -> Int8,
        actor_id -> Int8,
        action -> Text,
        target_user_id -> Nullable<Int8>,
        target -> Text,
        reason -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    notices (id) {
        id -> Int8,
        user_id -> Int8,
        text -> Text,
        url -> Text,
        created_at -> Timestamptz,
        read_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    notification_events (id) {
        id -> Int8,
        kind -> Text,
        post_id -> Int8,
        created_at -> Timestamptz,
        processed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    outbox (id) {
        id -> Int8,
        kind -> Text,
        recipient -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        headers -> Text,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        sent_at -> Nullable<Timestamptz>,
        failed_at -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    pending_edits (post_id) {
        post_id -> Int8,
        body_source -> Text,
        body_html -> Text,
        created_at -> Timestamptz,
        rejected_reason -> Nullable<Text>,
    }
}

diesel::table! {
    post_quotes (post_id, quoted_post_id) {
        post_id -> Int8,
        quoted_post_id -> Int8,
        quoted_thread_id -> Int8,
        quoted_position -> Int4,
        quoted_at -> Timestamptz,
    }
}

diesel::table! {
    post_revisions (id) {
        id -> Int8,
        post_id -> Int8,
        body_source -> Text,
        edited_by -> Int8,
        reason -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    post_submissions (token) {
        token -> Text,
        user_id -> Int8,
        post_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Tsvector;

    posts (id) {
        id -> Int8,
        thread_id -> Int8,
        author_id -> Int8,
        position -> Int4,
        body_source -> Text,
        body_html -> Text,
        created_at -> Timestamptz,
        edited_at -> Nullable<Timestamptz>,
        edited_by -> Nullable<Int8>,
        hidden -> Bool,
        hidden_by -> Nullable<Int8>,
        hidden_at -> Nullable<Timestamptz>,
        hidden_reason -> Nullable<Text>,
        ip_address -> Nullable<Text>,
        approved -> Bool,
        body_tsv -> Nullable<Tsvector>,
        helpful_count -> Int4,
        attachment_count -> Int4,
    }
}

diesel::table! {
    rate_limits (key) {
        key -> Text,
        events -> Array<Nullable<Timestamptz>>,
    }
}

diesel::table! {
    recovery_codes (user_id, code_hash) {
        user_id -> Int8,
        code_hash -> Bytea,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    reply_drafts (user_id, thread_id) {
        user_id -> Int8,
        thread_id -> Int8,
        body -> Text,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    reports (id) {
        id -> Int8,
        post_id -> Int8,
        reporter_id -> Int8,
        reason -> Text,
        details -> Text,
        created_at -> Timestamptz,
        resolved_by -> Nullable<Int8>,
        resolved_at -> Nullable<Timestamptz>,
        outcome -> Nullable<Text>,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Bytea,
        user_id -> Int8,
        persistent -> Bool,
        created_at -> Timestamptz,
        last_seen_at -> Timestamptz,
        expires_at -> Timestamptz,
        user_agent -> Text,
        id -> Int8,
        ip -> Text,
    }
}

diesel::table! {
    site_secrets (name) {
        name -> Text,
        value -> Bytea,
    }
}

diesel::table! {
    site_settings (name) {
        name -> Text,
        value -> Text,
        changed_by -> Nullable<Int8>,
        changed_at -> Timestamptz,
    }
}

diesel::table! {
    staff_group_members (group_id, user_id) {
        group_id -> Int8,
        user_id -> Int8,
    }
}

diesel::table! {
    staff_groups (id) {
        id -> Int8,
        name -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    staff_notes (id) {
        id -> Int8,
        thread_id -> Int8,
        after_post_id -> Int8,
        author_id -> Int8,
        body -> Text,
        body_html -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    subscriptions (id) {
        id -> Int8,
        user_id -> Int8,
        thread_id -> Nullable<Int8>,
        forum_id -> Nullable<Int8>,
        mode -> Text,
        awaiting_visit -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    thread_reads (user_id, thread_id) {
        user_id -> Int8,
        thread_id -> Int8,
        last_position -> Int4,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Tsvector;

    threads (id) {
        id -> Int8,
        forum_id -> Int8,
        author_id -> Int8,
        title -> Text,
        slug -> Text,
        created_at -> Timestamptz,
        last_post_at -> Timestamptz,
        last_post_id -> Nullable<Int8>,
        post_count -> Int4,
        view_count -> Int8,
        pinned -> Bool,
        locked -> Bool,
        hidden -> Bool,
        solution_post_id -> Nullable<Int8>,
        lock_reason -> Nullable<Text>,
        hidden_reason -> Nullable<Text>,
        approved -> Bool,
        merged_into -> Nullable<Int8>,
        title_tsv -> Nullable<Tsvector>,
        last_post_author_id -> Nullable<Int8>,
        first_response_at -> Nullable<Timestamptz>,
        me_too_count -> Int4,
        assigned_user_id -> Nullable<Int8>,
        assigned_group_id -> Nullable<Int8>,
        assigned_at -> Nullable<Timestamptz>,
        solved_at -> Nullable<Timestamptz>,
        answer_review_on -> Nullable<Date>,
        answer_outdated_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    trusted_devices (token_hash) {
        token_hash -> Bytea,
        user_id -> Int8,
        user_agent -> Text,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    users (id) {
        id -> Int8,
        username -> Text,
        email -> Text,
        email_confirmed_at -> Nullable<Timestamptz>,
        password_hash -> Text,
        role -> Text,
        suspended_until -> Nullable<Timestamptz>,
        banned_at -> Nullable<Timestamptz>,
        time_zone -> Text,
        notify_default -> Bool,
        post_count -> Int4,
        created_at -> Timestamptz,
        last_seen_at -> Nullable<Timestamptz>,
        notify_mode -> Text,
        digest_sent_at -> Nullable<Timestamptz>,
        confirmation_sent_at -> Nullable<Timestamptz>,
        suspension_reason -> Nullable<Text>,
        ban_reason -> Nullable<Text>,
        name_skeleton -> Nullable<Text>,
        totp_secret -> Nullable<Bytea>,
        totp_pending_secret -> Nullable<Bytea>,
        totp_enabled_at -> Nullable<Timestamptz>,
        totp_last_step -> Int8,
        deleted_at -> Nullable<Timestamptz>,
        applied_at -> Nullable<Timestamptz>,
        application -> Nullable<Text>,
        about_source -> Text,
        about_html -> Text,
    }
}

diesel::table! {
    thread_drafts (user_id, forum_id) {
        user_id -> Int8,
        forum_id -> Int8,
        title -> Text,
        body -> Text,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(avatars -> users (user_id));
diesel::joinable!(canned_replies -> users (changed_by));
diesel::joinable!(digest_items -> posts (post_id));
diesel::joinable!(digest_items -> users (user_id));
diesel::joinable!(email_tokens -> users (user_id));
diesel::joinable!(faq_articles -> threads (source_thread_id));
diesel::joinable!(faq_articles -> users (author_id));
diesel::joinable!(faq_links -> threads (target_thread));
diesel::joinable!(forums -> categories (category_id));
diesel::joinable!(forums -> posts (last_post_id));
diesel::joinable!(helpful -> posts (post_id));
diesel::joinable!(helpful -> users (user_id));
diesel::joinable!(login_challenges -> users (user_id));
diesel::joinable!(me_too -> threads (thread_id));
diesel::joinable!(me_too -> users (user_id));
diesel::joinable!(notification_events -> posts (post_id));
diesel::joinable!(pending_edits -> posts (post_id));
diesel::joinable!(post_revisions -> posts (post_id));
diesel::joinable!(post_revisions -> users (edited_by));
diesel::joinable!(post_submissions -> posts (post_id));
diesel::joinable!(post_submissions -> users (user_id));
diesel::joinable!(recovery_codes -> users (user_id));
diesel::joinable!(attachments -> posts (post_id));
diesel::joinable!(attachments -> users (uploader_id));
diesel::joinable!(reply_drafts -> threads (thread_id));
diesel::joinable!(thread_drafts -> forums (forum_id));
diesel::joinable!(thread_drafts -> users (user_id));
diesel::joinable!(reply_drafts -> users (user_id));
diesel::joinable!(reports -> posts (post_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(site_settings -> users (changed_by));
diesel::joinable!(staff_group_members -> staff_groups (group_id));
diesel::joinable!(staff_group_members -> users (user_id));
diesel::joinable!(staff_notes -> threads (thread_id));
diesel::joinable!(staff_notes -> users (author_id));
diesel::joinable!(notices -> users (user_id));
diesel::joinable!(subscriptions -> forums (forum_id));
diesel::joinable!(subscriptions -> threads (thread_id));
diesel::joinable!(subscriptions -> users (user_id));
diesel::joinable!(thread_reads -> threads (thread_id));
diesel::joinable!(thread_reads -> users (user_id));
diesel::joinable!(threads -> forums (forum_id));
diesel::joinable!(threads -> users (author_id));
diesel::joinable!(trusted_devices -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    api_tokens,
    attachments,
    avatars,
    canned_replies,
    categories,
    digest_items,
    email_tokens,
    faq_articles,
    faq_links,
    forum_reply_log,
    forums,
    helpful,
    invitations,
    login_challenges,
    me_too,
    moderation_log,
    notices,
    notification_events,
    outbox,
    pending_edits,
    post_quotes,
    post_revisions,
    post_submissions,
    posts,
    rate_limits,
    recovery_codes,
    reply_drafts,
    reports,
    sessions,
    site_secrets,
    site_settings,
    staff_group_members,
    staff_groups,
    staff_notes,
    subscriptions,
    thread_drafts,
    thread_reads,
    threads,
    trusted_devices,
    users,
);
