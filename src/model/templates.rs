//! Starting points for new pipelines.

use super::edit::{ActionRef, add_action, connect, insert_stage, new_action};
use super::{Category, Pipeline, Provider, ProviderKind};

/// The templates a new pipeline can start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// No stages.
    Empty,
    /// Source → Build → Test (two in parallel) → Approval → Deploy, wired together.
    Classic,
}

impl Template {
    /// Every template, with its menu label.
    pub const ALL: [(Template, &'static str); 2] = [
        (Template::Empty, "Empty pipeline"),
        (Template::Classic, "Classic five stages"),
    ];

    /// A new pipeline named `name` from this template.
    pub fn create(self, name: &str) -> Pipeline {
        let mut pipeline = Pipeline::new(name);
        if self == Template::Empty {
            return pipeline;
        }
        let steps = [
            ("Source", ProviderKind::Git, Category::Source),
            ("Build", ProviderKind::Commands, Category::Build),
            ("Test", ProviderKind::Commands, Category::Test),
            ("Approval", ProviderKind::Manual, Category::Approval),
            ("Deploy", ProviderKind::LocalDeploy, Category::Deploy),
        ];
        for (index, (stage, kind, category)) in steps.into_iter().enumerate() {
            insert_stage(&mut pipeline, index, stage);
            let action = new_action(&pipeline, index, kind, category);
            add_action(&mut pipeline, index, action, 1);
        }
        let second_test = new_action(&pipeline, 2, ProviderKind::Commands, Category::Test);
        add_action(&mut pipeline, 2, second_test, 1);
        if let Provider::Git(config) = &mut pipeline.stages[0].actions[0].provider {
            config.repository = "app-repo".into();
            config.branch = Some("main".into());
        }
        let at = ActionRef::new;
        // The template's wiring always goes forward, so these cannot fail.
        for (from, to) in [
            (at(0, 0), at(1, 0)),
            (at(0, 0), at(2, 0)),
            (at(0, 0), at(2, 1)),
            (at(1, 0), at(4, 0)),
        ] {
            let _ = connect(&mut pipeline, from, to);
        }
        pipeline
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::validate;

    #[test]
    fn every_template_but_empty_is_valid() {
        assert!(
            validate(&Template::Classic.create("classic")).is_empty(),
            "{:?}",
            validate(&Template::Classic.create("c"))
        );
        let empty = Template::Empty.create("empty");
        assert!(empty.stages.is_empty());
    }
}
