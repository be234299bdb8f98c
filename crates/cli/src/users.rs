//! `chainscope user …`: accounts from the command line, and the first administrator.

use chainscope_model::{Account, Role};
use chainscope_server::auth::{hash_password, one_time_password};
use chainscope_store::{AccountStore, AuditEntry};

/// Read a password from the first line of standard input.
pub fn password_from_stdin() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    let pw = line.trim_end_matches(['\r', '\n']).to_string();
    Account::check_password(&pw).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(pw)
}

fn hash(pw: &str) -> anyhow::Result<String> {
    hash_password(pw).map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
}

/// Create the first administrator when there is no account yet. Its password is `CHAINSCOPE_ADMIN_PASSWORD` when
/// set (for unattended installs), otherwise a one-time password printed here, once, to be changed at first sign-in.
pub fn ensure_first_admin(store: &mut dyn AccountStore) -> anyhow::Result<()> {
    if !store.accounts()?.is_empty() {
        return Ok(());
    }
    let (pw, must_change) = match std::env::var("CHAINSCOPE_ADMIN_PASSWORD") {
        Ok(pw) if !pw.is_empty() => {
            Account::check_password(&pw).map_err(|e| anyhow::anyhow!("CHAINSCOPE_ADMIN_PASSWORD: {e}"))?;
            (pw, false)
        }
        _ => (one_time_password(), true),
    };
    let a = Account {
        id: 0,
        username: "admin".into(),
        display_name: "管理员 Administrator".into(),
        password_hash: hash(&pw)?,
        role: Role::Admin,
        regions: vec![],
        department: None,
        enterprise_id: None,
        active: true,
        must_change,
        failed_logins: 0,
        locked_until: None,
        created_at: String::new(),
    };
    store.create_account(&a)?;
    store.audit(&AuditEntry {
        actor: "chainscope".into(),
        action: "account_created".into(),
        target: "admin".into(),
        detail: "first administrator".into(),
        ..Default::default()
    })?;
    if must_change {
        eprintln!("首位管理员 / first administrator: admin");
        eprintln!("一次性密码 / one-time password: {pw}");
        eprintln!("（仅显示这一次，首次登录后须修改 / shown only now; change it at first sign-in）");
    } else {
        eprintln!("首位管理员 / first administrator: admin (password from CHAINSCOPE_ADMIN_PASSWORD)");
    }
    Ok(())
}

/// Scope options shared by `user add` and `user role`.
pub struct Scope {
    pub regions: Option<String>,
    pub department: Option<String>,
    pub enterprise: Option<i64>,
}

fn apply_scope(a: &mut Account, scope: &Scope, regions: &chainscope_model::RegionRegistry) -> anyhow::Result<()> {
    if let Some(r) = &scope.regions {
        let list: Vec<String> = r.split(',').map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect();
        if let Some(bad) = list.iter().find(|c| regions.get(regions.current_code(c)).is_none()) {
            anyhow::bail!("--regions: no region '{bad}'");
        }
        a.regions = list;
    }
    if let Some(d) = &scope.department {
        a.department = Some(d.trim().to_string()).filter(|x| !x.is_empty());
    }
    if let Some(e) = scope.enterprise {
        a.enterprise_id = Some(e);
    }
    match a.role {
        Role::Officer if a.regions.is_empty() => anyhow::bail!("an officer needs --regions (the 板块 they work for)"),
        Role::Department if a.department.is_none() => anyhow::bail!("department staff need --department"),
        Role::Enterprise if a.enterprise_id.is_none() => anyhow::bail!("an enterprise user needs --enterprise (the enterprise's id)"),
        _ => Ok(()),
    }
}

