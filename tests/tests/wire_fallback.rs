//! Forward compatibility: what a newer runtime may send (an unknown
//! notification, item type, enum value or server request) decodes to a
//! fallback case that keeps the raw value, instead of failing the stream.

use openai_codex::methods::{ServerNotification, ServerRequest};
use openai_codex::types::{
    CodexErrorInfo, ItemCompletedNotification, SandboxMode, SandboxPolicy, ThreadItem, TurnStatus,
};
use serde_json::{json, Value};

#[test]
fn an_unknown_notification_decodes_to_unknown_with_its_params() {
    let frame = json!({"method": "thread/teleported", "params": {"threadId": "t", "to": "mars"}});
    let message: ServerNotification = serde_json::from_value(frame.clone()).unwrap();
    match &message {
        ServerNotification::Unknown { method, params } => {
            assert_eq!(method, "thread/teleported");
            assert_eq!(params.as_ref(), Some(&frame["params"]));
        }
        other => panic!("expected Unknown, got {other:?}"),
    }
    assert_eq!(message.method(), "thread/teleported");
    assert_eq!(serde_json::to_value(&message).unwrap(), frame);
}

#[test]
fn an_unknown_server_request_decodes_to_unknown() {
    let frame = json!({"method": "item/hologram/requestApproval", "params": {"x": 1}});
    let message: ServerRequest = serde_json::from_value(frame).unwrap();
    assert!(message.is_unknown());
    assert_eq!(message.method(), "item/hologram/requestApproval");
}

#[test]
fn an_unknown_item_type_decodes_to_unknown_inside_a_known_notification() {
    let item = json!({"type": "hologram", "id": "item-1", "brightness": 11});
    let frame = json!({
        "method": "item/completed",
        "params": {"threadId": "t", "turnId": "u", "item": item, "completedAtMs": 1}
    });
    let message: ServerNotification = serde_json::from_value(frame.clone()).unwrap();
    let ServerNotification::ItemCompleted(ItemCompletedNotification { item: decoded, .. }) = &message else {
        panic!("expected item/completed, got {message:?}");
    };
    assert_eq!(decoded, &ThreadItem::Unknown(item.clone()));
    let reencoded = serde_json::to_value(&message).unwrap();
    assert_eq!(reencoded["params"]["item"], item, "the unknown item re-encodes unchanged");
}

#[test]
fn an_unknown_enum_value_decodes_to_unknown_and_round_trips() {
    let mode: SandboxMode = serde_json::from_value(json!("quantum-sandbox")).unwrap();
    assert_eq!(mode, SandboxMode::Unknown("quantum-sandbox".into()));
    assert_eq!(serde_json::to_value(&mode).unwrap(), json!("quantum-sandbox"));

    let status: TurnStatus = serde_json::from_value(json!("paused")).unwrap();
    assert_eq!(status, TurnStatus::Unknown("paused".into()));

    let policy: SandboxPolicy = serde_json::from_value(json!({"type": "moonSandbox", "gravity": 0.16})).unwrap();
    assert!(matches!(policy, SandboxPolicy::Unknown(Value::Object(_))), "{policy:?}");

    let info: CodexErrorInfo = serde_json::from_value(json!("solarFlare")).unwrap();
    assert!(matches!(info, CodexErrorInfo::Unknown(_)), "{info:?}");
}

#[test]
fn known_values_still_decode_to_their_typed_variants() {
    assert_eq!(serde_json::from_value::<SandboxMode>(json!("read-only")).unwrap(), SandboxMode::ReadOnly);
    assert_eq!(
        serde_json::from_value::<CodexErrorInfo>(json!("usageLimitExceeded")).unwrap(),
        CodexErrorInfo::UsageLimitExceeded
    );
    assert!(matches!(
        serde_json::from_value::<SandboxPolicy>(json!({"type": "readOnly"})).unwrap(),
        SandboxPolicy::ReadOnly { .. }
    ));
}

#[test]
fn a_tagged_union_decodes_whether_or_not_its_tag_comes_first() {
    let tag_first: ThreadItem =
        serde_json::from_value(json!({"type": "agentMessage", "id": "m", "text": "hi"})).unwrap();
    let tag_last: ThreadItem =
        serde_json::from_str(r#"{"id": "m", "text": "hi", "type": "agentMessage"}"#).unwrap();
    assert_eq!(tag_first, tag_last);
    assert!(matches!(tag_first, ThreadItem::AgentMessage { ref text, .. } if text == "hi"));

    let unknown_last: ThreadItem = serde_json::from_str(r#"{"id": "x", "type": "hologram"}"#).unwrap();
    assert_eq!(unknown_last, ThreadItem::Unknown(json!({"id": "x", "type": "hologram"})));
}

#[test]
fn a_known_tag_with_a_body_that_does_not_fit_is_an_error_not_unknown() {
    // A schema break must show, not hide in the fallback.
    let broken = serde_json::from_str::<ThreadItem>(r#"{"type": "agentMessage", "text": 42}"#);
    assert!(broken.is_err(), "{broken:?}");
    assert!(serde_json::from_str::<ThreadItem>(r#"{"text": "no tag"}"#).is_err());
}

#[test]
fn a_message_decodes_whatever_the_order_of_its_keys() {
    let method_first: ServerNotification = serde_json::from_str(
        r#"{"method":"thread/name/updated","params":{"threadId":"t","threadName":"n"},"emittedAtMs":1}"#,
    )
    .unwrap();
    let params_first: ServerNotification = serde_json::from_str(
        r#"{"emittedAtMs":1,"params":{"threadId":"t","threadName":"n"},"method":"thread/name/updated"}"#,
    )
    .unwrap();
    assert_eq!(method_first, params_first);
    assert!(matches!(method_first, ServerNotification::ThreadNameUpdated(_)));
    let no_params: ServerNotification = serde_json::from_str(r#"{"method":"future/ping"}"#).unwrap();
    assert_eq!(no_params, ServerNotification::Unknown { method: "future/ping".into(), params: None });
    assert!(serde_json::from_str::<ServerNotification>(r#"{"params":{}}"#).is_err(), "a method is required");
}

#[test]
fn a_value_of_an_unknown_shape_decodes_to_the_untagged_enums_unknown() {
    use openai_codex::types::{McpElicitationPrimitiveSchema, RequestId, ResourceContent};
    // A JSON-RPC id that is neither a string nor an integer.
    let id: RequestId = serde_json::from_value(json!(1.5)).unwrap();
    assert_eq!(id, RequestId::Unknown(json!(1.5)));
    assert_eq!(id.to_string(), "1.5");
    assert_eq!(serde_json::from_value::<RequestId>(json!(7)).unwrap(), RequestId::Int64(7));
    // A resource of a kind this SDK does not know (neither `text` nor `blob`).
    let resource = json!({"uri": "file:///a", "hologram": {"frames": 3}});
    let decoded: ResourceContent = serde_json::from_value(resource.clone()).unwrap();
    assert_eq!(decoded, ResourceContent::Unknown(resource.clone()));
    assert_eq!(serde_json::to_value(&decoded).unwrap(), resource);
    // An elicitation form field that fits none of the known kinds keeps its raw value.
    let field = json!(["not", "a", "schema"]);
    let decoded: McpElicitationPrimitiveSchema = serde_json::from_value(field.clone()).unwrap();
    assert_eq!(decoded, McpElicitationPrimitiveSchema::Unknown(field));
}
