//! The `GET /v1/links` query: paging in both dialects, search, tag, sort.

use super::options::Tag;
use super::validation::Invalid;

pub const DEFAULT_PAGE_SIZE: u32 = 20;
pub const MAX_PAGE_SIZE: u32 = 100;
/// Far beyond any real listing; keeps `(page - 1) * size` well inside i64
/// and the JS safe-integer range D1 binds through.
pub const MAX_PAGE: u32 = 1_000_000;
pub const MAX_SEARCH_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub page: u32,
    pub page_size: u32,
    pub search: Option<String>,
    /// Only links carrying this tag.
    pub tag: Option<Tag>,
    pub sort: Sort,
}

/// The order of a listing: a field, ascending, or descending with a `-`
/// (`sort=-clicks`). Newest first by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    NewestFirst,
    OldestFirst,
    MostClicks,
    FewestClicks,
    SlugAscending,
    SlugDescending,
    RecentlyUpdated,
    LeastRecentlyUpdated,
}

impl Sort {
    /// The `sort` values, each with the order it gives.
    pub const VALUES: [(&'static str, Sort); 8] = [
        ("-createdAt", Sort::NewestFirst),
        ("createdAt", Sort::OldestFirst),
        ("-clicks", Sort::MostClicks),
        ("clicks", Sort::FewestClicks),
        ("slug", Sort::SlugAscending),
        ("-slug", Sort::SlugDescending),
        ("-updatedAt", Sort::RecentlyUpdated),
        ("updatedAt", Sort::LeastRecentlyUpdated),
    ];

    pub fn parse(text: &str) -> Option<Sort> {
        Sort::VALUES
            .iter()
            .find(|(name, _)| *name == text)
            .map(|(_, sort)| *sort)
    }
}

impl ListQuery {
    /// Reads `page`, `pageSize` (SmartLinks) or `limit` (SMO1), and `search`
    /// from the query string's pairs; other parameters are ignored.
    ///
    /// # Errors
    /// A value out of range or not a number, naming the parameter.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<ListQuery, Invalid> {
        let mut query = ListQuery {
            page: 1,
            page_size: DEFAULT_PAGE_SIZE,
            search: None,
            tag: None,
            sort: Sort::default(),
        };
        let mut size_name: Option<&str> = None;
        for (name, value) in pairs {
            match name {
                "page" => query.page = number(name, value, 1, MAX_PAGE)?,
                "pageSize" | "limit" => {
                    let size = number(name, value, 1, MAX_PAGE_SIZE)?;
                    if let Some(other) = size_name.filter(|other| *other != name) {
                        if size != query.page_size {
                            return Err(Invalid::new(
                                name,
                                format!("`{other}` and `{name}` are the same setting; send one, or equal values"),
                            ));
                        }
                    }
                    size_name = Some(name);
                    query.page_size = size;
                }
                "search" => {
                    let text = value.trim();
                    if text.chars().count() > MAX_SEARCH_CHARS {
                        return Err(Invalid::new(
                            name,
                            format!("`search` must be at most {MAX_SEARCH_CHARS} characters"),
                        ));
                    }
                    query.search = (!text.is_empty()).then(|| text.to_owned());
                }
                "tag" => {
                    let tag =
                        Tag::parse(value).map_err(|e| Invalid::new(name, format!("`tag` {e}")))?;
                    query.tag = Some(tag);
                }
                "sort" => {
                    query.sort = Sort::parse(value).ok_or_else(|| {
                        let names: Vec<&str> = Sort::VALUES.iter().map(|(n, _)| *n).collect();
                        Invalid::new(
                            name,
                            format!("`sort` must be one of {} (got '{value}')", names.join(", ")),
                        )
                    })?;
                }
                _ => {}
            }
        }
        Ok(query)
    }

    pub fn offset(&self) -> u64 {
        u64::from(self.page.saturating_sub(1)) * u64::from(self.page_size)
    }
}

fn number(name: &str, value: &str, min: u32, max: u32) -> Result<u32, Invalid> {
    value
        .parse::<u32>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| {
            Invalid::new(
                name,
                format!("`{name}` must be a whole number from {min} to {max} (got '{value}')"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_to_the_first_page_of_twenty() {
        let q = ListQuery::from_pairs([]).unwrap();
        assert_eq!((q.page, q.page_size, q.search), (1, 20, None));
    }

    #[test]
    fn accepts_either_dialects_page_size() {
        assert_eq!(
            ListQuery::from_pairs([("pageSize", "50")])
                .unwrap()
                .page_size,
            50
        );
        assert_eq!(
            ListQuery::from_pairs([("limit", "100")]).unwrap().page_size,
            100
        );
    }

    #[test]
    fn rejects_out_of_range_values_by_name() {
        for (name, value) in [
            ("limit", "101"),
            ("limit", "-1"),
            ("pageSize", "0"),
            ("page", "0"),
            ("page", "99999999999"),
            ("page", "x"),
        ] {
            let err = ListQuery::from_pairs([(name, value)]).unwrap_err();
            assert_eq!(err.field, name);
        }
    }

    #[test]
    fn offset_is_page_times_size() {
        let q = ListQuery::from_pairs([("page", "3"), ("limit", "10")]).unwrap();
        assert_eq!(q.offset(), 20);
    }

    #[test]
    fn a_tag_filter_is_checked_and_lowercased() {
        let q = ListQuery::from_pairs([("tag", "Sale")]).unwrap();
        assert_eq!(q.tag.unwrap().as_str(), "sale");
        let err = ListQuery::from_pairs([("tag", "a%")]).unwrap_err();
        assert_eq!(err.field, "tag");
    }

    #[test]
    fn sort_takes_a_field_with_an_optional_minus() {
        assert_eq!(ListQuery::from_pairs([]).unwrap().sort, Sort::NewestFirst);
        assert_eq!(
            ListQuery::from_pairs([("sort", "-clicks")]).unwrap().sort,
            Sort::MostClicks
        );
        assert_eq!(
            ListQuery::from_pairs([("sort", "slug")]).unwrap().sort,
            Sort::SlugAscending
        );
        let err = ListQuery::from_pairs([("sort", "title")]).unwrap_err();
        assert_eq!(err.field, "sort");
        assert!(err.message.contains("-createdAt, createdAt"));
    }

    #[test]
    fn blank_search_means_no_search() {
        assert_eq!(
            ListQuery::from_pairs([("search", "  ")]).unwrap().search,
            None
        );
    }
}
