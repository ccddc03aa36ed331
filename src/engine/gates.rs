//! Who may enter a stage: CodePipeline's execution modes and disabled transitions.
//!
//! SUPERSEDED: a stage holds one execution; one more may wait in front of it, and a newer
//! arrival replaces (supersedes) the waiting one. QUEUED: one at a time, the rest wait in
//! order. PARALLEL: executions never wait for each other. A disabled inbound transition holds
//! every arrival in front of the stage until it is enabled again.

use std::collections::{HashMap, VecDeque};

use crate::model::ExecutionMode;

use super::refusal::Refusal;

/// The answer to an execution asking to enter a stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    /// Go in now.
    Enter,
    /// Wait in front of the stage; `superseded` is the execution this one replaced.
    Wait {
        /// The execution that was waiting before and is now superseded.
        superseded: Option<String>,
    },
}

#[derive(Debug, Default)]
struct Gate {
    occupants: Vec<String>,
    waiting: VecDeque<String>,
    disabled: Option<String>,
    last_entered: Option<String>,
}

/// The gates of one pipeline's stages, by stage name.
#[derive(Debug)]
pub struct Gates {
    mode: ExecutionMode,
    stages: HashMap<String, Gate>,
}

impl Gates {
    /// Gates for a pipeline in `mode`.
    pub fn new(mode: ExecutionMode) -> Self {
        Self {
            mode,
            stages: HashMap::new(),
        }
    }

    /// Changes the execution mode (a newer definition was started).
    pub fn set_mode(&mut self, mode: ExecutionMode) {
        self.mode = mode;
    }

    fn gate(&mut self, stage: &str) -> &mut Gate {
        self.stages.entry(stage.to_string()).or_default()
    }

    /// `execution` asks to enter `stage` through its inbound transition.
    pub fn request(&mut self, stage: &str, execution: &str) -> Admission {
        let mode = self.mode;
        let gate = self.gate(stage);
        let free = mode == ExecutionMode::Parallel || gate.occupants.is_empty();
        let nobody_ahead = mode != ExecutionMode::Queued || gate.waiting.is_empty();
        if gate.disabled.is_none() && free && nobody_ahead {
            gate.occupants.push(execution.to_string());
            gate.last_entered = Some(execution.to_string());
            return Admission::Enter;
        }
        let superseded = match mode {
            ExecutionMode::Superseded => gate.waiting.pop_front(),
            ExecutionMode::Queued | ExecutionMode::Parallel => None,
        };
        gate.waiting.push_back(execution.to_string());
        Admission::Wait { superseded }
    }

    /// `execution` re-enters `stage` for a retry. Fails with the reason when it may not.
    pub fn reenter(&mut self, stage: &str, execution: &str) -> Result<(), Refusal> {
        let mode = self.mode;
        let gate = self.gate(stage);
        if mode != ExecutionMode::Parallel {
            if let Some(other) = gate.occupants.first() {
                return Err(Refusal::StageBusy {
                    stage: stage.to_string(),
                    other: other.clone(),
                });
            }
            if let Some(newer) = gate.last_entered.as_ref().filter(|id| *id != execution) {
                return Err(Refusal::NewerRanStage {
                    stage: stage.to_string(),
                    newer: newer.clone(),
                });
            }
        }
        gate.occupants.push(execution.to_string());
        gate.last_entered = Some(execution.to_string());
        Ok(())
    }

    /// `execution` left `stage` (done, failed or stopped), or stopped waiting in front of it.
    pub fn leave(&mut self, stage: &str, execution: &str) {
        let gate = self.gate(stage);
        gate.occupants.retain(|id| id != execution);
        gate.waiting.retain(|id| id != execution);
    }

