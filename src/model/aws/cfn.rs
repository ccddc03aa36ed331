//! CloudFormation templates: reading YAML (short-form tags such as `!Ref` and `!Sub` become
//! their long forms) or JSON, and resolving expressions from parameter defaults, conditions,
//! mappings and literals. What cannot be resolved becomes a readable placeholder and is
//! reported.

use serde_json::{Map, Value, json};

use super::spelling::is_expression;
use crate::model::Position;
use crate::model::yaml;

/// Why a template could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {message}")]
pub struct TemplateError {
    /// Where.
    pub at: Position,
    /// What.
    pub message: String,
}

/// Reads YAML text (a CloudFormation template, usually) into JSON, turning short-form tags
/// into CloudFormation's long forms; also returns the duplicate keys found, with positions.
pub fn yaml_to_json(text: &str) -> Result<(Value, Vec<String>), TemplateError> {
    let stream = yaml::parse(text).map_err(|error| TemplateError {
        at: error.at,
        message: format!("this is not valid YAML: {}", error.message),
    })?;
    let Some(root) = stream.documents.into_iter().find(|doc| !doc.is_null()) else {
        return Err(TemplateError {
            at: Position { line: 1, column: 1 },
            message: "the file is empty".into(),
        });
    };
    let mut duplicates = Vec::new();
    collect_duplicates(&root, &mut duplicates);
    Ok((root.to_json(&long_form), duplicates))
}

fn collect_duplicates(node: &yaml::Yaml, out: &mut Vec<String>) {
    for (key, first, last) in node.duplicate_keys() {
        out.push(format!(
            "{last}: duplicate key `{key}` (first at {first}): the last one wins"
        ));
    }
    match &node.kind {
        yaml::YamlKind::Mapping(entries) => entries
            .iter()
            .for_each(|(_, value)| collect_duplicates(value, out)),
        yaml::YamlKind::Sequence(items) => {
            items.iter().for_each(|item| collect_duplicates(item, out))
        }
        yaml::YamlKind::Scalar { .. } => {}
    }
}

/// `!Ref x` → `{"Ref": "x"}`, `!GetAtt A.B` → `{"Fn::GetAtt": ["A", "B"]}`,
/// `!Condition c` → `{"Condition": "c"}`, any other `!Name v` → `{"Fn::Name": v}`.
fn long_form(name: &str, value: Value) -> Value {
    match name {
        "Ref" => json!({ "Ref": value }),
        "Condition" => json!({ "Condition": value }),
        "GetAtt" => match value {
            Value::String(text) => match text.split_once('.') {
                Some((resource, attribute)) => json!({ "Fn::GetAtt": [resource, attribute] }),
                None => json!({ "Fn::GetAtt": [text] }),
            },
            other => json!({ "Fn::GetAtt": other }),
        },
        _ => json!({ format!("Fn::{name}"): value }),
    }
}

/// Resolves expressions against one template.
pub struct Resolver<'a> {
    template: &'a Value,
    stack_name: String,
}

/// What resolving one value found that it could not resolve, as sentences.
pub type Unresolved = Vec<String>;

impl<'a> Resolver<'a> {
    /// A resolver for `template`; `stack_name` stands in for `AWS::StackName`.
    pub fn new(template: &'a Value, stack_name: &str) -> Self {
        Self {
            template,
            stack_name: stack_name.to_string(),
        }
    }

