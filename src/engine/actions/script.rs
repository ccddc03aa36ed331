//! The Script (Invoke) provider: CodePipeline's Lambda job contract, locally.
//!
//! The program gets the job document on stdin, as a Lambda function gets its event:
//! `{"CodePipeline.job": {"id", "accountId", "data": {"actionConfiguration":
//! {"configuration": {"FunctionName", "UserParameters"}}, "inputArtifacts", "outputArtifacts",
//! "continuationToken"?, "pipelineContext"}}}`, with artifact locations as local paths.
//! It answers with one JSON object on stdout:
//! - `{"status": "success", "summary": "...", "outputVariables": {...}}`
//! - `{"status": "failure", "failureType": "JobFailed", "message": "..."}`
//! - `{"status": "continue", "continuationToken": "..."}`: invoked again after a pause.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::json;

use crate::model::ScriptConfig;
use crate::model::providers::DEFAULT_CONTINUATION_DELAY;

use super::commands::describe_end;
use super::{ActionContext, ActionResult, ActionStep, StepFuture};
use crate::engine::process::{self, End, Spec};

/// CodePipeline's failure types.
pub const FAILURE_TYPES: [&str; 6] = [
    "JobFailed",
    "ConfigurationError",
    "PermissionError",
    "RevisionOutOfSync",
    "RevisionUnavailable",
    "SystemUnavailable",
];
const SHOWN_LINES: usize = 5;

#[derive(Debug, Deserialize)]
#[serde(tag = "status", rename_all = "lowercase")]
enum Reply {
    Success {
        #[serde(default)]
        summary: Option<String>,
        #[serde(default, rename = "outputVariables")]
        output_variables: IndexMap<String, serde_json::Value>,
    },
    Failure {
        #[serde(default, rename = "failureType")]
        failure_type: Option<String>,
        #[serde(default)]
        message: Option<String>,
    },
    Continue {
        #[serde(rename = "continuationToken")]
        continuation_token: String,
    },
}

impl ActionStep for ScriptConfig {
    fn uses_working_copy(&self) -> bool {
        true
    }

    fn run<'a>(&'a self, context: &'a mut ActionContext) -> StepFuture<'a> {
        Box::pin(async move {
            let job_id = uuid::Uuid::new_v4().to_string();
            let delay = self
                .continuation_delay
                .unwrap_or(DEFAULT_CONTINUATION_DELAY)
                .to_std();
            let mut token: Option<String> = None;
            let mut invocation = 1;
            loop {
                let document = job_document(self, context, &job_id, token.as_deref());
                context
                    .log
                    .note(&format!("$ {} (invocation {invocation})", self.program));
                let work_dir = context.work_dir.clone();
                let spec = Spec {
                    program: &self.program,
                    args: &self.arguments,
                    cwd: &work_dir,
                    env: &context.env,
                    stdin: Some(document.into_bytes()),
                    capture_stdout: true,
                };
                let finished =
                    match process::run(spec, &context.log, &context.control, &context.launcher)
                        .await
                    {
                        Ok(finished) => finished,
                        Err(error) => {
                            return ActionResult::failed(format!(
                                "cannot run {}: {error}",
                                self.program
                            ));
                        }
                    };
                if finished.end != End::Exited(0) {
                    return describe_end(context, finished.end);
                }
                match parse_reply(&finished.stdout) {
                    Err(message) => return ActionResult::failed(message),
                    Ok(Reply::Success {
                        summary,
                        output_variables,
                    }) => {
                        return ActionResult {
                            output_variables: output_variables
                                .into_iter()
                                .map(|(key, value)| (key, plain(value)))
                                .collect(),
                            ..ActionResult::succeeded(summary)
                        };
                    }
                    Ok(Reply::Failure {
                        failure_type,
                        message,
                    }) => {
                        let kind = failure_type.unwrap_or_else(|| "JobFailed".into());
                        let kind = if FAILURE_TYPES.contains(&kind.as_str()) {
                            kind
                        } else {
                            format!("JobFailed ({kind} is not a CodePipeline failure type)")
                        };
                        return ActionResult::failed(format!(
                            "{kind}: {}",
                            message.unwrap_or_else(|| "no message".into())
                        ));
                    }
                    Ok(Reply::Continue { continuation_token }) => {
                        context.log.note(&format!(
                            "continue with token {continuation_token}; invoking again in {}s",
                            delay.as_secs_f32()
                        ));
                        token = Some(continuation_token);
                        invocation += 1;
                        let deadline = context.control.deadline;
                        tokio::select! {
                            () = tokio::time::sleep(delay) => {}
                            () = context.control.cancel.cancelled() => return ActionResult::abandoned("stopped between invocations"),
                            () = async { match deadline { Some(at) => tokio::time::sleep_until(at).await, None => std::future::pending().await } } => {
                                return describe_end(context, End::TimedOut);
                            }
                        }
                    }
                }
            }
        })
    }
}

/// A JSON value as a variable: strings as they are, anything else as JSON text.
fn plain(value: serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text,
        other => other.to_string(),
    }
}

fn parse_reply(stdout: &[u8]) -> Result<Reply, String> {
    let text = String::from_utf8_lossy(stdout);
    let trimmed = text.trim();
    serde_json::from_str(trimmed).map_err(|error| {
        let shown: Vec<&str> = trimmed.lines().take(SHOWN_LINES).collect();
        if shown.is_empty() {
            "the program printed no reply: print one JSON object such as {\"status\": \"success\"}"
                .to_string()
        } else {
            format!(
                "the reply is not a valid job result ({error}); it printed:\n{}",
                shown.join("\n")
            )
        }
    })
}

fn job_document(
    config: &ScriptConfig,
    context: &ActionContext,
    job_id: &str,
    token: Option<&str>,
) -> String {
    let artifact = |(name, path): &(String, std::path::PathBuf)| json!({"name": name, "location": {"type": "Local", "path": path.to_string_lossy()}});
    let mut data = json!({
        "actionConfiguration": {"configuration": {
            "FunctionName": config.program,
            "UserParameters": config.user_parameters,
        }},
        "inputArtifacts": context.inputs.iter().map(artifact).collect::<Vec<_>>(),
        "outputArtifacts": context.outputs.iter().map(artifact).collect::<Vec<_>>(),
        "pipelineContext": {
            "pipelineExecutionId": context.key.execution_id,
            "stage": {"name": context.key.stage},
            "action": {"name": context.key.action},
        },
    });
    if let Some(token) = token {
        data["continuationToken"] = json!(token);
    }
    json!({"CodePipeline.job": {"id": job_id, "accountId": "local", "data": data}}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_of_each_kind_parse() {
        assert!(matches!(
            parse_reply(br#"{"status":"success","outputVariables":{"n":3,"s":"x"}}"#),
            Ok(Reply::Success { .. })
        ));
        assert!(matches!(
            parse_reply(
                br#" {"status":"failure","failureType":"ConfigurationError","message":"m"} "#
            ),
            Ok(Reply::Failure { .. })
        ));
        assert!(matches!(
            parse_reply(br#"{"status":"continue","continuationToken":"t1"}"#),
            Ok(Reply::Continue { .. })
        ));
    }

    #[test]
    fn an_invalid_reply_quotes_the_first_lines() {
        let error = parse_reply(b"hello\nworld\n").unwrap_err();
        assert!(error.ends_with("it printed:\nhello\nworld"), "{error}");
        assert!(parse_reply(b"").unwrap_err().contains("printed no reply"));
    }
}
