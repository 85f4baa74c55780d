//! One-pass decoding of an incoming line.
//!
//! A notification's params go straight from the line's bytes into their
//! typed variant while the envelope is read, when `method` comes before
//! `params` (as the runtime writes it): no intermediate `RawValue`, no second
//! scan. Server requests and responses keep their params or result as raw
//! JSON, for the handler or the caller that knows the type.
//!
//! Anything unusual (params before the method, params that do not fit their
//! type, duplicate keys, a line that is not an object) is an `Err` here, and
//! the caller falls back to the two-pass reader, which owns every rule about
//! bad input. The fast path never decides anything the slow path would
//! decide differently.

use serde::de::{Error as _, IgnoredAny, MapAccess, Visitor};
use serde::Deserializer;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::methods::{DecodeByMethod, MessageKey, ParamsSeed, ServerNotification};
use crate::wire_str::WireStr;

/// An incoming message, by shape.
pub(crate) enum Message {
    /// No id, a method: decoded into its typed variant (or `Unknown` for a
    /// method this SDK does not know), which is in the caller's slot.
    Notification,
    /// An id and a method: a request from the app-server.
    Request { id: Value, method: String, params: Option<Box<RawValue>> },
    /// An id and no method: the answer to one of the client's requests.
    Response { id: Value, result: Option<Box<RawValue>>, error: Option<Box<RawValue>> },
}

/// Decodes a line in one pass; `Err` means "use the two-pass reader". A
/// notification is written into `notification` (built there, not moved:
/// the enum is as large as its largest variant).
pub(crate) fn decode(line: &str, notification: &mut Option<ServerNotification>) -> serde_json::Result<Message> {
    let mut deserializer = serde_json::Deserializer::from_str(line);
    let message = deserializer.deserialize_map(FrameVisitor { notification })?;
    deserializer.end()?;
    Ok(message)
}

/// Params as read: left out, kept raw, or already decoded as a notification
/// (into the slot).
enum Params {
    Absent,
    Raw(Box<RawValue>),
    Notification,
}

struct FrameVisitor<'s> {
    notification: &'s mut Option<ServerNotification>,
}

impl<'de> Visitor<'de> for FrameVisitor<'_> {
    type Value = Message;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a JSON-RPC message")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Message, A::Error> {
        let mut id: Option<Value> = None;
        let mut method: Option<WireStr<'de>> = None;
        let mut params = Params::Absent;
        let mut result: Option<Box<RawValue>> = None;
        let mut error: Option<Box<RawValue>> = None;
        while let Some(key) = map.next_key::<MessageKey>()? {
            match key {
                MessageKey::Id => set_once(&mut id, "id", map.next_value()?)?,
                MessageKey::Method => set_once(&mut method, "method", map.next_value()?)?,
                MessageKey::Params => {
                    if !matches!(params, Params::Absent) {
                        return Err(A::Error::duplicate_field("params"));
                    }
                    params = match (&method, &id) {
                        // A method and no id so far: a notification, decoded now.
                        (Some(method), None) => {
                            map.next_value_seed(ParamsSeed { method: method.as_str(), slot: &mut *self.notification })?;
                            Params::Notification
                        }
                        _ => Params::Raw(map.next_value()?),
                    };
                }
                MessageKey::Result => set_once(&mut result, "result", map.next_value()?)?,
                MessageKey::Error => set_once(&mut error, "error", map.next_value()?)?,
                MessageKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        match (id, method, params) {
            (Some(_), Some(_), Params::Notification) => Err(A::Error::custom("an id after the params")),
            (Some(id), Some(method), Params::Raw(raw)) => Ok(Message::Request { id, method: method.into(), params: Some(raw) }),
            (Some(id), Some(method), Params::Absent) => Ok(Message::Request { id, method: method.into(), params: None }),
            (None, Some(_), Params::Notification) => Ok(Message::Notification),
            (None, Some(_), Params::Raw(_)) => Err(A::Error::custom("params before the method")),
            (None, Some(method), Params::Absent) => {
                ServerNotification::decode_params_into(method.as_str(), serde::de::value::UnitDeserializer::new(), self.notification)
                    .map(|()| Message::Notification)
            }
            (Some(id), None, Params::Absent) => Ok(Message::Response { id, result, error }),
            _ => Err(A::Error::custom("not a message this fast path decides")),
        }
    }
}

