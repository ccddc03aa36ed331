//! CodePipeline's two spellings: the API's (`runOrder`, `actionTypeId`) and
//! CloudFormation's (`RunOrder`, `ActionTypeId`). Import turns a declaration into the API
//! spelling; export turns it back for CloudFormation. Configuration maps keep their keys
//! (`BranchName` in both) and CloudFormation expressions (`{"Ref": …}`) are left whole.

use serde_json::{Map, Value};

/// Whether `object` is a CloudFormation expression such as `{"Ref": "X"}` or
/// `{"Fn::Sub": "…"}`.
pub fn is_expression(object: &Map<String, Value>) -> bool {
    object.len() == 1
        && object
            .keys()
            .next()
            .is_some_and(|key| key == "Ref" || key == "Condition" || key.starts_with("Fn::"))
}

/// Keys whose values are maps of user keys, kept as written.
fn keeps_inner_keys(key: &str) -> bool {
    matches!(key, "configuration" | "Configuration")
}

/// The declaration in the API spelling.
pub fn to_api(value: &Value) -> Value {
    convert(value, &|key| {
        let mut chars = key.chars();
        chars.next().map_or_else(String::new, |first| {
            first.to_ascii_lowercase().to_string() + chars.as_str()
        })
    })
}

/// The declaration in CloudFormation's spelling.
pub fn to_cfn(value: &Value) -> Value {
    convert(value, &|key| {
        let mut chars = key.chars();
        chars.next().map_or_else(String::new, |first| {
            first.to_ascii_uppercase().to_string() + chars.as_str()
        })
    })
}

fn convert(value: &Value, rename: &dyn Fn(&str) -> String) -> Value {
    match value {
        Value::Object(object) if is_expression(object) => value.clone(),
        Value::Object(object) => Value::Object(
            object
                .iter()
                .map(|(key, inner)| {
                    let converted = if keeps_inner_keys(key) {
                        inner.clone()
                    } else {
                        convert(inner, rename)
                    };
                    (rename(key), converted)
                })
                .collect(),
        ),
        Value::Array(items) => {
            Value::Array(items.iter().map(|item| convert(item, rename)).collect())
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn declarations_change_spelling_but_configuration_and_expressions_do_not() {
        let cfn = json!({"Name": "p", "Stages": [{"Name": "S", "Actions": [{"RunOrder": 1,
            "ActionTypeId": {"Category": "Build"}, "Configuration": {"ProjectName": {"Ref": "Project"}}}]}]});
        let api = to_api(&cfn);
        assert_eq!(
            api,
            json!({"name": "p", "stages": [{"name": "S", "actions": [{"runOrder": 1,
                "actionTypeId": {"category": "Build"}, "configuration": {"ProjectName": {"Ref": "Project"}}}]}]})
        );
        assert_eq!(to_cfn(&api), cfn);
    }
}
