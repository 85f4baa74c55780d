//! Bad input is an error that names the file, the entry and the fix, never a
//! panic: one test per kind of mistake in `templates/api.toml`, and a schema
//! whose server request has no params or a request that has no response.

use openai_codex_codegen::catalog::{Catalog, Method, Params};
use openai_codex_codegen::emit_api::{emit_client_methods, emit_handler};
use openai_codex_codegen::api_table::ApiTable;
use openai_codex_codegen::Workspace;

/// A small valid table; each test breaks one value of it.
const TABLE: &str = r#"
[methods."thread/resume"]
builder = "ThreadResumeBuilder"
owner = "Codex"
entry = "thread_resume"
send = "crate::api::thread::resume"
output = "crate::Thread"
args = [{ wire = "threadId", name = "thread_id", type = "impl Into<String>" }]

[methods."thread/resume".expose]
approvalPolicy = { name = "approval_mode", type = "crate::ApprovalMode", apply = "crate::api::convert::approval_mode", default = "crate::ApprovalMode::AutoReview" }
cwd = { type = "impl AsRef<std::path::Path>", apply = "crate::api::convert::path" }
"#;

/// The error of parsing [`TABLE`] with `from` replaced by `to`, with its whole chain.
fn table_error(from: &str, to: &str) -> String {
    assert_eq!(TABLE.matches(from).count(), 1, "the anchor `{from}` must be unique");
    let error = ApiTable::parse(&TABLE.replacen(from, to, 1)).expect_err("the edited table must be refused");
    format!("{error:#}")
}

fn assert_names(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(message.contains(part), "the error should name {part:?}:\n{message}");
    }
}

#[test]
fn the_tables_parse() {
    ApiTable::parse(TABLE).unwrap();
    ApiTable::load(&Workspace::this().templates_dir().join("api.toml")).unwrap();
}

const ENTRY: &str = "templates/api.toml [methods.\"thread/resume\"]";

#[test]
fn a_builder_name_that_is_not_an_identifier() {
    let message = table_error("\"ThreadResumeBuilder\"", "\"ThreadResume Builder\"");
    assert_names(&message, &[ENTRY, "] builder:", "`ThreadResume Builder`", "write a type name"]);
}

#[test]
fn an_entry_name_that_is_a_keyword() {
    let message = table_error("entry = \"thread_resume\"", "entry = \"loop\"");
    assert_names(&message, &[ENTRY, "] entry:", "`loop`", "keyword", "write a snake_case method name"]);
}

#[test]
fn a_setter_name_that_is_not_an_identifier() {
    let message = table_error("\"approval_mode\"", "\"approval-mode\"");
    assert_names(&message, &[ENTRY, "] expose.approvalPolicy.name:", "`approval-mode`", "set `name`"]);
}

#[test]
fn a_wire_name_whose_default_setter_name_is_a_keyword() {
    let message = table_error("cwd = {", "type = {");
    assert_names(&message, &[ENTRY, "] expose.type.name:", "`type`", "keyword", "set `name`"]);
}

#[test]
fn an_argument_name_that_is_not_an_identifier() {
    let message = table_error("name = \"thread_id\"", "name = \"thread id\"");
    assert_names(&message, &[ENTRY, "] args[0].name:", "`thread id`", "write a snake_case parameter name"]);
}

#[test]
fn an_argument_type_that_does_not_parse() {
    let message = table_error("type = \"impl Into<String>\"", "type = \"impl Into<String\"");
    assert_names(&message, &[ENTRY, "] args[0].type:", "not a Rust type", "write one such as"]);
}

#[test]
fn a_default_that_does_not_parse() {
    let message = table_error("default = \"crate::ApprovalMode::AutoReview\"", "default = \"crate::ApprovalMode::\"");
    assert_names(&message, &[ENTRY, "] expose.approvalPolicy.default:", "not a Rust expression", "write one such as"]);
}

#[test]
fn an_output_type_that_does_not_parse() {
    let message = table_error("output = \"crate::Thread\"", "output = \"crate::Thread<\"");
    assert_names(&message, &[ENTRY, "] output:", "not a Rust type", "write one such as"]);
}

#[test]
fn a_send_path_that_does_not_parse() {
    let message = table_error("send = \"crate::api::thread::resume\"", "send = \"crate::api::thread::resume()\"");
    assert_names(&message, &[ENTRY, "] send:", "not a Rust path", "write a path to a function"]);
}

