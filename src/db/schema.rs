// @generated automatically by Diesel CLI.

diesel::table! {
    login_failures (id) {
        id -> Int8,
        account_key -> Text,
        ip -> Text,
        created_at -> Timestamptz,
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
    }
}

diesel::joinable!(sessions -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(login_failures, sessions, users,);
