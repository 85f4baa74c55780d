//! The forwarding step (`emit_forwarding`): a method written once in a
//! source template reaches every layer that wraps it, with the same
//! signature and docs; adding a client setting is one edit; and a method it
//! cannot forward is an error naming the file, the method and the fix.

use std::fs;

use openai_codex_codegen::emit_forwarding::{emit_forwarding, Forwarding, Target, Via, FORWARDINGS};
use openai_codex_codegen::generate::generate;
use openai_codex_codegen::Workspace;
use quote::ToTokens;

/// A small settings source, forwarded as `ClientBuilder`'s settings are.
const SETTINGS: Forwarding = Forwarding {
    source: "src/client/settings.rs",
    what: "the settings of a test builder",
    targets: &[
        Target { path: "crate::CodexBuilder", via: Via::Builder("with_client") },
        Target { path: "crate::blocking::CodexBuilder", via: Via::Builder("with_client") },
    ],
};

/// A small handle source, forwarded as the login handles' methods are.
const HANDLE: Forwarding = Forwarding {
    source: "src/api/auth/login.rs",
    what: "the methods of a test handle",
    targets: &[Target { path: "crate::blocking::Login", via: Via::Blocking { inner: "inner", runtime: "runtime" } }],
};

const SOURCE: &str = r#"
use super::*;

mod forward;

impl ClientBuilder {
    /// How many widgets, see [`frobnicate`](Self::frobnicate).
    pub fn widgets(mut self, count: usize) -> Self {
        self.widgets = count;
        self
    }
}
"#;

/// The forwarding file's impl blocks, as (target type, methods as text).
fn impls(file: &syn::File) -> Vec<(String, Vec<String>)> {
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(block) => Some((
                compact(&block.self_ty),
                block.items.iter().map(|item| item.to_token_stream().to_string()).collect(),
            )),
            _ => None,
        })
        .collect()
}

fn compact(tokens: &impl ToTokens) -> String {
    tokens.to_token_stream().to_string().replace(' ', "")
}

fn error(forwarding: &Forwarding, source: &str) -> String {
    format!("{:#}", emit_forwarding(forwarding, source).expect_err("the source must be refused"))
}

fn assert_names(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(message.contains(part), "the error should name {part:?}:\n{message}");
    }
}

#[test]
fn a_new_setting_reaches_both_builders_with_its_signature_and_docs() {
    let file = emit_forwarding(&SETTINGS, SOURCE).unwrap();
    let impls = impls(&file);
    let targets: Vec<&str> = impls.iter().map(|(target, _)| target.as_str()).collect();
    assert_eq!(targets, ["crate::CodexBuilder", "crate::blocking::CodexBuilder"]);
    for (target, methods) in &impls {
        assert_eq!(methods.len(), 1, "{target}");
        let method = &methods[0];
        assert!(method.contains("pub fn widgets (self , count : usize) -> Self"), "{target}: {method}");
        assert!(method.contains("self . with_client (| inner | inner . widgets (count))"), "{target}: {method}");
        // `Self` is the source builder in the source's docs, another type here.
        assert!(method.contains("(ClientBuilder::frobnicate)"), "{target}: {method}");
        assert!(!method.contains("Self::"), "{target}: {method}");
        assert!(method.contains("Forwarded to [`ClientBuilder::widgets`]."), "{target}: {method}");
    }
    // The forwarders see the source's names, so doc links resolve the same.
    assert!(file.items.iter().any(|item| compact(item).ends_with("usesuper::*;")));
}

#[test]
fn generics_where_clauses_and_mut_arguments_are_forwarded() {
    let source = r#"
mod forward;
impl ClientBuilder {
    /// A generic setter.
    pub fn tagged<T: Into<String>, const N: usize>(mut self, mut tag: T, extra: impl AsRef<str>) -> Self
    where
        T: Clone,
    {
        self
    }
}
"#;
    let file = emit_forwarding(&SETTINGS, source).unwrap();
    let (_, methods) = &impls(&file)[0];
    let method = methods[0].replace(' ', "");
    assert!(method.contains("pubfntagged<T:Into<String>,constN:usize>(self,tag:T,extra:implAsRef<str>)->SelfwhereT:Clone,"), "{method}");
    assert!(method.contains("inner.tagged::<T,N>(tag,extra)"), "{method}");
}

