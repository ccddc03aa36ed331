//! CodeBuild's `buildspec.yml`, read leniently the way real ones are written.
//!
//! [`parse`] accepts what CodeBuild accepts and reports every deviation as a [`Warning`] with
//! its line and column: duplicate keys (the last wins), a single string where a list is
//! expected, empty values, unquoted numbers and booleans as environment values, `---` markers
//! and unknown keys. Only text that is not YAML, or a buildspec without a usable `version`,
//! is an error.

mod read;

use indexmap::IndexMap;

use super::Position;

pub use read::parse;

/// The phases, in the order CodeBuild runs them.
pub const PHASES: [&str; 4] = ["install", "pre_build", "build", "post_build"];

/// A buildspec, as far as it runs on this machine.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Buildspec {
    /// `0.1` (every command in its own shell) or `0.2` (one shell state through the build).
    pub version: Version,
    /// `env.shell`: the shell that runs commands (`sh` when not set).
    pub shell: Option<String>,
    /// `env.variables`, as text.
    pub variables: IndexMap<String, String>,
    /// `env.parameter-store`: variable → parameter name.
    pub parameter_store: IndexMap<String, String>,
    /// `env.secrets-manager`: variable → `secret-id:json-key:stage:version`.
    pub secrets_manager: IndexMap<String, String>,
    /// `env.exported-variables`: variables whose final values become output variables.
    pub exported_variables: Vec<String>,
    /// The phases present, in CodeBuild's order.
    pub phases: Vec<Phase>,
    /// `artifacts` (the primary artifact), when present.
    pub artifacts: Option<ArtifactSpec>,
    /// `artifacts.secondary-artifacts`, by identifier.
    pub secondary_artifacts: IndexMap<String, ArtifactSpec>,
    /// `reports`, by report group name or ARN.
    pub reports: IndexMap<String, ReportGroup>,
    /// `cache.paths`: folders kept between executions.
    pub cache_paths: Vec<String>,
}

/// The buildspec's version.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Version {
    /// Each command runs in its own shell: `cd` and variables do not carry over.
    V0_1,
    /// Commands share one shell state, phase after phase.
    #[default]
    V0_2,
}

/// One phase.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Phase {
    /// `install`, `pre_build`, `build` or `post_build`.
    pub name: String,
    /// The commands, run in order; the first failure ends them.
    pub commands: Vec<String>,
    /// Commands run after `commands`, whether they failed or not.
    pub finally: Vec<String>,
    /// What a failure of this phase does to the build.
    pub on_failure: OnFailure,
    /// `runtime-versions` (install only): noted, the machine's toolchains are used.
    pub runtime_versions: IndexMap<String, String>,
}

/// `on-failure` of a phase.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OnFailure {
    /// Stop the build (CodeBuild still runs `post_build` after a failed `build`).
    #[default]
    Abort,
    /// Go on with the next phase; the build still fails at the end.
    Continue,
}

/// An `artifacts` (or secondary artifact) section.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArtifactSpec {
    /// Globs of files, relative to `base_directory` (`**/*` for everything).
    pub files: Vec<String>,
    /// The artifact's name in CodeBuild (not used locally: the pipeline names artifacts).
    pub name: Option<String>,
    /// Put every file at the top of the artifact.
    pub discard_paths: bool,
    /// The folder, relative to the source directory, that `files` start from.
    pub base_directory: Option<String>,
    /// Globs of files to leave out.
    pub exclude_paths: Vec<String>,
}

/// A report group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportGroup {
    /// Globs of report files, relative to `base_directory`.
    pub files: Vec<String>,
    /// The folder they start from.
    pub base_directory: Option<String>,
    /// Keep only file names.
    pub discard_paths: bool,
    /// The format, as written (`JUNITXML` when not set).
    pub file_format: ReportFormat,
}

/// Test report formats CodeBuild knows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ReportFormat {
    /// JUnit XML (the default).
    #[default]
    JunitXml,
    /// Cucumber JSON.
    CucumberJson,
    /// TestNG XML.
    TestNgXml,
    /// NUnit 2 XML.
    NunitXml,
    /// NUnit 3 XML.
    Nunit3Xml,
    /// Visual Studio TRX.
    VisualStudioTrx,
}

impl ReportFormat {
    /// The format named `text`, matched case-insensitively.
    pub fn named(text: &str) -> Option<Self> {
        Some(match text.to_ascii_uppercase().as_str() {
            "JUNITXML" => Self::JunitXml,
            "CUCUMBERJSON" => Self::CucumberJson,
            "TESTNGXML" => Self::TestNgXml,
            "NUNITXML" => Self::NunitXml,
            "NUNIT3XML" => Self::Nunit3Xml,
            "VISUALSTUDIOTRX" => Self::VisualStudioTrx,
            _ => return None,
        })
    }
}

/// Something a real buildspec does that CodeBuild tolerates, said once with where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Where in the buildspec.
    pub at: Position,
    /// What and what it was taken as.
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

/// A buildspec and what was tolerated in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The buildspec.
    pub buildspec: Buildspec,
    /// Deviations, in file order.
    pub warnings: Vec<Warning>,
}

/// Why a buildspec cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {message}")]
pub struct BuildspecError {
    /// Where.
    pub at: Position,
    /// What is wrong and what to do.
    pub message: String,
}
