//! The lenient buildspec reader: YAML tree in, [`Buildspec`] and warnings out.

use indexmap::IndexMap;

use super::{
    ArtifactSpec, Buildspec, BuildspecError, OnFailure, PHASES, Parsed, Phase, ReportFormat,
    ReportGroup, Version, Warning,
};
use crate::model::Position;
use crate::model::yaml::{self, Yaml, YamlKind};

/// Reads a buildspec.
pub fn parse(text: &str) -> Result<Parsed, BuildspecError> {
    let stream = yaml::parse(text).map_err(|error| BuildspecError {
        at: error.at,
        message: format!("this is not valid YAML: {}", error.message),
    })?;
    let mut reader = Reader::default();
    for (index, line) in text.lines().enumerate() {
        if line.trim_end() == "---" {
            reader.warn(
                Position {
                    line: index + 1,
                    column: 1,
                },
                "a `---` document marker: ignored",
            );
        }
    }
    let mut documents = stream.documents.into_iter().filter(|doc| !doc.is_null());
    let Some(root) = documents.next() else {
        return Err(BuildspecError {
            at: Position { line: 1, column: 1 },
            message: "the buildspec is empty: start it with `version: 0.2` and `phases:`".into(),
        });
    };
    for extra in documents {
        reader.warn(
            extra.at,
            "a second YAML document: ignored (CodeBuild reads the first)",
        );
    }
    if !matches!(root.kind, YamlKind::Mapping(_)) {
        return Err(BuildspecError {
            at: root.at,
            message: "a buildspec is a mapping of `version`, `env`, `phases`, …: this is not"
                .into(),
        });
    }
    let buildspec = reader.buildspec(&root)?;
    reader.warnings.sort_by_key(|w| (w.at.line, w.at.column));
    Ok(Parsed {
        buildspec,
        warnings: reader.warnings,
    })
}

#[derive(Default)]
struct Reader {
    warnings: Vec<Warning>,
}

const TOP: &[&str] = &[
    "version",
    "run-as",
    "env",
    "proxy",
    "batch",
    "phases",
    "reports",
    "artifacts",
    "cache",
];
const ENV: &[&str] = &[
    "shell",
    "variables",
    "parameter-store",
    "exported-variables",
    "secrets-manager",
    "git-credential-helper",
];
const PHASE: &[&str] = &[
    "run-as",
    "on-failure",
    "runtime-versions",
    "commands",
    "finally",
];
const ARTIFACTS: &[&str] = &[
    "files",
    "name",
    "discard-paths",
    "base-directory",
    "exclude-paths",
    "enable-symlinks",
    "s3-prefix",
    "secondary-artifacts",
];
const REPORT: &[&str] = &["files", "base-directory", "discard-paths", "file-format"];
const CACHE: &[&str] = &["paths", "key", "fallback-keys", "action"];

impl Reader {
    fn warn(&mut self, at: Position, message: impl Into<String>) {
        self.warnings.push(Warning {
            at,
            message: message.into(),
        });
    }

    /// Warns about unknown and duplicate keys of a mapping named `what`; warns and gives
    /// `false` when `node` is not a mapping.
    fn mapping(&mut self, node: &Yaml, what: &str, known: Option<&[&str]>) -> bool {
        if node.is_null() {
            self.warn(node.at, format!("`{what}` is empty: ignored"));
            return false;
        }
        if !matches!(node.kind, YamlKind::Mapping(_)) {
            self.warn(node.at, format!("`{what}` should be a mapping: ignored"));
            return false;
        }
        for (key, first, last) in node.duplicate_keys() {
            self.warn(
                last,
                format!("duplicate key `{key}` in `{what}` (first at {first}): the last one wins"),
            );
        }
        if let Some(known) = known {
            for (key, _) in node.entries() {
                let name = key.as_text().unwrap_or_default();
                if !known.contains(&name) {
                    self.warn(key.at, format!("unknown key `{name}` in `{what}`: ignored"));
                }
            }
        }
        true
    }

