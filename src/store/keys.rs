//! The `api_keys` table: lookup by secret hash for authentication.

use serde::Deserialize;
use worker::{query, D1Database, D1PreparedStatement, Result};

use crate::core::apikey::Scopes;
use crate::core::time::UnixMillis;

/// A key about to be stored: the secret itself is not here, only its hash.
pub struct NewKey {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub scopes: Scopes,
    pub prefix: String,
    pub secret_hash: String,
    pub created_at: UnixMillis,
}

/// An active key with what the request pipeline needs of its account.
#[derive(Debug, Clone)]
pub struct ActiveKey {
    pub key_id: String,
    pub account_id: String,
    pub scopes: Scopes,
    pub last_used_at: Option<UnixMillis>,
}

pub fn insert_statement(db: &D1Database, key: &NewKey) -> Result<D1PreparedStatement> {
    query!(
        db,
        "INSERT INTO api_keys (id, account_id, name, scopes, prefix, secret_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        key.id,
        key.account_id,
        key.name,
        key.scopes.to_stored(),
        key.prefix,
        key.secret_hash,
        key.created_at.0,
    )
}

#[derive(Deserialize)]
struct ActiveRow {
    id: String,
    account_id: String,
    scopes: String,
    last_used_at: Option<i64>,
}

/// The unrevoked key with this secret hash.
pub async fn active_by_hash(db: &D1Database, secret_hash: &str) -> Result<Option<ActiveKey>> {
    let row = query!(
        db,
        "SELECT id, account_id, scopes, last_used_at FROM api_keys
         WHERE secret_hash = ?1 AND revoked_at IS NULL",
        secret_hash
    )?
    .first::<ActiveRow>(None)
    .await?;
    Ok(row.map(|r| ActiveKey {
        scopes: Scopes::from_stored(&r.scopes),
        last_used_at: r.last_used_at.map(UnixMillis),
        key_id: r.id,
        account_id: r.account_id,
    }))
}

pub async fn touch(db: &D1Database, key_id: &str, now: UnixMillis) -> Result<()> {
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
