//! The cluster to talk to, found as kubectl finds it: `--kubeconfig`, else
//! `KUBECONFIG` (a list of files, merged), else `~/.kube/config`; the context
//! from `--context`, else the current one; the namespace from `-n`, else the
//! context's, else `default`.

use super::Target;
use kube::config::{KubeConfigOptions, Kubeconfig};

pub struct Connection {
    pub client: kube::Client,
    /// The server's URL, for messages.
    pub url: String,
    pub context: String,
    pub user: String,
    /// Where objects that name no namespace go.
    pub namespace: String,
}

pub async fn connect(target: &Target) -> Result<Connection, String> {
    let kubeconfig = match &target.kubeconfig {
        Some(path) => Kubeconfig::read_from(path)
            .map_err(|e| format!("cannot read the kubeconfig `{}`: {}", path.display(), one_line(&e)))?,
        None => Kubeconfig::read().map_err(|e| {
            format!(
                "cannot read a kubeconfig (from KUBECONFIG, else ~/.kube/config): {}; pass --kubeconfig PATH",
                one_line(&e)
            )
        })?,
    };
    let context = match target.context.clone().or_else(|| kubeconfig.current_context.clone()) {
        Some(c) => c,
        None => return Err("the kubeconfig has no current context: pass --context NAME".into()),
    };
    let Some(named) = kubeconfig.contexts.iter().find(|c| c.name == context) else {
        let names: Vec<&str> = kubeconfig.contexts.iter().map(|c| c.name.as_str()).collect();
        return Err(format!("the kubeconfig has no context `{context}` (it has: {})", names.join(", ")));
    };
    let user = named.context.as_ref().and_then(|c| c.user.clone()).unwrap_or_default();
    let options = KubeConfigOptions { context: Some(context.clone()), cluster: None, user: None };
    let mut config = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .map_err(|e| format!("cannot use context `{context}` of the kubeconfig: {}", one_line(&e)))?;
    // Retries are pipec's own (retry.rs): they cover more cases and are counted.
    config.default_retry = false;
    let namespace = target.namespace.clone().unwrap_or_else(|| config.default_namespace.clone());
    let url = config.cluster_url.to_string().trim_end_matches('/').to_string();
    let client = kube::Client::try_from(config)
        .map_err(|e| format!("cannot set up a client for {url} (context `{context}`): {}", one_line(&e)))?;
    Ok(Connection { client, url, context, user, namespace })
}

/// An error and its causes on one line, without repeats.
pub fn one_line(e: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

/// What every command does first: connect, then work out the objects the programs declare
/// (in the connection's default namespace where they name none). `Err` is the exit code,
/// the reason already printed: 2 when the cluster cannot be reached, `plan_failed` when the
/// programs' objects cannot be applied as written.
pub async fn connect_and_plan(
    target: &Target,
    programs: &[super::Program],
    plan_failed: u8,
) -> Result<(Connection, Vec<super::plan::Desired>), u8> {
    let conn = connect(target).await.map_err(|message| {
        eprintln!("pipec: {message}");
        2
    })?;
    let desired = super::plan::plan(programs, &conn.namespace).map_err(|problems| {
        problems.iter().for_each(|p| eprintln!("pipec: {p}"));
        plan_failed
    })?;
    Ok((conn, desired))
}
