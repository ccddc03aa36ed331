//! The name of the person running Pipewright, recorded as approver and in triggers.

/// The OS user name (from the password database, then `$USER`, then the uid).
pub fn current_user() -> String {
    let uid = nix::unistd::getuid();
    if let Ok(Some(user)) = nix::unistd::User::from_uid(uid) {
        return user.name;
    }
    std::env::var("USER").unwrap_or_else(|_| format!("uid {uid}"))
}
