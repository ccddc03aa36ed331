//! The rules of a pipeline definition (the README's "Rules checked by `validate`"), checked
//! all at once.
//!
//! Every problem carries a path into the pipeline (`stages[2].actions[0].input_artifacts[0]`)
//! and a message that says what to do; [`Problem::locate`] adds the line and column.

use std::collections::{HashMap, HashSet};

use super::action::{Action, Category, OutputArtifact};
use super::duration::Duration;
use super::file::{Position, Positions};
use super::pipeline::{Pipeline, RunSlot};
use super::providers::ProviderKind;
use super::quote::{quote, shorten_quotes};
use super::strings::action_strings;
use super::variables::{EXECUTION_ID_KEY, Reference, find_references};

/// Most stages a pipeline may have.
pub const MAX_STAGES: usize = 50;
/// Most actions a stage may have.
pub const MAX_ACTIONS_PER_STAGE: usize = 50;
/// Most actions a pipeline may have.
pub const MAX_ACTIONS: usize = 500;
/// Highest run order.
pub const MAX_RUN_ORDER: u32 = 999;
/// Longest approval summary, in characters.
pub const MAX_APPROVAL_SUMMARY: usize = 512;
/// Longest action timeout.
pub const MAX_ACTION_TIMEOUT: Duration = Duration::from_days(1);
pub use super::providers::{MAX_APPROVAL_MESSAGE, MAX_APPROVAL_TIMEOUT, MAX_KEEP_RELEASES};

/// One thing wrong with a pipeline.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    /// Where in the pipeline, e.g. `stages[2].actions[0].input_artifacts[0]`.
    pub path: String,
    /// What is wrong and what to do.
    pub message: String,
    /// Where in the file, when known.
    pub position: Option<Position>,
}

impl Problem {
    fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            path: path.into(),
            message: shorten_quotes(&message).into_owned(),
            position: None,
        }
    }

    /// Adds the line and column of the problem's path (or its nearest parent).
    pub fn locate(mut self, positions: &Positions) -> Self {
        self.position = positions.find(&self.path);
        self
    }
}

/// Checks every rule and returns all problems, in file order.
pub fn validate(pipeline: &Pipeline) -> Vec<Problem> {
    let mut checker = Checker::default();
    checker.pipeline(pipeline);
    checker.problems
}

/// Checks a pipeline read from `source` and adds file positions to each problem (the text is
/// scanned only when there are problems, and only for their paths).
pub fn validate_located(pipeline: &Pipeline, source: &str) -> Vec<Problem> {
    let problems = validate(pipeline);
    if problems.is_empty() {
        return problems;
    }
    let positions = Positions::scan_for(source, problems.iter().map(|p| p.path.as_str()));
    problems
        .into_iter()
        .map(|problem| problem.locate(&positions))
        .collect()
}

/// Checks an approval summary given when approving or rejecting.
pub fn check_approval_summary(summary: &str) -> Result<(), String> {
    let length = summary.chars().count();
    if length > MAX_APPROVAL_SUMMARY {
        return Err(format!(
            "the summary is {length} characters long; shorten it to at most {MAX_APPROVAL_SUMMARY}"
        ));
    }
    Ok(())
}

/// Checks a name against `[A-Za-z0-9.@_-]{1,100}` (pipelines, stages, actions).
pub fn check_entity_name(kind: &str, name: &str) -> Result<(), String> {
    check_charset(
        kind,
        name,
        100,
        "letters, digits, '.', '@', '_' and '-'",
        |c| c.is_ascii_alphanumeric() || matches!(c, '.' | '@' | '_' | '-'),
    )
}

fn check_charset(
    kind: &str,
    name: &str,
    max: usize,
    allowed: &str,
    ok: impl Fn(char) -> bool,
) -> Result<(), String> {
    if name.is_empty() {
        return Err(format!("the {kind} name is empty: give it a name"));
    }
    if name.chars().count() > max {
        return Err(format!(
            "the {kind} name {} is longer than {max} characters: shorten it",
            quote(name)
        ));
    }
    if let Some(bad) = name.chars().find(|&c| !ok(c)) {
        return Err(format!(
            "the {kind} name \"{name}\" contains {bad:?}: use only {allowed}"
        ));
    }
    Ok(())
}

