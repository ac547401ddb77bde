//! An ordered list of `(key, value)` pairs written and read as one JSON object, in order:
//! answers by question id, the page parameters passed along. A list rather than a map, as a
//! questionnaire has tens of keys and map code costs every visitor download time. For serde's
//! `#[serde(with = "pairs")]`.

use serde::de::{Deserialize, Deserializer, Error, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::fmt;
use std::marker::PhantomData;

pub fn serialize<S: Serializer, V: Serialize>(
    pairs: &[(String, V)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(pairs.len()))?;
    for (k, v) in pairs {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

/// Refuses a key given twice: a JSON object's names should be unique (RFC 8259 §4), and a
/// reader that kept either copy could be told two different stories.
pub fn deserialize<'de, D: Deserializer<'de>, V: Deserialize<'de>>(
    deserializer: D,
) -> Result<Vec<(String, V)>, D::Error> {
    struct Pairs<V>(PhantomData<V>);
    impl<'de, V: Deserialize<'de>> Visitor<'de> for Pairs<V> {
        type Value = Vec<(String, V)>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut pairs: Vec<(String, V)> = Vec::new();
            while let Some((k, v)) = map.next_entry::<String, V>()? {
                if pairs.iter().any(|(seen, _)| *seen == k) {
                    return Err(A::Error::custom(format_args!("\"{k}\" is given twice")));
                }
                pairs.push((k, v));
            }
            Ok(pairs)
        }
    }
    deserializer.deserialize_map(Pairs(PhantomData))
}