    /// The waiting executions that may enter `stage` now; they are counted as inside.
    pub fn admit(&mut self, stage: &str) -> Vec<String> {
        let mode = self.mode;
        let gate = self.gate(stage);
        if gate.disabled.is_some() {
            return Vec::new();
        }
        let admitted: Vec<String> = match mode {
            ExecutionMode::Parallel => gate.waiting.drain(..).collect(),
            ExecutionMode::Superseded | ExecutionMode::Queued => {
                if gate.occupants.is_empty() {
                    gate.waiting.pop_front().into_iter().collect()
                } else {
                    Vec::new()
                }
            }
        };
        for id in &admitted {
            gate.occupants.push(id.clone());
            gate.last_entered = Some(id.clone());
        }
        admitted
    }

    /// Disables (`Some(reason)`) or enables (`None`) the transition into `stage`.
    pub fn set_disabled(&mut self, stage: &str, reason: Option<String>) {
        self.gate(stage).disabled = reason;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn superseded_keeps_one_waiting_and_replaces_it_with_the_newest() {
        let mut gates = Gates::new(ExecutionMode::Superseded);
        assert_eq!(gates.request("Build", "a"), Admission::Enter);
        assert_eq!(
            gates.request("Build", "b"),
            Admission::Wait { superseded: None }
        );
        assert_eq!(
            gates.request("Build", "c"),
            Admission::Wait {
                superseded: Some("b".into())
            }
        );
        assert!(gates.admit("Build").is_empty(), "a is still inside");
        gates.leave("Build", "a");
        assert_eq!(gates.admit("Build"), vec!["c".to_string()]);
    }

    #[test]
    fn queued_lets_them_in_first_come_first_served() {
        let mut gates = Gates::new(ExecutionMode::Queued);
        assert_eq!(gates.request("Build", "a"), Admission::Enter);
        for id in ["b", "c"] {
            assert_eq!(
                gates.request("Build", id),
                Admission::Wait { superseded: None }
            );
        }
        gates.leave("Build", "a");
        assert_eq!(gates.admit("Build"), vec!["b".to_string()]);
        gates.leave("Build", "b");
        assert_eq!(gates.admit("Build"), vec!["c".to_string()]);
    }

    #[test]
    fn parallel_never_waits_unless_the_transition_is_disabled() {
        let mut gates = Gates::new(ExecutionMode::Parallel);
        assert_eq!(gates.request("Build", "a"), Admission::Enter);
        assert_eq!(gates.request("Build", "b"), Admission::Enter);
        gates.set_disabled("Build", Some("freeze".into()));
        assert_eq!(
            gates.request("Build", "c"),
            Admission::Wait { superseded: None }
        );
        assert_eq!(
            gates.request("Build", "d"),
            Admission::Wait { superseded: None }
        );
        gates.set_disabled("Build", None);
        assert_eq!(gates.admit("Build"), vec!["c".to_string(), "d".to_string()]);
    }

    #[test]
    fn a_disabled_transition_holds_even_a_free_stage() {
        let mut gates = Gates::new(ExecutionMode::Superseded);
        gates.set_disabled("Deploy", Some("release freeze".into()));
        assert_eq!(
            gates.request("Deploy", "a"),
            Admission::Wait { superseded: None }
        );
        assert!(gates.admit("Deploy").is_empty());
        gates.set_disabled("Deploy", None);
        assert_eq!(gates.admit("Deploy"), vec!["a".to_string()]);
    }

    #[test]
    fn a_retry_is_refused_while_another_execution_holds_or_has_passed_the_stage() {
        let mut gates = Gates::new(ExecutionMode::Superseded);
        assert_eq!(gates.request("Test", "old"), Admission::Enter);
        gates.leave("Test", "old");
        assert_eq!(gates.request("Test", "new"), Admission::Enter);
        assert!(
            gates
                .reenter("Test", "old")
                .unwrap_err()
                .to_string()
                .contains("running execution new")
        );
        gates.leave("Test", "new");
        assert!(
            gates
                .reenter("Test", "old")
                .unwrap_err()
                .to_string()
                .contains("newer execution (new)")
        );
        assert!(gates.reenter("Test", "new").is_ok());
    }
}
