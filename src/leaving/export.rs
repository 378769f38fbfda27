//! "Download my data": everything the forum holds of a member, as one JSON document.

use chrono::{DateTime, Utc};
use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use serde::Serialize;

use crate::ids::UserId;
use crate::leaving::store::{
    self, ExportDraft, ExportFile, ExportPost, ExportProfile, ExportSession, ExportSubscription,
    ExportThreadDraft,
};

/// The document, in the order a person reads it.
#[derive(Debug, Serialize)]
pub struct Export {
    /// Which forum and when.
    pub site: String,
    pub made: DateTime<Utc>,
    pub profile: ExportProfile,
    /// Every post's source, as written (the latest version).
    pub posts: Vec<ExportPost>,
    pub subscriptions: Vec<ExportSubscription>,
    pub sessions: Vec<ExportSession>,
    pub drafts: Vec<ExportDraft>,
    /// New threads being written.
    pub new_thread_drafts: Vec<ExportThreadDraft>,
    /// Files they attached (names and sizes; the files are on their posts).
    pub files: Vec<ExportFile>,
}

/// Reads the member's data.
pub async fn export(conn: &mut AsyncPgConnection, site: &str, user: UserId) -> QueryResult<Export> {
    Ok(Export {
        site: site.to_string(),
        made: Utc::now(),
        profile: store::export_profile(conn, user).await?,
        posts: store::export_posts(conn, user).await?,
        subscriptions: store::export_subscriptions(conn, user).await?,
        sessions: store::export_sessions(conn, user).await?,
        drafts: store::export_drafts(conn, user).await?,
        new_thread_drafts: store::export_thread_drafts(conn, user).await?,
        files: store::export_files(conn, user).await?,
    })
}

/// The document as pretty JSON, for people to read as well as programs.
pub fn to_json(export: &Export) -> Vec<u8> {
    serde_json::to_vec_pretty(export).unwrap_or_default()
}