fn set_once<T, E: serde::de::Error>(slot: &mut Option<T>, name: &'static str, value: T) -> Result<(), E> {
    match slot.replace(value) {
        None => Ok(()),
        Some(_) => Err(E::duplicate_field(name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notification_is_decoded_into_its_variant_in_one_pass() {
        let line = r#"{"method":"thread/status/changed","params":{"threadId":"t1","status":{"type":"idle"}},"emittedAtMs":1}"#;
        let mut slot = None;
        let Ok(Message::Notification) = decode(line, &mut slot) else { panic!("not a notification") };
        let notification = slot.expect("decoded into the slot");
        assert!(matches!(notification, ServerNotification::ThreadStatusChanged(_)));
        assert_eq!(notification.thread_id(), Some("t1"));
    }

    #[test]
    fn an_unknown_method_is_kept_with_its_params() {
        let line = r#"{"method":"future/thing","params":{"threadId":"t9","x":[1,2]}}"#;
        let mut slot = None;
        let (Ok(Message::Notification), Some(ServerNotification::Unknown { method, params })) = (decode(line, &mut slot), slot) else {
            panic!()
        };
        assert_eq!(method, "future/thing");
        assert_eq!(params, Some(serde_json::json!({"threadId": "t9", "x": [1, 2]})));
    }

    #[test]
    fn requests_and_responses_keep_raw_json() {
        let Ok(Message::Request { id, method, params }) = decode(r#"{"id":7,"method":"item/tool/call","params":{"a":1}}"#, &mut None) else {
            panic!()
        };
        assert_eq!((id, method.as_str(), params.unwrap().get()), (serde_json::json!(7), "item/tool/call", r#"{"a":1}"#));
        let Ok(Message::Response { id, result, error }) = decode(r#"{"id":"2","result":{"ok":true}}"#, &mut None) else { panic!() };
        assert_eq!((id, result.unwrap().get(), error.is_none()), (serde_json::json!("2"), r#"{"ok":true}"#, true));
    }

    #[test]
    fn unusual_lines_are_left_to_the_two_pass_reader() {
        for line in [
            // params that do not fit their type (a newer runtime)
            r#"{"method":"thread/status/changed","params":{"threadId":5}}"#,
            // params before the method, and an id after params
            r#"{"params":{"threadId":"t1"},"method":"thread/archived"}"#,
            r#"{"method":"item/tool/call","params":{},"id":3}"#,
            // duplicate keys, neither id nor method, not an object
            r#"{"id":1,"id":2,"result":null}"#,
            r#"{"result":1}"#,
            r#"[1,2]"#,
            r#"{"id":1,"result":{},"params":{}}"#,
        ] {
            assert!(decode(line, &mut None).is_err(), "{line}");
        }
    }

    /// The fast path never disagrees with the two-pass reader: every line it
    /// accepts as a notification, the slow path decodes to the same value.
    /// The lines are real shapes, each also cut short and with one byte
    /// changed at every position.
    #[test]
    fn the_fast_path_agrees_with_the_two_pass_reader() {
        let lines = [
            r#"{"method":"item/agentMessage/delta","params":{"threadId":"t","turnId":"u","itemId":"i","delta":"Hi"}}"#,
            r#"{"method":"turn/started","params":{"threadId":"t","turn":{"id":"u","items":[],"status":"inProgress","error":null}}}"#,
            r#"{"method":"thread/status/changed","params":{"threadId":"t","status":{"type":"active","activeFlags":[]}}}"#,
            r#"{"method":"configWarning","params":{"summary":"s","details":null},"emittedAtMs":1}"#,
            r#"{"method":"future/x","params":[1,{"a":null}]}"#,
        ];
        let mut checked = 0;
        for line in lines {
            let mut variants = vec![line.to_owned()];
            for at in 0..line.len() {
                variants.push(line[..at].to_owned());
                for byte in [b'"', b'{', b'}', b'1', b',', b'x'] {
                    let mut bytes = line.as_bytes().to_vec();
                    bytes[at] = byte;
                    if let Ok(text) = String::from_utf8(bytes) {
                        variants.push(text);
                    }
                }
            }
            for variant in variants {
                let mut slot = None;
                let (Ok(Message::Notification), Some(fast)) = (decode(&variant, &mut slot), slot) else { continue };
                let incoming: super::super::Incoming = serde_json::from_str(&variant).expect("the slow envelope accepts it too");
                let method = incoming.method.expect("a method");
                assert!(incoming.id.is_none(), "{variant}");
                let slow = ServerNotification::decode(&method, incoming.params.as_deref()).expect("the slow path decodes it too");
                assert_eq!(serde_json::to_value(&fast).unwrap(), serde_json::to_value(&slow).unwrap(), "{variant}");
                checked += 1;
            }
        }
        assert!(checked > lines.len(), "the mutations reached the fast path: {checked}");
    }
}
