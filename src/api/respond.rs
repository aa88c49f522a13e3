//! Building JSON responses.

use serde::Serialize;
use worker::Response;

use super::error::ApiError;

pub fn json(status: u16, body: &impl Serialize) -> Result<Response, ApiError> {
    Ok(Response::from_json(body)?.with_status(status))
}
