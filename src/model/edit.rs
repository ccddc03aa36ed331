//! Edits a person makes to a pipeline in the editor, as plain functions on the model:
//! adding, moving, duplicating and deleting actions and stages, renaming, and wiring an
//! artifact from one action to a later one.

use super::action::{Action, Category, OutputArtifact};
use super::pipeline::{Pipeline, Stage};
use super::providers::ProviderKind;

/// Where an action is: stage index and action index within the stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActionRef {
    /// The stage's index.
    pub stage: usize,
    /// The action's index in its stage.
    pub action: usize,
}

/// Why an edit was refused; the message says what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// Another stage already has the name.
    #[error("another stage is already named \"{name}\"")]
    StageNameTaken {
        /// The name asked for.
        name: String,
    },
    /// A wire would carry an artifact backwards (or sideways) in time.
    #[error(
        "{producer} does not run before {consumer}: an artifact can only flow to an action that runs later (a later stage, or a higher run_order in the same stage)"
    )]
    NotBefore {
        /// The action that would produce the artifact.
        producer: String,
        /// The action that would take it.
        consumer: String,
    },
    /// The action is no longer in the pipeline.
    #[error("the action is gone")]
    Gone,
}

impl ActionRef {
    /// An action reference.
    pub fn new(stage: usize, action: usize) -> Self {
        Self { stage, action }
    }
}

/// `base`, or `base 2`, `base 3`, … whichever `taken` does not contain.
pub fn unique_name(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !taken(candidate))
        .unwrap_or_else(|| base.to_string())
}

fn stage_has(stage: &Stage, name: &str) -> bool {
    stage.actions.iter().any(|action| action.name == name)
}

fn artifact_taken(pipeline: &Pipeline, name: &str) -> bool {
    pipeline
        .actions()
        .any(|(_, action)| action.output_artifacts.iter().any(|o| o.name == name))
}

fn namespace_taken(pipeline: &Pipeline, name: &str) -> bool {
    pipeline
        .actions()
        .any(|(_, action)| action.namespace.as_deref() == Some(name))
}

/// A new action of `kind` in `category` for `stage`, with a free name and a usable starting
/// configuration. A category the provider cannot have is replaced by its first one.
pub fn new_action(
    pipeline: &Pipeline,
    stage: usize,
    kind: ProviderKind,
    category: Category,
) -> Action {
    let category = if kind.categories().contains(&category) {
        category
    } else {
        kind.categories()[0]
    };
    let palette = kind.info().palette;
    let base = palette
        .iter()
        .find(|entry| entry.category == category)
        .or(palette.first())
        .map_or(kind.as_str(), |entry| entry.action_name);
    let name = match pipeline.stages.get(stage) {
        Some(existing) => unique_name(base, |candidate| stage_has(existing, candidate)),
        None => base.to_string(),
    };
    let mut action = Action {
        name: name.clone(),
        category,
        run_order: 1,
        provider: kind.starting(),
        input_artifacts: Vec::new(),
        output_artifacts: Vec::new(),
        namespace: None,
        env: Default::default(),
        secrets: Default::default(),
        timeout: None,
        aws: None,
    };
    if category == Category::Source {
        let artifact = unique_name(&format!("{name}Output"), |c| artifact_taken(pipeline, c));
        action
            .output_artifacts
            .push(OutputArtifact::named(artifact));
    }
    action
}

/// A new empty stage with a free name, inserted at `index`.
pub fn insert_stage(pipeline: &mut Pipeline, index: usize, base: &str) -> usize {
    let name = unique_name(base, |candidate| pipeline.stage(candidate).is_some());
    let index = index.min(pipeline.stages.len());
    pipeline.stages.insert(
        index,
        Stage {
            name,
            actions: Vec::new(),
            conditions: Default::default(),
            aws: None,
        },
    );
    index
}

