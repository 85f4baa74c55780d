//! Tools written in Rust that the model calls: [`Tool`], [`ToolNamespace`],
//! [`Toolset`], and the layer that answers the runtime's `item/tool/call`
//! requests with them.
//!
//! A thread gets its tools when it starts (`thread/start` sends their specs as
//! `dynamicTools`); the runtime stores them with the thread, so a resumed or
//! forked thread still offers them to the model. When the model calls one,
//! the runtime asks the client (`item/tool/call`, with the thread, the tool's
//! name and namespace, and the arguments); the SDK finds the tool among the
//! ones registered for that thread, decodes the arguments into the tool's
//! argument type, runs it, and answers with its output, which the model gets
//! as the call's output.
//!
//! Whatever goes wrong becomes an answer with `success: false` and a message
//! the model can read: arguments that do not decode, a tool that is not
//! registered, an error returned by the tool, a panic in it, or its time
//! limit. The client never hangs and never crashes on a tool call. Calls run
//! concurrently, each on its own task.
//!
//! A tool call for a thread that has no tools registered with this client
//! goes to the client's [`ServerRequestHandler`](crate::handler::ServerRequestHandler)
//! (`item_tool_call`), which can answer it from the raw request.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures::FutureExt;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::strict_schema::{strict_schema_for, StrictSchemaError};
use crate::types::{
    DynamicToolCallOutputContentItem, DynamicToolCallParams, DynamicToolCallResponse, DynamicToolNamespaceTool,
    DynamicToolSpec,
};

/// How long a tool may run unless [`Tool::timeout`] says otherwise: five
/// minutes. When it runs out, the call is answered as failed ("timed out")
/// and the tool's future is dropped.
pub const DEFAULT_TOOL_TIMEOUT: Duration = Duration::from_secs(5 * 60);

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;
type Handler = Arc<dyn Fn(ToolCall) -> BoxFuture<ToolOutput> + Send + Sync>;

/// One call of a tool, as the runtime sent it: who calls, and the raw
/// arguments (the tool function gets them decoded; [`Tool::with_call`]
/// passes this too).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ToolCall {
    /// The thread whose turn calls the tool.
    pub thread_id: String,
    /// The turn that calls it.
    pub turn_id: String,
    /// The model's id of this call.
    pub call_id: String,
    /// The tool's name.
    pub tool: String,
    /// The tool's namespace, for a tool in a [`ToolNamespace`].
    pub namespace: Option<String>,
    /// The arguments as the model wrote them.
    pub arguments: Value,
}

impl ToolCall {
    fn from_wire(params: &DynamicToolCallParams) -> Self {
        Self {
            thread_id: params.thread_id.clone(),
            turn_id: params.turn_id.clone(),
            call_id: params.call_id.clone(),
            tool: params.tool.clone(),
            namespace: params.namespace.clone(),
            arguments: params.arguments.clone(),
        }
    }

    /// `namespace.tool`, or just `tool`.
    fn qualified_name(&self) -> String {
        qualified(self.namespace.as_deref(), &self.tool)
    }
}

fn qualified(namespace: Option<&str>, name: &str) -> String {
    match namespace {
        Some(namespace) => format!("{namespace}.{name}"),
        None => name.to_owned(),
    }
}

/// What a tool call gives the model: text and images, and whether the call
/// succeeded (a failed call's items are still what the model reads; the
/// call's item in the thread is marked failed).
///
/// ```
/// use openai_codex::ToolOutput;
///
/// let output = ToolOutput::text("18 °C and sunny").and_image_url("https://example.com/sky.png");
/// assert!(output.is_success());
/// assert_eq!(output.items().len(), 2);
/// assert!(!ToolOutput::failure("no such city").is_success());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ToolOutput {
    items: Vec<DynamicToolCallOutputContentItem>,
    success: bool,
}

impl ToolOutput {
    /// A successful output of one text.
    pub fn text(text: impl Into<String>) -> Self {
        Self { items: Vec::new(), success: true }.and_text(text)
    }

    /// A successful output of one image, by URL (`https://...` or a
    /// `data:image/png;base64,...` URL).
    pub fn image_url(url: impl Into<String>) -> Self {
        Self { items: Vec::new(), success: true }.and_image_url(url)
    }

