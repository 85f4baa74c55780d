//! [`Thread`]: one conversation, and the `send` functions of the thread
//! builders (named in `templates/api.toml`).

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use schemars::JsonSchema;
use serde::de::DeserializeOwned;

use crate::api::tools::{self, ThreadTools};
use crate::api::{ApprovalMode, Codex, Sandbox, Toolset, TurnInput, TurnResult};
use crate::error::{Error, Result};
use crate::methods::ServerNotification;
use crate::strict_schema::OutputSchema;
use crate::types::{
    ApprovalsReviewer, AskForApproval, SandboxMode, SandboxPolicy, ThreadArchiveParams,
    ThreadCompactStartParams, ThreadForkParams, ThreadListParams, ThreadListResponse, ThreadReadParams,
    ThreadResumeParams, ThreadSetNameParams, ThreadStartParams, ThreadUnarchiveParams, TurnStartParams,
};

/// What the runtime says about a thread: its id, preview, status, turns, ...
/// The wire record [`types::Thread`](crate::types::Thread), under a name
/// that does not collide with the friendly [`Thread`] handle.
pub type ThreadInfo = crate::types::Thread;

/// A conversation with the agent: the handle you run turns on. Cheap to
/// clone; clones share what the SDK knows about the thread's settings.
///
/// Not to be confused with [`types::Thread`](crate::types::Thread), the
/// protocol's record of a thread (also named [`ThreadInfo`]), which
/// [`Thread::info`] and [`Thread::read`] return. Import this one as
/// `openai_codex::Thread`; the wire types stay under `openai_codex::types`.
#[derive(Clone, Debug)]
pub struct Thread {
    codex: Codex,
    info: ThreadInfo,
    state: Arc<Mutex<ThreadState>>,
}

/// The settings a thread's next turn runs with (see [`Thread::settings`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct EffectiveSettings {
    /// How much the thread's commands may touch.
    pub sandbox: SandboxPolicy,
    /// When the runtime asks for approval.
    pub approval_policy: AskForApproval,
    /// Who decides approval requests.
    pub approvals_reviewer: ApprovalsReviewer,
    /// The working folder.
    pub cwd: String,
    /// The model.
    pub model: String,
}

impl EffectiveSettings {
    /// The access level of [`EffectiveSettings::sandbox`] (`None` for a policy
    /// outside the three levels, such as an external sandbox).
    pub fn sandbox_level(&self) -> Option<Sandbox> {
        Sandbox::from_policy(&self.sandbox)
    }

    /// The approval mode the policy and reviewer stand for, if one does.
    pub fn approval_mode(&self) -> Option<ApprovalMode> {
        ApprovalMode::from_wire(&self.approval_policy, &self.approvals_reviewer)
    }

    fn from_wire(settings: &crate::types::ThreadSettings) -> Self {
        Self {
            sandbox: settings.sandbox_policy.clone(),
            approval_policy: settings.approval_policy.clone(),
            approvals_reviewer: settings.approvals_reviewer.clone(),
            cwd: settings.cwd.to_string(),
            model: settings.model.clone(),
        }
    }
}

/// Settings the caller asked for that the runtime did not take: the SDK
/// sends them with the thread's next turn (turn-level settings stick).
#[derive(Debug, Clone, Default, PartialEq)]
struct Owed {
    sandbox: Option<SandboxPolicy>,
    approval: Option<(AskForApproval, Option<ApprovalsReviewer>)>,
    cwd: Option<String>,
}

impl Owed {
    fn is_empty(&self) -> bool {
        self == &Owed::default()
    }

    fn overlay(&self, settings: &mut EffectiveSettings) {
        if let Some(sandbox) = &self.sandbox {
            settings.sandbox = sandbox.clone();
        }
        if let Some((policy, reviewer)) = &self.approval {
            settings.approval_policy = policy.clone();
            if let Some(reviewer) = reviewer {
                settings.approvals_reviewer = reviewer.clone();
            }
        }
        if let Some(cwd) = &self.cwd {
            settings.cwd = cwd.clone();
        }
    }
}

#[derive(Debug, Default)]
struct ThreadState {
    /// What the runtime last reported, `None` if it never did to this handle.
    reported: Option<EffectiveSettings>,
    owed: Owed,
}

/// What a thread lifecycle call asked for.
pub(crate) struct Asked {
    sandbox: Option<SandboxMode>,
    approval_policy: Option<AskForApproval>,
    approvals_reviewer: Option<ApprovalsReviewer>,
    cwd: Option<String>,
}

