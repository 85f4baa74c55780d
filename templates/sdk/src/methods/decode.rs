//! Decoding and encoding the messages of the method catalog: the hand-written
//! part of `methods.rs` (which the generator writes from the schema). The
//! message enums there implement [`DecodeByMethod`] and decode through
//! [`MessageVisitor`] in one pass.

use serde::{Deserializer, Serialize, Serializer};

/// Decodes a message's params by its method (implemented by the
/// message enums).
pub(crate) trait DecodeByMethod: Sized {
    /// Decodes `params` into the variant `method` names.
    fn decode_params_from<'de, D: Deserializer<'de>>(method: &str, params: D) -> Result<Self, D::Error>;
}

/// Decodes `{method, params}` in one pass when `method` comes first
/// (as the runtime writes it): the params go straight into their
/// type. Params before the method are kept as JSON and decoded after.
/// Other keys (`id`, `emittedAtMs`, ...) are skipped.
pub(super) struct MessageVisitor<T>(pub(super) std::marker::PhantomData<T>);

impl<'de, T: DecodeByMethod> serde::de::Visitor<'de> for MessageVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a JSON-RPC message with a `method`")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut method: Option<String> = None;
        let mut decoded: Option<T> = None;
        let mut early_params: Option<serde_json::Value> = None;
        while let Some(key) = map.next_key::<String>()? {
            match (key.as_str(), &method) {
                ("method", _) => method = Some(map.next_value()?),
                ("params", Some(known)) => {
                    let seed = ParamsSeed::<T> { method: known, kind: std::marker::PhantomData };
                    decoded = Some(map.next_value_seed(seed)?);
                }
                ("params", None) => early_params = Some(map.next_value()?),
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        let method = method.ok_or_else(|| serde::de::Error::missing_field("method"))?;
        match (decoded, early_params) {
            (Some(message), _) => Ok(message),
            (None, Some(params)) => T::decode_params_from(&method, params).map_err(serde::de::Error::custom),
            (None, None) => T::decode_params_from(&method, serde::de::value::UnitDeserializer::new()),
        }
    }
}

/// Decodes params into the type their method names.
struct ParamsSeed<'m, T> {
    method: &'m str,
    kind: std::marker::PhantomData<T>,
}

impl<'de, T: DecodeByMethod> serde::de::DeserializeSeed<'de> for ParamsSeed<'_, T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        T::decode_params_from(self.method, deserializer)
    }
}

/// Reads an id out of raw params: the string at `key`, else the
/// string `id` of the object at `object`.
pub(super) fn raw_id<'a>(params: &'a serde_json::Value, key: &str, object: &str) -> Option<&'a str> {
    params
        .get(key)
        .and_then(serde_json::Value::as_str)
        .or_else(|| params.get(object)?.get("id")?.as_str())
}

/// Serialises `{method, params}`, leaving out absent params.
pub(super) fn serialize_message<S: Serializer, P: Serialize + ?Sized>(
    serializer: S,
    method: &str,
    params: Option<&P>,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(None)?;
    map.serialize_entry("method", method)?;
    if let Some(params) = params {
        map.serialize_entry("params", params)?;
    }
    map.end()
}