pub fn add(
    store: &mut dyn AccountStore,
    regions: &chainscope_model::RegionRegistry,
    username: &str,
    role: &str,
    name: Option<String>,
    scope: &Scope,
    password_stdin: bool,
) -> anyhow::Result<()> {
    Account::check_username(username).map_err(|e| anyhow::anyhow!("{e}"))?;
    let role = Role::parse(role).map_err(|_| anyhow::anyhow!("--role must be admin, leader, officer, department or enterprise"))?;
    let (pw, must_change) = if password_stdin { (password_from_stdin()?, false) } else { (one_time_password(), true) };
    let mut a = Account {
        id: 0,
        username: username.to_string(),
        display_name: name.unwrap_or_default(),
        password_hash: hash(&pw)?,
        role,
        regions: vec![],
        department: None,
        enterprise_id: None,
        active: true,
        must_change,
        failed_logins: 0,
        locked_until: None,
        created_at: String::new(),
    };
    apply_scope(&mut a, scope, regions)?;
    store.create_account(&a).map_err(|e| match e {
        chainscope_store::StoreError::Exists(_) => anyhow::anyhow!("the username '{username}' is taken"),
        other => other.into(),
    })?;
    store.audit(&AuditEntry {
        actor: "chainscope".into(),
        action: "account_created".into(),
        target: username.into(),
        detail: role.as_str().into(),
        ..Default::default()
    })?;
    if must_change {
        eprintln!("一次性密码 / one-time password for {username}: {pw}");
    }
    Ok(())
}

pub fn passwd(store: &mut dyn AccountStore, username: &str, password_stdin: bool) -> anyhow::Result<()> {
    let mut a = store.account_by_name(username)?.ok_or_else(|| anyhow::anyhow!("no account '{username}'"))?;
    let (pw, must_change) = if password_stdin { (password_from_stdin()?, false) } else { (one_time_password(), true) };
    a.password_hash = hash(&pw)?;
    a.must_change = must_change;
    a.failed_logins = 0;
    a.locked_until = None;
    store.update_account(&a)?;
    store.delete_sessions_of(a.id)?;
    store.audit(&AuditEntry {
        actor: "chainscope".into(),
        action: "password_reset".into(),
        target: username.into(),
        ..Default::default()
    })?;
    if must_change {
        eprintln!("一次性密码 / one-time password for {username}: {pw}");
    }
    Ok(())
}

pub fn role(
    store: &mut dyn AccountStore,
    regions: &chainscope_model::RegionRegistry,
    username: &str,
    role: Option<&str>,
    scope: &Scope,
    active: Option<bool>,
) -> anyhow::Result<()> {
    let mut a = store.account_by_name(username)?.ok_or_else(|| anyhow::anyhow!("no account '{username}'"))?;
    let before = format!("{} {:?} {:?} {:?} active={}", a.role.as_str(), a.regions, a.department, a.enterprise_id, a.active);
    if let Some(r) = role {
        a.role = Role::parse(r).map_err(|_| anyhow::anyhow!("--role must be admin, leader, officer, department or enterprise"))?;
    }
    if let Some(x) = active {
        a.active = x;
    }
    apply_scope(&mut a, scope, regions)?;
    store.update_account(&a)?;
    if !a.active {
        store.delete_sessions_of(a.id)?;
    }
    let after = format!("{} {:?} {:?} {:?} active={}", a.role.as_str(), a.regions, a.department, a.enterprise_id, a.active);
    store.audit(&AuditEntry {
        actor: "chainscope".into(),
        action: "account_changed".into(),
        target: username.into(),
        detail: format!("{before} → {after}"),
        ..Default::default()
    })?;
    Ok(())
}

pub fn list(store: &dyn AccountStore, json: bool) -> anyhow::Result<()> {
    let accounts = store.accounts()?;
    if json {
        println!("{}", serde_json::to_string(&accounts)?);
        return Ok(());
    }
    for a in accounts {
        println!(
            "{:<20} {:<10} {:<24} {}{}",
            a.username,
            a.role.as_str(),
            a.regions.join(",") + a.department.as_deref().unwrap_or("") + &a.enterprise_id.map(|e| e.to_string()).unwrap_or_default(),
            if a.active { "" } else { "inactive " },
            if a.must_change { "must change password" } else { "" }
        );
    }
    Ok(())
}
