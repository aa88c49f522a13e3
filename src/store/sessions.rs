//! The `sessions` table: signed-in members, found by the hash of their
//! cookie's token, with what a request needs of their account.

use serde::Deserialize;
use worker::{query, D1Database, D1PreparedStatement};

use super::limits::overrides_from_text;
use super::Result;
use crate::core::account::AccountState;
use crate::core::ids::{AccountId, MemberId, SessionId};
use crate::core::member::{Email, Role};
use crate::core::plan::{LimitOverrides, Plan};
use crate::core::time::UnixMillis;

/// A session about to be stored: the token itself is not here.
pub struct NewSession {
    pub id: SessionId,
    pub member_id: MemberId,
    pub token_hash: String,
    pub created_at: UnixMillis,
    pub expires_at: UnixMillis,
}

/// A live session, its member and their account.
#[derive(Debug, Clone)]
pub struct ActiveSession {
    pub id: SessionId,
    pub created_at: UnixMillis,
    pub expires_at: UnixMillis,
    pub member_id: MemberId,
    pub email: Email,
    pub role: Role,
    pub member_created_at: UnixMillis,
    pub account_id: AccountId,
    pub account_name: String,
    pub plan: Plan,
    pub overrides: LimitOverrides,
    pub account_state: AccountState,
}

/// The insert of a session; it inserts nothing unless its member exists,
/// so in a batch after a conditional member insert it follows that insert.
pub fn insert_statement(db: &D1Database, session: &NewSession) -> Result<D1PreparedStatement> {
    Ok(query!(
        db,
        "INSERT INTO sessions (id, member_id, token_hash, created_at, expires_at)
         SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM members WHERE id = ?2)",
        session.id,
        session.member_id,
        session.token_hash,
        session.created_at.0,
        session.expires_at.0,
    )?)
}

pub async fn insert(db: &D1Database, session: &NewSession) -> Result<()> {
    insert_statement(db, session)?.run().await?;
    Ok(())
}

#[derive(Deserialize)]
struct Row {
    id: String,
    created_at: i64,
    expires_at: i64,
    member_id: String,
    email: String,
    role: String,
    member_created_at: i64,
    account_id: String,
    account_name: String,
    plan: String,
    limits: Option<String>,
    state: String,
}

/// The session with this token hash, if it is neither expired at `now` nor
/// revoked: one query serves authentication, the role and the rate limit.
pub async fn active_by_hash(
    db: &D1Database,
    token_hash: &str,
    now: UnixMillis,
) -> Result<Option<ActiveSession>> {
    let row = query!(
        db,
        "SELECT s.id, s.created_at, s.expires_at, m.id AS member_id, m.email, m.role,
                m.created_at AS member_created_at, a.id AS account_id, a.name AS account_name,
                a.plan, a.limits, a.state
         FROM sessions s JOIN members m ON m.id = s.member_id JOIN accounts a ON a.id = m.account_id
         WHERE s.token_hash = ?1 AND s.revoked_at IS NULL AND s.expires_at > ?2",
        token_hash,
        now.0,
    )?
    .first::<Row>(None)
    .await?;
    Ok(row.map(|r| ActiveSession {
        id: SessionId::from_stored(r.id),
        created_at: UnixMillis(r.created_at),
        expires_at: UnixMillis(r.expires_at),
        member_id: MemberId::from_stored(r.member_id),
        email: Email::from_stored(r.email),
        // The CHECK constraints admit only these names.
        role: Role::parse(&r.role).unwrap_or(Role::Member),
        member_created_at: UnixMillis(r.member_created_at),
        account_id: AccountId::from_stored(r.account_id),
        account_name: r.account_name,
        plan: r.plan.parse().unwrap_or(Plan::Free),
        overrides: overrides_from_text(r.limits.as_deref()),
        account_state: r.state.parse().unwrap_or_default(),
    }))
}

/// Ends the session with this token hash (signing out). Idempotent.
pub async fn revoke_by_hash(db: &D1Database, token_hash: &str, now: UnixMillis) -> Result<()> {
    query!(
        db,
        "UPDATE sessions SET revoked_at = ?2 WHERE token_hash = ?1 AND revoked_at IS NULL",
        token_hash,
        now.0,
    )?
    .run()
    .await?;
    Ok(())
}

/// Forgets sessions that ended more than a day before `now`, so the table
/// holds only live ones and the recently ended.
pub async fn prune(db: &D1Database, now: UnixMillis) -> Result<()> {
    const DAY_MILLIS: i64 = 24 * 60 * 60 * 1000;
    query!(
        db,
        "DELETE FROM sessions WHERE expires_at < ?1 OR revoked_at < ?1",
        now.0 - DAY_MILLIS,
    )?
    .run()
    .await?;
    Ok(())
}
