//! Resource ids: a prefix that names the kind (`link_`, `acct_`, `key_`,
//! `mem_`, `ses_`, `inv_`)
//! and 12 random base62 characters. Each kind is its own type, so a key id
//! can't be passed where a link id is expected.

use std::fmt;
use std::hash::Hash;
use std::marker::PhantomData;

use serde::{Serialize, Serializer};

use super::random::{self, ID_ENTROPY, ID_RANDOM_LEN};

/// What an id identifies: its prefix.
pub trait Kind: fmt::Debug + Clone + PartialEq + Eq + Hash {
    const PREFIX: &'static str;
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LinkKind;
impl Kind for LinkKind {
    const PREFIX: &'static str = "link_";
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AccountKind;
impl Kind for AccountKind {
    const PREFIX: &'static str = "acct_";
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyKind;
impl Kind for KeyKind {
    const PREFIX: &'static str = "key_";
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MemberKind;
impl Kind for MemberKind {
    const PREFIX: &'static str = "mem_";
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SessionKind;
impl Kind for SessionKind {
    const PREFIX: &'static str = "ses_";
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InvitationKind;
impl Kind for InvitationKind {
    const PREFIX: &'static str = "inv_";
}

pub type LinkId = Id<LinkKind>;
pub type AccountId = Id<AccountKind>;
pub type KeyId = Id<KeyKind>;
pub type MemberId = Id<MemberKind>;
pub type SessionId = Id<SessionKind>;
pub type InvitationId = Id<InvitationKind>;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Id<K: Kind> {
    text: String,
    kind: PhantomData<K>,
}

impl<K: Kind> Id<K> {
    /// A new random id such as `link_3fA9kQ0bZx1L`.
    pub fn mint(entropy: &[u8; ID_ENTROPY]) -> Id<K> {
        Id::from_stored(format!("{}{}", K::PREFIX, random::base62(entropy)))
    }

    /// An id a client sent: the kind's prefix and 12 base62 characters.
    pub fn parse(text: &str) -> Option<Id<K>> {
        let rest = text.strip_prefix(K::PREFIX)?;
        (rest.len() == ID_RANDOM_LEN && random::is_base62(rest))
            .then(|| Id::from_stored(text.to_owned()))
    }

    /// An id read back from storage, where it was minted.
    pub fn from_stored(text: String) -> Id<K> {
        Id {
            text,
            kind: PhantomData,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl<K: Kind> fmt::Display for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Ids bind to SQL and appear in JSON as their text.
impl<K: Kind> Serialize for Id<K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_ids_are_prefix_and_twelve_base62_characters() {
        let id = LinkId::mint(&[1u8; ID_ENTROPY]);
        assert!(id.as_str().starts_with("link_"));
        assert_eq!(id.as_str().len(), 5 + 12);
        assert_eq!(LinkId::parse(id.as_str()), Some(id));
    }

    #[test]
    fn each_kind_parses_only_its_own_prefix() {
        let key = KeyId::mint(&[7u8; ID_ENTROPY]);
        assert!(LinkId::parse(key.as_str()).is_none());
        assert!(AccountId::parse(key.as_str()).is_none());
        assert_eq!(KeyId::parse(key.as_str()), Some(key));
    }

    #[test]
    fn malformed_ids_do_not_parse() {
        for text in [
            "link_",
            "link_abc",
            "link_0123456789ABC",
            "link_01234567890!",
            "0123456789AB",
        ] {
            assert!(LinkId::parse(text).is_none(), "{text}");
        }
    }
}