    /// The last value of each key, in first-appearance order.
    fn entries<'a>(&self, node: &'a Yaml) -> Vec<(&'a str, &'a Yaml)> {
        let mut out: IndexMap<&str, &Yaml> = IndexMap::new();
        for (key, value) in node.entries() {
            if let Some(name) = key.as_text() {
                out.insert(name, value);
            }
        }
        out.into_iter().collect()
    }

    /// A scalar as text; numbers and booleans are taken as written, with a warning when
    /// `quote_hint` (environment values, which CodeBuild wants quoted).
    fn text(&mut self, node: &Yaml, what: &str, quote_hint: bool) -> Option<String> {
        match &node.kind {
            YamlKind::Scalar { text, .. } => {
                if node.is_null() {
                    self.warn(node.at, format!("`{what}` is empty: taken as \"\""));
                    return Some(String::new());
                }
                if quote_hint && node.is_plain_non_string() {
                    self.warn(
                        node.at,
                        format!("`{what}` is an unquoted {text}: taken as the text \"{text}\""),
                    );
                }
                Some(text.clone())
            }
            _ => {
                self.warn(
                    node.at,
                    format!("`{what}` should be a single value: ignored"),
                );
                None
            }
        }
    }

    /// A list of strings; a single string becomes a list of one, an empty value none.
    fn list(&mut self, node: &Yaml, what: &str) -> Vec<String> {
        match &node.kind {
            YamlKind::Sequence(items) => items
                .iter()
                .filter_map(|item| {
                    if item.is_null() {
                        self.warn(item.at, format!("an empty item in `{what}`: ignored"));
                        return None;
                    }
                    self.text(item, what, false)
                })
                .collect(),
            YamlKind::Scalar { text, .. } => {
                if node.is_null() {
                    self.warn(node.at, format!("`{what}` is empty: taken as no entries"));
                    Vec::new()
                } else {
                    self.warn(
                        node.at,
                        format!("`{what}` is a single string where a list is expected: taken as a list of one"),
                    );
                    vec![text.clone()]
                }
            }
            YamlKind::Mapping(_) => {
                self.warn(node.at, format!("`{what}` should be a list: ignored"));
                Vec::new()
            }
        }
    }

    /// A map of names to text values.
    fn map(&mut self, node: &Yaml, what: &str, quote_hint: bool) -> IndexMap<String, String> {
        let mut out = IndexMap::new();
        if !self.mapping(node, what, None) {
            return out;
        }
        for (name, value) in self.entries(node) {
            if let Some(text) = self.text(value, &format!("{what}.{name}"), quote_hint) {
                out.insert(name.to_string(), text);
            }
        }
        out
    }

    /// `yes`/`no`/`true`/`false`.
    fn flag(&mut self, node: &Yaml, what: &str) -> bool {
        match node.as_text().map(str::to_ascii_lowercase).as_deref() {
            Some("yes" | "true" | "on") => true,
            Some("no" | "false" | "off") => false,
            _ => {
                self.warn(
                    node.at,
                    format!("`{what}` should be yes or no: taken as no"),
                );
                false
            }
        }
    }

    fn buildspec(&mut self, root: &Yaml) -> Result<Buildspec, BuildspecError> {
        self.mapping(root, "buildspec", Some(TOP));
        let mut spec = Buildspec {
            version: self.version(root)?,
            ..Buildspec::default()
        };
        for (key, value) in self.entries(root) {
            match key {
                "env" => self.env(value, &mut spec),
                "phases" => self.phases(value, &mut spec),
                "artifacts" if self.mapping(value, "artifacts", Some(ARTIFACTS)) => {
                    spec.artifacts = Some(self.artifact(value, "artifacts"));
                    if let Some(secondary) = value.get("secondary-artifacts")
                        && self.mapping(secondary, "secondary-artifacts", None)
                    {
                        for (id, artifact) in self.entries(secondary) {
                            let what = format!("secondary-artifacts.{id}");
                            if self.mapping(artifact, &what, Some(ARTIFACTS)) {
                                let parsed = self.artifact(artifact, &what);
                                spec.secondary_artifacts.insert(id.to_string(), parsed);
                            }
                        }
                    }
                }
                "reports" => self.reports(value, &mut spec),
                "cache" if self.mapping(value, "cache", Some(CACHE)) => {
                    if let Some(paths) = value.get("paths") {
                        spec.cache_paths = self.list(paths, "cache.paths");
                    }
                }
                "run-as" | "proxy" | "batch" => self.warn(
                    value.at,
                    format!("`{key}` is not used on this machine: ignored"),
                ),
                _ => {}
            }
        }
        Ok(spec)
    }

    fn version(&mut self, root: &Yaml) -> Result<Version, BuildspecError> {
        let Some(node) = root.get("version") else {
            return Err(BuildspecError {
                at: root.at,
                message: "the buildspec has no `version`: add `version: 0.2` at the top".into(),
            });
        };
        match node.as_text() {
            Some("0.2") => Ok(Version::V0_2),
            Some("0.1") => Ok(Version::V0_1),
            other => Err(BuildspecError {
                at: node.at,
                message: format!(
                    "version {} is not one CodeBuild knows: use 0.2 (or 0.1)",
                    other.unwrap_or("(a collection)")
                ),
            }),
        }
    }

    fn env(&mut self, node: &Yaml, spec: &mut Buildspec) {
        if !self.mapping(node, "env", Some(ENV)) {
            return;
        }
        for (key, value) in self.entries(node) {
            match key {
                "shell" => spec.shell = self.text(value, "env.shell", false),
                "variables" => spec.variables = self.map(value, "env.variables", true),
                "parameter-store" => {
                    spec.parameter_store = self.map(value, "env.parameter-store", false)
                }
                "secrets-manager" => {
                    spec.secrets_manager = self.map(value, "env.secrets-manager", false)
                }
                "exported-variables" => {
                    spec.exported_variables = self.list(value, "env.exported-variables")
                }
                "git-credential-helper" => self.warn(
                    value.at,
                    "`git-credential-helper` is not needed here: your own git credentials are used",
                ),
                _ => {}
            }
        }
    }

    fn phases(&mut self, node: &Yaml, spec: &mut Buildspec) {
        if !self.mapping(node, "phases", Some(&PHASES)) {
            return;
        }
        let entries = self.entries(node);
        for name in PHASES {
            let Some((_, value)) = entries.iter().find(|(key, _)| *key == name) else {
                continue;
            };
            let mut phase = Phase {
                name: name.to_string(),
                ..Phase::default()
            };
            if !self.mapping(value, &format!("phases.{name}"), Some(PHASE)) {
                continue;
            }
            for (key, field) in self.entries(value) {
                let what = format!("phases.{name}.{key}");
                match key {
                    "commands" => phase.commands = self.list(field, &what),
                    "finally" => phase.finally = self.list(field, &what),
                    "on-failure" => {
                        phase.on_failure = match field.as_text().map(str::to_ascii_uppercase) {
                            Some(text) if text == "CONTINUE" => OnFailure::Continue,
                            Some(text) if text == "ABORT" => OnFailure::Abort,
                            _ => {
                                self.warn(
                                    field.at,
                                    format!("`{what}` should be ABORT or CONTINUE: taken as ABORT"),
                                );
                                OnFailure::Abort
                            }
                        }
                    }
                    "runtime-versions" => phase.runtime_versions = self.map(field, &what, false),
                    "run-as" => self.warn(
                        field.at,
                        format!("`{what}` is not used on this machine: ignored"),
                    ),
                    _ => {}
                }
            }
            spec.phases.push(phase);
        }
    }

    fn artifact(&mut self, node: &Yaml, what: &str) -> ArtifactSpec {
        let mut artifact = ArtifactSpec::default();
        for (key, value) in self.entries(node) {
            let field = format!("{what}.{key}");
            match key {
                "files" => artifact.files = self.list(value, &field),
                "name" => artifact.name = self.text(value, &field, false),
                "discard-paths" => artifact.discard_paths = self.flag(value, &field),
                "base-directory" => artifact.base_directory = self.text(value, &field, false),
                "exclude-paths" => artifact.exclude_paths = self.list(value, &field),
                "enable-symlinks" | "s3-prefix" => self.warn(
                    value.at,
                    format!("`{field}` is not used on this machine: ignored"),
                ),
                _ => {}
            }
        }
        artifact
    }

    fn reports(&mut self, node: &Yaml, spec: &mut Buildspec) {
        if !self.mapping(node, "reports", None) {
            return;
        }
        for (group, value) in self.entries(node) {
            let what = format!("reports.{group}");
            if !self.mapping(value, &what, Some(REPORT)) {
                continue;
            }
            let mut report = ReportGroup::default();
            for (key, field) in self.entries(value) {
                let name = format!("{what}.{key}");
                match key {
                    "files" => report.files = self.list(field, &name),
                    "base-directory" => report.base_directory = self.text(field, &name, false),
                    "discard-paths" => report.discard_paths = self.flag(field, &name),
                    "file-format" => {
                        let text = self.text(field, &name, false).unwrap_or_default();
                        report.file_format = ReportFormat::named(&text).unwrap_or_else(|| {
                            self.warn(
                                field.at,
                                format!("`{name}` {text} is not a format CodeBuild knows: taken as JUNITXML"),
                            );
                            ReportFormat::JunitXml
                        });
                    }
                    _ => {}
                }
            }
            spec.reports.insert(group.to_string(), report);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_shapes_become_warnings_with_positions() {
        let text = "---\nversion: 0.2\nenv:\n  variables:\n    PORT: 8080\n    DEBUG: true\n    MODE: \"fast\"\n    MODE: slow\nphases:\n  build:\n    commands: make\n  post_build:\n    commands:\n  deploy: {}\nartifacts:\n  files: '**/*'\n";
        let parsed = parse(text).expect("parses");
        let spec = &parsed.buildspec;
        assert_eq!(spec.variables["PORT"], "8080");
        assert_eq!(spec.variables["DEBUG"], "true");
        assert_eq!(spec.variables["MODE"], "slow");
        assert_eq!(spec.phases[0].commands, vec!["make".to_string()]);
        assert_eq!(spec.phases[1].commands, Vec::<String>::new());
        let shown: Vec<String> = parsed.warnings.iter().map(|w| w.to_string()).collect();
        let expect = [
            "1:1: a `---` document marker",
            "5:11: `env.variables.PORT` is an unquoted 8080",
            "6:12: `env.variables.DEBUG` is an unquoted true",
            "8:5: duplicate key `MODE` in `env.variables` (first at 7:5)",
            "11:15: `phases.build.commands` is a single string",
            "13:13: `phases.post_build.commands` is empty",
            "14:3: unknown key `deploy` in `phases`",
            "16:10: `artifacts.files` is a single string",
        ];
        for (expected, found) in expect.iter().zip(&shown) {
            assert!(
                found.starts_with(expected),
                "{found:?} vs {expected:?}\n{shown:#?}"
            );
        }
        assert_eq!(shown.len(), expect.len(), "{shown:#?}");
    }

    #[test]
    fn a_missing_version_is_an_error_with_what_to_do() {
        let error = parse("phases:\n  build:\n    commands: [make]\n").expect_err("no version");
        assert!(error.message.contains("version: 0.2"), "{error}");
    }

    #[test]
    fn version_0_1_and_report_formats_are_read() {
        let parsed = parse(
            "version: 0.1\nreports:\n  unit:\n    files: ['*.json']\n    file-format: cucumberjson\n",
        )
        .expect("parses");
        assert_eq!(parsed.buildspec.version, Version::V0_1);
        assert_eq!(
            parsed.buildspec.reports["unit"].file_format,
            ReportFormat::CucumberJson
        );
    }
}
