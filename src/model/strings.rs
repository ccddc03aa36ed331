//! The string fields of an action that may hold variable references, with their paths.

use super::action::Action;

/// Every string of `action` that variables are resolved in, with its path relative to the
/// action (`provider.commands[0]`, `env.MODE`), in file order.
pub fn action_strings_mut(action: &mut Action) -> Vec<(String, &mut String)> {
    let mut out: Vec<(String, &mut String)> = Vec::new();
    out.extend(action.provider.config_mut().strings_mut());
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