#[test]
fn a_handle_method_blocks_on_an_async_one_and_keeps_the_impl_generics() {
    let source = r#"
use super::*;
mod forward;
impl<K> Login<K> {
    /// The id.
    pub fn login_id(&self) -> &str { &self.id }
    /// Waits.
    pub async fn wait(&mut self, timeout: Option<Duration>) -> Result<LoginOutcome> { todo!() }
}
impl Login<Browser> {
    /// The URL.
    pub fn auth_url(&self) -> &str { &self.kind.url }
}
"#;
    let file = emit_forwarding(&HANDLE, source).unwrap();
    let impls = impls(&file);
    let targets: Vec<&str> = impls.iter().map(|(target, _)| target.as_str()).collect();
    assert_eq!(targets, ["crate::blocking::Login<K>", "crate::blocking::Login<Browser>"]);
    let generic = &impls[0].1;
    assert!(generic[0].contains("pub fn login_id (& self) -> & str { self . inner . login_id () }"), "{generic:?}");
    assert!(generic[1].contains("pub fn wait (& mut self , timeout : Option < Duration >) -> Result < LoginOutcome >"), "{generic:?}");
    assert!(generic[1].contains("self . runtime . block_on (self . inner . wait (timeout))"), "{generic:?}");
    assert!(generic[1].contains("Blocks on [`Login::wait`]."), "{generic:?}");
    let file_text = file.to_token_stream().to_string();
    assert!(file_text.contains("impl < K > crate :: blocking :: Login < K >"), "{file_text}");
}

/// The proof that a client option is one edit: add a setter to the real
/// settings template (in a copy of the workspace) and generate; both
/// builders get it, and nothing else is needed.
#[test]
fn adding_a_client_setting_is_one_edit() {
    let scratch = tempfile::tempdir().unwrap();
    let root = Workspace::this();
    for folder in ["schema", "templates"] {
        copy_tree(&root.root().join(folder), &scratch.path().join(folder));
    }
    let settings = scratch.path().join("templates/sdk/src/client/settings.rs");
    let text = fs::read_to_string(&settings).unwrap();
    let edited = text.replacen(
        "impl ClientBuilder {\n",
        "impl ClientBuilder {\n    /// A brand-new option.\n    pub fn brand_new_option(mut self, on: bool) -> Self {\n        self.experimental_api = on;\n        self\n    }\n\n",
        1,
    );
    assert_ne!(edited, text, "the settings template has moved; update this test");
    fs::write(&settings, edited).unwrap();

    let generation = generate(&Workspace::at(scratch.path())).unwrap();
    let forward = generation
        .files
        .iter()
        .find(|file| file.path.to_string_lossy().replace('\\', "/") == SETTINGS.output())
        .expect("the settings' forwarding file is generated");
    let file = syn::parse_file(forward.contents.trim_start_matches(|c| c != '\n')).unwrap();
    for (target, methods) in impls(&file) {
        assert!(
            methods.iter().any(|method| method.contains("pub fn brand_new_option (self , on : bool) -> Self")),
            "{target} lacks the new setter"
        );
    }
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    for file in openai_codex_codegen::files::walk(from).unwrap() {
        let target = to.join(file.strip_prefix(from).unwrap());
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::copy(&file, target).unwrap();
    }
}

/// Every setter of the real `ClientBuilder` settings reaches both builders
/// (and `handler`, which is not a setting there, reaches neither).
#[test]
fn the_real_settings_reach_both_builders() {
    let templates = Workspace::this().templates_dir().join("sdk");
    let client = FORWARDINGS.iter().find(|forwarding| forwarding.source == "src/client/settings.rs").unwrap();
    let source = fs::read_to_string(templates.join(client.source)).unwrap();
    let file = emit_forwarding(client, &source).unwrap();
    let names = |methods: &[String]| -> Vec<String> {
        methods.iter().map(|method| method.split("pub fn ").nth(1).unwrap().split([' ', '<']).next().unwrap().to_owned()).collect()
    };
    let impls = impls(&file);
    assert_eq!(impls.len(), 2);
    let first = names(&impls[0].1);
    for expected in ["codex_bin", "config", "arg", "env", "env_remove", "cwd", "client_info", "client_title", "request_timeout", "bearer_token", "start_daemon_if_missing"] {
        assert!(first.contains(&expected.to_owned()), "missing {expected}: {first:?}");
    }
    assert!(!first.contains(&"handler".to_owned()));
    assert_eq!(first, names(&impls[1].1));
}

const FILE: &str = "templates/sdk/src/client/settings.rs";

#[test]
fn a_setter_taking_a_reference_is_refused() {
    let message = error(&SETTINGS, "mod forward;\nimpl ClientBuilder {\n    /// Doc.\n    pub fn widgets(&mut self, count: usize) -> &mut Self { self }\n}\n");
    assert_names(&message, &[FILE, "`ClientBuilder::widgets`", "not a setter", "pub fn widgets(mut self, ..) -> Self"]);
}

