//! [`Thread`]: one conversation, and the `send` functions of the thread
//! builders (named in `templates/api.toml`).

use schemars::JsonSchema;
use serde::de::DeserializeOwned;

use crate::api::{Codex, TurnInput, TurnResult};
use crate::error::{Error, Result};
use crate::strict_schema::OutputSchema;
use crate::types::{
    ThreadArchiveParams, ThreadCompactStartParams, ThreadForkParams, ThreadListParams,
    ThreadListResponse, ThreadReadParams, ThreadResumeParams, ThreadSetNameParams,
    ThreadStartParams, ThreadUnarchiveParams,
};

/// What the runtime says about a thread: its id, preview, status, turns, ...
/// The wire record [`types::Thread`](crate::types::Thread), under a name
/// that does not collide with the friendly [`Thread`] handle.
pub type ThreadInfo = crate::types::Thread;

/// A conversation with the agent: the handle you run turns on. Cheap to
/// clone.
///
/// Not to be confused with [`types::Thread`](crate::types::Thread), the
/// protocol's record of a thread (also named [`ThreadInfo`]), which
/// [`Thread::info`] and [`Thread::read`] return. Import this one as
/// `openai_codex::Thread`; the wire types stay under `openai_codex::types`.
#[derive(Clone, Debug)]
pub struct Thread {
    codex: Codex,
    info: ThreadInfo,
}

impl Thread {
    pub(crate) fn new(codex: &Codex, info: ThreadInfo) -> Self {
        Self { codex: codex.clone(), info }
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
        let params = ThreadReadParams { thread_id: self.id().to_owned(), include_turns: Some(include_turns) };
        Ok(self.codex.client().thread_read(params).await?.thread)
    }

    /// Gives the thread a name.
    pub async fn set_name(&self, name: impl Into<String>) -> Result<()> {
        let params = ThreadSetNameParams { thread_id: self.id().to_owned(), name: name.into() };
        self.codex.client().thread_name_set(params).await?;
        Ok(())
    }

    /// Starts compacting the thread's history (the runtime summarises it to
    /// free context); progress arrives as notifications.
    pub async fn compact(&self) -> Result<()> {
        let params = ThreadCompactStartParams { thread_id: self.id().to_owned() };
        self.codex.client().thread_compact_start(params).await?;
        Ok(())
    }
}

/// `thread/start`.
pub(crate) async fn start(codex: &Codex, params: ThreadStartParams) -> Result<Thread> {
    let response = codex.client().thread_start(params).await?;
    Ok(Thread::new(codex, response.thread))
}

/// `thread/resume`.
pub(crate) async fn resume(codex: &Codex, params: ThreadResumeParams) -> Result<Thread> {
    let response = codex.client().thread_resume(params).await?;
    Ok(Thread::new(codex, response.thread))
}

/// `thread/fork`.
pub(crate) async fn fork(codex: &Codex, params: ThreadForkParams) -> Result<Thread> {
    let response = codex.client().thread_fork(params).await?;
    Ok(Thread::new(codex, response.thread))
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