/// Adds `action` to `stage` with `run_order`, renaming it if the stage already has one with
/// its name. Returns where it is.
pub fn add_action(
    pipeline: &mut Pipeline,
    stage: usize,
    mut action: Action,
    run_order: u32,
) -> ActionRef {
    let target = &mut pipeline.stages[stage];
    action.name = unique_name(&action.name, |candidate| stage_has(target, candidate));
    action.run_order = run_order.max(1);
    target.actions.push(action);
    ActionRef::new(stage, target.actions.len() - 1)
}

/// Moves an action to another stage and run order (or the same stage, another row).
pub fn move_action(
    pipeline: &mut Pipeline,
    from: ActionRef,
    to_stage: usize,
    run_order: u32,
) -> ActionRef {
    let action = pipeline.stages[from.stage].actions.remove(from.action);
    add_action(pipeline, to_stage, action, run_order)
}

/// Removes an action.
pub fn delete_action(pipeline: &mut Pipeline, at: ActionRef) -> Action {
    pipeline.stages[at.stage].actions.remove(at.action)
}

/// Copies an action into the same stage and row with fresh names for its outputs and
/// namespace. Returns where the copy is.
pub fn duplicate_action(pipeline: &mut Pipeline, at: ActionRef) -> ActionRef {
    let mut copy = pipeline.stages[at.stage].actions[at.action].clone();
    for output in &mut copy.output_artifacts {
        output.name = unique_name(&output.name, |candidate| {
            artifact_taken(pipeline, candidate)
        });
    }
    if let Some(namespace) = &copy.namespace {
        copy.namespace = Some(unique_name(namespace, |candidate| {
            namespace_taken(pipeline, candidate)
        }));
    }
    let run_order = copy.run_order;
    add_action(pipeline, at.stage, copy, run_order)
}

/// Renames a stage; refuses a name another stage has.
pub fn rename_stage(pipeline: &mut Pipeline, stage: usize, name: &str) -> Result<(), EditError> {
    if pipeline
        .stages
        .iter()
        .enumerate()
        .any(|(i, s)| i != stage && s.name == name)
    {
        return Err(EditError::StageNameTaken {
            name: name.to_string(),
        });
    }
    pipeline.stages[stage].name = name.to_string();
    Ok(())
}

/// Moves a stage from one index to another.
pub fn move_stage(pipeline: &mut Pipeline, from: usize, to: usize) {
    let stage = pipeline.stages.remove(from);
    pipeline.stages.insert(to.min(pipeline.stages.len()), stage);
}

/// Removes a stage and its actions.
pub fn remove_stage(pipeline: &mut Pipeline, stage: usize) -> Stage {
    pipeline.stages.remove(stage)
}

/// Whether the action at `from` runs strictly before the one at `to` (see
/// [`super::RunSlot::runs_before`]); `false` when either does not exist.
pub fn runs_before(pipeline: &Pipeline, from: ActionRef, to: ActionRef) -> bool {
    match (
        pipeline.slot(from.stage, from.action),
        pipeline.slot(to.stage, to.action),
    ) {
        (Some(from), Some(to)) => from.runs_before(to),
        _ => false,
    }
}