/// Whether two paths name the same folder (after resolving links, when they exist).
fn same_path(a: &str, b: &str) -> bool {
    let (a, b) = (Path::new(a), Path::new(b));
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
}

impl Asked {
    /// What the runtime did not take of what was asked.
    fn unmet(&self, reported: &EffectiveSettings) -> Owed {
        let mut owed = Owed::default();
        if let Some(asked) = self.sandbox.as_ref().and_then(Sandbox::from_mode) {
            if reported.sandbox_level() != Some(asked) {
                owed.sandbox = Some(asked.policy());
            }
        }
        if let Some(policy) = &self.approval_policy {
            let reviewer_differs = self
                .approvals_reviewer
                .as_ref()
                .is_some_and(|reviewer| reviewer != &reported.approvals_reviewer);
            if policy != &reported.approval_policy || reviewer_differs {
                owed.approval = Some((policy.clone(), self.approvals_reviewer.clone()));
            }
        }
        if let Some(cwd) = &self.cwd {
            if !same_path(cwd, &reported.cwd) {
                owed.cwd = Some(cwd.clone());
            }
        }
        owed
    }
}

impl Thread {
    pub(crate) fn new(codex: &Codex, info: crate::types::Thread) -> Self {
        Self { codex: codex.clone(), info, state: Arc::default() }
    }

    /// A thread from a lifecycle answer: compares what the runtime reports
    /// with what was asked, and owes the runtime the difference.
    fn from_session(codex: &Codex, info: crate::types::Thread, reported: EffectiveSettings, asked: &Asked) -> Self {
        let owed = asked.unmet(&reported);
        if !owed.is_empty() {
            tracing::warn!(
                thread = %info.id,
                asked = ?owed,
                reported_sandbox = ?reported.sandbox,
                reported_approval = ?reported.approval_policy,
                "the runtime kept other settings than asked; the SDK sends the asked ones with the next turn"
            );
        }
        let thread = Self {
            codex: codex.clone(),
            info,
            state: Arc::new(Mutex::new(ThreadState { reported: Some(reported), owed })),
        };
        thread.check_handler_reachable();
        thread
    }

    fn state(&self) -> MutexGuard<'_, ThreadState> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The settings the thread's next turn runs with: what the runtime last
    /// reported (on `thread/start`, `resume`, `fork`, and in
    /// `thread/settings/updated` notifications), with what this handle still
    /// owes the runtime applied.
    ///
    /// The SDK never lets a thread run with other settings than asked without
    /// saying so. The runtime ignores the settings of a `thread/resume` of a
    /// thread it still has loaded (it reports the old ones back); the SDK
    /// then sends the asked sandbox, approval mode and working folder with
    /// the thread's next turn (turn-level settings stick for later turns),
    /// logs a warning, and reports the asked settings here.
    ///
    /// `None` if the runtime never reported them to this handle (e.g. a
    /// thread from `thread_unarchive` before its first turn).
    pub fn settings(&self) -> Option<EffectiveSettings> {
        let state = self.state();
        let mut settings = state.reported.clone()?;
        state.owed.overlay(&mut settings);
        Some(settings)
    }

    /// Fills the settings this handle owes the runtime into a turn's params,
    /// where the caller set none.
    pub(crate) fn owe_to(&self, params: &mut TurnStartParams) {
        let owed = self.state().owed.clone();
        if params.sandbox_policy.is_none() {
            params.sandbox_policy = owed.sandbox;
        }
        if params.approval_policy.is_none() {
            if let Some((policy, reviewer)) = owed.approval {
                params.approval_policy = Some(policy);
                params.approvals_reviewer = reviewer;
            }
        }
        if params.cwd.is_none() {
            params.cwd = owed.cwd;
        }
    }

    /// A turn started with `params`: what it set now sticks, and nothing
    /// is owed for what it set.
    pub(crate) fn turn_started(&self, params: &TurnStartParams) {
        {
            let mut state = self.state();
            if params.sandbox_policy.is_some() {
                state.owed.sandbox = None;
            }
            if params.approval_policy.is_some() {
                state.owed.approval = None;
            }
            if params.cwd.is_some() {
                state.owed.cwd = None;
            }
            if let Some(reported) = &mut state.reported {
                let set = Owed {
                    sandbox: params.sandbox_policy.clone(),
                    approval: params.approval_policy.clone().map(|policy| (policy, params.approvals_reviewer.clone())),
                    cwd: params.cwd.clone(),
                };
                set.overlay(reported);
            }
        }
        self.check_handler_reachable();
    }

