//! Helpers for the AWS import/export tests: fixture paths, and a checker of JSON against
//! CodePipeline's API model (botocore's `service-2.json`, vendored under tests/fixtures/aws).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde_json::Value;

/// A file under tests/fixtures/aws.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/aws")
        .join(name)
}

/// The text of a fixture.
pub fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The calculator the CloudFormation fixture builds, as a git repository at `dir`: code,
/// pytest tests (two pass, one is skipped), and the lint buildspec its second project names.
pub fn calculator_repo(dir: &Path) {
    std::fs::create_dir_all(dir).expect("mkdir");
    crate::common::git(dir, &["init", "-q", "-b", "main"]);
    crate::common::commit(
        dir,
        &[
            ("calc.py", "def add(a, b):\n    return a + b\n"),
            (
                "tests/test_calc.py",
                "import os, sys\nsys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))\nimport pytest\nfrom calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n\n\ndef test_zero():\n    assert add(0, 0) == 0\n\n\n@pytest.mark.skip(reason='later')\ndef test_later():\n    pass\n",
            ),
            (
                "buildspec-lint.yml",
                "version: 0.2\nphases:\n  build:\n    commands:\n      - test -f calc.py\n",
            ),
            ("template.yml", "Resources: {}\n"),
        ],
        "calculator",
    );
}

/// Whether `pytest` runs here; CI must have it (`.ci/run` installs python3-pytest).
pub fn pytest_available() -> bool {
    let found = std::process::Command::new("pytest")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    assert!(
        found || std::env::var_os("CI").is_none(),
        "CI must have pytest (.ci/run installs python3-pytest)"
    );
    if !found {
        eprintln!("pytest is not installed here: the CloudFormation fixture's run is not tried");
    }
    found
}

/// CodePipeline's API model.
pub struct ApiModel {
    shapes: serde_json::Map<String, Value>,
}

impl ApiModel {
    /// Loads the vendored model.
    pub fn load() -> Self {
        let model: Value =
            serde_json::from_str(&fixture_text("botocore/service-2.json")).expect("model");
        Self {
            shapes: model["shapes"].as_object().expect("shapes").clone(),
        }
    }

    /// Every way `value` breaks shape `shape`: missing required members, unknown members,
    /// values outside an enum, strings not matching a pattern, lengths and counts out of
    /// range, wrong types. Each problem names its path.
    pub fn check(&self, shape: &str, value: &Value) -> Vec<String> {
        let mut problems = Vec::new();
        self.walk(shape, value, "$", &mut problems);
        problems
    }

    fn walk(&self, shape_name: &str, value: &Value, path: &str, out: &mut Vec<String>) {
        let shape = &self.shapes[shape_name];
        let kind = shape["type"].as_str().unwrap_or("");
        let count = |n: usize, out: &mut Vec<String>| {
            if let Some(min) = shape["min"].as_u64()
                && (n as u64) < min
            {
                out.push(format!(
                    "{path}: {n} is below the minimum {min} of {shape_name}"
                ));
            }
            if let Some(max) = shape["max"].as_u64()
                && (n as u64) > max
            {
                out.push(format!(
                    "{path}: {n} is above the maximum {max} of {shape_name}"
                ));
            }
        };
        match kind {
            "structure" => {
                let Some(object) = value.as_object() else {
                    out.push(format!("{path}: {shape_name} must be an object"));
                    return;
                };
                let members = shape["members"].as_object().expect("members");
                for required in shape["required"].as_array().into_iter().flatten() {
                    let required = required.as_str().unwrap_or("");
                    if !object.contains_key(required) {
                        out.push(format!("{path}: {shape_name} needs {required}"));
                    }
                }
                for (key, inner) in object {
                    match members.get(key) {
                        Some(member) => self.walk(
                            member["shape"].as_str().unwrap_or(""),
                            inner,
                            &format!("{path}.{key}"),
                            out,
                        ),
                        None => out.push(format!("{path}: {shape_name} has no member {key}")),
                    }
                }
            }
            "list" => {
                let Some(items) = value.as_array() else {
                    out.push(format!("{path}: {shape_name} must be a list"));
                    return;
                };
                count(items.len(), out);
                let member = shape["member"]["shape"].as_str().unwrap_or("");
                for (index, item) in items.iter().enumerate() {
                    self.walk(member, item, &format!("{path}[{index}]"), out);
                }
            }
            "map" => {
                let Some(object) = value.as_object() else {
                    out.push(format!("{path}: {shape_name} must be an object"));
                    return;
                };
                let (key_shape, value_shape) = (
                    shape["key"]["shape"].as_str().unwrap_or(""),
                    shape["value"]["shape"].as_str().unwrap_or(""),
                );
                for (key, inner) in object {
                    self.walk(
                        key_shape,
                        &Value::String(key.clone()),
                        &format!("{path}.<key {key}>"),
                        out,
                    );
                    self.walk(value_shape, inner, &format!("{path}.{key}"), out);
                }
            }
            "string" => {
                let Some(text) = value.as_str() else {
                    out.push(format!(
                        "{path}: {shape_name} must be a string, not {value}"
                    ));
                    return;
                };
                count(text.chars().count(), out);
                if let Some(allowed) = shape["enum"].as_array()
                    && !allowed.iter().any(|a| a.as_str() == Some(text))
                {
                    out.push(format!(
                        "{path}: {text:?} is not one of {shape_name}'s values"
                    ));
                }
                if let Some(pattern) = shape["pattern"].as_str() {
                    let anchored = regex::Regex::new(&format!("^(?:{pattern})$")).expect("pattern");
                    if !anchored.is_match(text) {
                        out.push(format!(
                            "{path}: {text:?} does not match {shape_name}'s pattern {pattern}"
                        ));
                    }
                }
            }
            "integer" | "long" => match value.as_i64() {
                Some(number) => {
                    if let Some(min) = shape["min"].as_i64()
                        && number < min
                    {
                        out.push(format!(
                            "{path}: {number} is below {shape_name}'s minimum {min}"
                        ));
                    }
                    if let Some(max) = shape["max"].as_i64()
                        && number > max
                    {
                        out.push(format!(
                            "{path}: {number} is above {shape_name}'s maximum {max}"
                        ));
                    }
                }
                None => out.push(format!(
                    "{path}: {shape_name} must be an integer, not {value}"
                )),
            },
            "boolean" => {
                if !value.is_boolean() {
                    out.push(format!("{path}: {shape_name} must be true or false"));
                }
            }
            other => out.push(format!("{path}: shape type {other} is not checked")),
        }
    }
}
