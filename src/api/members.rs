//! `/v1/members` and `/v1/invitations`: the people of an account. Anyone
//! in the account may list members; owners (and keys with `keys:manage`)
//! change roles, remove people and invite them. An account always keeps an
//! owner.

use serde_json::json;
use worker::{D1Database, Request, Response};

use super::error::ApiError;
use super::{body, respond, views, Call};
use crate::core::ids::{AccountId, InvitationId, MemberId};
use crate::core::member::{self, InvitationRequest, Role};
use crate::core::session::{self, INVITATION_TTL_MILLIS, TOKEN_ENTROPY};
use crate::core::time::UnixMillis;
use crate::shell::runtime;
use crate::store::invitations::{self, NewInvitation};
use crate::store::members::{self, OwnerGuarded};

/// GET /v1/members: the account's members, oldest first.
pub async fn list(call: &Call<'_>) -> Result<Response, ApiError> {
    let members = members::list(&call.db()?, &call.caller.account_id).await?;
    let items: Vec<_> = members.iter().map(views::member).collect();
    respond::json(200, &json!({ "members": items, "total": items.len() }))
}

/// PATCH /v1/members/{id}: `{"role": "owner" | "member"}`. 409 when it
/// would leave the account without an owner.
pub async fn update(req: &mut Request, id: &str, call: &Call<'_>) -> Result<Response, ApiError> {
    let id = member_id(id)?;
    let role = member::role_patch(body::json(req).await?)?;
    let db = call.db()?;
    guarded(members::set_role(&db, &call.caller.account_id, &id, role).await?)?;
    let member = members::get(&db, &call.caller.account_id, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("member"))?;
    respond::json(200, &views::member(&member))
}

/// DELETE /v1/members/{id}: removes the member and signs them out
/// everywhere. 409 for the account's last owner.
pub async fn remove(id: &str, call: &Call<'_>) -> Result<Response, ApiError> {
    let id = member_id(id)?;
    guarded(members::remove(&call.db()?, &call.caller.account_id, &id).await?)?;
    respond::json(200, &json!({ "message": "Member removed" }))
}

/// A member id from the path; anything else names no member (404).
fn member_id(text: &str) -> Result<MemberId, ApiError> {
    MemberId::parse(text).ok_or_else(|| ApiError::not_found("member"))
}

fn guarded(outcome: OwnerGuarded) -> Result<(), ApiError> {
    match outcome {
        OwnerGuarded::Done => Ok(()),
        OwnerGuarded::NotFound => Err(ApiError::not_found("member")),
        OwnerGuarded::LastOwner => Err(ApiError::Conflict(
            "this is the account's last owner; make someone else an owner first".into(),
        )),
    }
}

/// GET /v1/invitations: the account's pending invitations.
pub async fn list_invitations(call: &Call<'_>) -> Result<Response, ApiError> {
    let pending =
        invitations::pending(&call.db()?, &call.caller.account_id, runtime::now()).await?;
    let items: Vec<_> = pending.iter().map(views::invitation).collect();
    respond::json(200, &json!({ "invitations": items, "total": items.len() }))
}

/// POST /v1/invitations: `{"email", "role"?}` (role `member` by default).
/// 201 with the invitation link, shown this once.
pub async fn invite(req: &mut Request, call: &Call<'_>) -> Result<Response, ApiError> {
    let request = InvitationRequest::from_body(body::json(req).await?, Role::Member)?;
    let origin = req.url()?.origin().ascii_serialization();
    create_invitation(&call.db()?, &call.caller.account_id, &request, &origin).await
}

/// DELETE /v1/invitations/{id}: withdraws a pending invitation.
pub async fn withdraw(id: &str, call: &Call<'_>) -> Result<Response, ApiError> {
    let id = InvitationId::parse(id).ok_or_else(|| ApiError::not_found("invitation"))?;
    if !invitations::revoke(&call.db()?, &call.caller.account_id, &id, runtime::now()).await? {
        return Err(ApiError::not_found("invitation"));
    }
    respond::json(200, &json!({ "message": "Invitation withdrawn" }))
}

/// Stores an invitation to `account_id` and answers 201 with its link on
/// `origin` (the dashboard's own). Shared with the operator's
/// `POST /v1/admin/accounts/{id}/invitations`.
pub async fn create_invitation(
    db: &D1Database,
    account_id: &AccountId,
    request: &InvitationRequest,
    origin: &str,
) -> Result<Response, ApiError> {
    if members::email_taken(db, &request.email).await? {
        return Err(ApiError::Conflict(format!(
            "{} already has a SmartLinks account, and a person belongs to one account",
            request.email.as_str()
        )));
    }
    let now = runtime::now();
    let token = session::new_token(&runtime::entropy::<TOKEN_ENTROPY>()?);
    let invitation = NewInvitation {
        id: InvitationId::mint(&runtime::entropy()?),
        account_id: account_id.clone(),
        email: request.email.clone(),
        role: request.role,
        token_hash: session::token_hash(&token),
        created_at: now,
        expires_at: UnixMillis(now.0 + INVITATION_TTL_MILLIS),
    };
    invitations::insert(db, &invitation).await?;
    respond::json(
        201,
        &json!({
            "id": invitation.id,
            "email": invitation.email.as_str(),
            "role": invitation.role.as_str(),
            "createdAt": invitation.created_at.to_rfc3339(),
            "expiresAt": invitation.expires_at.to_rfc3339(),
            "token": token,
            "url": format!("{origin}/signup?invite={token}"),
        }),
    )
}
