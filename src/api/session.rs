//! `/v1/auth`: the dashboard's sign-up, sign-in, sign-out and current
//! session, reachable without a key. Sessions are cookies (core::session);
//! failed sign-ins are limited per account and per client
//! (core::signin_limit, counted in D1).

use serde_json::json;
use worker::{Env, Request, Response};

use super::auth::{cookie_policy, csrf, dashboard_closed, not_cross_site, session_of};
use super::error::ApiError;
use super::{body, respond, views};
use crate::core::account::{Account, AccountState};
use crate::core::attempts;
use crate::core::ids::{AccountId, MemberId, SessionId};
use crate::core::member::{Email, Role, SignIn, SignUp};
use crate::core::plan::{LimitOverrides, Plan};
use crate::core::session::{self, TOKEN_ENTROPY, TTL_MILLIS};
use crate::core::signin_limit::{self, MAX_SIGNUPS_PER_CLIENT};
use crate::core::time::{UnixMillis, MILLIS_PER_SECOND};
use crate::core::validation::Invalid;
use crate::shell::crypto::{self, Verified};
use crate::shell::throttle::Client;
use crate::shell::{config, runtime};
use crate::store::invitations::{self, Accepted};
use crate::store::members::{self, NewMember};
use crate::store::sessions::{self, NewSession};
use crate::store::{accounts, auth_attempts};

/// GET /v1/auth/config: what the sign-in page offers.
pub fn config(env: &Env) -> Result<Response, ApiError> {
    respond::json(200, &json!({ "signup": config::signup_enabled(env) }))
}

/// GET /v1/auth/session: the signed-in person, or 401.
pub async fn current(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let (session, token) = session_of(req, env)
        .await?
        .ok_or_else(|| ApiError::Unauthorized("not signed in".into()))?;
    respond::json(200, &views::session(&session, &session::csrf_token(&token)))
}

/// POST /v1/auth/signup: a new account with the person as its owner (when
/// self sign-up is on), or, with an `invitation`, membership of the
/// inviting account. 201 with the session, signed in.
pub async fn sign_up(req: &mut Request, env: &Env) -> Result<Response, ApiError> {
    not_cross_site(req)?;
    let db = env.d1(config::DB)?;
    let now = runtime::now();
    // Counted before anything else, successful or not, so a script cannot
    // mint accounts (or probe emails) without limit.
    if let Some(key) = client_counter(req, env, signin_limit::signup_key)? {
        let window = attempts::window(now);
        let count = auth_attempts::counts(&db, &[&key], window).await?;
        if count.first().copied().unwrap_or(0) >= MAX_SIGNUPS_PER_CLIENT {
            return Err(too_many(
                "too many sign-ups from this network; wait for the Retry-After seconds",
                now,
            ));
        }
        auth_attempts::record(&db, &[&key], window).await?;
    }
    let form = SignUp::from_body(body::json(req).await?)?;
    let member_id = MemberId::mint(&runtime::entropy()?);
    let (token, new_session) = new_session(member_id.clone(), now)?;
    match &form.invitation {
        Some(invitation) => join(&db, &form, invitation, member_id, &new_session).await?,
        None => {
            if !config::signup_enabled(env) {
                return Err(ApiError::Forbidden(
                    "sign-up is by invitation only on this server; ask an account owner or the \
                     operator for an invitation link"
                        .into(),
                ));
            }
            // Checked first to spare the hashing; the insert's UNIQUE holds the line.
            if members::email_taken(&db, &form.email).await? {
                return Err(email_taken(&form.email));
            }
            let account = Account {
                id: AccountId::mint(&runtime::entropy()?),
                name: form
                    .account_name
                    .clone()
                    .unwrap_or_else(|| form.email.as_str().to_owned()),
                plan: Plan::Free,
                overrides: LimitOverrides::default(),
                state: AccountState::Active,
                created_at: now,
            };
            let owner = NewMember {
                id: member_id,
                account_id: account.id.clone(),
                email: form.email.clone(),
                password_hash: crypto::hash_password(&form.password).await?,
                role: Role::Owner,
                created_at: now,
            };
            if !accounts::create_with_owner(&db, &account, &owner, &new_session).await? {
                return Err(email_taken(&form.email));
            }
        }
    }
    signed_in(req, &db, &token, 201).await
}

/// Joins the account of a pending invitation for this email.
async fn join(
    db: &worker::D1Database,
    form: &SignUp,
    token: &str,
    member_id: MemberId,
    new_session: &NewSession,
) -> Result<(), ApiError> {
    let gone = || {
        ApiError::Validation(Invalid::new(
            "invitation",
            "this invitation is unknown, already used, withdrawn or expired; ask for a new one",
        ))
    };
    if !session::is_token_shaped(token) {
        return Err(gone());
    }
    let token_hash = session::token_hash(token);
    let invitation = invitations::pending_by_hash(db, &token_hash, runtime::now())
        .await?
        .ok_or_else(gone)?;
    if invitation.email != form.email {
        return Err(ApiError::Validation(Invalid::new(
            "email",
            format!(
                "this invitation is for {}; sign up with that email",
                invitation.email.as_str()
            ),
        )));
    }
    let member = NewMember {
        id: member_id,
        account_id: invitation.account_id,
        email: form.email.clone(),
        password_hash: crypto::hash_password(&form.password).await?,
        role: invitation.role,
        created_at: new_session.created_at,
    };
    match invitations::accept(db, &token_hash, &member, new_session).await? {
        Accepted::Done => Ok(()),
        Accepted::EmailTaken => Err(email_taken(&form.email)),
        Accepted::Gone => Err(gone()),
    }
}

