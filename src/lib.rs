//! SmartLinks: a link shortener with QR codes and click analytics.
pub mod core;
