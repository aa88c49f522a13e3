//! The `members` table: people who sign in to an account's dashboard, and
//! the rule that an account always keeps at least one owner.

use serde::Deserialize;
use worker::{query, D1Database, D1PreparedStatement};

use super::{changed, Result};
use crate::core::account::AccountState;
use crate::core::ids::{AccountId, MemberId};
use crate::core::member::{Email, Role};
use crate::core::password::PasswordHash;
use crate::core::time::UnixMillis;

/// A member about to be stored.
pub struct NewMember {
    pub id: MemberId,
    pub account_id: AccountId,
    pub email: Email,
    pub password_hash: PasswordHash,
    pub role: Role,
    pub created_at: UnixMillis,
}

/// A member as the API shows them: never the password hash.
#[derive(Debug, Clone)]
pub struct Member {
    pub id: MemberId,
    pub email: Email,
    pub role: Role,
    pub created_at: UnixMillis,
}

/// A member with what a sign-in checks.
pub struct Credentials {
    pub member: Member,
    pub password_hash: PasswordHash,
    /// The member's account's: a suspended account's members may not sign in.
    pub account_state: AccountState,
}

#[derive(Deserialize)]
struct Row {
    id: String,
    email: String,
    role: String,
    created_at: i64,
}

impl Row {
    fn into_member(self) -> Member {
        Member {
            id: MemberId::from_stored(self.id),
            email: Email::from_stored(self.email),
            // The CHECK constraint admits only the two roles.
            role: Role::parse(&self.role).unwrap_or(Role::Member),
            created_at: UnixMillis(self.created_at),
        }
    }
}

const COLUMNS: &str = "id, email, role, created_at";

/// The insert of a member; a taken email fails it with a UNIQUE violation.
pub fn insert_statement(db: &D1Database, member: &NewMember) -> Result<D1PreparedStatement> {
    Ok(query!(
        db,
        "INSERT INTO members (id, account_id, email, password_hash, role, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        member.id,
        member.account_id,
        member.email.as_str(),
        member.password_hash.as_str(),
        member.role.as_str(),
        member.created_at.0,
    )?)
}

/// The member signing in with this email, with their password hash.
pub async fn credentials(db: &D1Database, email: &Email) -> Result<Option<Credentials>> {
    #[derive(Deserialize)]
    struct WithHash {
        id: String,
        email: String,
        role: String,
        created_at: i64,
        password_hash: String,
        state: String,
    }
    let row = query!(
        db,
        "SELECT m.id, m.email, m.role, m.created_at, m.password_hash, a.state
         FROM members m JOIN accounts a ON a.id = m.account_id WHERE m.email = ?1",
        email.as_str()
    )?
    .first::<WithHash>(None)
    .await?;
    Ok(row.map(|r| Credentials {
        password_hash: PasswordHash::from_stored(r.password_hash),
        account_state: r.state.parse().unwrap_or_default(),
        member: Row {
            id: r.id,
            email: r.email,
            role: r.role,
            created_at: r.created_at,
        }
        .into_member(),
    }))
}

/// Whether any member (of any account) has this email.
pub async fn email_taken(db: &D1Database, email: &Email) -> Result<bool> {
    #[derive(Deserialize)]
    struct Found {
        found: i64,
    }
    let row = query!(
        db,
        "SELECT EXISTS (SELECT 1 FROM members WHERE email = ?1) AS found",
        email.as_str()
    )?
    .first::<Found>(None)
    .await?;
    Ok(row.is_some_and(|r| r.found != 0))
}

/// The account's members, oldest first.
pub async fn list(db: &D1Database, account_id: &AccountId) -> Result<Vec<Member>> {
    let sql =
        format!("SELECT {COLUMNS} FROM members WHERE account_id = ?1 ORDER BY created_at, rowid");
    let rows = query!(db, &sql, account_id)?
        .all()
        .await?
        .results::<Row>()?;
    Ok(rows.into_iter().map(Row::into_member).collect())
}

/// One member of the account.
pub async fn get(db: &D1Database, account_id: &AccountId, id: &MemberId) -> Result<Option<Member>> {
    let sql = format!("SELECT {COLUMNS} FROM members WHERE id = ?1 AND account_id = ?2");
    let row = query!(db, &sql, id, account_id)?.first::<Row>(None).await?;
    Ok(row.map(Row::into_member))
}

/// Replaces a member's password hash by a stronger one of the same
/// password, if it still holds `old` (a change in between wins).
pub async fn replace_password_hash(
    db: &D1Database,
    id: &MemberId,
    old: &PasswordHash,
    new: &PasswordHash,
) -> Result<bool> {
    let result = query!(
        db,
        "UPDATE members SET password_hash = ?3 WHERE id = ?1 AND password_hash = ?2",
        id,
        old.as_str(),
        new.as_str()
    )?
    .run()
    .await?;
    changed(&result)
}

/// What a change that could leave an account without an owner did.
#[derive(Debug, PartialEq, Eq)]
pub enum OwnerGuarded {
    Done,
    NotFound,
    /// Refused: the member is the account's last owner.
    LastOwner,
}

/// Gives a member of the account a role, unless that would leave the
/// account without an owner. Check and change are one statement, so two
/// owners demoting each other at once cannot both succeed.
pub async fn set_role(
    db: &D1Database,
    account_id: &AccountId,
    id: &MemberId,
    role: Role,
) -> Result<OwnerGuarded> {
    let result = query!(
        db,
        "UPDATE members SET role = ?3
         WHERE id = ?1 AND account_id = ?2
           AND (?3 = 'owner' OR (SELECT COUNT(*) FROM members
                                 WHERE account_id = ?2 AND role = 'owner' AND id != ?1) > 0)",
        id,
        account_id,
        role.as_str(),
    )?
    .run()
    .await?;
    guarded(db, account_id, id, changed(&result)?).await
}

/// Removes a member of the account and ends their sessions, unless they
/// are its last owner.
pub async fn remove(
    db: &D1Database,
    account_id: &AccountId,
    id: &MemberId,
) -> Result<OwnerGuarded> {
    let results = db
        .batch(vec![
            query!(
                db,
                "DELETE FROM sessions WHERE member_id = ?1
                   AND member_id IN (SELECT id FROM members WHERE account_id = ?2
                     AND (role = 'member' OR (SELECT COUNT(*) FROM members
                                              WHERE account_id = ?2 AND role = 'owner') > 1))",
                id,
                account_id,
            )?,
            query!(
                db,
                "DELETE FROM members WHERE id = ?1 AND account_id = ?2
                   AND (role = 'member' OR (SELECT COUNT(*) FROM members
                                            WHERE account_id = ?2 AND role = 'owner') > 1)",
                id,
                account_id,
            )?,
        ])
        .await?;
    let removed = match results.get(1) {
        Some(result) => changed(result)?,
        None => false,
    };
    guarded(db, account_id, id, removed).await
}

async fn guarded(
    db: &D1Database,
    account_id: &AccountId,
    id: &MemberId,
    done: bool,
) -> Result<OwnerGuarded> {
    if done {
        return Ok(OwnerGuarded::Done);
    }
    Ok(match get(db, account_id, id).await? {
        None => OwnerGuarded::NotFound,
        Some(_) => OwnerGuarded::LastOwner,
    })
}
