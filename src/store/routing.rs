//! The stored JSON of A/B test variants and the social preview: one shape
//! for D1's `test_variants` and `og` columns and the KV record's `t` and
//! `o`, so both read and write through the same code.

use serde::{Deserialize, Serialize};

use crate::core::destination::DestinationUrl;
use crate::core::routing::{SocialPreview, TestVariants, Variant};

/// `{"url": "https://…", "percentage": 50}`
#[derive(Serialize, Deserialize)]
pub struct StoredVariant {
    url: String,
    percentage: u8,
}

/// `{"title": "…", "description": "…", "image": "https://…"}`, the
/// optional two left out when unset.
#[derive(Serialize, Deserialize)]
pub struct StoredPreview {
    title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    image: Option<String>,
}

/// `None` for no test.
pub fn stored_variants(variants: &TestVariants) -> Option<Vec<StoredVariant>> {
    (!variants.is_empty()).then(|| {
        variants
            .variants()
            .iter()
            .map(|v| StoredVariant {
                url: v.url.as_str().to_owned(),
                percentage: v.percentage,
            })
            .collect()
    })
}

pub fn variants_of(stored: Option<Vec<StoredVariant>>) -> TestVariants {
    TestVariants::from_stored(
        stored
            .unwrap_or_default()
            .into_iter()
            .map(|v| Variant {
                url: DestinationUrl::from_stored(v.url),
                percentage: v.percentage,
            })
            .collect(),
    )
}

pub fn stored_preview(preview: &SocialPreview) -> StoredPreview {
    StoredPreview {
        title: preview.title.clone(),
        description: preview.description.clone(),
        image: preview.image.as_ref().map(|i| i.as_str().to_owned()),
    }
}

pub fn preview_of(stored: StoredPreview) -> SocialPreview {
    SocialPreview {
        title: stored.title,
        description: stored.description,
        image: stored.image.map(DestinationUrl::from_stored),
    }
}
