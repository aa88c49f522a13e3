//! Recording a redirect's click (DESIGN.md §3 step 5): the few request
//! fields analytics needs are copied, classified into a `ClickEvent` and
//! added to the isolate's buffer ([`super::flush`]), which hands it to the
//! queue after the response: the redirect never waits for analytics and
//! never fails because of it.
//!
//! A capped link's click is the exception: [`Captured::admit`] records it
//! in the link's shard before the response, because the shard decides
//! whether the visitor may go on (`core::redirect::cap_to_check`).
//!
//! The client IP (`CF-Connecting-IP`) only ever enters the keyed visitor
//! fingerprint; it is not stored and not sent anywhere.

use std::cell::RefCell;

use worker::{console_error, Context, Env, Method, Request};

use super::flush;
use super::input::VisitUrl;
use crate::core::analytics::{ClickEvent, ClickRequest, Source};
use crate::core::ids::LinkId;
use crate::core::routing::Target;
use crate::core::scan;
use crate::core::useragent::ClientMemo;
use crate::objects::protocol;
use crate::shell::config;
use crate::shell::runtime;

/// What a click needs from the request, owned so it outlives it.
pub struct Captured {
    link_id: LinkId,
    method_is_head: bool,
    /// "" when the request has none, which classifies as a bot.
    user_agent: String,
    referer: Option<String>,
    country: Option<String>,
    ip: String,
    source: Source,
    target: Target,
}

/// Copies the click fields of this request (its URL and User-Agent as the
/// visit read them) to `link_id`, which served it `target`; `None` (logged)
/// when they cannot be read, which only loses the click.
pub fn capture(
    req: &Request,
    url: &VisitUrl,
    user_agent: &str,
    link_id: &LinkId,
    target: Target,
) -> Option<Captured> {
    let headers = req.headers();
    let captured = (|| {
        Ok::<_, worker::Error>(Captured {
            link_id: link_id.clone(),
            method_is_head: req.method() == Method::Head,
            user_agent: user_agent.to_owned(),
            referer: headers.get("Referer")?,
            country: req.cf().and_then(|cf| cf.country()),
            ip: headers.get(config::CLIENT_IP_HEADER)?.unwrap_or_default(),
            source: if scan::is_scan(url.query()) {
                Source::Qr
            } else {
                Source::Link
            },
            target,
        })
    })();
    captured
        .map_err(|e| console_error!("click on {link_id} not recorded: {e}"))
        .ok()
}

impl Captured {
    /// Adds the click to the isolate's buffer; the flush that carries it
    /// runs after the response. A failure is logged, never returned.
    pub fn record(self, env: &Env, ctx: &Context) {
        match event(&self, env) {
            Ok(event) => flush::add(self.link_id.as_str(), &event, env, ctx),
            Err(e) => console_error!("click on {} not recorded: {e}", self.link_id),
        }
    }
}

impl Captured {
    /// Records the click now if it fits under `cap`: whether the visitor
    /// may be sent on. A counter that cannot answer lets the visitor
    /// through (logged): a cap is not worth a broken link.
    pub async fn admit(self, env: &Env, cap: u32) -> bool {
        let result = match event(&self, env) {
            Ok(event) => protocol::admit(env, &self.link_id, &event, cap).await,
            Err(e) => Err(e),
        };
        result.unwrap_or_else(|e| {
            console_error!(
                "cap of {} not checked, click let through: {e}",
                self.link_id
            );
            true
        })
    }
}

fn event(captured: &Captured, env: &Env) -> worker::Result<ClickEvent> {
    let request = ClickRequest {
        at: runtime::now(),
        link_id: captured.link_id.as_str(),
        method_is_head: captured.method_is_head,
        user_agent: Some(&captured.user_agent),
        referer: captured.referer.as_deref(),
        country: captured.country.as_deref(),
        ip: &captured.ip,
        source: captured.source,
        target: captured.target,
    };
    let secret = secret(env)?;
    Ok(CLIENTS.with_borrow_mut(|clients| {
        ClickEvent::from_request(&request, &secret, |ua, head| clients.classify(ua, head))
    }))
}

thread_local! {
    /// The classifications of the User-Agents this isolate saw lately.
    static CLIENTS: RefCell<ClientMemo> = RefCell::new(ClientMemo::default());
}

/// The fingerprint key. Without `CLICK_SECRET` a fresh random key per click
/// keeps visitors unlinkable and clicks exact, at the price of counting
/// every click as a unique visitor; the log says so on every click.
fn secret(env: &Env) -> worker::Result<Vec<u8>> {
    match config::click_secret(env) {
        Some(secret) => Ok(secret),
        None => {
            console_error!("CLICK_SECRET is not set: unique visitors are overcounted");
            Ok(runtime::entropy::<32>()?.to_vec())
        }
    }
}
