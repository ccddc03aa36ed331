//! Foreign actions (AWS-only providers such as CloudFormation or CodeDeploy): there is
//! nothing to run here, so the action is skipped with a note in its log and a warning on the
//! attempt, and its output artifacts stay empty. With `strict` it fails instead.

use crate::model::ForeignConfig;

use super::{ActionContext, ActionResult, ActionStep, StepFuture};

impl ActionStep for ForeignConfig {
    fn needs_slot(&self) -> bool {
        false
    }

    fn run<'a>(&'a self, context: &'a mut ActionContext) -> StepFuture<'a> {
        Box::pin(async move {
            let what = format!("{}/{}/{}", self.owner, self.provider, self.version);
            if self.strict {
                let text = format!(
                    "{what} runs on AWS only and strict is set: failing instead of skipping"
                );
                context.log.note(&text);
                return ActionResult::failed(text);
            }
            let text = format!("skipped: {what} runs on AWS only, nothing was run here");
            context.log.note(&text);
            ActionResult {
                warnings: vec![text.clone()],
                ..ActionResult::succeeded(Some(text))
            }
        })
    }
}