fn check_artifact_name(name: &str) -> Result<(), String> {
    check_charset("artifact", name, 100, "letters, digits, '_' and '-'", |c| {
        c.is_ascii_alphanumeric() || matches!(c, '_' | '-')
    })
}

/// The longest value a pipeline variable may hold (a default or a value given at start).
pub const MAX_VARIABLE_VALUE: usize = 1000;

/// Checks a pipeline variable's value: at most [`MAX_VARIABLE_VALUE`] characters.
pub fn check_variable_value(value: &str) -> Result<(), String> {
    if value.chars().count() > MAX_VARIABLE_VALUE {
        Err(format!(
            "the value is longer than {MAX_VARIABLE_VALUE} characters: shorten it"
        ))
    } else {
        Ok(())
    }
}

fn check_variable_name(kind: &str, name: &str) -> Result<(), String> {
    check_charset(kind, name, 128, "letters, digits, '@', '_' and '-'", |c| {
        c.is_ascii_alphanumeric() || matches!(c, '@' | '_' | '-')
    })
}

/// Checks an environment variable name (letters, digits and `_`, not starting with a digit).
pub(crate) fn check_env_name(name: &str) -> Result<(), String> {
    let starts_well = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if !starts_well || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!(
            "\"{name}\" is not a valid environment variable name: use letters, digits and '_', not starting with a digit"
        ));
    }
    Ok(())
}

/// Checks that `pattern` is a valid glob.
pub(crate) fn check_glob(pattern: &str) -> Result<(), String> {
    globset::Glob::new(pattern)
        .map(|_| ())
        .map_err(|error| format!("the glob \"{pattern}\" is invalid: {}", error.kind()))
}

/// What an earlier action offers to later ones.
struct Producer {
    slot: RunSlot,
    /// The output variables it sets, when known before it runs.
    variables: Option<Vec<String>>,
    label: String,
}

#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
    /// Output artifact name → producer slot.
    artifacts: HashMap<String, RunSlot>,
    /// Namespace → producer.
    namespaces: HashMap<String, Producer>,
    declared_variables: HashSet<String>,
}

