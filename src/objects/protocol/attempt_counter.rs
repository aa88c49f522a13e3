//! The AttemptCounter's wire protocol (binding `ATTEMPT_COUNTER`, one
//! object per password-protected link, named by the link id).
//!
//! | call | answer |
//! |---|---|
//! | `POST /attempt?client=K&now=T` | `200 {"allowed":true}`: counted, verify the password; `200 {"allowed":false,"retryAfter":S}`: refused, not counted |
//! | `POST /refund?client=K&now=T` | `204`: the allowed guess at `T` was right, its count is given back |
//! | anything else | `400` (bad query) / `404` |
//!
//! `K` is the client's keyed hash (`core::client`), never an address; `T`
//! the worker's clock in Unix ms. The object loads the counts, decides and
//! saves with no `.await` between (`core::attempts`), and a Durable Object
//! runs one event at a time between awaits, so concurrent guesses are
//! counted one after another: the guess past a budget is refused before any
//! of them is verified.

use serde::{Deserialize, Serialize};
use worker::{Env, Method, Request, RequestInit, Url};

use crate::core::attempts::Verdict;
use crate::core::ids::LinkId;
use crate::core::time::UnixMillis;

pub const ATTEMPT_COUNTER: &str = "ATTEMPT_COUNTER";
pub const ATTEMPT_PATH: &str = "/attempt";
pub const REFUND_PATH: &str = "/refund";
/// Stub fetches need an absolute URL; the host is never resolved.
const ORIGIN: &str = "https://attempt-counter.internal";

/// Who guesses, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guess {
    pub client: String,
    pub now: UnixMillis,
}

impl Guess {
    fn url(&self, path: &str) -> String {
        format!("{ORIGIN}{path}?client={}&now={}", self.client, self.now.0)
    }

    /// The guess in a request URL; `None` when malformed.
    pub fn from_url(url: &Url) -> Option<Guess> {
        let (mut client, mut now) = (None, None);
        for (name, value) in url.query_pairs() {
            match name.as_ref() {
                "client" => client = Some(value.into_owned()),
                "now" => now = Some(UnixMillis(value.parse().ok()?)),
                _ => return None,
            }
        }
        let client =
            client.filter(|c| !c.is_empty() && c.bytes().all(|b| b.is_ascii_hexdigit()))?;
        Some(Guess { client, now: now? })
    }
}

/// [`Verdict`] on the wire.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct WireVerdict {
    allowed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retry_after: Option<i64>,
}

impl From<Verdict> for WireVerdict {
    fn from(v: Verdict) -> Self {
        match v {
            Verdict::Allowed => WireVerdict {
                allowed: true,
                retry_after: None,
            },
            Verdict::Locked { retry_after } => WireVerdict {
                allowed: false,
                retry_after: Some(retry_after),
            },
        }
    }
}

impl From<WireVerdict> for Verdict {
    fn from(w: WireVerdict) -> Self {
        if w.allowed {
            Verdict::Allowed
        } else {
            Verdict::Locked {
                retry_after: w.retry_after.unwrap_or(1).max(1),
            }
        }
    }
}

/// Counts one guess at `link_id`'s password, or refuses it.
///
/// # Errors
/// When the binding is missing or the object fails or answers badly.
pub async fn attempt(env: &Env, link_id: &LinkId, guess: &Guess) -> worker::Result<Verdict> {
    let mut response = call(env, link_id, &guess.url(ATTEMPT_PATH)).await?;
    if response.status_code() != 200 {
        return Err(worker::Error::RustError(format!(
            "AttemptCounter answered {}",
            response.status_code()
        )));
    }
    Ok(response.json::<WireVerdict>().await?.into())
}

/// Gives back an allowed guess that was right.
///
/// # Errors
/// As [`attempt`].
pub async fn refund(env: &Env, link_id: &LinkId, guess: &Guess) -> worker::Result<()> {
    let response = call(env, link_id, &guess.url(REFUND_PATH)).await?;
    match response.status_code() {
        204 => Ok(()),
        other => Err(worker::Error::RustError(format!(
            "AttemptCounter answered {other} to a refund"
        ))),
    }
}

async fn call(env: &Env, link_id: &LinkId, url: &str) -> worker::Result<worker::Response> {
    let stub = env
        .durable_object(ATTEMPT_COUNTER)?
        .get_by_name(link_id.as_str())?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post);
    stub.fetch_with_request(Request::new_with_init(url, &init)?)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guess_round_trips_through_its_url() {
        let guess = Guess {
            client: "0123abcd".into(),
            now: UnixMillis(1_800_000_000_123),
        };
        let url = Url::parse(&guess.url(ATTEMPT_PATH)).unwrap();
        assert_eq!(url.path(), ATTEMPT_PATH);
        assert_eq!(Guess::from_url(&url), Some(guess));
    }

    #[test]
    fn malformed_guesses_are_refused() {
        for query in [
            "",
            "?client=ab",
            "?now=1",
            "?client=&now=1",
            "?client=zz&now=1",
            "?client=ab&now=x",
            "?client=ab&now=1&ip=1.2.3.4",
        ] {
            let url = Url::parse(&format!("{ORIGIN}/attempt{query}")).unwrap();
            assert_eq!(Guess::from_url(&url), None, "{query}");
        }
    }

    #[test]
    fn verdicts_survive_the_wire() {
        for verdict in [Verdict::Allowed, Verdict::Locked { retry_after: 42 }] {
            let text = serde_json::to_string(&WireVerdict::from(verdict)).unwrap();
            let back: WireVerdict = serde_json::from_str(&text).unwrap();
            assert_eq!(Verdict::from(back), verdict);
        }
        assert_eq!(
            serde_json::to_string(&WireVerdict::from(Verdict::Locked { retry_after: 5 })).unwrap(),
            r#"{"allowed":false,"retryAfter":5}"#
        );
    }
}
