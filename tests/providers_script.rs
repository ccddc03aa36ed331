//! Script (Invoke): the job document in, one JSON reply out, failures and continuations.

mod common;

use common::Workspace;
use pipewright::model::status::ExecutionStatus;

fn script_pipeline(ws: &Workspace, program: &str) -> pipewright::model::Pipeline {
    std::fs::write(ws.path().join("job.sh"), program).expect("write");
    ws.pipeline(
        r##"(name: "invoke", stages: [
            (name: "Check", actions: [(name: "Gate", category: Invoke, namespace: "Gate",
                provider: Script(program: "sh", arguments: ["{ws}/job.sh"], user_parameters: "{\"limit\": 3}",
                    continuation_delay: "1s"))]),
            (name: "Use", actions: [(name: "Echo", category: Build,
                provider: Commands(commands: ["echo verdict=#{Gate.Verdict} > {ws}/verdict"]))]),
        ])"##,
    )
}

fn summary(ws: &Workspace, id: &str) -> String {
    ws.store().attempts(id).expect("attempts")[0]
        .summary
        .clone()
        .unwrap_or_default()
}

#[test]
fn a_success_reply_sets_output_variables_for_later_actions() {
    let ws = Workspace::new();
    let id = ws.start(&script_pipeline(
        &ws,
        r#"cat > "$PIPEWRIGHT_WORKSPACE/job.json"
echo '{"status": "success", "summary": "all clear", "outputVariables": {"Verdict": "go", "Count": 3}}'"#,
    ));
    assert_eq!(
        ws.wait_end(&id),
        ExecutionStatus::Succeeded,
        "{}",
        summary(&ws, &id)
    );
    assert_eq!(
        std::fs::read_to_string(ws.path().join("verdict"))
            .expect("used")
            .trim(),
        "verdict=go"
    );
    let attempt = &ws.store().attempts(&id).expect("attempts")[0];
    assert_eq!(attempt.summary.as_deref(), Some("all clear"));
    assert_eq!(attempt.output_variables["Count"], "3");
    let job: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ws.path().join("job.json")).expect("job"))
            .expect("json");
    let job = &job["CodePipeline.job"];
    assert!(job["id"].is_string());
    assert_eq!(
        job["data"]["actionConfiguration"]["configuration"]["UserParameters"],
        "{\"limit\": 3}"
    );
    assert_eq!(job["data"]["pipelineContext"]["pipelineExecutionId"], id);
    assert!(job["data"]["continuationToken"].is_null());
}

#[test]
fn a_failure_reply_fails_with_its_type_and_message() {
    let ws = Workspace::new();
    let id = ws.start(&script_pipeline(
        &ws,
        r#"cat > /dev/null; echo '{"status": "failure", "failureType": "ConfigurationError", "message": "limit is too low"}'"#,
    ));
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Failed);
    assert_eq!(summary(&ws, &id), "ConfigurationError: limit is too low");
}

#[test]
fn continuations_reinvoke_with_the_token_until_a_final_answer() {
    let ws = Workspace::new();
    let id = ws.start(&script_pipeline(
        &ws,
        r#"input=$(cat)
echo "$input" >> "$PIPEWRIGHT_WORKSPACE/invocations"
case "$input" in
  *'"continuationToken":"second"'*) echo '{"status": "success", "outputVariables": {"Verdict": "after-two"}}' ;;
  *'"continuationToken":"first"'*) echo '{"status": "continue", "continuationToken": "second"}' ;;
  *) echo '{"status": "continue", "continuationToken": "first"}' ;;
esac"#,
    ));
    assert_eq!(
        ws.wait_end(&id),
        ExecutionStatus::Succeeded,
        "{}",
        summary(&ws, &id)
    );
    let invocations = std::fs::read_to_string(ws.path().join("invocations")).expect("log");
    assert_eq!(invocations.lines().count(), 3, "invoked three times");
    assert_eq!(
        std::fs::read_to_string(ws.path().join("verdict"))
            .expect("used")
            .trim(),
        "verdict=after-two"
    );
}

#[test]
fn a_reply_that_is_not_json_fails_quoting_what_was_printed() {
    let ws = Workspace::new();
    let id = ws.start(&script_pipeline(
        &ws,
        "cat > /dev/null; echo 'everything is fine'; echo 'really'",
    ));
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Failed);
    let text = summary(&ws, &id);
    assert!(
        text.starts_with("the reply is not a valid job result"),
        "{text}"
    );
    assert!(
        text.ends_with("it printed:\neverything is fine\nreally"),
        "{text}"
    );
}

#[test]
fn a_program_that_exits_non_zero_fails_with_its_output() {
    let ws = Workspace::new();
    let id = ws.start(&script_pipeline(
        &ws,
        "cat > /dev/null; echo 'cannot reach the service' >&2; exit 3",
    ));
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Failed);
    let text = summary(&ws, &id);
    assert!(
        text.starts_with("exit code 3") && text.contains("cannot reach the service"),
        "{text}"
    );
}