    /// A failed call, with a message that tells the model what went wrong.
    pub fn failure(message: impl Into<String>) -> Self {
        Self { items: Vec::new(), success: false }.and_text(message)
    }

    /// Adds a text.
    #[must_use]
    pub fn and_text(mut self, text: impl Into<String>) -> Self {
        self.items.push(DynamicToolCallOutputContentItem::InputText { text: text.into() });
        self
    }

    /// Adds an image, by URL.
    #[must_use]
    pub fn and_image_url(mut self, url: impl Into<String>) -> Self {
        self.items.push(DynamicToolCallOutputContentItem::InputImage { image_url: url.into() });
        self
    }

    /// Whether the call succeeded.
    pub fn is_success(&self) -> bool {
        self.success
    }

    /// The content the model gets, in order.
    pub fn items(&self) -> &[DynamicToolCallOutputContentItem] {
        &self.items
    }

    /// The wire answer to `item/tool/call`.
    pub fn into_response(self) -> DynamicToolCallResponse {
        // Arguments in field order: content_items, success.
        DynamicToolCallResponse::new(self.items, self.success)
    }
}

/// What a tool function may return: anything that becomes a [`ToolOutput`].
///
/// - [`ToolOutput`] itself (text and images, success or failure);
/// - `String` and `&str`: one text;
/// - [`serde_json::Value`]: its JSON text;
/// - `Result<T, E>` with `T` one of these and `E: Display` (`anyhow::Error`,
///   `std::io::Error`, your own error, ...): `Err` is a failed call whose
///   message is `error: <the error>`.
pub trait IntoToolOutput {
    /// The output.
    fn into_tool_output(self) -> ToolOutput;
}

impl IntoToolOutput for ToolOutput {
    fn into_tool_output(self) -> ToolOutput {
        self
    }
}

impl IntoToolOutput for String {
    fn into_tool_output(self) -> ToolOutput {
        ToolOutput::text(self)
    }
}

impl IntoToolOutput for &str {
    fn into_tool_output(self) -> ToolOutput {
        ToolOutput::text(self)
    }
}

impl IntoToolOutput for Value {
    fn into_tool_output(self) -> ToolOutput {
        ToolOutput::text(self.to_string())
    }
}

impl<T: IntoToolOutput, E: fmt::Display> IntoToolOutput for std::result::Result<T, E> {
    fn into_tool_output(self) -> ToolOutput {
        match self {
            Ok(output) => output.into_tool_output(),
            Err(error) => ToolOutput::failure(format!("error: {error}")),
        }
    }
}

/// A tool the model can call: a name, a description for the model, an input
/// schema, and a Rust function that runs it.
///
/// The argument type gives the schema: it implements
/// [`Deserialize`](serde::Deserialize) and [`JsonSchema`], and its schema is
/// converted to OpenAI's strict subset (the converter of
/// [`OutputSchema::for_type`](crate::OutputSchema::for_type)), so the model
/// is told exactly what to send, and the arguments arrive as that type.
///
/// ```
/// use openai_codex::schemars::JsonSchema;
/// use openai_codex::Tool;
/// use serde::Deserialize;
///
/// #[derive(Deserialize, JsonSchema)]
/// #[schemars(crate = "openai_codex::schemars")]
/// struct WeatherArgs {
///     /// The city to look up.
///     city: String,
/// }
///
/// let weather = Tool::new("get_weather", "Current weather of a city.", |args: WeatherArgs| async move {
///     format!("18 °C and sunny in {}", args.city)
/// })?;
/// assert_eq!(weather.name(), "get_weather");
/// assert_eq!(weather.input_schema()["required"], serde_json::json!(["city"]));
/// # Ok::<(), openai_codex::Error>(())
/// ```
#[derive(Clone)]
pub struct Tool {
    name: String,
    description: String,
    input_schema: Value,
    timeout: Option<Duration>,
    defer_loading: Option<bool>,
    handler: Handler,
}

