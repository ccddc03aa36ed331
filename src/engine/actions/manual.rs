//! The Manual approval provider: waits for a person to approve or reject, or for the timeout.

use crate::clock::format_duration_ms;
use crate::model::ManualConfig;

use super::{ActionContext, ActionResult, ActionStep, ApprovalRequest, Signal, StepFuture};

impl ActionStep for ManualConfig {
    fn needs_slot(&self) -> bool {
        false
    }

    fn approval(&self) -> Option<ApprovalRequest> {
        Some(ApprovalRequest {
            message: self.custom_message.clone(),
            review_url: self.review_url.clone(),
        })
    }

    fn run<'a>(&'a self, context: &'a mut ActionContext) -> StepFuture<'a> {
        Box::pin(async move {
            context.log.note("waiting for approval");
            let timeout = context.timeout;
            tokio::select! {
                signal = context.signals.recv() => match signal {
                    Some(Signal::Decision { approved: true, summary, by }) => {
                        context.log.note(&format!("approved by {by}: {summary}"));
                        ActionResult::succeeded(Some(format!("approved by {by}: {summary}")))
                    }
                    Some(Signal::Decision { approved: false, summary, by }) => {
                        context.log.note(&format!("rejected by {by}: {summary}"));
                        ActionResult::failed(format!("rejected by {by}: {summary}"))
                    }
                    None => ActionResult::abandoned("the engine stopped while waiting for approval"),
                },
                () = tokio::time::sleep(timeout) => {
                    let text = format!(
                        "approval timed out after {}",
                        format_duration_ms(timeout.as_millis() as i64)
                    );
                    context.log.note(&text);
                    ActionResult::failed(text)
                }
                () = context.control.cancel.cancelled() => ActionResult::abandoned("stopped while waiting for approval"),
            }
        })
    }
}
