//! The `accounts` table, and creating an account together with its first key.

use serde::Deserialize;
use worker::{query, D1Database, D1PreparedStatement};

use super::Result;

use super::keys;
use super::limits::{overrides_from_text, overrides_to_text};
use crate::core::account::Account;
use crate::core::apikey::NewKey;
use crate::core::ids::AccountId;
use crate::core::plan::Plan;
use crate::core::time::UnixMillis;

#[derive(Deserialize)]
struct Row {
    id: String,
    name: String,
    plan: String,
    limits: Option<String>,
    created_at: i64,
}

impl Row {
    fn into_account(self) -> Account {
        Account {
            overrides: overrides_from_text(self.limits.as_deref()),
            id: AccountId::from_stored(self.id),
            name: self.name,
            // The CHECK constraint admits only the four plan names.
            plan: self.plan.parse().unwrap_or(Plan::Free),
            created_at: UnixMillis(self.created_at),
        }
    }
}

fn insert_statement(db: &D1Database, account: &Account) -> Result<D1PreparedStatement> {
    Ok(query!(
        db,
        "INSERT INTO accounts (id, name, plan, limits, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        account.id,
        account.name,
        account.plan.as_str(),
        overrides_to_text(&account.overrides),
        account.created_at.0,
    )?)
}

/// Creates the account and its first key in one transaction (a D1 batch).
pub async fn create_with_key(db: &D1Database, account: &Account, key: &NewKey) -> Result<()> {
    db.batch(vec![
        insert_statement(db, account)?,
        keys::insert_statement(db, key, None)?,
    ])
    .await?;
    Ok(())
}

pub async fn get(db: &D1Database, id: &AccountId) -> Result<Option<Account>> {
    let row = query!(
        db,
        "SELECT id, name, plan, limits, created_at FROM accounts WHERE id = ?1",
        id
    )?
    .first::<Row>(None)
    .await?;
    Ok(row.map(Row::into_account))
}

pub async fn update(db: &D1Database, account: &Account) -> Result<()> {
    query!(
        db,
        "UPDATE accounts SET name = ?2, plan = ?3, limits = ?4 WHERE id = ?1",
        account.id,
        account.name,
        account.plan.as_str(),
        overrides_to_text(&account.overrides),
    )?
    .run()
    .await?;
    Ok(())
}

/// What an account uses of its plan's quotas.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Usage {
    pub links: u32,
    /// Active keys only: revoked keys free their slot.
    pub keys: u32,
}

pub async fn usage(db: &D1Database, account_id: &AccountId) -> Result<Usage> {
    let row = query!(
        db,
        "SELECT (SELECT COUNT(*) FROM links WHERE account_id = ?1) AS links,
                (SELECT COUNT(*) FROM api_keys WHERE account_id = ?1 AND revoked_at IS NULL) AS keys",
        account_id
    )?
    .first::<Usage>(None)
    .await?;
    Ok(row.unwrap_or(Usage { links: 0, keys: 0 }))
}
