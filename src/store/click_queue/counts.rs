//! A bucket's counts as queue messages carry them and shard rows store
//! them: `{dimension: {value: count}}`. They are written straight from
//! [`Counts`] and read straight into it, with no map of strings in between:
//! on a spread of clicks every click is a bucket of its own, and its counts
//! are encoded four times and decoded twice on the way to its shard.

use std::fmt;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::core::analytics::aggregate::Counts;
use crate::core::analytics::Dimension;

/// Borrowed counts, to serialise.
pub struct CountsOut<'a>(pub &'a Counts);

impl Serialize for CountsOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        // `Counts::iter` goes by dimension, then value: one entry per run.
        let mut rest = self.0.iter().peekable();
        while let Some(&(dimension, _, _)) = rest.peek() {
            let mut values = Vec::new();
            while let Some((_, value, count)) = rest.next_if(|(d, _, _)| *d == dimension) {
                values.push((value, count));
            }
            map.serialize_entry(dimension.as_str(), &ValuesOut(&values))?;
        }
        map.end()
    }
}

struct ValuesOut<'a>(&'a [(&'a str, u64)]);

impl Serialize for ValuesOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().copied())
    }
}

/// Counts read back. Dimensions this build does not know are skipped, so
/// an older build reads a newer one's rows and messages.
pub struct CountsIn(pub Counts);

impl<'de> Deserialize<'de> for CountsIn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(CountsVisitor)
    }
}

struct CountsVisitor;

impl<'de> Visitor<'de> for CountsVisitor {
    type Value = CountsIn;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("counts by dimension, then value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CountsIn, A::Error> {
        let mut counts = Counts::default();
        while let Some(name) = map.next_key::<String>()? {
            match Dimension::parse(&name) {
                Some(dimension) => map.next_value_seed(ValuesIn {
                    dimension,
                    counts: &mut counts,
                })?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(CountsIn(counts))
    }
}

/// One dimension's `{value: count}`, added to `counts` as it is read.
struct ValuesIn<'a> {
    dimension: Dimension,
    counts: &'a mut Counts,
}

impl<'de> DeserializeSeed<'de> for ValuesIn<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ValuesIn<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("counts by value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some((value, count)) = map.next_entry::<String, u64>()? {
            self.counts.insert_stored(self.dimension, value, count);
        }
        Ok(())
    }
}
