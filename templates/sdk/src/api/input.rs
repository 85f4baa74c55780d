//! What a turn takes as input: text (`&str`, `String`), typed [`Input`]
//! items, or lists of them.

use std::path::PathBuf;

use crate::types::UserInput;

/// One item of a turn's input.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Input {
    /// Plain text.
    Text(String),
    /// An image by URL (`https://...` or a `data:` URL).
    ImageUrl(String),
    /// An image file on the app-server's machine.
    LocalImage(PathBuf),
    /// A skill, by name and the path of its `SKILL.md`.
    Skill {
        /// The skill's name.
        name: String,
        /// Where the skill lives.
        path: PathBuf,
    },
    /// A mention of a resource (file, app, ...), by name and path.
    Mention {
        /// The mention's display name.
        name: String,
        /// What it points at.
        path: String,
    },
}

impl Input {
    fn into_wire(self) -> UserInput {
        match self {
            Input::Text(text) => UserInput::Text { text, text_elements: None },
            Input::ImageUrl(url) => UserInput::Image { detail: None, file_id: None, url: Some(url) },
            Input::LocalImage(path) => UserInput::LocalImage {
                detail: None,
                path: path.to_string_lossy().into_owned(),
            },
            Input::Skill { name, path } => UserInput::Skill {
                name,
                path: path.to_string_lossy().into_owned(),
            },
            Input::Mention { name, path } => UserInput::Mention { name, path },
        }
    }
}

/// A turn's whole input: built from text, [`Input`] items, lists of them, or
/// raw wire items. Empty input is allowed (e.g. with a tool output).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TurnInput(Vec<UserInput>);

impl TurnInput {
    /// No input at all (used with [`TurnBuilder::tool_output`](crate::TurnBuilder::tool_output)).
    pub fn empty() -> Self {
        Self::default()
    }

    /// The wire items.
    pub fn into_wire(self) -> Vec<UserInput> {
        self.0
    }
}

impl From<&str> for TurnInput {
    fn from(text: &str) -> Self {
        Input::Text(text.to_owned()).into()
    }
}

impl From<String> for TurnInput {
    fn from(text: String) -> Self {
        Input::Text(text).into()
    }
}

impl From<&String> for TurnInput {
    fn from(text: &String) -> Self {
        Input::Text(text.clone()).into()
    }
}

impl From<Input> for TurnInput {
    fn from(item: Input) -> Self {
        Self(vec![item.into_wire()])
    }
}

impl From<Vec<Input>> for TurnInput {
    fn from(items: Vec<Input>) -> Self {
        Self(items.into_iter().map(Input::into_wire).collect())
    }
}

impl<const N: usize> From<[Input; N]> for TurnInput {
    fn from(items: [Input; N]) -> Self {
        Self(items.into_iter().map(Input::into_wire).collect())
    }
}

impl From<Vec<UserInput>> for TurnInput {
    fn from(items: Vec<UserInput>) -> Self {
        Self(items)
    }
}
