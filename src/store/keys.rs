//! The `api_keys` table: lookup by secret hash for authentication, and the
//! key management of `/v1/api-keys` (list, create within the plan's quota,
//! revoke all but the last active key of an account without owners).

use serde::Deserialize;
use worker::{query, D1Database, D1PreparedStatement};

use super::Result;

use super::changed;
use super::limits::overrides_from_text;
use crate::core::account::AccountState;
use crate::core::apikey::{NewKey, Scopes};
use crate::core::ids::{AccountId, KeyId};
use crate::core::plan::{LimitOverrides, Plan};
use crate::core::time::UnixMillis;

/// An active key with what the request pipeline needs of its account.
#[derive(Debug, Clone)]
pub struct ActiveKey {
    pub key_id: KeyId,
    pub account_id: AccountId,
    pub scopes: Scopes,
    pub last_used_at: Option<UnixMillis>,
    pub plan: Plan,
    pub overrides: LimitOverrides,
    pub account_state: AccountState,
}

/// A stored key as its owner may see it: everything but the secret's hash.
#[derive(Debug, Clone)]
pub struct StoredKey {
    pub id: KeyId,
    pub name: String,
    pub scopes: Scopes,
    pub prefix: String,
    pub created_at: UnixMillis,
    pub last_used_at: Option<UnixMillis>,
    pub revoked_at: Option<UnixMillis>,
}

/// What [`revoke`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Revoked {
    /// Revoked now, or earlier (revoking is idempotent).
    Done,
    /// The account has no such key.
    NotFound,
    /// Refused: it is the account's last active key.
    LastActive,
}

/// The insert of `key`, unless the account already has `max` active keys
/// (`None`: no cap). The count and the insert are one statement, so
/// concurrent creations cannot overshoot the cap.
pub fn insert_statement(
    db: &D1Database,
    key: &NewKey,
    max: Option<u32>,
) -> Result<D1PreparedStatement> {
    Ok(query!(
        db,
        "INSERT INTO api_keys (id, account_id, name, scopes, prefix, secret_hash, created_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7
         WHERE ?8 IS NULL
            OR (SELECT COUNT(*) FROM api_keys WHERE account_id = ?2 AND revoked_at IS NULL) < ?8",
        key.id,
        key.account_id,
        key.name,
        key.scopes.to_stored(),
        key.prefix,
        key.secret_hash,
        key.created_at.0,
        max,
    )?)
}

/// Inserts the key unless the account already has `max` active keys;
/// false when the quota is full.
pub async fn insert_within(db: &D1Database, key: &NewKey, max: Option<u32>) -> Result<bool> {
    let result = insert_statement(db, key, max)?.run().await?;
    changed(&result)
}

#[derive(Deserialize)]
struct ActiveRow {
    id: String,
    account_id: String,
    scopes: String,
    last_used_at: Option<i64>,
    plan: String,
    limits: Option<String>,
    state: String,
}

/// The unrevoked key with this secret hash, with its account's plan and
/// state: one query serves authentication and the rate limit.
pub async fn active_by_hash(db: &D1Database, secret_hash: &str) -> Result<Option<ActiveKey>> {
    let row = query!(
        db,
        "SELECT k.id, k.account_id, k.scopes, k.last_used_at, a.plan, a.limits, a.state
         FROM api_keys k JOIN accounts a ON a.id = k.account_id
         WHERE k.secret_hash = ?1 AND k.revoked_at IS NULL",
        secret_hash
    )?
    .first::<ActiveRow>(None)
    .await?;
    Ok(row.map(|r| ActiveKey {
        scopes: Scopes::from_stored(&r.scopes),
        last_used_at: r.last_used_at.map(UnixMillis),
        // The CHECK constraint admits only the four plan names.
        plan: r.plan.parse().unwrap_or(Plan::Free),
        overrides: overrides_from_text(r.limits.as_deref()),
        // The CHECK constraint admits only the two states.
        account_state: r.state.parse().unwrap_or_default(),
        key_id: KeyId::from_stored(r.id),
        account_id: AccountId::from_stored(r.account_id),
    }))
}

