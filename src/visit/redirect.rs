//! The hot path: a GET or HEAD of a known link → its decision
//! (`core::redirect::decide`) → a 30x. A password, when the link has one
//! and the visitor sent `X-Link-Password`, is verified only when the
//! decision asks for it, so open links never pay for a PBKDF2.

use super::input::VisitInput;
use super::password::{Checked, Gate, PASSWORD_HEADER};
use super::render::{self, Answer};
use crate::core::redirect::{decide, Decision, RedirectRecord};
use crate::core::slug::Slug;

pub async fn visit(
    gate: &Gate<'_>,
    slug: &Slug,
    record: &RedirectRecord,
) -> worker::Result<Answer> {
    let req = gate.req;
    let input = VisitInput::of(req, gate.url, gate.user_agent, gate.env, record)?;
    let mut visit = input.visit(false);
    let mut decision = decide(record, &visit);
    if matches!(decision, Decision::PasswordRequired { .. }) {
        if let Some(given) = req.headers().get(PASSWORD_HEADER)? {
            match gate.check(record, &given, visit.now).await? {
                Checked::Locked { retry_after } => {
                    return render::locked(req, slug, retry_after).map(Answer::from)
                }
                Checked::Unavailable => return render::unavailable(req).map(Answer::from),
                Checked::Proof(proof) => {
                    visit.password = proof;
                    decision = decide(record, &visit);
                }
            }
        }
    }
    render::answer(req, slug, decision)
}
