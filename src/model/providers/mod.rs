//! The providers, as the model sees them: one file per provider holding its configuration,
//! the categories it may be used in, how many artifacts it reads and writes, its defaults,
//! its validation, its one-line summary and its palette entries, all behind [`ProviderConfig`].
//!
//! Adding a provider: write `<name>.rs` here, then add one line to the [`registry!`] call at
//! the end of this file. The engine (`engine/actions/`) and the editor
//! (`ui/editor/providers/`) each have one exhaustive `match` over [`Provider`], so the
//! compiler points at the two other files to write.

mod buildspec;
mod commands;
mod folder;
mod foreign;
mod git;
mod local_deploy;
mod manual;
mod script;

use serde::{Deserialize, Serialize};

use super::action::Category;
use super::duration::Duration;

pub use buildspec::{BuildspecConfig, DEFAULT_BUILDSPEC_FILE};
pub use commands::CommandsConfig;
pub use folder::FolderConfig;
pub use foreign::{ForeignConfig, make_strict};
pub use git::{GitConfig, GitOutputFormat, is_url};
pub use local_deploy::{DEFAULT_KEEP_RELEASES, LocalDeployConfig, MAX_KEEP_RELEASES};
pub use manual::{MAX_APPROVAL_MESSAGE, MAX_APPROVAL_TIMEOUT, ManualConfig};
pub use script::{DEFAULT_CONTINUATION_DELAY, ScriptConfig};

/// How long an action may run when its definition does not say.
pub const DEFAULT_ACTION_TIMEOUT: Duration = Duration::from_secs(3_600);

/// How many input or output artifacts a provider accepts, and what to tell a person who
/// gave another number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArtifactRule {
    /// The counts allowed.
    pub allowed: &'static [usize],
    /// What to do instead, e.g. "a source produces exactly one output artifact".
    pub advice: &'static str,
}

/// An entry of the editor's palette: a provider in one category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaletteEntry {
    /// The category the new action gets.
    pub category: Category,
    /// The chip's label ("Build", "Git").
    pub label: &'static str,
    /// The name a new action starts with ("Build", "Checkout").
    pub action_name: &'static str,
}

/// What is fixed for every action of a provider, whatever its configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderInfo {
    /// The categories it may be used in; the first is the one a new action gets.
    pub categories: &'static [Category],
    /// How many input artifacts it takes (`None`: any number).
    pub inputs: Option<ArtifactRule>,
    /// How many output artifacts it produces (`None`: any number).
    pub outputs: Option<ArtifactRule>,
    /// Whether its output artifacts are filled from the working copy by their `files` and
    /// `base_directory` (otherwise those fields are refused).
    pub collects_files: bool,
    /// Whether it waits for a person (its timeout lives in its configuration).
    pub approval: bool,
    /// Whether it only runs on AWS (a foreign action: skipped here).
    pub aws_only: bool,
    /// How the palette offers it; empty when it cannot be added from the palette.
    pub palette: &'static [PaletteEntry],
}

/// One problem in a provider's configuration: the field (relative to `provider`, e.g.
/// `commands[0]`) and what to do.
pub type FieldProblem = (String, String);

/// What every provider's configuration answers; the generic model code (validation,
/// variable resolution, new actions, summaries) asks only this.
pub trait ProviderConfig {
    /// The facts fixed for the provider.
    fn info() -> &'static ProviderInfo
    where
        Self: Sized;

    /// A configuration a new action starts with: valid, or close to it.
    fn starting() -> Self
    where
        Self: Sized;

    /// The output variables it sets, or `None` when they are not known before it runs.
    fn output_variables(&self) -> Option<Vec<String>>;

    /// Checks the configuration; problems name their field relative to `provider`.
    fn validate(&self) -> Vec<FieldProblem>;

    /// Every string that variables are resolved in, with its field relative to the action
    /// (`provider.commands[0]`), in file order.
    fn strings_mut(&mut self) -> Vec<(String, &mut String)>;

    /// One line saying what the action does, for cards and reports.
    fn summary(&self) -> String;

    /// How long an attempt may take, given the action's own `timeout`.
    fn timeout(&self, action_timeout: Option<Duration>) -> Duration {
        action_timeout.unwrap_or(DEFAULT_ACTION_TIMEOUT)
    }

    /// The local file or folder the provider reads its source from (relative to the
    /// workspace), with its field relative to `provider`, so the editor can say when it does
    /// not exist. `None` when it reads no local source.
    fn local_source(&self) -> Option<(&'static str, &str)> {
        None
    }
}