/// Wires `from`'s output artifact into `to`'s inputs, creating an output artifact on `from`
/// when it has none. Refuses a wire that goes backwards (or sideways) in time. Returns the
/// artifact's name.
pub fn connect(
    pipeline: &mut Pipeline,
    from: ActionRef,
    to: ActionRef,
) -> Result<String, EditError> {
    let earlier = runs_before(pipeline, from, to);
    let producer = &pipeline.stages[from.stage].actions[from.action];
    let consumer = &pipeline.stages[to.stage].actions[to.action];
    if !earlier {
        return Err(EditError::NotBefore {
            producer: producer.name.clone(),
            consumer: consumer.name.clone(),
        });
    }
    let name = match producer.output_artifacts.first() {
        Some(output) => output.name.clone(),
        None => {
            let base = format!(
                "{}Output",
                producer.name.replace(
                    |c: char| !c.is_ascii_alphanumeric() && c != '_' && c != '-',
                    ""
                )
            );
            let name = unique_name(&base, |candidate| artifact_taken(pipeline, candidate));
            pipeline.stages[from.stage].actions[from.action]
                .output_artifacts
                .push(OutputArtifact::named(name.clone()));
            name
        }
    };
    let inputs = &mut pipeline.stages[to.stage].actions[to.action].input_artifacts;
    if !inputs.contains(&name) {
        inputs.push(name.clone());
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Category;
    use crate::model::validate;

    fn pipeline() -> Pipeline {
        let mut p = Pipeline::new("p");
        insert_stage(&mut p, 0, "Source");
        insert_stage(&mut p, 1, "Build");
        let source = new_action(&p, 0, ProviderKind::Git, Category::Build);
        add_action(&mut p, 0, source, 1);
        let build = new_action(&p, 1, ProviderKind::Commands, Category::Build);
        add_action(&mut p, 1, build, 1);
        p
    }

    #[test]
    fn new_actions_get_free_names_and_sources_an_output() {
        let mut p = pipeline();
        assert_eq!(
            p.stages[0].actions[0].output_artifacts[0].name,
            "CheckoutOutput"
        );
        let another = new_action(&p, 1, ProviderKind::Commands, Category::Build);
        assert_eq!(another.name, "Build-2");
        add_action(&mut p, 1, another, 2);
        assert_eq!(p.stages[1].actions[1].run_order, 2);
    }

    #[test]
    fn wiring_forward_creates_or_reuses_the_output_and_backwards_is_refused() {
        let mut p = pipeline();
        let source = ActionRef::new(0, 0);
        let build = ActionRef::new(1, 0);
        assert_eq!(
            connect(&mut p, source, build).as_deref(),
            Ok("CheckoutOutput")
        );
        assert_eq!(p.stages[1].actions[0].input_artifacts, ["CheckoutOutput"]);
        let error = connect(&mut p, build, source).unwrap_err();
        assert!(
            matches!(&error, EditError::NotBefore { producer, .. } if producer == "Build"),
            "{error}"
        );
        let test = new_action(&p, 1, ProviderKind::Commands, Category::Build);
        let test = add_action(&mut p, 1, test, 2);
        assert_eq!(connect(&mut p, build, test).as_deref(), Ok("BuildOutput"));
        assert!(validate(&p).is_empty(), "{:?}", validate(&p));
    }

    #[test]
    fn duplicates_get_fresh_outputs_and_namespaces() {
        let mut p = pipeline();
        p.stages[0].actions[0].namespace = Some("Src".into());
        let copy = duplicate_action(&mut p, ActionRef::new(0, 0));
        let action = &p.stages[copy.stage].actions[copy.action];
        assert_eq!(action.name, "Checkout-2");
        assert_eq!(action.output_artifacts[0].name, "CheckoutOutput-2");
        assert_eq!(action.namespace.as_deref(), Some("Src-2"));
    }

    #[test]
    fn runs_before_means_an_earlier_stage_or_a_lower_run_order() {
        let mut p = pipeline();
        let build = ActionRef::new(1, 0);
        let test = new_action(&p, 1, ProviderKind::Commands, Category::Test);
        let test = add_action(&mut p, 1, test, 2);
        let parallel = new_action(&p, 1, ProviderKind::Commands, Category::Test);
        let parallel = add_action(&mut p, 1, parallel, 2);
        assert!(runs_before(&p, ActionRef::new(0, 0), build));
        assert!(runs_before(&p, build, test));
        assert!(
            !runs_before(&p, test, parallel),
            "same run order: in parallel"
        );
        assert!(!runs_before(&p, test, build));
        assert!(
            !runs_before(&p, build, ActionRef::new(7, 0)),
            "no such action"
        );
    }

    #[test]
    fn moves_and_renames_keep_names_unique() {
        let mut p = pipeline();
        rename_stage(&mut p, 1, "Compile").unwrap();
        assert!(rename_stage(&mut p, 1, "Source").is_err());
        let moved = move_action(&mut p, ActionRef::new(1, 0), 0, 3);
        assert_eq!(moved, ActionRef::new(0, 1));
        assert_eq!(p.stages[0].actions[1].run_order, 3);
        assert!(p.stages[1].actions.is_empty());
    }
}