impl fmt::Debug for Tool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tool")
            .field("name", &self.name)
            .field("description", &self.description)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Tool {
    /// A tool that runs the async function `run` with the decoded arguments.
    /// Its output is anything [`IntoToolOutput`] (a `String`, a
    /// [`ToolOutput`], a `Result` of those, ...).
    ///
    /// Fails with [`Error::UnsupportedSchema`] when strict mode cannot
    /// express `A` (a free-form map, `serde_json::Value`, a root that is not
    /// an object, ...).
    pub fn new<A, F, Fut, R>(name: impl Into<String>, description: impl Into<String>, run: F) -> Result<Self>
    where
        A: DeserializeOwned + JsonSchema + Send + 'static,
        F: Fn(A) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoToolOutput + 'static,
    {
        Self::with_call(name, description, move |args: A, _call: ToolCall| run(args))
    }

    /// Like [`Tool::new`], and the function also gets the [`ToolCall`]
    /// (thread, turn, call id, raw arguments).
    pub fn with_call<A, F, Fut, R>(name: impl Into<String>, description: impl Into<String>, run: F) -> Result<Self>
    where
        A: DeserializeOwned + JsonSchema + Send + 'static,
        F: Fn(A, ToolCall) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoToolOutput + 'static,
    {
        let input_schema = tool_schema::<A>()?;
        let run = Arc::new(run);
        let handler: Handler = Arc::new(move |call: ToolCall| {
            let run = Arc::clone(&run);
            Box::pin(async move {
                let args = match decode_arguments::<A>(&call) {
                    Ok(args) => args,
                    Err(failure) => return failure,
                };
                run(args, call).await.into_tool_output()
            })
        });
        Ok(Self::from_parts(name.into(), description.into(), input_schema, handler))
    }

    /// A tool whose function blocks (file or database work, a CPU-bound
    /// computation): it runs on tokio's blocking thread pool, so it never
    /// holds up the client. For the blocking API as much as the async one.
    ///
    /// A blocking function cannot be stopped: when its time limit runs out
    /// the call is answered as failed, and the function finishes unobserved.
    pub fn blocking<A, F, R>(name: impl Into<String>, description: impl Into<String>, run: F) -> Result<Self>
    where
        A: DeserializeOwned + JsonSchema + Send + 'static,
        F: Fn(A) -> R + Send + Sync + 'static,
        R: IntoToolOutput + Send + 'static,
    {
        let input_schema = tool_schema::<A>()?;
        let run = Arc::new(run);
        let handler: Handler = Arc::new(move |call: ToolCall| {
            let run = Arc::clone(&run);
            Box::pin(async move {
                let args = match decode_arguments::<A>(&call) {
                    Ok(args) => args,
                    Err(failure) => return failure,
                };
                match tokio::task::spawn_blocking(move || run(args).into_tool_output()).await {
                    Ok(output) => output,
                    // The function panicked on its thread: report it as a panic.
                    Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
                    Err(_) => ToolOutput::failure(format!("the tool `{}` was cancelled", call_name(&call))),
                }
            })
        });
        Ok(Self::from_parts(name.into(), description.into(), input_schema, handler))
    }

    fn from_parts(name: String, description: String, input_schema: Value, handler: Handler) -> Self {
        Self { name, description, input_schema, timeout: Some(DEFAULT_TOOL_TIMEOUT), defer_loading: None, handler }
    }

    /// The longest one call may run (default [`DEFAULT_TOOL_TIMEOUT`], five
    /// minutes; `None`: no limit). A call that runs longer is answered as
    /// failed, telling the model it timed out, and its future is dropped.
    #[must_use]
    pub fn timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.timeout = timeout.into();
        self
    }

    /// Asks the runtime to load the tool only when the model searches for
    /// it, instead of listing it in every request (the wire's `deferLoading`).
    #[must_use]
    pub fn defer_loading(mut self, defer: bool) -> Self {
        self.defer_loading = Some(defer);
        self
    }

    /// The tool's name, as the model calls it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the model is told the tool does.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The JSON Schema of the arguments, as sent to the runtime.
    pub fn input_schema(&self) -> &Value {
        &self.input_schema
    }

    fn spec(&self) -> DynamicToolSpec {
        DynamicToolSpec::Function {
            defer_loading: self.defer_loading,
            description: self.description.clone(),
            input_schema: self.input_schema.clone(),
            name: self.name.clone(),
        }
    }

    fn namespace_spec(&self) -> DynamicToolNamespaceTool {
        DynamicToolNamespaceTool::Function {
            defer_loading: self.defer_loading,
            description: self.description.clone(),
            input_schema: self.input_schema.clone(),
            name: self.name.clone(),
        }
    }

    /// Runs one call: within the time limit, with a panic caught.
    async fn call(&self, call: ToolCall) -> ToolOutput {
        let name = call.qualified_name();
        let running = AssertUnwindSafe((self.handler)(call)).catch_unwind();
        let outcome = match self.timeout {
            Some(limit) => match tokio::time::timeout(limit, running).await {
                Ok(outcome) => outcome,
                Err(_) => {
                    tracing::warn!(tool = %name, ?limit, "a tool call timed out");
                    return ToolOutput::failure(format!("error: the tool `{name}` timed out after {limit:?}"));
                }
            },
            None => running.await,
        };
        outcome.unwrap_or_else(|panic| {
            let message = panic_message(panic.as_ref());
            tracing::warn!(tool = %name, panic = %message, "a tool panicked");
            ToolOutput::failure(format!("error: the tool `{name}` failed unexpectedly (it panicked)"))
        })
    }
}

