//! Accounts as the operator API creates, lists and changes them.

use std::str::FromStr;

use serde_json::{Map, Value};

use super::apikey::{KeyEntropy, NewKey, Scopes};
use super::fields::{kind, Fields, Present};
use super::ids::AccountId;
use super::listing::{self, Paging};
use super::plan::{LimitOverrides, Plan};
use super::random::ID_ENTROPY;
use super::time::UnixMillis;
use super::validation::Invalid;

pub const MAX_NAME_CHARS: usize = 200;

/// The JSON names of the overridable limits, in `limits` objects.
pub const LIMIT_NAMES: [&str; 4] = ["perMinute", "perHour", "maxLinks", "maxApiKeys"];

#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub id: AccountId,
    pub name: String,
    pub plan: Plan,
    pub overrides: LimitOverrides,
    pub state: AccountState,
    pub created_at: UnixMillis,
}

/// Whether an account's API keys are accepted. A suspended account's keys
/// are refused (403) until the operator resumes it; its links keep
/// redirecting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AccountState {
    #[default]
    Active,
    Suspended,
}

impl AccountState {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountState::Active => "active",
            AccountState::Suspended => "suspended",
        }
    }
}

impl FromStr for AccountState {
    type Err = ();

    fn from_str(text: &str) -> Result<AccountState, ()> {
        match text {
            "active" => Ok(AccountState::Active),
            "suspended" => Ok(AccountState::Suspended),
            _ => Err(()),
        }
    }
}

/// A validated `POST /v1/admin/accounts` body.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAccount {
    pub name: String,
    pub plan: Plan,
    pub overrides: LimitOverrides,
    pub key_name: String,
}

/// A validated `PATCH /v1/admin/accounts/{id}` body. `overrides`, when
/// present, replaces the whole set: limits it doesn't name revert to the plan.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AccountPatch {
    pub name: Option<String>,
    pub plan: Option<Plan>,
    pub overrides: Option<LimitOverrides>,
    pub state: Option<AccountState>,
}

/// The `GET /v1/admin/accounts` query: paging, `search` (a substring of
/// the name or the id), and exact `plan` and `state` filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountQuery {
    pub paging: Paging,
    pub search: Option<String>,
    pub plan: Option<Plan>,
    pub state: Option<AccountState>,
}

impl NewAccount {
    /// The account this body creates, with its first key (every scope) and
    /// that key's secret, shown once.
    pub fn mint(
        self,
        now: UnixMillis,
        id_entropy: &[u8; ID_ENTROPY],
        key_entropy: &KeyEntropy,
    ) -> (Account, NewKey, String) {
        let account = Account {
            id: AccountId::mint(id_entropy),
            name: self.name,
            plan: self.plan,
            overrides: self.overrides,
            state: AccountState::Active,
            created_at: now,
        };
        let (key, secret) = NewKey::mint(
            account.id.clone(),
            self.key_name,
            Scopes::all(),
            now,
            key_entropy,
        );
        (account, key, secret)
    }

    /// # Errors
    /// The first invalid field.
    pub fn from_body(body: Value) -> Result<NewAccount, Invalid> {
        let mut fields = Fields::from_body(body)?;
        let name = match fields.string(&["name"])? {
            Some((_, name)) => name_value("name", name)?,
            None => return Err(Invalid::new("name", "`name` is required")),
        };
        let plan = plan(&mut fields)?.unwrap_or(Plan::Free);
        let overrides = overrides(&mut fields)?.unwrap_or_default();
        let key_name = match fields.string(&["keyName"])? {
            Some((_, name)) => name_value("keyName", name)?,
            None => "Default key".to_owned(),
        };
        fields.finish(&["name", "plan", "limits", "keyName"])?;
        Ok(NewAccount {
            name,
            plan,
            overrides,
            key_name,
        })
    }
}

impl AccountPatch {
    /// # Errors
    /// The first invalid field.
    pub fn from_body(body: Value) -> Result<AccountPatch, Invalid> {
        let mut fields = Fields::from_body(body)?;
        let name = fields
            .string(&["name"])?
            .map(|(_, n)| name_value("name", n))
            .transpose()?;
        let plan = plan(&mut fields)?;
        let overrides = overrides(&mut fields)?;
        let state = fields
            .string(&["state"])?
            .map(|(_, text)| state_value("state", &text))
            .transpose()?;
        fields.finish(&["name", "plan", "limits", "state"])?;
        Ok(AccountPatch {
            name,
            plan,
            overrides,
            state,
        })
    }

    pub fn apply(self, mut account: Account) -> Account {
        if let Some(name) = self.name {
            account.name = name;
        }
        if let Some(plan) = self.plan {
            account.plan = plan;
        }
        if let Some(overrides) = self.overrides {
            account.overrides = overrides;
        }
        if let Some(state) = self.state {
            account.state = state;
        }
        account
    }
}

impl AccountQuery {
    /// Reads the query string's pairs; other parameters are ignored.
    ///
    /// # Errors
    /// The first invalid parameter, by name.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<AccountQuery, Invalid> {
        let mut query = AccountQuery {
            paging: Paging::default(),
            search: None,
            plan: None,
            state: None,
        };
        for (name, value) in pairs {
            if query.paging.accept(name, value)? {
                continue;
            }
            match name {
                "search" => query.search = listing::search(value)?,
                "plan" => query.plan = Some(plan_value(value)?),
                "state" => query.state = Some(state_value(name, value)?),
                _ => {}
            }
        }
        Ok(query)
    }
}