/// Pushes `provider.<field>[i]` for each item of a list, for [`ProviderConfig::strings_mut`].
pub(crate) fn push_list<'a>(
    out: &mut Vec<(String, &'a mut String)>,
    field: &str,
    list: &'a mut [String],
) {
    for (index, value) in list.iter_mut().enumerate() {
        out.push((format!("provider.{field}[{index}]"), value));
    }
}

/// A problem when a required text field is blank.
pub(crate) fn required(field: &str, value: &str, what: &str) -> Option<FieldProblem> {
    value
        .trim()
        .is_empty()
        .then(|| (field.to_string(), format!("{field} is empty: {what}")))
}

/// Defines [`Provider`], [`ProviderKind`] and their dispatch from one list, so a provider is
/// one line here and can never be missing from `ProviderKind::ALL` or a match.
macro_rules! registry {
    ($($(#[$doc:meta])* $name:ident($config:ty),)*) => {
        /// The provider of an action, holding its typed configuration.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        pub enum Provider {
            $($(#[$doc])* $name($config),)*
        }

        /// The provider kinds, without configuration.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ProviderKind {
            $($(#[$doc])* $name,)*
        }

        impl ProviderKind {
            /// Every provider kind, in registry order.
            pub const ALL: &'static [ProviderKind] = &[$(ProviderKind::$name,)*];

            /// The provider's name as written in files.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ProviderKind::$name => stringify!($name),)*
                }
            }

            /// The facts fixed for this provider.
            pub fn info(self) -> &'static ProviderInfo {
                match self {
                    $(ProviderKind::$name => <$config as ProviderConfig>::info(),)*
                }
            }

            /// A new provider of this kind with its starting configuration.
            pub fn starting(self) -> Provider {
                match self {
                    $(ProviderKind::$name => Provider::$name(<$config as ProviderConfig>::starting()),)*
                }
            }
        }

        impl Provider {
            /// Which kind of provider this is.
            pub fn kind(&self) -> ProviderKind {
                match self {
                    $(Provider::$name(_) => ProviderKind::$name,)*
                }
            }

            /// Its configuration, as the generic model code asks it.
            pub fn config(&self) -> &dyn ProviderConfig {
                match self {
                    $(Provider::$name(config) => config,)*
                }
            }

            /// Its configuration, for resolving variables in place.
            pub fn config_mut(&mut self) -> &mut dyn ProviderConfig {
                match self {
                    $(Provider::$name(config) => config,)*
                }
            }
        }
    };
}

registry! {
    /// A git repository (Source).
    Git(GitConfig),
    /// A local folder or `.zip` file (Source; the S3 equivalent).
    Folder(FolderConfig),
    /// Shell commands (Build, Test).
    Commands(CommandsConfig),
    /// A manual approval (Approval).
    Manual(ManualConfig),
    /// A release into a local folder with an atomic switch (Deploy).
    LocalDeploy(LocalDeployConfig),
    /// A program answering CodePipeline's job contract (Invoke).
    Script(ScriptConfig),
    /// CodeBuild's buildspec run on this machine (Build, Test).
    Buildspec(BuildspecConfig),
    /// An AWS action with no local equivalent, kept for export (any category).
    Foreign(ForeignConfig),
}

impl ProviderKind {
    /// The categories this provider may be used in.
    pub fn categories(self) -> &'static [Category] {
        self.info().categories
    }
}

impl Provider {
    /// The facts fixed for this provider.
    pub fn info(&self) -> &'static ProviderInfo {
        self.kind().info()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_provider_starts_valid_in_each_of_its_categories() {
        for kind in ProviderKind::ALL {
            let provider = kind.starting();
            assert_eq!(provider.kind(), *kind);
            assert!(!kind.categories().is_empty(), "{kind:?} has no category");
            for entry in kind.info().palette {
                assert!(kind.categories().contains(&entry.category), "{kind:?}");
            }
            assert_eq!(provider.config().validate(), Vec::new(), "{kind:?}");
        }
    }

    #[test]
    fn every_category_can_be_added_from_the_palette() {
        for category in Category::ALL {
            assert!(
                ProviderKind::ALL.iter().any(|kind| kind
                    .info()
                    .palette
                    .iter()
                    .any(|e| e.category == category)),
                "{category:?}"
            );
        }
    }
}
