//! Decoding and encoding the messages of the method catalog: the hand-written
//! part of `methods.rs` (which the generator writes from the schema). The
//! message enums there implement [`DecodeByMethod`] and decode through
//! [`decode_message`] in one pass.

use serde::de::Error as _;
use serde::{Deserializer, Serialize, Serializer};

use crate::wire_str::WireStr;

/// Decodes a message's params by its method (implemented by the
/// message enums).
pub(crate) trait DecodeByMethod: Sized {
    /// Decodes `params` into the variant `method` names, written into
    /// `slot`. The message is built where it will stay: the enums are
    /// large (their biggest variant), and returning one by value through
    /// serde's layers costs a copy of the whole enum at each layer.
    fn decode_params_into<'de, D: Deserializer<'de>>(method: &str, params: D, slot: &mut Option<Self>) -> Result<(), D::Error>;

    /// Decodes `params` into the variant `method` names.
    fn decode_params_from<'de, D: Deserializer<'de>>(method: &str, params: D) -> Result<Self, D::Error> {
        let mut slot = None;
        Self::decode_params_into(method, params, &mut slot)?;
        slot.ok_or_else(|| D::Error::custom("the params decoded into no message"))
    }
}

/// Decodes `{method, params}` in one pass when `method` comes first (as the
/// runtime writes it): the params go straight into their type. Params before
/// the method are kept as JSON and decoded after. Other keys (`id`,
/// `emittedAtMs`, ...) are skipped.
pub(super) fn decode_message<'de, T: DecodeByMethod, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    let mut slot = None;
    deserializer.deserialize_map(MessageVisitor { slot: &mut slot })?;
    slot.ok_or_else(|| D::Error::custom("the message decoded into nothing"))
}

/// The keys of a JSON-RPC message, read without allocating; anything else
/// (`jsonrpc`, `emittedAtMs`, ...) is `Other`. Shared by the message enums'
/// decoder here and the client's frame reader.
pub(crate) enum MessageKey {
    /// `id`
    Id,
    /// `method`
    Method,
    /// `params`
    Params,
    /// `result`
    Result,
    /// `error`
    Error,
    /// Any other key.
    Other,
}

impl<'de> serde::Deserialize<'de> for MessageKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl serde::de::Visitor<'_> for KeyVisitor {
            type Value = MessageKey;
            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("a key of a JSON-RPC message")
            }
            fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<MessageKey, E> {
                Ok(match key {
                    "id" => MessageKey::Id,
                    "method" => MessageKey::Method,
                    "params" => MessageKey::Params,
                    "result" => MessageKey::Result,
                    "error" => MessageKey::Error,
                    _ => MessageKey::Other,
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// The visitor of [`decode_message`]: writes the message into `slot`.
struct MessageVisitor<'s, T> {
    slot: &'s mut Option<T>,
}

impl<'de, T: DecodeByMethod> serde::de::Visitor<'de> for MessageVisitor<'_, T> {
    type Value = ();

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a JSON-RPC message with a `method`")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut method: Option<WireStr<'de>> = None;
        let mut early_params: Option<serde_json::Value> = None;
        while let Some(key) = map.next_key::<MessageKey>()? {
            match (key, &method) {
                (MessageKey::Method, _) => method = Some(map.next_value()?),
                (MessageKey::Params, Some(known)) => {
                    let seed = ParamsSeed { method: known.as_str(), slot: &mut *self.slot };
                    map.next_value_seed(seed)?;
                }
                (MessageKey::Params, None) => early_params = Some(map.next_value()?),
                // `id`, `result` and `error` do not matter to a message
                // decoded by its method.
                (MessageKey::Id | MessageKey::Result | MessageKey::Error | MessageKey::Other, _) => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        let method = method.ok_or_else(|| serde::de::Error::missing_field("method"))?;
        match early_params {
            _ if self.slot.is_some() => Ok(()),
            Some(params) => T::decode_params_into(method.as_str(), params, self.slot).map_err(serde::de::Error::custom),
            None => T::decode_params_into(method.as_str(), serde::de::value::UnitDeserializer::new(), self.slot),
        }
    }
}

/// Decodes params into the type their method names, in `slot`.
pub(crate) struct ParamsSeed<'m, 's, T> {
    /// The method the params belong to.
    pub(crate) method: &'m str,
    /// Where the message goes.
    pub(crate) slot: &'s mut Option<T>,
}

impl<'de, T: DecodeByMethod> serde::de::DeserializeSeed<'de> for ParamsSeed<'_, '_, T> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        T::decode_params_into(self.method, deserializer, self.slot)
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