    /// Keeps the settings current from the thread's notifications.
    pub(crate) fn observe(&self, event: &ServerNotification) {
        if let ServerNotification::ThreadSettingsUpdated(update) = event {
            if update.thread_id == self.id() {
                self.state().reported = Some(EffectiveSettings::from_wire(&update.thread_settings));
            }
        }
    }

    /// Warns (once per client) when the client has an approval handler that
    /// this thread's approval mode never asks.
    fn check_handler_reachable(&self) {
        if let Some(settings) = self.settings() {
            self.codex.check_handler_reachable(self.id(), &settings);
        }
    }

    /// The thread's id.
    pub fn id(&self) -> &str {
        &self.info.id
    }

    /// What the runtime said about the thread when this handle was made.
    pub fn info(&self) -> &ThreadInfo {
        &self.info
    }

    /// The runtime this thread lives in.
    pub fn codex(&self) -> &Codex {
        &self.codex
    }

    /// Runs one turn to its end and returns its result. A failed turn is
    /// [`Error::TurnFailed`]. For options (sandbox, model, ...) use
    /// [`Thread::turn`].
    ///
    /// ```no_run
    /// # async fn example(thread: openai_codex::Thread) -> openai_codex::Result<()> {
    /// let result = thread.run("Summarise README.md").await?;
    /// println!("{}", result.final_response.unwrap_or_default());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn run(&self, input: impl Into<TurnInput>) -> Result<TurnResult> {
        self.turn(input).send().await?.wait().await
    }

    /// Runs one turn whose final answer must follow `T`'s JSON Schema, and
    /// parses the answer into `T`.
    ///
    /// The schema comes from [`schemars`] and is converted to OpenAI's strict
    /// subset ([`OutputSchema::for_type`]), which is what the runtime asks
    /// the model for. A type strict mode cannot express (a free-form map,
    /// `serde_json::Value`, an enum at the root, ...) is
    /// [`Error::UnsupportedSchema`], before anything is sent. An answer that
    /// does not parse is [`Error::StructuredOutput`], with the raw text.
    ///
    /// ```no_run
    /// use openai_codex::schemars::JsonSchema;
    /// use serde::Deserialize;
    ///
    /// #[derive(Deserialize, JsonSchema)]
    /// #[schemars(crate = "openai_codex::schemars")]
    /// struct Weather {
    ///     city: String,
    ///     celsius: f64,
    /// }
    ///
    /// # async fn example(thread: openai_codex::Thread) -> openai_codex::Result<()> {
    /// let weather: Weather = thread.run_structured("What is the weather in Paris?").await?;
    /// println!("{}: {} °C", weather.city, weather.celsius);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn run_structured<T: JsonSchema + DeserializeOwned>(&self, input: impl Into<TurnInput>) -> Result<T> {
        let schema = OutputSchema::for_type::<T>()?;
        self.run_structured_with(input, schema).await
    }

    /// Like [`Thread::run_structured`], with a schema of your own: a
    /// hand-written one converted with [`OutputSchema::strict`], or sent
    /// unchanged with [`OutputSchema::as_given`] (strict conversion off).
    /// The answer is parsed into `T` (use `serde_json::Value` to take it as
    /// it comes).
    ///
    /// ```no_run
    /// use openai_codex::OutputSchema;
    /// use serde_json::json;
    ///
    /// # async fn example(thread: openai_codex::Thread) -> openai_codex::Result<()> {
    /// let schema = OutputSchema::as_given(json!({
    ///     "type": "object",
    ///     "properties": {"answer": {"type": "string"}},
    ///     "required": ["answer"],
    ///     "additionalProperties": false
    /// }));
    /// let answer: serde_json::Value = thread.run_structured_with("Say hi", schema).await?;
    /// println!("{}", answer["answer"]);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn run_structured_with<T: DeserializeOwned>(
        &self,
        input: impl Into<TurnInput>,
        schema: OutputSchema,
    ) -> Result<T> {
        let result = self.turn(input).output_schema(schema).send().await?.wait().await?;
        let raw = result.final_response.unwrap_or_default();
        serde_json::from_str(&raw).map_err(|source| Error::StructuredOutput { raw, source })
    }

    /// Reads the thread as the runtime has it now, optionally with its turns.
    pub async fn read(&self, include_turns: bool) -> Result<ThreadInfo> {
        let mut params = ThreadReadParams::new(self.id().to_owned());
        params.include_turns = Some(include_turns);
        Ok(self.codex.client().thread_read(params).await?.thread)
    }

    /// Gives the thread a name.
    pub async fn set_name(&self, name: impl Into<String>) -> Result<()> {
        let params = ThreadSetNameParams::new(name.into(), self.id().to_owned());
        self.codex.client().thread_name_set(params).await?;
        Ok(())
    }

    /// Starts compacting the thread's history (the runtime summarises it to
    /// free context); progress arrives as notifications.
    pub async fn compact(&self) -> Result<()> {
        let params = ThreadCompactStartParams::new(self.id().to_owned());
        self.codex.client().thread_compact_start(params).await?;
        Ok(())
    }
}