fn call_name(call: &ToolCall) -> String {
    call.qualified_name()
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a non-text panic payload".to_owned())
}

/// The strict-mode schema of a tool's argument type.
fn tool_schema<A: JsonSchema>() -> Result<Value> {
    strict_schema_for::<A>().map_err(|error: StrictSchemaError| Error::UnsupportedSchema(error))
}

/// The call's arguments as `A`, or the failure the model gets.
fn decode_arguments<A: DeserializeOwned>(call: &ToolCall) -> std::result::Result<A, ToolOutput> {
    // Some models send the arguments as a JSON string: read it as JSON.
    let decoded = match &call.arguments {
        Value::String(text) => serde_json::from_str::<A>(text)
            .or_else(|_| serde_json::from_value::<A>(call.arguments.clone())),
        other => serde_json::from_value::<A>(other.clone()),
    };
    decoded.map_err(|error| {
        tracing::debug!(tool = %call.qualified_name(), %error, "tool arguments did not decode");
        ToolOutput::failure(format!(
            "error: the arguments of `{}` do not match its input schema: {error}",
            call.qualified_name()
        ))
    })
}

/// A group of tools under one name (the wire's `namespace` tool spec): the
/// model sees the group's description and calls its tools by the group's
/// name and the tool's.
///
/// ```
/// # use openai_codex::schemars::JsonSchema;
/// # use serde::Deserialize;
/// use openai_codex::{Tool, ToolNamespace};
///
/// # #[derive(Deserialize, JsonSchema)]
/// # #[schemars(crate = "openai_codex::schemars")]
/// # struct Path { path: String }
/// let files = ToolNamespace::new("files", "Read the project's notes.")
///     .tool(Tool::new("read", "Read a note.", |args: Path| async move { format!("contents of {}", args.path) })?);
/// assert_eq!(files.tools().len(), 1);
/// # Ok::<(), openai_codex::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ToolNamespace {
    name: String,
    description: String,
    tools: Vec<Tool>,
}

impl ToolNamespace {
    /// An empty group.
    pub fn new(name: impl Into<String>, description: impl Into<String>) -> Self {
        Self { name: name.into(), description: description.into(), tools: Vec::new() }
    }

    /// Adds a tool to the group.
    #[must_use]
    pub fn tool(mut self, tool: Tool) -> Self {
        self.tools.push(tool);
        self
    }

    /// The group's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The group's tools.
    pub fn tools(&self) -> &[Tool] {
        &self.tools
    }

    fn spec(&self) -> DynamicToolSpec {
        DynamicToolSpec::Namespace {
            description: self.description.clone(),
            name: self.name.clone(),
            tools: self.tools.iter().map(Tool::namespace_spec).collect(),
        }
    }
}