#[test]
fn a_setter_apply_that_does_not_parse() {
    let message = table_error("apply = \"crate::api::convert::path\"", "apply = \"crate::api::convert::path(x)\"");
    assert_names(&message, &[ENTRY, "] expose.cwd.apply:", "not a Rust path", "write a path to a function"]);
}

#[test]
fn a_type_without_apply() {
    let message = table_error(", apply = \"crate::api::convert::path\"", "");
    assert_names(&message, &[ENTRY, "] expose.cwd:", "`type` and `apply` go together", "give both"]);
}

#[test]
fn options_setters_without_options() {
    let message = table_error("[methods.\"thread/resume\".expose]", "[methods.\"thread/resume\".options_setters]\ntimeout = { type = \"u64\", apply = \"f\", doc = \"d\" }\n\n[methods.\"thread/resume\".expose]");
    assert_names(&message, &[ENTRY, "`options_setters` need `options`", "add `options ="]);
}

#[test]
fn an_unknown_key() {
    let message = table_error("entry = \"thread_resume\"", "entry = \"thread_resume\"\nentyr = \"typo\"");
    assert_names(&message, &["templates/api.toml", "unknown field `entyr`"]);
}

fn method(wire: &str, params: Params, response: Option<&str>) -> Method {
    Method {
        wire: wire.into(),
        type_ident: "ItemFutureAsk".into(),
        fn_ident: "item_future_ask".into(),
        params,
        response: response.map(Into::into),
        description: None,
        thread_id: None,
        turn_id: None,
    }
}

fn catalog(client_requests: Vec<Method>, server_requests: Vec<Method>) -> Catalog {
    Catalog { client_requests, notifications: Vec::new(), server_requests, client_notifications: Vec::new() }
}

#[test]
fn a_server_request_without_params() {
    let catalog = catalog(Vec::new(), vec![method("item/future/ask", Params::None, Some("AskResponse"))]);
    let message = format!("{:#}", emit_handler(&catalog).expect_err("a paramless server request is refused"));
    assert_names(&message, &["schema/snapshot/ServerRequest.json", "`item/future/ask`", "has no params", "teach"]);
}

#[test]
fn a_server_request_without_a_response() {
    let catalog = catalog(Vec::new(), vec![method("item/future/ask", Params::Required("AskParams".into()), None)]);
    let message = format!("{:#}", emit_handler(&catalog).expect_err("a server request without a response is refused"));
    assert_names(&message, &["schema/snapshot/ServerRequest.json", "`item/future/ask`", "no response type", "templates/response_types.toml"]);
}

#[test]
fn a_client_request_without_a_response() {
    let catalog = catalog(vec![method("item/future/ask", Params::None, None)], Vec::new());
    let message = format!("{:#}", emit_client_methods(&catalog).expect_err("a request without a response is refused"));
    assert_names(&message, &["schema/snapshot/ClientRequest.json", "`item/future/ask`", "no response type", "templates/response_types.toml"]);
}

/// A field the table names but the params type does not have: one error,
/// from the one place that knows the params' fields (the wire index).
#[test]
fn a_field_the_params_no_longer_have() {
    use openai_codex_codegen::api_table::StableFields;
    use openai_codex_codegen::wire_index::WireIndex;

    let types: syn::File = syn::parse_quote! {
        pub struct ThreadResumeParams {
            #[serde(rename = "threadId")]
            pub thread_id: String,
            #[serde(rename = "approvalPolicy", default, skip_serializing_if = "Option::is_none")]
            pub approval_policy: Option<String>,
        }
    };
    let index = WireIndex::of(&types);
    let fields: Vec<(&str, bool)> =
        index.fields("ThreadResumeParams").unwrap().iter().map(|field| (field.wire.as_str(), field.required)).collect();
    assert_eq!(fields, [("threadId", true), ("approvalPolicy", false)]);

    let table = ApiTable::parse(TABLE).unwrap();
    let mut request = method("thread/resume", Params::Required("ThreadResumeParams".into()), Some("R"));
    request.type_ident = "ThreadResume".into();
    let catalog = catalog(vec![request], Vec::new());
    let error = table.plans(&catalog, &index, &StableFields::default()).expect_err("`cwd` is not a field");
    assert_names(&format!("{error:#}"), &[ENTRY, "names the field `cwd`", "no longer have"]);
}
