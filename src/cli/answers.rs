//! How the command line answers approvals: from `--approve` / `--reject` flags, by asking on
//! the terminal, or by saying how someone else can answer (the app, `pipewright approve`).

use std::collections::HashMap;
use std::io::{IsTerminal, Write};

use crate::engine::{Command, Commander};
use crate::execution::{ActionId, AttemptKey};
use crate::model::{Category, Pipeline};

/// Answers given on the command line.
#[derive(Debug, Default)]
pub struct Answers {
    approve_all: bool,
    approve: Vec<ActionId>,
    reject: HashMap<ActionId, String>,
}

/// What to do about one approval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Answer it now.
    Decide {
        /// Approve (true) or reject.
        approved: bool,
        /// The summary to record.
        summary: String,
    },
    /// Ask the person at the terminal.
    Ask,
    /// Say how to answer it elsewhere, and wait.
    Wait,
}

impl Answers {
    /// Reads `--approve all|STAGE/ACTION` and `--reject STAGE/ACTION=SUMMARY`, checking each
    /// names an approval of `pipeline` (when one is given).
    pub fn parse(
        approve: &[String],
        reject: &[String],
        pipeline: Option<&Pipeline>,
    ) -> Result<Self, String> {
        let approvals: Option<Vec<ActionId>> = pipeline.map(|pipeline| {
            pipeline
                .stages
                .iter()
                .flat_map(|stage| {
                    stage
                        .actions
                        .iter()
                        .filter(|a| a.category == Category::Approval)
                        .map(move |a| ActionId::new(&stage.name, &a.name))
                })
                .collect()
        });
        let check = |flag: &str, target: &str| -> Result<ActionId, String> {
            let id = ActionId::parse(target)
                .ok_or_else(|| format!("{flag} {target:?}: write it as STAGE/ACTION"))?;
            match &approvals {
                Some(known) if !known.contains(&id) => Err(format!(
                    "{flag} {target}: no approval action has that name; the approvals are: {}",
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                )),
                _ => Ok(id),
            }
        };
        let mut answers = Self::default();
        for target in approve {
            if target == "all" {
                answers.approve_all = true;
            } else {
                answers.approve.push(check("--approve", target)?);
            }
        }
        for item in reject {
            let (target, summary) = item
                .split_once('=')
                .ok_or_else(|| format!("--reject {item:?}: write it as STAGE/ACTION=SUMMARY"))?;
            answers
                .reject
                .insert(check("--reject", target)?, summary.to_string());
        }
        Ok(answers)
    }

    /// What to do about `action`, given whether a person is at a terminal.
    pub fn plan(&self, action: &ActionId, terminal: bool) -> Plan {
        if let Some(summary) = self.reject.get(action) {
            Plan::Decide {
                approved: false,
                summary: summary.clone(),
            }
        } else if self.approve_all || self.approve.contains(action) {
            Plan::Decide {
                approved: true,
                summary: "approved on the command line".into(),
            }
        } else if terminal {
            Plan::Ask
        } else {
            Plan::Wait
        }
    }
}

/// Whether a person can be asked on this terminal.
pub fn can_ask() -> bool {
    std::io::stdin().is_terminal()
}

/// How to answer an approval from elsewhere, for a waiting process to print.
pub fn how_to_answer(key: &AttemptKey) -> String {
    format!(
        "{key} waits for approval: answer it in the app, or with `pipewright approve {id} {action}` (or `pipewright reject {id} {action} --summary WHY`)",
        id = key.execution_id.short(),
        action = key.action_id(),
    )
}

/// Sends a decision; returns the engine's refusal as text, if any.
pub fn decide(
    commander: &Commander,
    key: &AttemptKey,
    approved: bool,
    summary: String,
) -> Result<(), String> {
    commander
        .send(Command::Decide {
            execution_id: key.execution_id.clone(),
            stage: key.stage.clone(),
            action: key.action.clone(),
            approved,
            summary,
        })
        .wait()
        .map(|_| ())
        .map_err(|error| error.to_string())
}

/// Asks on the terminal whether to approve, on its own thread so the process keeps following
/// the execution (someone may answer elsewhere first). Sends the answer when given.
pub fn ask_in_background(commander: Commander, key: AttemptKey) {
    let _ = std::thread::Builder::new()
        .name("pipewright-ask".into())
        .spawn(move || {
            if let Some((approved, summary)) = ask(&key.action_id().to_string())
                && let Err(refusal) = decide(&commander, &key, approved, summary)
            {
                eprintln!("pipewright: {refusal}");
            }
        });
}

/// Asks on the terminal; `None` at the end of input.
fn ask(target: &str) -> Option<(bool, String)> {
    loop {
        print!("Approve {target}? [a]pprove / [r]eject: ");
        let _ = std::io::stdout().flush();
        let mut answer = String::new();
        if std::io::stdin().read_line(&mut answer).unwrap_or(0) == 0 {
            return None;
        }
        let approved = match answer.trim().to_lowercase().as_str() {
            "a" | "approve" | "y" | "yes" => true,
            "r" | "reject" | "n" | "no" => false,
            _ => continue,
        };
        print!("Summary: ");
        let _ = std::io::stdout().flush();
        let mut summary = String::new();
        let _ = std::io::stdin().read_line(&mut summary);
        let summary = summary.trim().to_string();
        let summary = if summary.is_empty() {
            if approved { "approved" } else { "rejected" }.to_string()
        } else {
            summary
        };
        return Some((approved, summary));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_decide_then_a_terminal_asks_then_the_process_waits() {
        let answers = Answers::parse(&["Gate/Ship".into()], &["Gate/Hold=not today".into()], None)
            .expect("parses");
        let ship = ActionId::new("Gate", "Ship");
        let hold = ActionId::new("Gate", "Hold");
        let other = ActionId::new("Gate", "Other");
        assert!(matches!(
            answers.plan(&ship, false),
            Plan::Decide { approved: true, .. }
        ));
        assert_eq!(
            answers.plan(&hold, true),
            Plan::Decide {
                approved: false,
                summary: "not today".into()
            }
        );
        assert_eq!(answers.plan(&other, true), Plan::Ask);
        assert_eq!(answers.plan(&other, false), Plan::Wait);
    }

    #[test]
    fn malformed_flags_say_how_to_write_them() {
        let error = Answers::parse(&[], &["Gate/Ship".into()], None).expect_err("no summary");
        assert!(error.contains("STAGE/ACTION=SUMMARY"), "{error}");
        let error = Answers::parse(&["Ship".into()], &[], None).expect_err("no stage");
        assert!(error.contains("STAGE/ACTION"), "{error}");
    }
}