impl Checker {
    fn report(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem::new(path, message));
    }

    fn check(&mut self, path: impl Into<String>, result: Result<(), String>) {
        if let Err(message) = result {
            self.report(path, message);
        }
    }

    fn pipeline(&mut self, pipeline: &Pipeline) {
        self.check("name", check_entity_name("pipeline", &pipeline.name));
        self.variables(pipeline);
        for (path, message) in super::triggers::check::check(pipeline) {
            self.report(path, message);
        }
        if pipeline.stages.is_empty() {
            self.report(
                "stages",
                "the pipeline has no stages: add at least one stage",
            );
        }
        if pipeline.stages.len() > MAX_STAGES {
            self.report(
                "stages",
                format!(
                    "the pipeline has {} stages; the limit is {MAX_STAGES}: merge or remove stages",
                    pipeline.stages.len()
                ),
            );
        }
        let total: usize = pipeline
            .stages
            .iter()
            .map(|stage| stage.actions.len())
            .sum();
        if total > MAX_ACTIONS {
            self.report(
                "stages",
                format!(
                    "the pipeline has {total} actions; the limit is {MAX_ACTIONS}: split it into several pipelines"
                ),
            );
        }
        self.collect_producers(pipeline);
        let mut stage_names = HashSet::new();
        for (index, stage) in pipeline.stages.iter().enumerate() {
            let path = format!("stages[{index}]");
            self.check(
                format!("{path}.name"),
                check_entity_name("stage", &stage.name),
            );
            if !stage_names.insert(stage.name.as_str()) {
                self.report(
                    format!("{path}.name"),
                    format!(
                        "another stage is already named \"{}\": stage names must be unique",
                        stage.name
                    ),
                );
            }
            if stage.actions.is_empty() {
                self.report(
                    format!("{path}.actions"),
                    format!(
                        "stage \"{}\" has no actions: add an action or remove the stage",
                        stage.name
                    ),
                );
            }
            if stage.actions.len() > MAX_ACTIONS_PER_STAGE {
                self.report(
                    format!("{path}.actions"),
                    format!(
                        "stage \"{}\" has {} actions; the limit is {MAX_ACTIONS_PER_STAGE}: move some to another stage",
                        stage.name,
                        stage.actions.len()
                    ),
                );
            }
            let mut action_names = HashSet::new();
            for (action_index, action) in stage.actions.iter().enumerate() {
                let action_path = format!("{path}.actions[{action_index}]");
                if !action_names.insert(action.name.as_str()) {
                    self.report(
                        format!("{action_path}.name"),
                        format!(
                            "stage \"{}\" already has an action named \"{}\": action names must be unique within a stage",
                            stage.name, action.name
                        ),
                    );
                }
                self.action(index, &action_path, action);
            }
        }
        self.sources(pipeline);
    }

    fn variables(&mut self, pipeline: &Pipeline) {
        for (index, variable) in pipeline.variables.iter().enumerate() {
            let path = format!("variables[{index}]");
            self.check(
                format!("{path}.name"),
                check_variable_name("variable", &variable.name),
            );
            if !self.declared_variables.insert(variable.name.clone()) {
                self.report(
                    format!("{path}.name"),
                    format!(
                        "the variable \"{}\" is declared twice: keep one",
                        variable.name
                    ),
                );
            }
            if let Some(Err(problem)) = variable.default.as_deref().map(check_variable_value) {
                self.report(format!("{path}.default"), problem);
            }
            if variable
                .description
                .as_ref()
                .is_some_and(|text| text.chars().count() > 200)
            {
                self.report(
                    format!("{path}.description"),
                    "the description is longer than 200 characters: shorten it",
                );
            }
        }
    }

    /// Records every output artifact and namespace first, so later checks can tell
    /// "does not exist" from "exists but runs later".
    fn collect_producers(&mut self, pipeline: &Pipeline) {
        for (stage_index, stage) in pipeline.stages.iter().enumerate() {
            for (action_index, action) in stage.actions.iter().enumerate() {
                let path = format!("stages[{stage_index}].actions[{action_index}]");
                let slot = RunSlot::new(stage_index, action.run_order);
                for (output_index, output) in action.output_artifacts.iter().enumerate() {
                    let output_path = format!("{path}.output_artifacts[{output_index}]");
                    if self.artifacts.insert(output.name.clone(), slot).is_some() {
                        self.report(
                            format!("{output_path}.name"),
                            format!(
                                "another action already produces an artifact named \"{}\": output artifact names must be unique in the pipeline",
                                output.name
                            ),
                        );
                    }
                }
                if let Some(namespace) = &action.namespace {
                    let producer = Producer {
                        slot,
                        variables: action.provider.config().output_variables(),
                        label: format!("{}/{}", stage.name, action.name),
                    };
                    if self
                        .namespaces
                        .insert(namespace.clone(), producer)
                        .is_some()
                    {
                        self.report(
                            format!("{path}.namespace"),
                            format!(
                                "the namespace \"{namespace}\" is already used by another action: namespaces must be unique"
                            ),
                        );
                    }
                }
            }
        }
    }

    fn sources(&mut self, pipeline: &Pipeline) {
        let first_has_source = pipeline.stages.first().is_some_and(|stage| {
            stage
                .actions
                .iter()
                .any(|action| action.category == Category::Source)
        });
        for (stage_index, stage) in pipeline.stages.iter().enumerate() {
            for (action_index, action) in stage.actions.iter().enumerate() {
                let path = format!("stages[{stage_index}].actions[{action_index}].category");
                let is_source = action.category == Category::Source;
                if is_source && stage_index > 0 {
                    self.report(
                        path,
                        format!(
                            "source action \"{}\" is in stage \"{}\": source actions may only be in the first stage",
                            action.name, stage.name
                        ),
                    );
                } else if !is_source && stage_index == 0 && first_has_source {
                    self.report(
                        path,
                        format!(
                            "the first stage holds source actions, so it may hold only source actions: move \"{}\" to a later stage",
                            action.name
                        ),
                    );
                }
            }
        }
    }

    fn action(&mut self, stage_index: usize, path: &str, action: &Action) {
        let slot = RunSlot::new(stage_index, action.run_order);
        self.check(
            format!("{path}.name"),
            check_entity_name("action", &action.name),
        );
        if !(1..=MAX_RUN_ORDER).contains(&action.run_order) {
            self.report(
                format!("{path}.run_order"),
                format!(
                    "run_order is {}: use a number from 1 to {MAX_RUN_ORDER}",
                    action.run_order
                ),
            );
        }
        let kind = action.provider.kind();
        if !kind.categories().contains(&action.category) {
            let allowed: Vec<&str> = kind.categories().iter().map(|c| c.as_str()).collect();
            self.report(
                format!("{path}.category"),
                format!(
                    "the {} provider cannot be used as a {} action: use category {}",
                    kind.as_str(),
                    action.category.as_str(),
                    allowed.join(" or ")
                ),
            );
        }
        if let Some(namespace) = &action.namespace {
            self.check(
                format!("{path}.namespace"),
                check_variable_name("namespace", namespace),
            );
            if namespace == super::variables::PIPELINE_VARIABLES_NAMESPACE
                || namespace == super::variables::EXECUTION_NAMESPACE
            {
                self.report(
                    format!("{path}.namespace"),
                    format!("the namespace \"{namespace}\" is reserved: choose another name"),
                );
            }
        }
        self.artifact_counts(path, action, kind);
        self.inputs(path, slot, action);
        self.outputs(path, action, kind);
        for name in action.env.keys() {
            self.check(format!("{path}.env.{name}"), check_env_name(name));
        }
        for name in action.secrets.keys() {
            self.check(format!("{path}.secrets.{name}"), check_env_name(name));
            if action.env.contains_key(name) {
                self.report(
                    format!("{path}.secrets.{name}"),
                    format!("\"{name}\" is both in env and in secrets: keep it in one of them"),
                );
            }
        }
        self.timeouts(path, action);
        self.configuration(path, action);
        self.references(path, slot, action);
    }

    fn artifact_counts(&mut self, path: &str, action: &Action, kind: ProviderKind) {
        let info = kind.info();
        for (what, count, rule) in [
            ("input_artifacts", action.input_artifacts.len(), info.inputs),
            (
                "output_artifacts",
                action.output_artifacts.len(),
                info.outputs,
            ),
        ] {
            if let Some(rule) = rule
                && !rule.allowed.contains(&count)
            {
                self.report(
                    format!("{path}.{what}"),
                    format!(
                        "a {} action has {count} {}: {}",
                        kind.as_str(),
                        what.replace('_', " "),
                        rule.advice
                    ),
                );
            }
        }
    }

    fn inputs(&mut self, path: &str, slot: RunSlot, action: &Action) {
        let mut seen = HashSet::new();
        for (index, input) in action.input_artifacts.iter().enumerate() {
            let input_path = format!("{path}.input_artifacts[{index}]");
            if !seen.insert(input.as_str()) {
                self.report(
                    &input_path,
                    format!("\"{input}\" is listed twice: list each input artifact once"),
                );
                continue;
            }
            match self.artifacts.get(input) {
                None => self.report(
                    &input_path,
                    format!(
                        "no action produces an artifact named \"{input}\": add it to an earlier action's output_artifacts or fix the name"
                    ),
                ),
                Some(producer) if !producer.runs_before(slot) => self.report(
                    &input_path,
                    format!(
                        "\"{input}\" is produced by an action that does not run before this one: move the producer to an earlier stage or a lower run_order"
                    ),
                ),
                Some(_) => {}
            }
        }
    }

    fn outputs(&mut self, path: &str, action: &Action, kind: ProviderKind) {
        for (index, output) in action.output_artifacts.iter().enumerate() {
            let output_path = format!("{path}.output_artifacts[{index}]");
            self.check(
                format!("{output_path}.name"),
                check_artifact_name(&output.name),
            );
            let OutputArtifact {
                files,
                base_directory,
                ..
            } = output;
            if !kind.info().collects_files && (!files.is_empty() || base_directory.is_some()) {
                self.report(
                    format!("{output_path}.files"),
                    format!(
                        "only Commands actions collect files into artifacts: remove files and base_directory from this {} action",
                        kind.as_str()
                    ),
                );
            }
            for (glob_index, pattern) in files.iter().enumerate() {
                self.check(
                    format!("{output_path}.files[{glob_index}]"),
                    check_glob(pattern),
                );
            }
            if let Some(base) = base_directory
                && (base.starts_with('/') || base.split('/').any(|part| part == ".."))
            {
                self.report(
                    format!("{output_path}.base_directory"),
                    "base_directory must stay inside the working directory: use a relative path without '..'",
                );
            }
        }
    }

    fn timeouts(&mut self, path: &str, action: &Action) {
        if let Some(timeout) = action.timeout {
            if action.provider.info().approval {
                self.report(
                    format!("{path}.timeout"),
                    format!(
                        "an approval's timeout is set in its {} configuration: move it to provider: {}(timeout: ...)",
                        action.provider.kind().as_str(),
                        action.provider.kind().as_str()
                    ),
                );
            } else {
                self.check(
                    format!("{path}.timeout"),
                    check_range(timeout, MAX_ACTION_TIMEOUT),
                );
            }
        }
    }

    fn configuration(&mut self, path: &str, action: &Action) {
        for (field, message) in action.provider.config().validate() {
            self.report(format!("{path}.provider.{field}"), message);
        }
    }

    fn references(&mut self, path: &str, slot: RunSlot, action: &Action) {
        for (field, text) in action_strings(action) {
            let text = text.as_str();
            let field_path = format!("{path}.{field}");
            let found = match find_references(text) {
                Ok(found) => found,
                Err(error) => {
                    self.report(field_path, error.to_string());
                    continue;
                }
            };
            for item in found {
                if let Some(message) = self.reference_problem(slot, action, &item.reference) {
                    self.report(&field_path, message);
                }
            }
        }
    }

    fn reference_problem(
        &self,
        slot: RunSlot,
        action: &Action,
        reference: &Reference,
    ) -> Option<String> {
        match reference {
            Reference::Pipeline(name) => (!self.declared_variables.contains(name)).then(|| {
                format!(
                    "{reference} names no pipeline variable: declare \"{name}\" under variables or fix the name"
                )
            }),
            Reference::Execution(key) => (key != EXECUTION_ID_KEY).then(|| {
                format!("{reference} is unknown: the only codepipeline variable is {EXECUTION_ID_KEY}")
            }),
            Reference::Action { namespace, key } => {
                let Some(producer) = self.namespaces.get(namespace) else {
                    return Some(format!(
                        "{reference}: no action has the namespace \"{namespace}\": set namespace on the action that produces it"
                    ));
                };
                if !producer.slot.runs_before(slot) || action.namespace.as_deref() == Some(namespace) {
                    return Some(format!(
                        "{reference}: action {} does not run before this one: variables can only come from earlier actions",
                        producer.label
                    ));
                }
                match &producer.variables {
                    Some(keys) if !keys.contains(key) => Some(if keys.is_empty() {
                        format!("{reference}: action {} sets no output variables", producer.label)
                    } else {
                        format!(
                            "{reference}: action {} sets no variable \"{key}\"; it sets {}",
                            producer.label,
                            keys.join(", ")
                        )
                    }),
                    _ => None,
                }
            }
        }
    }
}

/// Checks a timeout is from one second to `max`.
pub(crate) fn check_range(timeout: Duration, max: Duration) -> Result<(), String> {
    if timeout.as_secs() == 0 || timeout > max {
        return Err(format!(
            "timeout {timeout} is out of range: use from 1s to {max}"
        ));
    }
    Ok(())
}