#[test]
fn a_setter_returning_something_else_is_refused() {
    let message = error(&SETTINGS, "mod forward;\nimpl ClientBuilder {\n    pub fn widgets(mut self, count: usize) {}\n}\n");
    assert_names(&message, &[FILE, "`ClientBuilder::widgets`", "not a setter", "-> Self"]);
}

#[test]
fn an_async_setter_is_refused() {
    let message = error(&SETTINGS, "mod forward;\nimpl ClientBuilder {\n    pub async fn widgets(mut self) -> Self { self }\n}\n");
    assert_names(&message, &[FILE, "`ClientBuilder::widgets`", "`async`", "plain `fn`"]);
}

#[test]
fn a_private_helper_is_refused() {
    let message = error(&SETTINGS, "mod forward;\nimpl ClientBuilder {\n    fn helper(mut self) -> Self { self }\n}\n");
    assert_names(&message, &[FILE, "`ClientBuilder::helper`", "not `pub`", "move it to the type's own file"]);
}

#[test]
fn a_pattern_argument_is_refused() {
    let message = error(&SETTINGS, "mod forward;\nimpl ClientBuilder {\n    pub fn pair(mut self, (a, b): (u8, u8)) -> Self { self }\n}\n");
    assert_names(&message, &[FILE, "`ClientBuilder::pair`", "is a pattern", "write `name: Type`"]);
}

#[test]
fn an_argument_named_like_the_closure_parameter_is_refused() {
    let message = error(&SETTINGS, "mod forward;\nimpl ClientBuilder {\n    pub fn wrap(mut self, inner: u8) -> Self { self }\n}\n");
    assert_names(&message, &[FILE, "`ClientBuilder::wrap`", "`inner`", "rename it"]);
}

#[test]
fn an_argument_naming_self_is_refused() {
    let message = error(&SETTINGS, "mod forward;\nimpl ClientBuilder {\n    pub fn merge(mut self, other: Self) -> Self { self }\n}\n");
    assert_names(&message, &[FILE, "`ClientBuilder::merge`", "`Self`", "name the type instead"]);
}

#[test]
fn a_missing_module_declaration_is_refused() {
    let message = error(&SETTINGS, "impl ClientBuilder {\n    pub fn widgets(mut self) -> Self { self }\n}\n");
    assert_names(&message, &[FILE, "declare it with `mod forward;`"]);
}

#[test]
fn a_trait_impl_or_a_constant_is_refused() {
    let message = error(&SETTINGS, "mod forward;\nimpl Default for ClientBuilder {\n    fn default() -> Self { todo!() }\n}\n");
    assert_names(&message, &[FILE, "`impl Default for ClientBuilder`", "trait impl", "move the trait impl"]);
    let message = error(&SETTINGS, "mod forward;\nimpl ClientBuilder {\n    pub const LIMIT: u8 = 1;\n}\n");
    assert_names(&message, &[FILE, "`const LIMIT`", "move it to the type's own file"]);
}

#[test]
fn methods_of_two_types_are_refused() {
    let message = error(&SETTINGS, "mod forward;\nimpl ClientBuilder {}\nimpl Other {}\n");
    assert_names(&message, &[FILE, "`ClientBuilder`", "`Other`", "move the others to a file of their own"]);
}

#[test]
fn a_source_that_does_not_parse_is_refused() {
    let message = error(&SETTINGS, "mod forward;\nimpl ClientBuilder {\n    pub fn widgets(mut self -> Self { self }\n}\n");
    assert_names(&message, &[FILE, "not valid Rust", "fix the syntax"]);
}

#[test]
fn a_handle_method_taking_self_by_value_is_refused() {
    let message = error(&HANDLE, "mod forward;\nimpl<K> Login<K> {\n    pub fn into_id(self) -> String { todo!() }\n}\n");
    assert_names(&message, &["templates/sdk/src/api/auth/login.rs", "`Login::into_id`", "by value", "take `&self` or `&mut self`"]);
}

#[test]
fn a_generated_path_with_a_template_is_refused() {
    let scratch = tempfile::tempdir().unwrap();
    let root = Workspace::this();
    for folder in ["schema", "templates"] {
        copy_tree(&root.root().join(folder), &scratch.path().join(folder));
    }
    let shadow = scratch.path().join("templates/sdk").join(SETTINGS.output());
    fs::create_dir_all(shadow.parent().unwrap()).unwrap();
    fs::write(&shadow, "// hand-written\n").unwrap();
    let message = format!("{:#}", generate(&Workspace::at(scratch.path())).expect_err("a template at a generated path is refused"));
    assert_names(&message, &["templates/sdk/src/client/settings/forward.rs is generated", "delete the template"]);
}
