//! Include / exclude glob filters for branches, tags and file paths, as CodePipeline V2
//! triggers use them: `*` stays within one `/`-separated part, `**` crosses them, `?`, `[ ]`
//! and `{a,b}` work as usual, an empty include list lets everything in, and exclude wins.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};

/// Globs to include and to exclude, as written in a pipeline file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    /// Names that pass (empty: every name).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub includes: Vec<String>,
    /// Names that never pass, even when included.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excludes: Vec<String>,
}

/// A [`Filter`] compiled for matching.
#[derive(Debug, Clone)]
pub struct GlobFilter {
    includes: Option<GlobSet>,
    excludes: GlobSet,
}

/// Checks one glob, with a message that says what is wrong.
pub fn check_glob(pattern: &str) -> Result<(), String> {
    build(std::slice::from_ref(&pattern.to_string())).map(|_| ())
}

fn build(patterns: &[String]) -> Result<GlobSet, String> {
    let mut set = GlobSetBuilder::new();
    for pattern in patterns {
        if pattern.is_empty() {
            return Err("a glob is empty: write a pattern such as \"main\" or \"src/**\"".into());
        }
        let glob = GlobBuilder::new(pattern)
            .literal_separator(true)
            .backslash_escape(true)
            .build()
            .map_err(|error| format!("the glob \"{pattern}\" is invalid: {}", error.kind()))?;
        set.add(glob);
    }
    set.build().map_err(|error| error.to_string())
}

impl GlobFilter {
    /// Compiles `filter`.
    pub fn new(filter: &Filter) -> Result<Self, String> {
        Ok(Self {
            includes: if filter.includes.is_empty() {
                None
            } else {
                Some(build(&filter.includes)?)
            },
            excludes: build(&filter.excludes)?,
        })
    }

    /// A filter that lets only `name` through.
    pub fn exactly(name: &str) -> Self {
        let mut set = GlobSetBuilder::new();
        if let Ok(glob) = GlobBuilder::new(&globset::escape(name)).build() {
            set.add(glob);
        }
        Self {
            includes: Some(set.build().unwrap_or_else(|_| GlobSet::empty())),
            excludes: GlobSet::empty(),
        }
    }

    /// Whether `name` passes: included (or no includes) and not excluded.
    pub fn matches(&self, name: &str) -> bool {
        !self.excludes.is_match(name) && self.includes.as_ref().is_none_or(|i| i.is_match(name))
    }

    /// Whether at least one of `names` passes.
    pub fn matches_any<'a>(&self, names: impl IntoIterator<Item = &'a str>) -> bool {
        names.into_iter().any(|name| self.matches(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(includes: &[&str], excludes: &[&str]) -> GlobFilter {
        GlobFilter::new(&Filter {
            includes: includes.iter().map(|s| s.to_string()).collect(),
            excludes: excludes.iter().map(|s| s.to_string()).collect(),
        })
        .expect("valid")
    }

    #[test]
    fn star_stays_in_one_part_and_double_star_crosses_parts() {
        let branches = filter(&["release/*"], &[]);
        assert!(branches.matches("release/1.0"));
        assert!(!branches.matches("release/1.0/hotfix"));
        assert!(!branches.matches("main"));
        let paths = filter(&["src/**/*.rs"], &[]);
        assert!(paths.matches("src/main.rs"));
        assert!(paths.matches("src/a/b/c.rs"));
        assert!(!paths.matches("tests/a.rs"));
    }

    #[test]
    fn question_mark_classes_and_alternatives() {
        let tags = filter(&["v[0-9].?", "{beta,rc}-*"], &[]);
        assert!(tags.matches("v1.2"));
        assert!(!tags.matches("vx.2"));
        assert!(tags.matches("rc-7"));
        assert!(tags.matches("beta-x"));
        assert!(!tags.matches("alpha-1"));
    }

    #[test]
    fn exclude_wins_and_no_includes_lets_everything_in() {
        let paths = filter(&[], &["docs/**", "*.md"]);
        assert!(paths.matches("src/lib.rs"));
        assert!(!paths.matches("docs/guide/intro.txt"));
        assert!(!paths.matches("README.md"));
        let both = filter(&["src/**"], &["src/generated/**"]);
        assert!(!both.matches("src/generated/api.rs"));
        assert!(both.matches_any(["src/generated/api.rs", "src/lib.rs"]));
        assert!(!both.matches_any(["src/generated/api.rs", "README.md"]));
    }

    #[test]
    fn exactly_matches_one_literal_name() {
        let main = GlobFilter::exactly("feature/[x]");
        assert!(main.matches("feature/[x]"));
        assert!(!main.matches("feature/x"));
    }

    #[test]
    fn bad_globs_are_named() {
        let error = GlobFilter::new(&Filter {
            includes: vec!["src/[a".into()],
            excludes: vec![],
        })
        .expect_err("unclosed class");
        assert!(error.contains("src/[a"), "{error}");
        assert!(check_glob("").is_err());
    }
}
