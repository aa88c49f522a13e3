//! The `accounts` table: creating an account together with its first key
//! (the operator) or its first owner (self sign-up), the operator's listing,
//! and deleting an account once it has no links.

use serde::Deserialize;
use worker::{query, D1Database, D1PreparedStatement};

use super::Result;

use super::limits::{overrides_from_text, overrides_to_text};
use super::members::{self, NewMember};
use super::sessions::{self, NewSession};
use super::{changed, count, is_unique_violation, keys};
use crate::core::account::{Account, AccountQuery};
use crate::core::apikey::NewKey;
use crate::core::ids::AccountId;
use crate::core::plan::Plan;
use crate::core::time::UnixMillis;

const COLUMNS: &str = "id, name, plan, limits, state, created_at";

#[derive(Deserialize)]
struct Row {
    id: String,
    name: String,
    plan: String,
    limits: Option<String>,
    state: String,
    created_at: i64,
}

impl Row {
    fn into_account(self) -> Account {
        Account {
            overrides: overrides_from_text(self.limits.as_deref()),
            id: AccountId::from_stored(self.id),
            name: self.name,
            // The CHECK constraints admit only the four plan names and the
            // two states.
            plan: self.plan.parse().unwrap_or(Plan::Free),
            state: self.state.parse().unwrap_or_default(),
            created_at: UnixMillis(self.created_at),
        }
    }
}

fn insert_statement(db: &D1Database, account: &Account) -> Result<D1PreparedStatement> {
    Ok(query!(
        db,
        "INSERT INTO accounts (id, name, plan, limits, state, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        account.id,
        account.name,
        account.plan.as_str(),
        overrides_to_text(&account.overrides),
        account.state.as_str(),
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

/// Creates an account with its first member, an owner, already signed in
/// (self sign-up), in one transaction. False when the email is taken.
pub async fn create_with_owner(
    db: &D1Database,
    account: &Account,
    owner: &NewMember,
    session: &NewSession,
) -> Result<bool> {
    let statements = vec![
        insert_statement(db, account)?,
        members::insert_statement(db, owner)?,
        sessions::insert_statement(db, session)?,
    ];
    match db.batch(statements).await {
        Ok(_) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

pub async fn get(db: &D1Database, id: &AccountId) -> Result<Option<Account>> {
    let sql = format!("SELECT {COLUMNS} FROM accounts WHERE id = ?1");
    let row = query!(db, &sql, id)?.first::<Row>(None).await?;
    Ok(row.map(Row::into_account))
}

pub async fn update(db: &D1Database, account: &Account) -> Result<()> {
    query!(
        db,
        "UPDATE accounts SET name = ?2, plan = ?3, limits = ?4, state = ?5 WHERE id = ?1",
        account.id,
        account.name,
        account.plan.as_str(),
        overrides_to_text(&account.overrides),
        account.state.as_str(),
    )?
    .run()
    .await?;
    Ok(())
}

/// One page of accounts, oldest first, each with its usage, and how many
/// match in all.
pub async fn list(db: &D1Database, q: &AccountQuery) -> Result<(Vec<(Account, Usage)>, u64)> {
    // A substring test, as for links: no LIKE escaping, no 50-byte cap.
    let needle = q.search.as_ref().map(|s| s.to_ascii_lowercase());
    let filter = "(?1 IS NULL OR instr(lower(name), ?1) > 0 OR instr(lower(id), ?1) > 0) \
                  AND (?2 IS NULL OR plan = ?2) AND (?3 IS NULL OR state = ?3)";
    let count_sql = format!("SELECT COUNT(*) AS total FROM accounts WHERE {filter}");
    let page_sql = format!(
        "SELECT {COLUMNS}, {USAGE_COLUMNS} FROM accounts WHERE {filter} \
         ORDER BY created_at, rowid LIMIT ?4 OFFSET ?5"
    );
    let plan = q.plan.map(Plan::as_str);
    let state = q.state.map(|s| s.as_str());
    let offset = i64::try_from(q.paging.offset()).unwrap_or(i64::MAX);
    let results = db
        .batch(vec![
            query!(db, &count_sql, needle, plan, state)?,
            query!(
                db,
                &page_sql,
                needle,
                plan,
                state,
                q.paging.page_size,
                offset
            )?,
        ])
        .await?;
    let total = count(results.first())?;
    let accounts = match results.get(1) {
        // Each row holds both an account's columns and its usage's.
        Some(page) => page
            .results::<Row>()?
            .into_iter()
            .map(Row::into_account)
            .zip(page.results::<Usage>()?)
            .collect(),
        None => Vec::new(),
    };
    Ok((accounts, total))
}

/// Deletes the account and its keys if it has no links left; false (and
/// nothing deleted) while it has some. One transaction, so a link created
/// meanwhile keeps the account and its keys.
pub async fn delete_if_empty(db: &D1Database, id: &AccountId) -> Result<bool> {
    let no_links = "NOT EXISTS (SELECT 1 FROM links WHERE account_id = ?1)";
    let results = db
        .batch(vec![
            query!(
                db,
                &format!(
                    "DELETE FROM sessions WHERE member_id IN \
                     (SELECT id FROM members WHERE account_id = ?1) AND {no_links}"
                ),
                id
            )?,
            query!(
                db,
                &format!("DELETE FROM members WHERE account_id = ?1 AND {no_links}"),
                id
            )?,
            query!(
                db,
                &format!("DELETE FROM invitations WHERE account_id = ?1 AND {no_links}"),
                id
            )?,
            query!(
                db,
                &format!("DELETE FROM api_keys WHERE account_id = ?1 AND {no_links}"),
                id
            )?,
            query!(
                db,
                &format!("DELETE FROM accounts WHERE id = ?1 AND {no_links}"),
                id
            )?,
        ])
        .await?;
    match results.last() {
        Some(result) => changed(result),
        None => Ok(false),
    }
}

/// What an account uses of its plan's quotas.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Usage {
    pub links: u32,
    /// Active keys only: revoked keys free their slot.
    pub keys: u32,
}

/// [`Usage`] of the account whose id is the row's `id` column.
const USAGE_COLUMNS: &str = "(SELECT COUNT(*) FROM links l WHERE l.account_id = accounts.id) AS links,
    (SELECT COUNT(*) FROM api_keys k WHERE k.account_id = accounts.id AND k.revoked_at IS NULL) AS keys";

pub async fn usage(db: &D1Database, account_id: &AccountId) -> Result<Usage> {
    let sql = format!("SELECT {USAGE_COLUMNS} FROM accounts WHERE id = ?1");
    let row = query!(db, &sql, account_id)?.first::<Usage>(None).await?;
    Ok(row.unwrap_or(Usage { links: 0, keys: 0 }))
}