const KEY_COLUMNS: &str = "id, name, scopes, prefix, created_at, last_used_at, revoked_at";

#[derive(Deserialize)]
struct KeyRow {
    id: String,
    name: String,
    scopes: String,
    prefix: String,
    created_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl KeyRow {
    fn into_key(self) -> StoredKey {
        StoredKey {
            scopes: Scopes::from_stored(&self.scopes),
            created_at: UnixMillis(self.created_at),
            last_used_at: self.last_used_at.map(UnixMillis),
            revoked_at: self.revoked_at.map(UnixMillis),
            id: KeyId::from_stored(self.id),
            name: self.name,
            prefix: self.prefix,
        }
    }
}

/// Every key of the account, revoked ones included, oldest first.
pub async fn list(db: &D1Database, account_id: &AccountId) -> Result<Vec<StoredKey>> {
    let sql = format!(
        "SELECT {KEY_COLUMNS} FROM api_keys WHERE account_id = ?1 ORDER BY created_at, rowid"
    );
    let rows = query!(db, &sql, account_id)?
        .all()
        .await?
        .results::<KeyRow>()?;
    Ok(rows.into_iter().map(KeyRow::into_key).collect())
}

/// One key of the account.
pub async fn get(db: &D1Database, account_id: &AccountId, id: &KeyId) -> Result<Option<StoredKey>> {
    let sql = format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE id = ?1 AND account_id = ?2");
    let row = query!(db, &sql, id, account_id)?
        .first::<KeyRow>(None)
        .await?;
    Ok(row.map(KeyRow::into_key))
}

/// Revokes a key of the account, unless it is the last active one of an
/// account nobody can sign in to (an account with an owner can always
/// make a new key in the dashboard). The check and the update are one
/// statement, so two keys revoking each other at once cannot leave the
/// account with none.
pub async fn revoke(
    db: &D1Database,
    account_id: &AccountId,
    id: &KeyId,
    now: UnixMillis,
) -> Result<Revoked> {
    let result = query!(
        db,
        "UPDATE api_keys SET revoked_at = ?3
         WHERE id = ?1 AND account_id = ?2 AND revoked_at IS NULL
           AND ((SELECT COUNT(*) FROM api_keys WHERE account_id = ?2 AND revoked_at IS NULL) > 1
                OR EXISTS (SELECT 1 FROM members WHERE account_id = ?2 AND role = 'owner'))",
        id,
        account_id,
        now.0,
    )?
    .run()
    .await?;
    if changed(&result)? {
        return Ok(Revoked::Done);
    }
    Ok(match get(db, account_id, id).await? {
        None => Revoked::NotFound,
        Some(key) if key.revoked_at.is_some() => Revoked::Done,
        Some(_) => Revoked::LastActive,
    })
}

/// Stores an operator's new key for the account, and with `revoke_others`
/// revokes every other active key of it in the same transaction; without,
/// the insert respects the plan's `max` active keys. The number of keys
/// revoked, or `None` when the quota is full.
pub async fn reissue(
    db: &D1Database,
    key: &NewKey,
    revoke_others: bool,
    max: Option<u32>,
) -> Result<Option<u64>> {
    if !revoke_others {
        return Ok(insert_within(db, key, max).await?.then_some(0));
    }
    let results = db
        .batch(vec![
            query!(
                db,
                "UPDATE api_keys SET revoked_at = ?2 WHERE account_id = ?1 AND revoked_at IS NULL",
                key.account_id,
                key.created_at.0,
            )?,
            insert_statement(db, key, None)?,
        ])
        .await?;
    let revoked = match results.first() {
        Some(result) => result.meta()?.and_then(|m| m.changes).unwrap_or(0),
        None => 0,
    };
    Ok(Some(u64::try_from(revoked).unwrap_or(0)))
}

pub async fn touch(db: &D1Database, key_id: &KeyId, now: UnixMillis) -> Result<()> {
    query!(
        db,
        "UPDATE api_keys SET last_used_at = ?2 WHERE id = ?1",
        key_id,
        now.0
    )?
    .run()
    .await?;
    Ok(())
}