/// The tools of a thread: [`Tool`]s and [`ToolNamespace`]s. Give them to
/// `codex.thread_start().tools(...)` (or `thread_resume`, `thread_fork`);
/// a single tool, a namespace, or a `Vec`/array of tools converts into one.
///
/// ```
/// # use openai_codex::schemars::JsonSchema;
/// # use serde::Deserialize;
/// use openai_codex::{Tool, ToolNamespace, Toolset};
///
/// # #[derive(Deserialize, JsonSchema)]
/// # #[schemars(crate = "openai_codex::schemars")]
/// # struct Args { city: String }
/// let weather = Tool::new("get_weather", "Current weather.", |a: Args| async move { a.city })?;
/// let time = Tool::new("get_time", "Local time.", |a: Args| async move { a.city })?;
/// let tools = Toolset::new().tool(weather).namespace(ToolNamespace::new("clock", "Clocks.").tool(time));
/// assert_eq!(tools.len(), 2);
/// # Ok::<(), openai_codex::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Toolset {
    tools: Vec<Tool>,
    namespaces: Vec<ToolNamespace>,
}

impl Toolset {
    /// No tools.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a tool.
    #[must_use]
    pub fn tool(mut self, tool: Tool) -> Self {
        self.tools.push(tool);
        self
    }

    /// Adds a group of tools.
    #[must_use]
    pub fn namespace(mut self, namespace: ToolNamespace) -> Self {
        self.namespaces.push(namespace);
        self
    }

    /// Adds every tool and group of `other`.
    pub fn extend(&mut self, other: Toolset) {
        self.tools.extend(other.tools);
        self.namespaces.extend(other.namespaces);
    }

    /// How many tools there are, counting those in groups.
    pub fn len(&self) -> usize {
        self.tools.len() + self.namespaces.iter().map(|namespace| namespace.tools.len()).sum::<usize>()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The wire specs (`dynamicTools` of `thread/start`).
    pub fn specs(&self) -> Vec<DynamicToolSpec> {
        self.tools.iter().map(Tool::spec).chain(self.namespaces.iter().map(ToolNamespace::spec)).collect()
    }

    /// The tool a call names.
    fn find(&self, namespace: Option<&str>, name: &str) -> Option<&Tool> {
        match namespace {
            None => self.tools.iter().find(|tool| tool.name == name),
            Some(namespace) => self
                .namespaces
                .iter()
                .filter(|group| group.name == namespace)
                .flat_map(|group| group.tools.iter())
                .find(|tool| tool.name == name),
        }
    }

    /// Every callable name (`tool` or `namespace.tool`).
    fn names(&self) -> Vec<String> {
        self.tools
            .iter()
            .map(|tool| tool.name.clone())
            .chain(
                self.namespaces
                    .iter()
                    .flat_map(|group| group.tools.iter().map(|tool| qualified(Some(&group.name), &tool.name))),
            )
            .collect()
    }

    /// Refuses a set the model could not call unambiguously: an empty name,
    /// or a name given twice (a tool and a group share the top level).
    pub(crate) fn validate(&self) -> Result<()> {
        let invalid = |reason: String| Error::InvalidArgument { argument: "tools".to_owned(), reason };
        let mut top = BTreeSet::new();
        let top_names = self.tools.iter().map(|tool| &tool.name).chain(self.namespaces.iter().map(|group| &group.name));
        for name in top_names {
            if name.is_empty() {
                return Err(invalid("a tool or namespace has an empty name".to_owned()));
            }
            if !top.insert(name.clone()) {
                return Err(invalid(format!("the name `{name}` is given twice")));
            }
        }
        for group in &self.namespaces {
            let mut inner = BTreeSet::new();
            for tool in &group.tools {
                if tool.name.is_empty() {
                    return Err(invalid(format!("a tool of namespace `{}` has an empty name", group.name)));
                }
                if !inner.insert(tool.name.clone()) {
                    return Err(invalid(format!("the name `{}.{}` is given twice", group.name, tool.name)));
                }
            }
        }
        Ok(())
    }

    /// Answers one call.
    pub(crate) async fn answer(&self, call: ToolCall) -> ToolOutput {
        match self.find(call.namespace.as_deref(), &call.tool) {
            Some(tool) => tool.call(call).await,
            None => {
                let name = call.qualified_name();
                tracing::warn!(tool = %name, thread = %call.thread_id, "the model called a tool this client does not have");
                ToolOutput::failure(format!(
                    "error: there is no tool `{name}`; the tools are: {}",
                    self.names().join(", ")
                ))
            }
        }
    }
}

impl From<Tool> for Toolset {
    fn from(tool: Tool) -> Self {
        Self::new().tool(tool)
    }
}

impl From<ToolNamespace> for Toolset {
    fn from(namespace: ToolNamespace) -> Self {
        Self::new().namespace(namespace)
    }
}

impl From<Vec<Tool>> for Toolset {
    fn from(tools: Vec<Tool>) -> Self {
        Self { tools, namespaces: Vec::new() }
    }
}

impl<const N: usize> From<[Tool; N]> for Toolset {
    fn from(tools: [Tool; N]) -> Self {
        Self::from(Vec::from(tools))
    }
}

impl FromIterator<Tool> for Toolset {
    fn from_iter<I: IntoIterator<Item = Tool>>(tools: I) -> Self {
        Self::from(tools.into_iter().collect::<Vec<_>>())
    }
}

/// The tools registered with one connection, by thread id. Shared by the
/// connection's server-request answering (whatever the transport) and the
/// friendly API, which registers a thread's tools when it starts, resumes or
/// forks it. Registrations last as long as the connection.
#[derive(Default)]
pub(crate) struct ToolRegistry {
    threads: Mutex<HashMap<String, Arc<Toolset>>>,
}

impl ToolRegistry {
    fn threads(&self) -> MutexGuard<'_, HashMap<String, Arc<Toolset>>> {
        self.threads.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The tools of `thread_id` from now on (replacing any before).
    pub(crate) fn register(&self, thread_id: &str, tools: Arc<Toolset>) {
        self.threads().insert(thread_id.to_owned(), tools);
    }