    fn section(&self, name: &str) -> Option<&'a Map<String, Value>> {
        self.template.get(name)?.as_object()
    }

    /// The value with every expression resolved; `None` for `AWS::NoValue` (the field is
    /// left out). Unresolvable parts become placeholders and are added to `unresolved`.
    pub fn resolve(&self, value: &Value, unresolved: &mut Unresolved) -> Option<Value> {
        match value {
            Value::Object(object) if is_expression(object) => {
                let (function, argument) = object.iter().next()?;
                self.function(function, argument, unresolved)
            }
            Value::Object(object) => Some(Value::Object(
                object
                    .iter()
                    .filter_map(|(key, inner)| {
                        self.resolve(inner, unresolved).map(|v| (key.clone(), v))
                    })
                    .collect(),
            )),
            Value::Array(items) => Some(Value::Array(
                items
                    .iter()
                    .filter_map(|item| self.resolve(item, unresolved))
                    .collect(),
            )),
            other => Some(other.clone()),
        }
    }

    /// The value resolved to text (numbers and booleans as written).
    pub fn text(&self, value: &Value, unresolved: &mut Unresolved) -> Option<String> {
        self.resolve(value, unresolved).map(|value| as_text(&value))
    }

    fn function(
        &self,
        function: &str,
        argument: &Value,
        unresolved: &mut Unresolved,
    ) -> Option<Value> {
        match function {
            "Ref" => self.reference(argument.as_str().unwrap_or_default(), unresolved),
            "Fn::GetAtt" => {
                let parts: Vec<String> = match argument {
                    Value::Array(items) => items
                        .iter()
                        .filter_map(|item| self.text(item, unresolved))
                        .collect(),
                    Value::String(text) => text.split('.').map(str::to_string).collect(),
                    _ => Vec::new(),
                };
                let shown = parts.join(".");
                unresolved.push(format!(
                    "!GetAtt {shown} is only known once the stack exists: \"{shown}\" stands in for it"
                ));
                Some(Value::String(shown))
            }
            "Fn::Sub" => self.sub(argument, unresolved),
            "Fn::Join" => {
                let items = argument.as_array()?;
                let delimiter = self.text(items.first()?, unresolved).unwrap_or_default();
                let list = self.resolve(items.get(1)?, unresolved)?;
                let parts: Vec<String> = list
                    .as_array()
                    .map(|list| list.iter().map(as_text).collect())
                    .unwrap_or_default();
                Some(Value::String(parts.join(&delimiter)))
            }
            "Fn::Select" => {
                let items = argument.as_array()?;
                let index = self
                    .text(items.first()?, unresolved)?
                    .parse::<usize>()
                    .ok()?;
                let list = self.resolve(items.get(1)?, unresolved)?;
                list.as_array()?.get(index).cloned()
            }
            "Fn::Split" => {
                let items = argument.as_array()?;
                let delimiter = self.text(items.first()?, unresolved)?;
                let text = self.text(items.get(1)?, unresolved)?;
                Some(Value::Array(
                    text.split(delimiter.as_str())
                        .map(|part| Value::String(part.to_string()))
                        .collect(),
                ))
            }
            "Fn::If" => {
                let items = argument.as_array()?;
                let condition = items.first()?.as_str().unwrap_or_default();
                let branch = if self.condition(condition, unresolved) {
                    items.get(1)?
                } else {
                    items.get(2)?
                };
                self.resolve(branch, unresolved)
            }
            "Fn::FindInMap" => {
                let items = argument.as_array()?;
                let keys: Vec<String> = items
                    .iter()
                    .filter_map(|item| self.text(item, unresolved))
                    .collect();
                let found = self
                    .section("Mappings")
                    .and_then(|maps| {
                        maps.get(keys.first()?)?
                            .get(keys.get(1)?)?
                            .get(keys.get(2)?)
                    })
                    .cloned();
                if found.is_none() {
                    unresolved.push(format!(
                        "!FindInMap [{}] has no such entry: \"{}\" stands in for it",
                        keys.join(", "),
                        keys.join(".")
                    ));
                }
                Some(found.unwrap_or_else(|| Value::String(keys.join("."))))
            }
            "Fn::Base64" => self.resolve(argument, unresolved),
            "Condition" => Some(Value::Bool(
                self.condition(argument.as_str().unwrap_or_default(), unresolved),
            )),
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" => {
                let object = json!({ function: argument });
                Some(Value::Bool(self.evaluate(&object, unresolved)))
            }
            other => {
                let shown = format!("{other}-{}", as_text(argument));
                unresolved.push(format!(
                    "{other} cannot be worked out from the template alone: \"{shown}\" stands in for it"
                ));
                Some(Value::String(shown))
            }
        }
    }

    /// `Ref`: a parameter's default, a pseudo parameter, or a resource's name.
    fn reference(&self, name: &str, unresolved: &mut Unresolved) -> Option<Value> {
        match name {
            "AWS::NoValue" => return None,
            "AWS::StackName" => return Some(Value::String(self.stack_name.clone())),
            "AWS::Partition" => return Some(Value::String("aws".into())),
            "AWS::URLSuffix" => return Some(Value::String("amazonaws.com".into())),
            "AWS::Region" | "AWS::AccountId" | "AWS::StackId" | "AWS::NotificationARNs" => {
                unresolved.push(format!(
                    "{name} is only known when the stack is deployed: \"{name}\" stands in for it"
                ));
                return Some(Value::String(name.replace("::", "-")));
            }
            _ => {}
        }
        if let Some(parameter) = self.section("Parameters").and_then(|p| p.get(name)) {
            return match parameter.get("Default") {
                Some(default) => Some(Value::String(as_text(default))),
                None => {
                    unresolved.push(format!(
                        "parameter {name} has no default: \"{name}\" stands in for its value"
                    ));
                    Some(Value::String(name.to_string()))
                }
            };
        }
        if let Some(resource) = self.section("Resources").and_then(|r| r.get(name)) {
            let properties = resource.get("Properties");
            let literal = [
                "Name",
                "ProjectName",
                "FunctionName",
                "BucketName",
                "StackName",
            ]
            .iter()
            .find_map(|key| properties?.get(*key)?.as_str());
            if let Some(literal) = literal {
                return Some(Value::String(literal.to_string()));
            }
            unresolved.push(format!(
                "resource {name} gets its name when the stack is deployed: \"{name}\" stands in for it"
            ));
            return Some(Value::String(name.to_string()));
        }
        unresolved.push(format!(
            "!Ref {name} names no parameter or resource: \"{name}\" stands in for it"
        ));
        Some(Value::String(name.to_string()))
    }

    fn sub(&self, argument: &Value, unresolved: &mut Unresolved) -> Option<Value> {
        let (template, variables) = match argument {
            Value::String(text) => (text.clone(), Map::new()),
            Value::Array(items) => (
                items.first()?.as_str()?.to_string(),
                items
                    .get(1)
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default(),
            ),
            _ => return None,
        };
        let mut out = String::new();
        let mut rest = template.as_str();
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let name = &after[..end];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str(&format!("${{{literal}}}"));
            } else if let Some(value) = variables.get(name) {
                out.push_str(&self.text(value, unresolved).unwrap_or_default());
            } else if let Some((resource, attribute)) = name.split_once('.') {
                let value = self.function("Fn::GetAtt", &json!([resource, attribute]), unresolved);
                out.push_str(&value.map(|v| as_text(&v)).unwrap_or_default());
            } else {
                let value = self.reference(name, unresolved);
                out.push_str(&value.map(|v| as_text(&v)).unwrap_or_default());
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Some(Value::String(out))
    }

    /// Whether the named condition holds, from parameter defaults.
    pub fn condition(&self, name: &str, unresolved: &mut Unresolved) -> bool {
        match self.section("Conditions").and_then(|c| c.get(name)) {
            Some(definition) => self.evaluate(definition, unresolved),
            None => {
                unresolved.push(format!("condition {name} is not defined: taken as false"));
                false
            }
        }
    }

    fn evaluate(&self, definition: &Value, unresolved: &mut Unresolved) -> bool {
        let Some((function, argument)) = definition.as_object().and_then(|o| o.iter().next())
        else {
            return definition.as_bool().unwrap_or(false);
        };
        let items = argument.as_array().cloned().unwrap_or_default();
        match function.as_str() {
            "Fn::Equals" => {
                let values: Vec<Option<Value>> = items
                    .iter()
                    .map(|item| {
                        self.resolve(item, unresolved)
                            .map(|v| Value::String(as_text(&v)))
                    })
                    .collect();
                values.len() == 2 && values[0] == values[1]
            }
            "Fn::And" => items.iter().all(|item| self.evaluate(item, unresolved)),
            "Fn::Or" => items.iter().any(|item| self.evaluate(item, unresolved)),
            "Fn::Not" => !items
                .first()
                .is_some_and(|item| self.evaluate(item, unresolved)),
            "Condition" => self.condition(argument.as_str().unwrap_or_default(), unresolved),
            _ => self
                .resolve(definition, unresolved)
                .and_then(|value| value.as_bool())
                .unwrap_or(false),
        }
    }
}

