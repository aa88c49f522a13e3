//! People in an account (issue 13): their emails, roles and password rules,
//! and the bodies of sign-up, sign-in, invitations and role changes.
//!
//! Passwords are hashed as link passwords are: PBKDF2-HMAC-SHA256 through
//! WebCrypto (`shell::crypto`), in `core::password`'s stored form, so one
//! format, one iteration count and one constant-time check serve both.

use serde_json::Value;

use super::account::name_value;
use super::apikey::{Scope, Scopes};
use super::fields::{kind, Fields, Present};
use super::validation::Invalid;

pub const MIN_PASSWORD_CHARS: usize = 10;
/// Long enough for any passphrase; bounds the hashing work per attempt.
pub const MAX_PASSWORD_CHARS: usize = 256;
/// RFC 5321's limit on a forward path, less the angle brackets.
pub const MAX_EMAIL_CHARS: usize = 254;
const MAX_LOCAL_PART_CHARS: usize = 64;

/// An email address, trimmed and lowercased, with a plausible shape: one
/// `@`, a local part without spaces or quoting, a domain of dotted labels.
/// Whether it receives mail is not our concern: nobody is emailed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// # Errors
    /// A message saying what is wrong with the address.
    pub fn parse(text: &str) -> Result<Email, String> {
        let email = text.trim().to_ascii_lowercase();
        if email.is_empty() {
            return Err("is required".into());
        }
        if email.chars().count() > MAX_EMAIL_CHARS {
            return Err(format!("must be at most {MAX_EMAIL_CHARS} characters"));
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err("must be an email address such as name@example.com".into());
        };
        let local_ok = !local.is_empty()
            && local.len() <= MAX_LOCAL_PART_CHARS
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .bytes()
                .all(|b| b.is_ascii_graphic() && !b"\"(),:;<>@[\\]".contains(&b));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
        if !local_ok || !domain_ok {
            return Err("must be an email address such as name@example.com".into());
        }
        Ok(Email(email))
    }

    /// An address read back from storage, validated on the way in.
    pub fn from_stored(text: String) -> Email {
        Email(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a member may do: owners also manage API keys and members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Owner,
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Member => "member",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "owner" => Some(Role::Owner),
            "member" => Some(Role::Member),
            _ => None,
        }
    }

    /// The scopes a signed-in member acts with, as if holding a key with
    /// them: owners every scope, members all but `keys:manage`, which is
    /// what guards API keys and membership.
    pub fn scopes(self) -> Scopes {
        match self {
            Role::Owner => Scopes::all(),
            Role::Member => Scopes::all_but(Scope::KeysManage),
        }
    }
}

/// A validated `POST /v1/auth/signup` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignUp {
    pub email: Email,
    pub password: String,
    /// The new account's name; defaults to the email. Not with an invitation.
    pub account_name: Option<String>,
    /// The token of an invitation to join an existing account.
    pub invitation: Option<String>,
}

impl SignUp {
    /// # Errors
    /// The first invalid field, by name.
    pub fn from_body(body: Value) -> Result<SignUp, Invalid> {
        let mut fields = Fields::from_body(body)?;
        let email = email_field(&mut fields)?;
        let password = new_password(&mut fields)?;
        let account_name = fields
            .string(&["accountName"])?
            .map(|(name, text)| name_value(&name, text))
            .transpose()?;
        let invitation = fields.string(&["invitation"])?.map(|(_, token)| token);
        fields.finish(&["email", "password", "accountName", "invitation"])?;
        if account_name.is_some() && invitation.is_some() {
            return Err(Invalid::new(
                "accountName",
                "`accountName` names a new account; with an `invitation` you join the inviting one",
            ));
        }
        Ok(SignUp {
            email,
            password,
            account_name,
            invitation,
        })
    }
}

/// A `POST /v1/auth/signin` body. The password is not checked against the
/// sign-up rules: a wrong password is simply wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignIn {
    pub email: Email,
    pub password: String,
}

impl SignIn {
    /// # Errors
    /// The first invalid field, by name.
    pub fn from_body(body: Value) -> Result<SignIn, Invalid> {
        let mut fields = Fields::from_body(body)?;
        let email = email_field(&mut fields)?;
        let password = match fields.string(&["password"])? {
            Some((_, p)) if !p.is_empty() && p.chars().count() <= MAX_PASSWORD_CHARS => p,
            Some(_) => {
                return Err(Invalid::new(
                    "password",
                    format!("`password` must be 1 to {MAX_PASSWORD_CHARS} characters"),
                ))
            }
            None => return Err(Invalid::new("password", "`password` is required")),
        };
        fields.finish(&["email", "password"])?;
        Ok(SignIn { email, password })
    }
}

/// A validated `POST /v1/invitations` body (also the operator's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationRequest {
    pub email: Email,
    pub role: Role,
}

impl InvitationRequest {
    /// `default_role` applies when the body names none: `member` for an
    /// owner's invitation, `owner` for the operator's.
    ///
    /// # Errors
    /// The first invalid field, by name.
    pub fn from_body(body: Value, default_role: Role) -> Result<InvitationRequest, Invalid> {
        let mut fields = Fields::from_body(body)?;
        let email = email_field(&mut fields)?;
        let role = role_field(&mut fields)?.unwrap_or(default_role);
        fields.finish(&["email", "role"])?;
        Ok(InvitationRequest { email, role })
    }
}

/// A validated `PATCH /v1/members/{id}` body.
pub fn role_patch(body: Value) -> Result<Role, Invalid> {
    let mut fields = Fields::from_body(body)?;
    let role =
        role_field(&mut fields)?.ok_or_else(|| Invalid::new("role", "`role` is required"))?;
    fields.finish(&["role"])?;
    Ok(role)
}

fn email_field(fields: &mut Fields) -> Result<Email, Invalid> {
    let (name, text) = fields
        .string(&["email"])?
        .ok_or_else(|| Invalid::new("email", "`email` is required"))?;
    Email::parse(&text).map_err(|e| Invalid::new(&name, format!("`{name}` {e}")))
}

fn new_password(fields: &mut Fields) -> Result<String, Invalid> {
    let (name, password) = fields
        .string(&["password"])?
        .ok_or_else(|| Invalid::new("password", "`password` is required"))?;
    let chars = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars) {
        return Err(Invalid::new(
            &name,
            format!("`{name}` must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters (got {chars})"),
        ));
    }
    if password.trim().is_empty() {
        return Err(Invalid::new(
            &name,
            format!("`{name}` must not be only spaces"),
        ));
    }
    Ok(password)
}

fn role_field(fields: &mut Fields) -> Result<Option<Role>, Invalid> {
    match fields.take(&["role"])? {
        None
        | Some(Present {
            value: Value::Null, ..
        }) => Ok(None),
        Some(Present {
            name,
            value: Value::String(text),
        }) => Role::parse(&text).map(Some).ok_or_else(|| {
            Invalid::new(
                &name,
                format!("`{name}` must be 'owner' or 'member' (got '{text}')"),
            )
        }),
        Some(Present { name, value }) => Err(Invalid::new(
            &name,
            format!("`{name}` must be 'owner' or 'member', not {}", kind(&value)),
        )),
    }
}

#[cfg(test)]
mod tests;
