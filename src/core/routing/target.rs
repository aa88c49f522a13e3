//! [`Target`]: what a visit was served, as analytics name it.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{CountryCode, MAX_VARIANTS};

/// What a visit was served: analytics' `targets` breakdown and the
/// per-variant figures. As text: `default`, `ios`, `android`, `geo:US`,
/// `variant:1` (numbered from 1 in `testVariants` order), `fallback` (an
/// expired or capped link's `expiredUrl`) and `preview` (a social preview
/// for an unfurling bot: an unfurl, never a click).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Target {
    #[default]
    Default,
    Ios,
    Android,
    Geo(CountryCode),
    Variant(u8),
    Fallback,
    Preview,
}

const VARIANT_PREFIX: &str = "variant:";
const GEO_PREFIX: &str = "geo:";

impl Target {
    /// The inverse of `Display`.
    pub fn parse(text: &str) -> Option<Target> {
        match text {
            "default" => Some(Target::Default),
            "ios" => Some(Target::Ios),
            "android" => Some(Target::Android),
            "fallback" => Some(Target::Fallback),
            "preview" => Some(Target::Preview),
            _ => {
                if let Some(code) = text.strip_prefix(GEO_PREFIX) {
                    return CountryCode::parse(code).map(Target::Geo);
                }
                let number = text.strip_prefix(VARIANT_PREFIX)?.parse::<u8>().ok()?;
                (1..=MAX_VARIANTS)
                    .contains(&usize::from(number))
                    .then_some(Target::Variant(number))
            }
        }
    }

    /// The variant's number, for a variant.
    pub fn variant(self) -> Option<u8> {
        match self {
            Target::Variant(number) => Some(number),
            _ => None,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Default => f.write_str("default"),
            Target::Ios => f.write_str("ios"),
            Target::Android => f.write_str("android"),
            Target::Geo(code) => write!(f, "{GEO_PREFIX}{code}"),
            Target::Variant(number) => write!(f, "{VARIANT_PREFIX}{number}"),
            Target::Fallback => f.write_str("fallback"),
            Target::Preview => f.write_str("preview"),
        }
    }
}

impl TryFrom<String> for Target {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Target::parse(&text).ok_or_else(|| format!("unknown target '{text}'"))
    }
}

impl From<Target> for String {
    fn from(target: Target) -> Self {
        target.to_string()
    }
}
