//! The Script provider (Invoke): a program that receives CodePipeline's job JSON and answers
//! success, failure or continuation, with output variables (the Lambda contract, locally).

use serde::{Deserialize, Serialize};

use super::{FieldProblem, PaletteEntry, ProviderConfig, ProviderInfo, push_list, required};
use crate::model::{Category, Duration};

/// The pause before a program that asked to continue is invoked again, when not set.
pub const DEFAULT_CONTINUATION_DELAY: Duration = Duration::from_secs(1);

/// Script (Invoke) configuration: the local equivalent of a Lambda invoke.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptConfig {
    /// The program to run; relative paths start at the working directory.
    pub program: String,
    /// Arguments passed to the program.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arguments: Vec<String>,
    /// Free text handed to the program as `UserParameters` (variables allowed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_parameters: Option<String>,
    /// The pause before the program is invoked again after it asks to continue (default
    /// [`DEFAULT_CONTINUATION_DELAY`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continuation_delay: Option<Duration>,
}

static INFO: ProviderInfo = ProviderInfo {
    categories: &[Category::Invoke],
    inputs: None,
    outputs: None,
    collects_files: false,
    approval: false,
    aws_only: false,
    palette: &[PaletteEntry {
        category: Category::Invoke,
        label: "Invoke",
        action_name: "Invoke",
    }],
};

impl ProviderConfig for ScriptConfig {
    fn info() -> &'static ProviderInfo {
        &INFO
    }

    fn starting() -> Self {
        Self {
            program: "./invoke.sh".into(),
            ..Self::default()
        }
    }

    fn output_variables(&self) -> Option<Vec<String>> {
        None
    }

    fn validate(&self) -> Vec<FieldProblem> {
        let mut found: Vec<FieldProblem> =
            required("program", &self.program, "give the program to run")
                .into_iter()
                .collect();
        if let Some(delay) = self.continuation_delay
            && delay.as_secs() > 3_600
        {
            found.push((
                "continuation_delay".into(),
                "continuation_delay is over an hour: use at most 1h".into(),
            ));
        }
        found
    }

    fn strings_mut(&mut self) -> Vec<(String, &mut String)> {
        let mut out = vec![("provider.program".to_string(), &mut self.program)];
        push_list(&mut out, "arguments", &mut self.arguments);
        if let Some(parameters) = &mut self.user_parameters {
            out.push(("provider.user_parameters".into(), parameters));
        }
        out
    }

    fn summary(&self) -> String {
        std::iter::once(self.program.as_str())
            .chain(self.arguments.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ")
    }
}
