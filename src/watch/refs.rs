//! What a repository's branches and tags point at (from `git ls-remote`), and which of them
//! moved between two looks, through a trigger's branch and tag filters.

use std::collections::BTreeMap;

use crate::model::triggers::GlobFilter;

/// The refs of a repository at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// The default branch (what HEAD points at), if known.
    pub head: Option<String>,
    /// Branch name → commit.
    pub branches: BTreeMap<String, String>,
    /// Tag name → the commit it points at (annotated tags peeled).
    pub tags: BTreeMap<String, String>,
}

/// A ref that moved so that a trigger may fire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Moved {
    /// A branch got new commits (`from` is `None` for a new branch).
    Branch {
        /// The branch.
        name: String,
        /// Where it was.
        from: Option<String>,
        /// Where it is now.
        to: String,
    },
    /// A tag was created or moved.
    Tag {
        /// The tag.
        name: String,
        /// Its commit.
        to: String,
    },
}

impl Moved {
    /// The commit it points at now.
    pub fn commit(&self) -> &str {
        match self {
            Moved::Branch { to, .. } | Moved::Tag { to, .. } => to,
        }
    }
}

/// Reads `git ls-remote --symref` output.
pub fn parse(listing: &str) -> Snapshot {
    let mut snapshot = Snapshot::default();
    let mut peeled = BTreeMap::new();
    for line in listing.lines() {
        if let Some(rest) = line.strip_prefix("ref: refs/heads/") {
            if let Some((branch, "HEAD")) = rest.split_once('\t') {
                snapshot.head = Some(branch.to_string());
            }
            continue;
        }
        let Some((commit, name)) = line.split_once('\t') else {
            continue;
        };
        if let Some(branch) = name.strip_prefix("refs/heads/") {
            snapshot.branches.insert(branch.into(), commit.into());
        } else if let Some(tag) = name.strip_prefix("refs/tags/") {
            match tag.strip_suffix("^{}") {
                Some(tag) => peeled.insert(tag.to_string(), commit.to_string()),
                None => snapshot.tags.insert(tag.into(), commit.into()),
            };
        }
    }
    snapshot.tags.extend(peeled);
    snapshot
}

/// The refs that moved from `old` to `new` and pass the filters (`None`: that kind never fires).
pub fn moved(
    old: &Snapshot,
    new: &Snapshot,
    branches: Option<&GlobFilter>,
    tags: Option<&GlobFilter>,
) -> Vec<Moved> {
    let mut found = Vec::new();
    if let Some(filter) = branches {
        for (name, to) in &new.branches {
            let from = old.branches.get(name);
            if from != Some(to) && filter.matches(name) {
                found.push(Moved::Branch {
                    name: name.clone(),
                    from: from.cloned(),
                    to: to.clone(),
                });
            }
        }
    }
    if let Some(filter) = tags {
        for (name, to) in &new.tags {
            if old.tags.get(name) != Some(to) && filter.matches(name) {
                found.push(Moved::Tag {
                    name: name.clone(),
                    to: to.clone(),
                });
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::triggers::Filter;

    const LISTING: &str = "ref: refs/heads/main\tHEAD\n\
        aaa\tHEAD\n\
        aaa\trefs/heads/main\n\
        bbb\trefs/heads/feature/x\n\
        ttt\trefs/tags/v1.0\n\
        ccc\trefs/tags/v1.0^{}\n\
        ddd\trefs/tags/light\n";

    #[test]
    fn listing_gives_head_branches_and_peeled_tags() {
        let snapshot = parse(LISTING);
        assert_eq!(snapshot.head.as_deref(), Some("main"));
        assert_eq!(snapshot.branches["feature/x"], "bbb");
        assert_eq!(
            snapshot.tags["v1.0"], "ccc",
            "annotated tags point at their commit"
        );
        assert_eq!(snapshot.tags["light"], "ddd");
    }

    #[test]
    fn only_moved_refs_that_pass_the_filters_fire() {
        let old = parse(LISTING);
        let mut new = old.clone();
        new.branches.insert("main".into(), "eee".into());
        new.branches.insert("feature/y".into(), "fff".into());
        new.tags.insert("v2.0".into(), "eee".into());
        let main_only = GlobFilter::exactly("main");
        let versions = GlobFilter::new(&Filter {
            includes: vec!["v*".into()],
            excludes: vec![],
        })
        .expect("valid");
        assert_eq!(
            moved(&old, &new, Some(&main_only), Some(&versions)),
            [
                Moved::Branch {
                    name: "main".into(),
                    from: Some("aaa".into()),
                    to: "eee".into()
                },
                Moved::Tag {
                    name: "v2.0".into(),
                    to: "eee".into()
                }
            ]
        );
        assert!(moved(&old, &new, None, None).is_empty());
        assert!(moved(&new, &new, Some(&main_only), Some(&versions)).is_empty());
    }
}