/// A name of 1 to [`MAX_NAME_CHARS`] characters, trimmed, without control
/// characters (accounts' names, whoever gives them).
pub fn name_value(field: &str, name: String) -> Result<String, Invalid> {
    let trimmed = name.trim();
    if trimmed.is_empty() || trimmed.chars().count() > MAX_NAME_CHARS {
        return Err(Invalid::new(
            field,
            format!("`{field}` must be 1 to {MAX_NAME_CHARS} characters"),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(Invalid::new(
            field,
            format!("`{field}` must not contain control characters"),
        ));
    }
    Ok(trimmed.to_owned())
}

fn plan(fields: &mut Fields) -> Result<Option<Plan>, Invalid> {
    fields
        .string(&["plan"])?
        .map(|(_, text)| plan_value(&text))
        .transpose()
}

fn plan_value(text: &str) -> Result<Plan, Invalid> {
    text.parse::<Plan>().map_err(|()| {
        Invalid::new(
            "plan",
            format!("`plan` must be one of free, pro, business, enterprise (got '{text}')"),
        )
    })
}

fn state_value(field: &str, text: &str) -> Result<AccountState, Invalid> {
    text.parse::<AccountState>().map_err(|()| {
        Invalid::new(
            field,
            format!("`{field}` must be active or suspended (got '{text}')"),
        )
    })
}

/// `limits`: an object whose members are non-negative integers, or `null`
/// for unlimited. `"limits": null` removes every override.
fn overrides(fields: &mut Fields) -> Result<Option<LimitOverrides>, Invalid> {
    let Some(Present { value, .. }) = fields.take(&["limits"])? else {
        return Ok(None);
    };
    let map: Map<String, Value> = match value {
        Value::Null => return Ok(Some(LimitOverrides::default())),
        Value::Object(map) => map,
        other => {
            return Err(Invalid::new(
                "limits",
                format!("`limits` must be an object, not {}", kind(&other)),
            ))
        }
    };
    let mut limits = Fields::from_body(Value::Object(map))?;
    let mut read = |name: &str| -> Result<Option<Option<u32>>, Invalid> {
        let field = format!("limits.{name}");
        match limits.take(&[name])? {
            None => Ok(None),
            Some(Present {
                value: Value::Null, ..
            }) => Ok(Some(None)),
            Some(Present { value, .. }) => value
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map(|n| Some(Some(n)))
                .ok_or_else(|| {
                    Invalid::new(
                        &field,
                        format!("`{field}` must be a non-negative integer, or null for unlimited"),
                    )
                }),
        }
    };
    let overrides = LimitOverrides {
        per_minute: read(LIMIT_NAMES[0])?,
        per_hour: read(LIMIT_NAMES[1])?,
        max_links: read(LIMIT_NAMES[2])?,
        max_api_keys: read(LIMIT_NAMES[3])?,
    };
    limits
        .finish(&LIMIT_NAMES)
        .map_err(|e| Invalid::new(format!("limits.{}", e.field), e.message))?;
    Ok(Some(overrides))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn new_account_defaults_to_the_free_plan() {
        let account = NewAccount::from_body(json!({"name": " Acme "})).unwrap();
        assert_eq!(account.name, "Acme");
        assert_eq!(account.plan, Plan::Free);
        assert_eq!(account.overrides, LimitOverrides::default());
        assert_eq!(account.key_name, "Default key");
    }

    #[test]
    fn limits_override_individual_values() {
        let patch = AccountPatch::from_body(json!({
            "plan": "enterprise",
            "limits": {"perMinute": 5000, "maxLinks": null}
        }))
        .unwrap();
        assert_eq!(patch.plan, Some(Plan::Enterprise));
        let overrides = patch.overrides.unwrap();
        assert_eq!(overrides.per_minute, Some(Some(5000)));
        assert_eq!(overrides.max_links, Some(None));
        assert_eq!(overrides.per_hour, None);
    }

    #[test]
    fn a_patch_suspends_and_resumes() {
        let suspend = AccountPatch::from_body(json!({"state": "suspended"})).unwrap();
        assert_eq!(suspend.state, Some(AccountState::Suspended));
        let resume = AccountPatch::from_body(json!({"state": "active"})).unwrap();
        assert_eq!(resume.state, Some(AccountState::Active));
        let err = AccountPatch::from_body(json!({"state": "deleted"})).unwrap_err();
        assert_eq!(err.field, "state");
    }

    #[test]
    fn the_account_listing_reads_paging_and_filters() {
        let q = AccountQuery::from_pairs([
            ("page", "2"),
            ("limit", "50"),
            ("search", " acme "),
            ("plan", "pro"),
            ("state", "suspended"),
        ])
        .unwrap();
        assert_eq!((q.paging.page, q.paging.page_size), (2, 50));
        assert_eq!(q.paging.offset(), 50);
        assert_eq!(q.search.as_deref(), Some("acme"));
        assert_eq!(q.plan, Some(Plan::Pro));
        assert_eq!(q.state, Some(AccountState::Suspended));
        for (name, value) in [("plan", "gold"), ("state", "gone"), ("pageSize", "101")] {
            let err = AccountQuery::from_pairs([(name, value)]).unwrap_err();
            assert_eq!(err.field, name);
        }
    }

    #[test]
    fn invalid_admin_input_names_the_field() {
        let cases = [
            (json!({}), "name"),
            (json!({"name": ""}), "name"),
            (json!({"name": "a", "plan": "gold"}), "plan"),
            (
                json!({"name": "a", "limits": {"perMinute": -1}}),
                "limits.perMinute",
            ),
            (
                json!({"name": "a", "limits": {"perDay": 1}}),
                "limits.perDay",
            ),
            (json!({"name": "a", "limits": 5}), "limits"),
            (json!({"name": "a", "owner": "x"}), "owner"),
        ];
        for (body, field) in cases {
            let err = NewAccount::from_body(body.clone()).unwrap_err();
            assert_eq!(err.field, field, "{body}: {}", err.message);
        }
    }
}
