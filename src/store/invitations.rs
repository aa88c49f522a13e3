//! The `invitations` table: an owner's (or the operator's) invitation for
//! one email to join an account, found by the hash of the link's token, and
//! accepted at most once.

use serde::Deserialize;
use worker::{query, D1Database};

use super::members::NewMember;
use super::sessions::{self, NewSession};
use super::{changed, is_unique_violation, Result};
use crate::core::ids::{AccountId, InvitationId};
use crate::core::member::{Email, Role};
use crate::core::time::UnixMillis;

/// An invitation about to be stored: the token itself is not here.
pub struct NewInvitation {
    pub id: InvitationId,
    pub account_id: AccountId,
    pub email: Email,
    pub role: Role,
    pub token_hash: String,
    pub created_at: UnixMillis,
    pub expires_at: UnixMillis,
}

/// A pending invitation, with the inviting account's name.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub id: InvitationId,
    pub account_id: AccountId,
    pub account_name: String,
    pub email: Email,
    pub role: Role,
    pub created_at: UnixMillis,
    pub expires_at: UnixMillis,
}

#[derive(Deserialize)]
struct Row {
    id: String,
    account_id: String,
    account_name: String,
    email: String,
    role: String,
    created_at: i64,
    expires_at: i64,
}

impl Row {
    fn into_invitation(self) -> Invitation {
        Invitation {
            id: InvitationId::from_stored(self.id),
            account_id: AccountId::from_stored(self.account_id),
            account_name: self.account_name,
            email: Email::from_stored(self.email),
            // The CHECK constraint admits only the two roles.
            role: Role::parse(&self.role).unwrap_or(Role::Member),
            created_at: UnixMillis(self.created_at),
            expires_at: UnixMillis(self.expires_at),
        }
    }
}

const SELECT: &str = "SELECT i.id, i.account_id, a.name AS account_name, i.email, i.role,
        i.created_at, i.expires_at
    FROM invitations i JOIN accounts a ON a.id = i.account_id";
/// Neither accepted, withdrawn nor expired at ?N (the caller's `now`).
const PENDING: &str = "i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at >";

pub async fn insert(db: &D1Database, invitation: &NewInvitation) -> Result<()> {
    query!(
        db,
        "INSERT INTO invitations (id, account_id, email, role, token_hash, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        invitation.id,
        invitation.account_id,
        invitation.email.as_str(),
        invitation.role.as_str(),
        invitation.token_hash,
        invitation.created_at.0,
        invitation.expires_at.0,
    )?
    .run()
    .await?;
    Ok(())
}

/// The pending invitation with this token hash.
pub async fn pending_by_hash(
    db: &D1Database,
    token_hash: &str,
    now: UnixMillis,
) -> Result<Option<Invitation>> {
    let sql = format!("{SELECT} WHERE i.token_hash = ?1 AND {PENDING} ?2");
    let row = query!(db, &sql, token_hash, now.0)?
        .first::<Row>(None)
        .await?;
    Ok(row.map(Row::into_invitation))
}

/// The account's pending invitations, oldest first.
pub async fn pending(
    db: &D1Database,
    account_id: &AccountId,
    now: UnixMillis,
) -> Result<Vec<Invitation>> {
    let sql =
        format!("{SELECT} WHERE i.account_id = ?1 AND {PENDING} ?2 ORDER BY i.created_at, i.rowid");
    let rows = query!(db, &sql, account_id, now.0)?
        .all()
        .await?
        .results::<Row>()?;
    Ok(rows.into_iter().map(Row::into_invitation).collect())
}

/// Withdraws a pending invitation of the account; false when there is none.
pub async fn revoke(
    db: &D1Database,
    account_id: &AccountId,
    id: &InvitationId,
    now: UnixMillis,
) -> Result<bool> {
    let result = query!(
        db,
        "UPDATE invitations SET revoked_at = ?3
         WHERE id = ?1 AND account_id = ?2 AND accepted_at IS NULL AND revoked_at IS NULL",
        id,
        account_id,
        now.0,
    )?
    .run()
    .await?;
    changed(&result)
}

/// What [`accept`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Accepted {
    Done,
    /// Someone already has the member's email.
    EmailTaken,
    /// Accepted, withdrawn or expired in the meantime.
    Gone,
}

/// Turns the invitation into the member (and their first session) in one
/// batch: the member is inserted only while the invitation is still
/// pending, and the invitation is then marked accepted, so a token works
/// once even when two sign-ups race.
pub async fn accept(
    db: &D1Database,
    token_hash: &str,
    member: &NewMember,
    session: &NewSession,
) -> Result<Accepted> {
    let now = member.created_at.0;
    let statements = vec![
        query!(
            db,
            "INSERT INTO members (id, account_id, email, password_hash, role, created_at)
             SELECT ?1, i.account_id, ?3, ?4, i.role, ?5 FROM invitations i
             WHERE i.token_hash = ?2 AND i.accepted_at IS NULL AND i.revoked_at IS NULL
               AND i.expires_at > ?5 AND i.account_id = ?6",
            member.id,
            token_hash,
            member.email.as_str(),
            member.password_hash.as_str(),
            now,
            member.account_id,
        )?,
        query!(
            db,
            "UPDATE invitations SET accepted_at = ?2
             WHERE token_hash = ?1 AND accepted_at IS NULL
               AND EXISTS (SELECT 1 FROM members WHERE id = ?3)",
            token_hash,
            now,
            member.id,
        )?,
        // Inserted only if the member now exists.
        sessions::insert_statement(db, session)?,
    ];
    match db.batch(statements).await {
        Ok(results) => Ok(match results.first() {
            Some(first) if changed(first)? => Accepted::Done,
            _ => Accepted::Gone,
        }),
        Err(e) if is_unique_violation(&e) => Ok(Accepted::EmailTaken),
        Err(e) => Err(e.into()),
    }
}