    /// The tools registered for `thread_id`.
    pub(crate) fn get(&self, thread_id: &str) -> Option<Arc<Toolset>> {
        self.threads().get(thread_id).cloned()
    }

    /// The answer to an `item/tool/call`, if its thread has tools here
    /// (`None`: the client's handler answers it).
    pub(crate) fn answer(&self, params: &DynamicToolCallParams) -> Option<BoxFuture<DynamicToolCallResponse>> {
        let tools = self.get(&params.thread_id)?;
        let call = ToolCall::from_wire(params);
        Some(Box::pin(async move { tools.answer(call).await.into_response() }))
    }
}

/// The SDK side of `tools` on the thread builders (named in
/// `templates/api.toml`): the tools whose functions answer the thread's
/// calls.
#[derive(Debug, Default)]
pub(crate) struct ThreadTools {
    tools: Option<Toolset>,
}

impl ThreadTools {
    /// The `tools` setter of resume and fork: adds tools (not sent; the
    /// runtime keeps the thread's tool specs).
    pub(crate) fn add(options: &mut Self, tools: impl Into<Toolset>) {
        options.tools.get_or_insert_with(Toolset::new).extend(tools.into());
    }

    /// The tools given, checked.
    fn checked(self) -> Result<Option<Arc<Toolset>>> {
        match self.tools {
            Some(tools) => {
                tools.validate()?;
                Ok(Some(Arc::new(tools)))
            }
            None => Ok(None),
        }
    }
}

/// The `tools` setter of thread start: adds tools, and writes every tool's
/// spec into `dynamicTools`.
pub(crate) fn dynamic_tools(
    tools: impl Into<Toolset>,
    options: &mut ThreadTools,
    field: &mut Option<Vec<DynamicToolSpec>>,
) {
    ThreadTools::add(options, tools);
    *field = options.tools.as_ref().map(Toolset::specs);
}

/// Before `thread/start`: the tools to register once the thread exists.
pub(crate) fn before_start(
    options: ThreadTools,
    field: &mut Option<Vec<DynamicToolSpec>>,
) -> Result<Option<Arc<Toolset>>> {
    let tools = options.checked()?;
    if let Some(tools) = &tools {
        *field = Some(tools.specs());
    }
    Ok(tools)
}

/// Before `thread/resume` or `thread/fork`: the tools given, checked.
pub(crate) fn before_reopen(options: ThreadTools) -> Result<Option<Arc<Toolset>>> {
    options.checked()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, JsonSchema)]
    struct Args {
        name: String,
    }

    fn echo(name: &str) -> Tool {
        Tool::new(name, "Echoes.", |args: Args| async move { args.name }).unwrap()
    }

    fn call(namespace: Option<&str>, tool: &str, arguments: Value) -> ToolCall {
        ToolCall {
            thread_id: "t".into(),
            turn_id: "u".into(),
            call_id: "c".into(),
            tool: tool.into(),
            namespace: namespace.map(str::to_owned),
            arguments,
        }
    }

    fn texts(output: &ToolOutput) -> Vec<String> {
        output
            .items()
            .iter()
            .filter_map(|item| match item {
                DynamicToolCallOutputContentItem::InputText { text } => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn results_become_outputs() {
        assert_eq!(texts(&"hi".into_tool_output()), ["hi"]);
        assert_eq!(texts(&serde_json::json!({"a": 1}).into_tool_output()), [r#"{"a":1}"#]);
        let failed = Err::<String, _>("boom").into_tool_output();
        assert!(!failed.is_success());
        assert_eq!(texts(&failed), ["error: boom"]);
        let response = ToolOutput::text("a").and_image_url("data:image/png;base64,AA").into_response();
        assert!(response.success);
        assert_eq!(response.content_items.len(), 2);
    }

    #[test]
    fn names_must_be_unique_where_the_model_calls_them() {
        assert!(Toolset::from([echo("a"), echo("b")]).validate().is_ok());
        assert!(Toolset::from([echo("a"), echo("a")]).validate().is_err());
        let group = ToolNamespace::new("a", "Group.").tool(echo("x"));
        assert!(Toolset::new().tool(echo("a")).namespace(group).validate().is_err(), "a tool and a group share a name");
        let twice = ToolNamespace::new("g", "Group.").tool(echo("x")).tool(echo("x"));
        assert!(Toolset::from(twice).validate().is_err());
        // The same name in a group and at the top level is two tools.
        let group = ToolNamespace::new("g", "Group.").tool(echo("a"));
        assert!(Toolset::new().tool(echo("a")).namespace(group).validate().is_ok());
        assert!(Toolset::from(echo("")).validate().is_err());
    }

    #[tokio::test]
    async fn calls_reach_the_tool_they_name() {
        let top = Tool::new("read", "Top.", |_: Args| async { "top" }).unwrap();
        let inner = Tool::new("read", "Inner.", |_: Args| async { "inner" }).unwrap();
        let tools = Toolset::new().tool(top).namespace(ToolNamespace::new("g", "Group.").tool(inner));
        let args = serde_json::json!({"name": "x"});
        assert_eq!(texts(&tools.answer(call(None, "read", args.clone())).await), ["top"]);
        assert_eq!(texts(&tools.answer(call(Some("g"), "read", args.clone())).await), ["inner"]);
        let missing = tools.answer(call(Some("h"), "read", args)).await;
        assert!(!missing.is_success());
        assert_eq!(texts(&missing), ["error: there is no tool `h.read`; the tools are: read, g.read"]);
    }

    #[tokio::test]
    async fn arguments_sent_as_a_json_string_are_read_as_json() {
        let tools = Toolset::from(echo("echo"));
        let output = tools.answer(call(None, "echo", Value::String(r#"{"name": "x"}"#.into()))).await;
        assert_eq!(texts(&output), ["x"]);
        let output = tools.answer(call(None, "echo", Value::String("not json".into()))).await;
        assert!(!output.is_success());
    }

    #[tokio::test]
    async fn a_blocking_tool_that_panics_is_a_failed_call() {
        let tool = Tool::blocking("boom", "Panics.", |_: Args| -> String { panic!("boom") }).unwrap();
        let output = Toolset::from(tool).answer(call(None, "boom", serde_json::json!({"name": "x"}))).await;
        assert!(!output.is_success());
        assert!(texts(&output)[0].contains("panicked"));
    }
}