/// A scalar as text: strings as they are, numbers and booleans as written, anything else as
/// JSON.
pub fn as_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template() -> Value {
        yaml_to_json(
            "Parameters:\n  Branch:\n    Type: String\n    Default: main\n  Env:\n    Type: String\n    Default: prod\n  Secret:\n    Type: String\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\nMappings:\n  Sizes:\n    prod:\n      Count: 3\nResources:\n  Project:\n    Type: AWS::CodeBuild::Project\n    Properties:\n      Name: app-build\n",
        )
        .expect("template")
        .0
    }

    #[test]
    fn expressions_resolve_from_defaults_conditions_and_mappings() {
        let template = template();
        let resolver = Resolver::new(&template, "stack");
        let mut unresolved = Vec::new();
        let value = |text: &str, unresolved: &mut Unresolved| {
            let (json, _) = yaml_to_json(text).expect("yaml");
            resolver.resolve(&json, unresolved)
        };
        assert_eq!(value("!Ref Branch", &mut unresolved), Some(json!("main")));
        assert_eq!(
            value("!Sub '${Branch}-${AWS::StackName}'", &mut unresolved),
            Some(json!("main-stack"))
        );
        assert_eq!(
            value("!If [IsProd, big, small]", &mut unresolved),
            Some(json!("big"))
        );
        assert_eq!(
            value("!Join ['-', [a, !Ref Env]]", &mut unresolved),
            Some(json!("a-prod"))
        );
        assert_eq!(
            value("!Select [1, [x, y]]", &mut unresolved),
            Some(json!("y"))
        );
        assert_eq!(
            value("!FindInMap [Sizes, !Ref Env, Count]", &mut unresolved),
            Some(json!(3))
        );
        assert_eq!(
            value("!Ref Project", &mut unresolved),
            Some(json!("app-build"))
        );
        assert_eq!(
            value(
                "{a: !If [IsProd, !Ref AWS::NoValue, 1], b: 2}",
                &mut unresolved
            ),
            Some(json!({"b": 2}))
        );
        assert!(unresolved.is_empty(), "{unresolved:?}");
        assert_eq!(value("!Ref Secret", &mut unresolved), Some(json!("Secret")));
        assert_eq!(
            value("!GetAtt Role.Arn", &mut unresolved),
            Some(json!("Role.Arn"))
        );
        assert_eq!(unresolved.len(), 2, "{unresolved:?}");
    }
}