/// POST /v1/auth/signin: 200 with the session and its cookie; 401 for a
/// wrong email or password (the same answer for both); 429 once either
/// the email or the client has failed too often this window.
pub async fn sign_in(req: &mut Request, env: &Env) -> Result<Response, ApiError> {
    not_cross_site(req)?;
    let form = SignIn::from_body(body::json(req).await?)?;
    let db = env.d1(config::DB)?;
    let now = runtime::now();
    let window = attempts::window(now);
    let account_key = signin_limit::account_key(&form.email);
    let client_key = client_counter(req, env, signin_limit::client_key)?;
    let keys: Vec<&str> = std::iter::once(account_key.as_str())
        .chain(client_key.as_deref())
        .collect();
    let counts = auth_attempts::counts(&db, &keys, window).await?;
    let count = |i: usize| counts.get(i).copied().unwrap_or(0);
    if let Some(message) = signin_limit::refusal(count(0), count(1)) {
        return Err(too_many(message, now));
    }
    let credentials = members::credentials(&db, &form.email).await?;
    let verified = match &credentials {
        Some(c) => crypto::verify_password(&c.password_hash, &form.password).await?,
        None => {
            // The same work as a verify, so timing does not tell which
            // emails have accounts.
            crypto::hash_password(&form.password).await?;
            Verified::Wrong
        }
    };
    let (Some(credentials), Verified::Right { stale }) = (credentials, verified) else {
        auth_attempts::record(&db, &keys, window).await?;
        return Err(ApiError::Unauthorized("email or password is wrong".into()));
    };
    // Only after the password is right, so the state tells no one else
    // which emails belong to a suspended account.
    if credentials.account_state == AccountState::Suspended {
        return Err(dashboard_closed());
    }
    if stale {
        // A hash from before today's iteration count: replace it now that
        // the password is known (a change in between wins).
        let stronger = crypto::hash_password(&form.password).await?;
        members::replace_password_hash(
            &db,
            &credentials.member.id,
            &credentials.password_hash,
            &stronger,
        )
        .await?;
    }
    auth_attempts::clear(&db, &account_key).await?;
    let (token, new_session) = new_session(credentials.member.id, now)?;
    sessions::insert(&db, &new_session).await?;
    signed_in(req, &db, &token, 200).await
}

/// POST /v1/auth/signout: ends the session and clears its cookie. 200
/// whether or not there was one; a live session's sign-out must pass the
/// CSRF rule like any other write.
pub async fn sign_out(req: &Request, env: &Env) -> Result<Response, ApiError> {
    if let Some((_, token)) = session_of(req, env).await? {
        csrf(req, &token)?;
        let db = env.d1(config::DB)?;
        let now = runtime::now();
        sessions::revoke_by_hash(&db, &session::token_hash(&token), now).await?;
        sessions::prune(&db, now).await?;
    }
    let response = respond::json(200, &json!({ "message": "Signed out" }))?;
    response
        .headers()
        .set("Set-Cookie", &cookie_policy(&req.url()?).clear())?;
    Ok(response)
}

/// GET /v1/auth/invitations/{token}: what the sign-up page shows about a
/// pending invitation; 404 for any token that is not one.
pub async fn invitation(token: &str, env: &Env) -> Result<Response, ApiError> {
    if !session::is_token_shaped(token) {
        return Err(ApiError::not_found("invitation"));
    }
    let db = env.d1(config::DB)?;
    let invitation = invitations::pending_by_hash(&db, &session::token_hash(token), runtime::now())
        .await?
        .ok_or_else(|| ApiError::not_found("invitation"))?;
    respond::json(200, &views::invitation(&invitation))
}

/// A fresh token and the session row for it.
fn new_session(member_id: MemberId, now: UnixMillis) -> Result<(String, NewSession), ApiError> {
    let token = session::new_token(&runtime::entropy::<TOKEN_ENTROPY>()?);
    let row = NewSession {
        id: SessionId::mint(&runtime::entropy()?),
        member_id,
        token_hash: session::token_hash(&token),
        created_at: now,
        expires_at: UnixMillis(now.0 + TTL_MILLIS),
    };
    Ok((token, row))
}

/// The session just stored, as `GET /v1/auth/session` shows it, with the
/// cookie that carries it.
async fn signed_in(
    req: &Request,
    db: &worker::D1Database,
    token: &str,
    status: u16,
) -> Result<Response, ApiError> {
    let session = sessions::active_by_hash(db, &session::token_hash(token), runtime::now())
        .await?
        .ok_or(ApiError::Internal)?;
    let response = respond::json(
        status,
        &views::session(&session, &session::csrf_token(token)),
    )?;
    let cookie = cookie_policy(&req.url()?).set(token, TTL_MILLIS / MILLIS_PER_SECOND);
    response.headers().set("Set-Cookie", &cookie)?;
    Ok(response)
}

/// This client's counter (`key_of` its budget key, `shell::throttle`);
/// `None` for this machine (tests, `npm start`), which no per-client limit
/// counts.
fn client_counter(
    req: &Request,
    env: &Env,
    key_of: fn(&str) -> String,
) -> Result<Option<String>, ApiError> {
    let client = Client::of(req, env)?;
    Ok((!client.is_local()).then(|| key_of(&client.key)))
}

fn too_many(message: &str, now: UnixMillis) -> ApiError {
    ApiError::TooManyAttempts {
        message: message.into(),
        retry_after_seconds: attempts::retry_after_seconds(now),
    }
}

fn email_taken(email: &Email) -> ApiError {
    ApiError::Conflict(format!(
        "{} already has a SmartLinks account; sign in instead",
        email.as_str()
    ))
}
