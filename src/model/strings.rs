//! The string fields of an action that may hold variable references, with their paths.

use super::action::{Action, Provider};

/// Every string of `action` that variables are resolved in, with its path relative to the
/// action (`provider.commands[0]`, `env.MODE`), in file order.
pub fn action_strings_mut(action: &mut Action) -> Vec<(String, &mut String)> {
    let mut out: Vec<(String, &mut String)> = Vec::new();
    match &mut action.provider {
        Provider::Git(config) => {
            out.push(("provider.repository".into(), &mut config.repository));
            if let Some(branch) = &mut config.branch {
                out.push(("provider.branch".into(), branch));
            }
            if let Some(commit) = &mut config.commit {
                out.push(("provider.commit".into(), commit));
            }
        }
        Provider::Folder(config) => {
            out.push(("provider.path".into(), &mut config.path));
            push_list(&mut out, "exclude", &mut config.exclude);
        }
        Provider::Commands(config) => {
            push_list(&mut out, "commands", &mut config.commands);
            push_list(&mut out, "finally", &mut config.finally);
            push_list(&mut out, "reports", &mut config.reports);
        }
        Provider::Manual(config) => {
            if let Some(message) = &mut config.custom_message {
                out.push(("provider.custom_message".into(), message));
            }
            if let Some(url) = &mut config.review_url {
                out.push(("provider.review_url".into(), url));
            }
        }
        Provider::LocalDeploy(config) => {
            out.push(("provider.target".into(), &mut config.target));
            push_list(&mut out, "before", &mut config.before);
            push_list(&mut out, "after", &mut config.after);
        }
        Provider::Script(config) => {
            out.push(("provider.program".into(), &mut config.program));
            push_list(&mut out, "arguments", &mut config.arguments);
            if let Some(parameters) = &mut config.user_parameters {
                out.push(("provider.user_parameters".into(), parameters));
            }
        }
    }
    for (name, value) in &mut action.env {
        out.push((format!("env.{name}"), value));
    }
    out
}

/// Like [`action_strings_mut`], for reading: the paths and values of a copy of the action.
pub fn action_strings(action: &Action) -> Vec<(String, String)> {
    let mut copy = action.clone();
    action_strings_mut(&mut copy)
        .into_iter()
        .map(|(path, value)| (path, value.clone()))
        .collect()
}

fn push_list<'a>(out: &mut Vec<(String, &'a mut String)>, field: &str, list: &'a mut [String]) {
    for (index, value) in list.iter_mut().enumerate() {
        out.push((format!("provider.{field}[{index}]"), value));
    }
}
