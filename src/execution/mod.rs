//! The execution vocabulary every layer speaks: ids, the durable [`Change`]s an execution goes
//! through, what started it ([`Trigger`]), the test reports its actions wrote, and an
//! execution as far as it is known ([`ExecutionSnapshot`], folded from changes), and the
//! [`Secrets`] masked in all of it.
//!
//! This is a leaf: it depends only on `model::status`, so the engine (which produces changes),
//! the store (which commits them as SQL) and the front ends (which fold them into what they
//! show) share one set of types without importing each other.

mod change;
mod ids;
pub mod reports;
mod secrets;
mod snapshot;
mod trigger;

pub use change::{Change, NewExecution};
pub use ids::{ActionId, AttemptKey, ExecutionId, short_id};
pub use reports::{CaseOutcome, TestCase, TestReport, TestSuite, Totals};
pub use secrets::{MASK, Secrets};
pub use snapshot::{
    ApprovalDecision, ApprovalState, AttemptState, ExecutionSnapshot, Revision, StageState, Wait,
};
pub use trigger::{Trigger, TriggerKind};
