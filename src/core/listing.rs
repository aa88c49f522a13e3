//! Listing queries: paging in both dialects, and `GET /v1/links`'s search, tag and sort.

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

/// `page` and its size, in either dialect: what every listing is paged by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    pub page: u32,
    pub page_size: u32,
    /// The name the size came under, to catch both names disagreeing.
    size_name: Option<&'static str>,
}

impl Default for Paging {
    fn default() -> Paging {
        Paging {
            page: 1,
            page_size: DEFAULT_PAGE_SIZE,
            size_name: None,
        }
    }
}

impl Paging {
    /// Reads `page`, `pageSize` (SmartLinks) or `limit` (SMO1); false for
    /// any other parameter.
    ///
    /// # Errors
    /// A value out of range or not a number, naming the parameter.
    pub fn accept(&mut self, name: &str, value: &str) -> Result<bool, Invalid> {
        let size_name = match name {
            "page" => {
                self.page = number(name, value, 1, MAX_PAGE)?;
                return Ok(true);
            }
            "pageSize" => "pageSize",
            "limit" => "limit",
            _ => return Ok(false),
        };
        let size = number(name, value, 1, MAX_PAGE_SIZE)?;
        if let Some(other) = self.size_name.filter(|other| *other != size_name) {
            if size != self.page_size {
                return Err(Invalid::new(
                    name,
                    format!(
                        "`{other}` and `{name}` are the same setting; send one, or equal values"
                    ),
                ));
            }
        }
        self.size_name = Some(size_name);
        self.page_size = size;
        Ok(true)
    }

    pub fn offset(&self) -> u64 {
        offset(self.page, self.page_size)
    }
}

/// The `search` parameter: trimmed, at most [`MAX_SEARCH_CHARS`]; blank
/// means no search.
///
/// # Errors
/// When it is too long.
pub fn search(value: &str) -> Result<Option<String>, Invalid> {
    let text = value.trim();
    if text.chars().count() > MAX_SEARCH_CHARS {
        return Err(Invalid::new(
            "search",
            format!("`search` must be at most {MAX_SEARCH_CHARS} characters"),
        ));
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

impl ListQuery {
    /// Reads `page`, `pageSize` (SmartLinks) or `limit` (SMO1), `search`,
    /// `tag` and `sort` from the query string's pairs; other parameters are ignored.
    ///
    /// # Errors
    /// A value out of range or not a number, naming the parameter.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<ListQuery, Invalid> {
        let mut paging = Paging::default();
        let mut search_text = None;
        let mut tag = None;
        let mut sort = Sort::default();
        for (name, value) in pairs {
            if paging.accept(name, value)? {
                continue;
            }
            match name {
                "search" => search_text = search(value)?,
                "tag" => {
                    let parsed =
                        Tag::parse(value).map_err(|e| Invalid::new(name, format!("`tag` {e}")))?;
                    tag = Some(parsed);
                }
                "sort" => {
                    sort = Sort::parse(value).ok_or_else(|| {
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
        Ok(ListQuery {
            page: paging.page,
            page_size: paging.page_size,
            search: search_text,
            tag,
            sort,
        })
    }

    pub fn offset(&self) -> u64 {
        offset(self.page, self.page_size)
    }
}

fn offset(page: u32, page_size: u32) -> u64 {
    u64::from(page.saturating_sub(1)) * u64::from(page_size)
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
