//! Variable references in string fields: `#{Namespace.Key}`, `#{variables.name}` and
//! `#{codepipeline.PipelineExecutionId}`.

use std::ops::Range;

/// The namespace that names pipeline-level variables.
pub const PIPELINE_VARIABLES_NAMESPACE: &str = "variables";
/// The namespace of facts about the running execution.
pub const EXECUTION_NAMESPACE: &str = "codepipeline";
/// The only key of [`EXECUTION_NAMESPACE`].
pub const EXECUTION_ID_KEY: &str = "PipelineExecutionId";

/// What a reference points at.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Reference {
    /// `#{variables.name}`: a pipeline variable.
    Pipeline(String),
    /// `#{codepipeline.Key}`: a fact about the execution.
    Execution(String),
    /// `#{Namespace.Key}`: an output variable of an earlier action.
    Action {
        /// The namespace of the action that sets it.
        namespace: String,
        /// The variable's name.
        key: String,
    },
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reference::Pipeline(name) => write!(f, "#{{{PIPELINE_VARIABLES_NAMESPACE}.{name}}}"),
            Reference::Execution(key) => write!(f, "#{{{EXECUTION_NAMESPACE}.{key}}}"),
            Reference::Action { namespace, key } => write!(f, "#{{{namespace}.{key}}}"),
        }
    }
}

/// A reference found in a string, with the byte range it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// What it points at.
    pub reference: Reference,
    /// Where `#{...}` is in the string.
    pub span: Range<usize>,
}

/// A `#{` that does not start a well-formed reference.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "malformed variable reference at character {offset}: write #{{Namespace.Key}} with letters, digits, @, _ or - on both sides of the dot"
)]
pub struct MalformedReference {
    /// Byte offset of the `#{`.
    pub offset: usize,
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '@' | '_' | '-')
}

/// Finds every reference in `text`, or the first malformed one.
pub fn find_references(text: &str) -> Result<Vec<Found>, MalformedReference> {
    let mut found = Vec::new();
    let mut rest = 0;
    while let Some(relative) = text[rest..].find("#{") {
        let start = rest + relative;
        let body_start = start + 2;
        let Some(close) = text[body_start..].find('}') else {
            return Err(MalformedReference { offset: start });
        };
        let body = &text[body_start..body_start + close];
        let Some((namespace, key)) = body.split_once('.') else {
            return Err(MalformedReference { offset: start });
        };
        let valid = |part: &str| !part.is_empty() && part.chars().all(is_name_char);
        if !valid(namespace) || !valid(key) {
            return Err(MalformedReference { offset: start });
        }
        let reference = match namespace {
            PIPELINE_VARIABLES_NAMESPACE => Reference::Pipeline(key.to_string()),
            EXECUTION_NAMESPACE => Reference::Execution(key.to_string()),
            _ => Reference::Action {
                namespace: namespace.to_string(),
                key: key.to_string(),
            },
        };
        let end = body_start + close + 1;
        found.push(Found {
            reference,
            span: start..end,
        });
        rest = end;
    }
    Ok(found)
}

/// A reference that had no value when resolving.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// The text has a malformed reference.
    #[error(transparent)]
    Malformed(#[from] MalformedReference),
    /// Nothing provides a value for the reference.
    #[error("{0} has no value: no earlier action or pipeline variable provides it")]
    Unresolved(Reference),
}

/// Replaces every reference in `text` with the value `lookup` gives for it.
pub fn resolve(
    text: &str,
    mut lookup: impl FnMut(&Reference) -> Option<String>,
) -> Result<String, ResolveError> {
    let found = find_references(text)?;
    if found.is_empty() {
        return Ok(text.to_string());
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for item in found {
        out.push_str(&text[last..item.span.start]);
        let value = lookup(&item.reference).ok_or(ResolveError::Unresolved(item.reference))?;
        out.push_str(&value);
        last = item.span.end;
    }
    out.push_str(&text[last..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_all_three_kinds() {
        let found = find_references(
            "v=#{Build.Version} env=#{variables.env} id=#{codepipeline.PipelineExecutionId}",
        )
        .unwrap();
        let references: Vec<_> = found.into_iter().map(|f| f.reference).collect();
        assert_eq!(
            references,
            vec![
                Reference::Action {
                    namespace: "Build".into(),
                    key: "Version".into()
                },
                Reference::Pipeline("env".into()),
                Reference::Execution("PipelineExecutionId".into()),
            ]
        );
    }

    #[test]
    fn malformed_references_are_reported_with_their_offset() {
        assert_eq!(
            find_references("ok #{Build}").unwrap_err(),
            MalformedReference { offset: 3 }
        );
        assert!(find_references("#{Build.Version").is_err());
        assert!(find_references("#{a b.c}").is_err());
    }

    #[test]
    fn resolve_replaces_and_reports_missing_values() {
        let text = "deploy #{variables.env} at #{Build.Version}";
        let resolved = resolve(text, |reference| match reference {
            Reference::Pipeline(name) if name == "env" => Some("prod".into()),
            Reference::Action { key, .. } if key == "Version" => Some("1.2".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(resolved, "deploy prod at 1.2");
        let missing = resolve("#{variables.nope}", |_| None).unwrap_err();
        assert_eq!(
            missing,
            ResolveError::Unresolved(Reference::Pipeline("nope".into()))
        );
    }
}