/// What a lifecycle answer reports, as settings.
macro_rules! reported {
    ($response:expr) => {
        EffectiveSettings {
            sandbox: $response.sandbox.clone(),
            approval_policy: $response.approval_policy.clone(),
            approvals_reviewer: $response.approvals_reviewer.clone(),
            cwd: $response.cwd.to_string(),
            model: $response.model.clone(),
        }
    };
}

/// What a lifecycle call's params ask for.
macro_rules! asked {
    ($params:expr) => {
        Asked {
            sandbox: $params.sandbox.clone(),
            approval_policy: $params.approval_policy.clone(),
            approvals_reviewer: $params.approvals_reviewer.clone(),
            cwd: $params.cwd.clone(),
        }
    };
}

/// `thread/start`: with tools, their specs go out as `dynamicTools`, and
/// their functions answer the new thread's calls.
pub(crate) async fn start(codex: &Codex, mut params: ThreadStartParams, tools: ThreadTools) -> Result<Thread> {
    let tools = tools::before_start(tools, &mut params.dynamic_tools)?;
    let asked = asked!(params);
    let response = codex.client().thread_start(params).await?;
    register_tools(codex, &response.thread.id, tools);
    Ok(Thread::from_session(codex, response.thread.clone(), reported!(response), &asked))
}

/// `thread/resume`: the runtime ignores new settings for a thread it still
/// has loaded; see [`Thread::settings`] for how the SDK makes them apply.
/// The runtime keeps the thread's tool specs; tools given here answer its
/// calls from now on (without, those already registered with this client
/// stay).
pub(crate) async fn resume(codex: &Codex, params: ThreadResumeParams, tools: ThreadTools) -> Result<Thread> {
    let tools = tools::before_reopen(tools)?;
    let asked = asked!(params);
    let response = codex.client().thread_resume(params).await?;
    register_tools(codex, &response.thread.id, tools);
    Ok(Thread::from_session(codex, response.thread.clone(), reported!(response), &asked))
}

/// `thread/fork`: the new thread inherits the tool specs; tools given here
/// answer its calls, else those registered with this client for the
/// source thread.
pub(crate) async fn fork(codex: &Codex, params: ThreadForkParams, tools: ThreadTools) -> Result<Thread> {
    let tools = tools::before_reopen(tools)?.or_else(|| codex.client().tools().get(&params.thread_id));
    let asked = asked!(params);
    let response = codex.client().thread_fork(params).await?;
    register_tools(codex, &response.thread.id, tools);
    Ok(Thread::from_session(codex, response.thread.clone(), reported!(response), &asked))
}

fn register_tools(codex: &Codex, thread_id: &str, tools: Option<Arc<Toolset>>) {
    if let Some(tools) = tools {
        tracing::debug!(thread = thread_id, tools = tools.len(), "tools registered");
        codex.client().tools().register(thread_id, tools);
    }
}

/// `thread/list`.
pub(crate) async fn list(codex: &Codex, params: ThreadListParams) -> Result<ThreadListResponse> {
    codex.client().thread_list(params).await
}

/// `thread/archive`.
pub(crate) async fn archive(codex: &Codex, params: ThreadArchiveParams) -> Result<()> {
    codex.client().thread_archive(params).await?;
    Ok(())
}

/// `thread/unarchive`.
pub(crate) async fn unarchive(codex: &Codex, params: ThreadUnarchiveParams) -> Result<Thread> {
    let response = codex.client().thread_unarchive(params).await?;
    Ok(Thread::new(codex, response.thread))
}
