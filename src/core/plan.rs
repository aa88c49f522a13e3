//! Plans and their limits: the one table of DESIGN.md §4.5, plus per-account overrides.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    Free,
    Pro,
    Business,
    Enterprise,
}

/// What an account may do. `None` means unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Limits {
    pub per_minute: Option<u32>,
    pub per_hour: Option<u32>,
    pub max_links: Option<u32>,
    pub max_api_keys: Option<u32>,
}

/// Per-account overrides of the plan's limits (enterprise "custom limits").
/// Each field: absent keeps the plan's value; `Some(None)` means unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LimitOverrides {
    pub per_minute: Option<Option<u32>>,
    pub per_hour: Option<Option<u32>>,
    pub max_links: Option<Option<u32>>,
    pub max_api_keys: Option<Option<u32>>,
}

impl Plan {
    pub const ALL: [Plan; 4] = [Plan::Free, Plan::Pro, Plan::Business, Plan::Enterprise];

    pub fn as_str(self) -> &'static str {
        match self {
            Plan::Free => "free",
            Plan::Pro => "pro",
            Plan::Business => "business",
            Plan::Enterprise => "enterprise",
        }
    }

    /// The defaults of DESIGN.md §4.5. Enterprise starts at business rates
    /// with unlimited keys until an operator sets its custom limits.
    pub fn default_limits(self) -> Limits {
        match self {
            Plan::Free => Limits {
                per_minute: Some(60),
                per_hour: Some(1_000),
                max_links: Some(25),
                max_api_keys: Some(1),
            },
            Plan::Pro => Limits {
                per_minute: Some(300),
                per_hour: Some(10_000),
                max_links: None,
                max_api_keys: Some(5),
            },
            Plan::Business => Limits {
                per_minute: Some(1_000),
                per_hour: None,
                max_links: None,
                max_api_keys: Some(25),
            },
            Plan::Enterprise => Limits {
                per_minute: Some(1_000),
                per_hour: None,
                max_links: None,
                max_api_keys: None,
            },
        }
    }

    pub fn limits(self, overrides: &LimitOverrides) -> Limits {
        let base = self.default_limits();
        Limits {
            per_minute: overrides.per_minute.unwrap_or(base.per_minute),
            per_hour: overrides.per_hour.unwrap_or(base.per_hour),
            max_links: overrides.max_links.unwrap_or(base.max_links),
            max_api_keys: overrides.max_api_keys.unwrap_or(base.max_api_keys),
        }
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Plan {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        Plan::ALL.into_iter().find(|p| p.as_str() == s).ok_or(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_names_round_trip() {
        for plan in Plan::ALL {
            assert_eq!(plan.as_str().parse::<Plan>(), Ok(plan));
        }
        assert!("Free".parse::<Plan>().is_err());
    }

    #[test]
    fn free_plan_matches_both_seed_documents() {
        let limits = Plan::Free.default_limits();
        assert_eq!(limits.per_minute, Some(60));
        assert_eq!(limits.per_hour, Some(1_000));
        assert_eq!(limits.max_links, Some(25));
        assert_eq!(limits.max_api_keys, Some(1));
    }

    #[test]
    fn overrides_replace_only_what_they_name() {
        let overrides = LimitOverrides {
            per_minute: Some(Some(5)),
            max_links: Some(None),
            ..LimitOverrides::default()
        };
        let limits = Plan::Free.limits(&overrides);
        assert_eq!(limits.per_minute, Some(5));
        assert_eq!(limits.per_hour, Some(1_000));
        assert_eq!(limits.max_links, None);
        assert_eq!(limits.max_api_keys, Some(1));
    }
}
