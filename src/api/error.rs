//! `ApiError`: every way an API request can fail, mapped to the status and
//! the JSON body of DESIGN.md §4.4: `{"error":{"code","message"}}`.

use worker::{console_error, Response};

use crate::core::plan::Plan;
use crate::core::validation::Invalid;
use crate::shell::config::Unconfigured;
use crate::shell::http;
use crate::shell::throttle::Budget;
use crate::store::StoreError;

#[derive(Debug)]
pub enum ApiError {
    Validation(Invalid),
    Unauthorized(String),
    Forbidden(String),
    NotFound(String),
    MethodNotAllowed {
        allow: String,
    },
    SlugTaken(String),
    /// The request conflicts with the current state: the resource changed
    /// since it was read, an email is already registered, an account would
    /// lose its last owner.
    Conflict(String),
    /// Past a quota of the account's plan (links, keys).
    PlanLimit(String),
    /// Past a rate limit; the limiter's headers (`Retry-After` among them)
    /// are added by the rate-limit middleware.
    RateLimited(String),
    /// Too many failed sign-ins (or sign-ups) from here: 429 with its own
    /// `Retry-After`, as no account's limiter is involved.
    TooManyAttempts {
        message: String,
        retry_after_seconds: i64,
    },
    /// Past a per-client limit of the Rate Limiting binding
    /// (`shell::throttle`), whose period is the wait.
    Throttled(String),
    PayloadTooLarge(String),
    UnsupportedMediaType(String),
    /// A storage binding failed: worth retrying shortly.
    Unavailable,
    /// The deployment lacks a setting it needs; the message names it, for
    /// the operator.
    Misconfigured(String),
    /// A bug or an unexpected runtime failure; the detail is logged only.
    Internal,
}

impl ApiError {
    fn status(&self) -> u16 {
        match self {
            ApiError::Validation(_) => 400,
            ApiError::Unauthorized(_) => 401,
            ApiError::Forbidden(_) | ApiError::PlanLimit(_) => 403,
            ApiError::NotFound(_) => 404,
            ApiError::MethodNotAllowed { .. } => 405,
            ApiError::SlugTaken(_) | ApiError::Conflict(_) => 409,
            ApiError::RateLimited(_)
            | ApiError::Throttled(_)
            | ApiError::TooManyAttempts { .. } => 429,
            ApiError::PayloadTooLarge(_) => 413,
            ApiError::UnsupportedMediaType(_) => 415,
            ApiError::Internal | ApiError::Misconfigured(_) => 500,
            ApiError::Unavailable => 503,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::Validation(_) => "validation_error",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::SlugTaken(_) => "slug_taken",
            ApiError::Conflict(_) => "conflict",
            ApiError::PlanLimit(_) => "plan_limit",
            ApiError::RateLimited(_)
            | ApiError::Throttled(_)
            | ApiError::TooManyAttempts { .. } => "rate_limited",
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::Internal | ApiError::Misconfigured(_) => "internal_error",
            ApiError::Unavailable => "service_unavailable",
        }
    }

    fn message(&self) -> String {
        match self {
            ApiError::Validation(invalid) => invalid.message.clone(),
            ApiError::Unauthorized(m)
            | ApiError::Forbidden(m)
            | ApiError::NotFound(m)
            | ApiError::SlugTaken(m)
            | ApiError::Conflict(m)
            | ApiError::PlanLimit(m)
            | ApiError::RateLimited(m)
            | ApiError::Throttled(m)
            | ApiError::PayloadTooLarge(m)
            | ApiError::UnsupportedMediaType(m) => m.clone(),
            ApiError::TooManyAttempts { message, .. } => message.clone(),
            ApiError::Misconfigured(m) => format!("the server is not configured: {m}"),
            ApiError::MethodNotAllowed { allow } => {
                format!("method not allowed here; use {allow}")
            }
            ApiError::Unavailable => {
                "storage is temporarily unavailable; retry in a few seconds".into()
            }
            ApiError::Internal => "internal error".into(),
        }
    }

    pub fn not_found(what: &str) -> ApiError {
        ApiError::NotFound(format!("{what} not found"))
    }

    /// 403 `plan_limit`, e.g. "the free plan allows at most 25 links; delete
    /// a link or upgrade the plan". `things` is plural, `thing` singular.
    pub fn plan_limit(plan: Plan, max: u32, thing: &str, things: &str, free_one: &str) -> ApiError {
        let noun = if max == 1 { thing } else { things };
        ApiError::PlanLimit(format!(
            "the {plan} plan allows at most {max} {noun}; {free_one} or upgrade the plan"
        ))
    }

    /// The JSON error response.
    ///
    /// # Errors
    /// Only if the runtime cannot build a response at all.
    pub fn into_response(self) -> worker::Result<Response> {
        let field = match &self {
            ApiError::Validation(invalid) => Some(invalid.field.as_str()),
            _ => None,
        };
        let response = http::json_error(self.status(), self.code(), &self.message(), field)?;
        match self {
            ApiError::MethodNotAllowed { allow } => response.headers().set("Allow", &allow)?,
            ApiError::Unavailable => response.headers().set("Retry-After", "5")?,
            ApiError::Throttled(_) => response
                .headers()
                .set("Retry-After", &Budget::PERIOD_SECONDS.to_string())?,
            ApiError::Unauthorized(_) => response.headers().set("WWW-Authenticate", "Bearer")?,
            ApiError::TooManyAttempts {
                retry_after_seconds,
                ..
            } => response
                .headers()
                .set("Retry-After", &retry_after_seconds.max(1).to_string())?,
            _ => {}
        }
        Ok(response)
    }
}

impl From<Unconfigured> for ApiError {
    fn from(error: Unconfigured) -> Self {
        console_error!("configuration: {}", error.0);
        ApiError::Misconfigured(error.0)
    }
}

impl From<Invalid> for ApiError {
    fn from(invalid: Invalid) -> Self {
        ApiError::Validation(invalid)
    }
}

/// Runtime failures: D1 errors mean storage trouble (503, retryable);
/// anything else is ours (500). Either way the detail goes to the log only.
impl From<worker::Error> for ApiError {
    fn from(error: worker::Error) -> Self {
        console_error!("request failed: {error}");
        match error {
            worker::Error::D1(_) => ApiError::Unavailable,
            _ => ApiError::Internal,
        }
    }
}

/// Storage failures: worth retrying (503) or ours (500); the detail goes
/// to the log only.
impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        console_error!("request failed: {error}");
        match error {
            StoreError::Unavailable(_) => ApiError::Unavailable,
            StoreError::Internal(_) => ApiError::Internal,
        }
    }
}

impl From<worker::KvError> for ApiError {
    fn from(error: worker::KvError) -> Self {
        console_error!("KV failed: {error}");
        ApiError::Unavailable
    }
}
