//! A pod template back to the keys of a workload: its containers (the first one written
//! directly in the workload), volumes and mounts, env, resources, probes, placement.
//! Plain fields go through the schema rows (`reverse::rows`); the keys whose Kubernetes
//! layout differs from their value are read here, each by the row it stands for.

use super::Refs;
use super::pipe::{Entry, Expr, name, quote};
use super::reverse::{self, choice, map_at, peek, quantity, rows, take};
use crate::schema::{self, Contexts};
use serde_json::{Map, Value};

/// The keys of a pod template (`tpl` is the PodTemplateSpec), taken out of it. `selector`:
/// the labels the workload's selector adds to the pods (left out of `pod-labels`).
pub fn pod(
    tpl: &mut Map<String, Value>,
    ctx: Contexts,
    item: &str,
    selector: &Map<String, Value>,
    refs: &mut Refs,
) -> Vec<Entry> {
    let mut out = Vec::new();
    if let Some(meta) = map_at(tpl, &["metadata"]) {
        super::objects::strip_own_labels(meta, refs);
        if let Some(labels) = map_at(meta, &["labels"]) {
            labels.retain(|k, v| selector.get(k) != Some(v));
        }
    }
    rows(tpl, "PodTemplateSpec", ctx, &mut out);
    let Some(spec) = map_at(tpl, &["spec"]) else { return out };
    let restart = if ctx & (schema::JOB | schema::CRON) != 0 { "Never" } else { "Always" };
    if spec.get("restartPolicy").and_then(Value::as_str) == Some(restart) {
        spec.remove("restartPolicy");
    }
    let volumes_ok = volumes(spec, refs, &mut out);

    // The main container is the first one, written directly in the workload.
    if let Some(Value::Array(containers)) = spec.get_mut("containers") {
        for (i, c) in containers.iter_mut().enumerate() {
            let Some(c) = c.as_object_mut() else { continue };
            if i == 0 {
                let named = c.get("name").and_then(Value::as_str).map(String::from);
                if named.as_deref() == Some(item) {
                    c.remove("name");
                } else if let Some(n) = named {
                    c.remove("name");
                    out.push(Entry::Set("container-name".into(), Expr::Str(n)));
                }
                out.extend(container(c, ctx, volumes_ok, refs));
            } else if let Some(Value::String(n)) = c.remove("name") {
                let body = container(c, schema::CONTAINER, volumes_ok, refs);
                out.push(Entry::Labeled("container".into(), n, body));
            }
        }
    }
    if let Some(Value::Array(inits)) = spec.get_mut("initContainers") {
        for c in inits.iter_mut() {
            let Some(c) = c.as_object_mut() else { continue };
            if let Some(Value::String(n)) = c.remove("name") {
                let body = container(c, schema::CONTAINER, volumes_ok, refs);
                out.push(Entry::Labeled("init".into(), n, body));
            }
        }
    }

    rows(spec, "PodSpec", ctx, &mut out);
    if let Some(e) = affinity(spec) {
        out.push(Entry::Block("affinity".into(), e));
    }
    if let Some(Value::Array(secrets)) = spec.get("imagePullSecrets") {
        let names: Option<Vec<String>> =
            secrets.iter().map(|s| s.get("name").and_then(Value::as_str).map(String::from)).collect();
        if let Some(names) = names.filter(|_| secrets.iter().all(|s| s.as_object().is_some_and(|m| m.len() == 1))) {
            spec.remove("imagePullSecrets");
            refs.secrets.extend(names.iter().cloned());
            out.push(Entry::Set("image-pull-secrets".into(), Expr::List(names.into_iter().map(Expr::Str).collect())));
        }
    }
    if let Some(sc) = map_at(spec, &["securityContext"]) {
        let mut entries = Vec::new();
        rows(sc, "PodSecurityContext", schema::POD_SECURITY, &mut entries);
        if let Some(Value::Array(groups)) = sc.get("supplementalGroups")
            && let Some(ids) = groups.iter().map(|g| g.as_i64().map(Expr::Int)).collect::<Option<Vec<_>>>()
        {
            sc.remove("supplementalGroups");
            entries.push(Entry::Set("supplemental-groups".into(), Expr::List(ids)));
        }
        if let Some(Value::Array(sysctls)) = sc.get("sysctls")
            && let Some(pairs) = sysctls
                .iter()
                .map(|s| Some((s.get("name")?.as_str()?.to_string(), Expr::str(s.get("value")?.as_str()?))))
                .collect::<Option<Vec<_>>>()
        {
            sc.remove("sysctls");
            entries.push(Entry::Set("sysctls".into(), Expr::Map(pairs)));
        }
        if !entries.is_empty() {
            out.push(Entry::Block("pod-security-context".into(), entries));
        }
    }
    out
}

/// The image's pull policy when none is written (as Kubernetes defaults it; pipec always emits one).
pub fn default_pull(image: &str) -> &'static str {
    let last = image.rsplit('/').next().unwrap_or("");
    if image.contains('@') {
        return "IfNotPresent";
    }
    match last.split_once(':') {
        None | Some((_, "latest")) => "Always",
        Some(_) => "IfNotPresent",
    }
}

fn container(c: &mut Map<String, Value>, ctx: Contexts, volumes_ok: bool, refs: &mut Refs) -> Vec<Entry> {
    let mut out = Vec::new();
    let image = c.get("image").and_then(Value::as_str).unwrap_or("").to_string();
    if c.get("imagePullPolicy").and_then(Value::as_str) == Some(default_pull(&image)) {
        c.remove("imagePullPolicy");
    }
    rows(c, "Container", ctx, &mut out);
    if let Some(e) = env(c, refs) {
        out.push(Entry::Block("env".into(), e));
    }
    if let Some(e) = env_from(c, refs) {
        out.push(Entry::Set("env-from".into(), e));
    }
    if let Some(e) = resources(c) {
        out.push(Entry::Block("resources".into(), e));
    }
    if let Some(e) = ports(c) {
        out.push(Entry::Set("ports".into(), e));
    }
    for (key, field) in [("liveness", "livenessProbe"), ("readiness", "readinessProbe"), ("startup", "startupProbe")] {
        if let Some(probe) = map_at(c, &[field])
            && let Some(e) = check(probe, "Probe", schema::PROBE)
        {
            out.push(Entry::Block(key.into(), e));
        }
    }
    for (key, field) in [("post-start", "postStart"), ("pre-stop", "preStop")] {
        if let Some(hook) = map_at(c, &["lifecycle", field])
            && let Some(e) = check(hook, "LifecycleHandler", schema::HOOK)
        {
            out.push(Entry::Block(key.into(), e));
        }
    }
    if volumes_ok && let Some(mounts) = mounts(c) {
        out.extend(mounts);
    }
    out
}

/// A probe or a hook: its rows, and its `tcp` and `http` checks (ports by number or name).
fn check(m: &mut Map<String, Value>, ty: &str, ctx: Contexts) -> Option<Vec<Entry>> {
    let mut entries = Vec::new();
    rows(m, ty, ctx, &mut entries);
    if let Some(port) = peek(m, &["tcpSocket", "port"]).and_then(port_ref)
        && m.get("tcpSocket").and_then(Value::as_object).is_some_and(|t| t.len() == 1)
    {
        m.remove("tcpSocket");
        entries.push(Entry::Set("tcp".into(), port));
    }
    if let Some(http) = map_at(m, &["httpGet"]) {
        let mut fields = Vec::new();
        rows(http, "HTTPGetAction", schema::HTTP_GET, &mut fields);
        if let Some(port) = http.get("port").and_then(port_ref) {
            http.remove("port");
            fields.push(Entry::Set("port".into(), port));
        }
        if let Some(Value::Array(headers)) = http.get("httpHeaders")
            && let Some(pairs) = headers
                .iter()
                .map(|h| Some((h.get("name")?.as_str()?.to_string(), Expr::str(h.get("value")?.as_str()?))))
                .collect::<Option<Vec<_>>>()
        {
            http.remove("httpHeaders");
            fields.push(Entry::Set("headers".into(), Expr::Map(pairs)));
        }
        entries.push(Entry::Set("http".into(), Expr::Map(pairs(fields))));
    }
    (!entries.is_empty()).then_some(entries)
}

fn pairs(entries: Vec<Entry>) -> Vec<(String, Expr)> {
    entries.into_iter().filter_map(reverse::entry_pair).collect()
}

fn port_ref(v: &Value) -> Option<Expr> {
    match v {
        Value::Number(n) => Some(Expr::Int(n.as_i64()?)),
        Value::String(s) => Some(Expr::Str(s.clone())),
        _ => None,
    }
}

/// `env { NAME = "v", PASS = secret(db, "password"), … }`, or nothing (left to `raw`) when
/// one variable is of a form the language has no value for.
fn env(c: &mut Map<String, Value>, refs: &mut Refs) -> Option<Vec<Entry>> {
    let Value::Array(vars) = c.get("env")? else { return None };
    let mut out = Vec::new();
    let mut configs = Vec::new();
    let mut secrets = Vec::new();
    for v in vars {
        let m = v.as_object()?;
        let var = m.get("name")?.as_str()?.to_string();
        let value = match (m.get("value"), m.get("valueFrom")) {
            (Some(Value::String(s)), None) if m.len() == 2 => Expr::str(s),
            (None, None) if m.len() == 1 => Expr::str(""),
            (None, Some(Value::Object(from))) if m.len() == 2 && from.len() == 1 => {
                let (kind, sel) = from.iter().next()?;
                let sel = sel.as_object()?;
                let field = |k: &str| sel.get(k).and_then(Value::as_str).map(String::from);
                match kind.as_str() {
                    "configMapKeyRef" if sel.len() == 2 => {
                        let (n, key) = (field("name")?, field("key")?);
                        configs.push(n.clone());
                        Expr::Call("config".into(), vec![(None, Expr::Word(name(&n))), (None, Expr::Str(key))])
                    }
                    "secretKeyRef" if sel.len() == 2 => {
                        let (n, key) = (field("name")?, field("key")?);
                        secrets.push(n.clone());
                        Expr::Call("secret".into(), vec![(None, Expr::Word(name(&n))), (None, Expr::Str(key))])
                    }
                    "fieldRef"
                        if sel.keys().all(|k| k == "fieldPath" || k == "apiVersion")
                            && sel.get("apiVersion").is_none_or(|v| v == "v1") =>
                    {
                        Expr::Call("field".into(), vec![(None, Expr::Str(field("fieldPath")?))])
                    }
                    "resourceFieldRef" if sel.len() == 1 => {
                        Expr::Call("resource".into(), vec![(None, Expr::Str(field("resource")?))])
                    }
                    _ => return None,
                }
            }
            _ => return None,
        };
        out.push(Entry::Set(var, value));
    }
    c.remove("env");
    refs.configs.extend(configs);
    refs.secrets.extend(secrets);
    Some(out)
}

fn env_from(c: &mut Map<String, Value>, refs: &mut Refs) -> Option<Expr> {
    let Value::Array(sources) = c.get("envFrom")? else { return None };
    let mut out = Vec::new();
    for s in sources {
        let m = s.as_object()?;
        let (func, sel) = match (m.get("configMapRef"), m.get("secretRef")) {
            (Some(r), None) => ("config", r.as_object()?),
            (None, Some(r)) => ("secret", r.as_object()?),
            _ => return None,
        };
        let n = sel.get("name")?.as_str()?.to_string();
        if m.keys().any(|k| !matches!(k.as_str(), "configMapRef" | "secretRef" | "prefix"))
            || sel.keys().any(|k| k != "name" && k != "optional")
        {
            return None;
        }
        let mut args = vec![(None, Expr::Word(name(&n)))];
        if let Some(p) = m.get("prefix") {
            args.push((Some("prefix".into()), Expr::str(p.as_str()?)));
        }
        if let Some(o) = sel.get("optional") {
            args.push((Some("optional".into()), Expr::Word(o.as_bool()?.to_string())));
        }
        if func == "config" {
            refs.configs.push(n)
        } else {
            refs.secrets.push(n)
        }
        out.push(Expr::Call(func.into(), args));
    }
    c.remove("envFrom");
    Some(Expr::List(out))
}

/// `resources { cpu = 1, memory = 512Mi }` when requests and limits are the same, else
/// `requests { … }` and `limits { … }`.
fn resources(c: &mut Map<String, Value>) -> Option<Vec<Entry>> {
    let r = c.get("resources")?.as_object()?;
    if r.keys().any(|k| k != "requests" && k != "limits") {
        return None;
    }
    let part = |name: &str| -> Option<Option<Vec<Entry>>> {
        let Some(m) = r.get(name) else { return Some(None) };
        let m = m.as_object()?;
        m.iter().map(|(k, v)| Some(Entry::Set(k.clone(), quantity(v)?))).collect::<Option<Vec<_>>>().map(Some)
    };
    let (requests, limits) = (part("requests")?, part("limits")?);
    let entries = match (requests, limits) {
        (Some(a), Some(b)) if a == b && !a.is_empty() => a,
        (requests, limits) => {
            let mut e = Vec::new();
            if let Some(r) = requests {
                e.push(Entry::Block("requests".into(), r));
            }
            if let Some(l) = limits {
                e.push(Entry::Block("limits".into(), l));
            }
            e
        }
    };
    c.remove("resources");
    (!entries.is_empty()).then_some(entries)
}

/// `ports = { http: 8080 }` when every port is named, `[8080]` when none is.
fn ports(c: &mut Map<String, Value>) -> Option<Expr> {
    let Value::Array(list) = c.get("ports")? else { return None };
    let mut named = Vec::new();
    let mut plain = Vec::new();
    for p in list {
        let m = p.as_object()?;
        let mut extra = Vec::new();
        for (k, v) in m {
            match k.as_str() {
                "name" | "containerPort" => {}
                "protocol" => extra.push(("protocol".to_string(), Expr::word(choice(schema::PROTOCOLS, v.as_str()?)?))),
                "hostPort" => extra.push(("host-port".to_string(), Expr::Int(v.as_i64()?))),
                "hostIP" => extra.push(("host-ip".to_string(), Expr::str(v.as_str()?))),
                _ => return None,
            }
        }
        let number = Expr::Int(m.get("containerPort")?.as_i64()?);
        let port = if extra.is_empty() {
            number
        } else {
            let mut fields = vec![("port".to_string(), number)];
            fields.extend(extra);
            Expr::Map(fields)
        };
        match m.get("name") {
            Some(n) => named.push((n.as_str()?.to_string(), port)),
            None => plain.push(port),
        }
    }
    let e = match (named.is_empty(), plain.is_empty()) {
        (false, true) => Expr::Map(named),
        (true, _) => Expr::List(plain),
        (false, false) => return None,
    };
    c.remove("ports");
    Some(e)
}

/// `mount NAME at "/path" readonly subpath "x"`, one a line; nothing when a mount has a
/// field the statement has no word for.
fn mounts(c: &mut Map<String, Value>) -> Option<Vec<Entry>> {
    let Value::Array(list) = c.get("volumeMounts")? else { return None };
    let mut out = Vec::new();
    for m in list {
        let m = m.as_object()?;
        let volume = m.get("name")?.as_str()?;
        let mut line = format!("mount {} at {}", label(volume), quote(m.get("mountPath")?.as_str()?));
        for (k, v) in m {
            match k.as_str() {
                "name" | "mountPath" => {}
                "readOnly" => {
                    if v.as_bool()? {
                        line.push_str(" readonly");
                    }
                }
                "subPath" => line.push_str(&format!(" subpath {}", quote(v.as_str()?))),
                "mountPropagation" => {
                    let word = match v.as_str()? {
                        "None" => "none",
                        "HostToContainer" => "host-to-container",
                        "Bidirectional" => "bidirectional",
                        _ => return None,
                    };
                    line.push_str(&format!(" propagation {word}"));
                }
                _ => return None,
            }
        }
        // `readOnly: false` is what no `readonly` says: pipec leaves it out.
        if m.get("readOnly") == Some(&Value::Bool(false)) {
            return None;
        }
        out.push(Entry::Line(line));
    }
    c.remove("volumeMounts");
    Some(out)
}

fn label(s: &str) -> String {
    let word = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if word { s.to_string() } else { quote(s) }
}

/// `volume NAME = empty-dir(…)` for every volume, in order; `false` (and nothing taken)
/// when one has a source the language cannot write, so that volumes and mounts go to `raw` together.
fn volumes(spec: &mut Map<String, Value>, refs: &mut Refs, out: &mut Vec<Entry>) -> bool {
    let Some(Value::Array(list)) = spec.get("volumes") else { return true };
    let mut entries = Vec::new();
    let mut used = Refs::default();
    for v in list {
        let Some(entry) = volume(v, &mut used) else { return false };
        entries.push(entry);
    }
    spec.remove("volumes");
    refs.configs.extend(used.configs);
    refs.secrets.extend(used.secrets);
    out.extend(entries);
    true
}

fn volume(v: &Value, refs: &mut Refs) -> Option<Entry> {
    let m = v.as_object()?;
    if m.len() != 2 {
        return None;
    }
    let vname = m.get("name")?.as_str()?.to_string();
    let (source, s) = m.iter().find(|(k, _)| *k != "name")?;
    let s = s.as_object()?;
    let mut args: Vec<(Option<String>, Expr)> = Vec::new();
    let func = match source.as_str() {
        "emptyDir" => {
            for (k, v) in s {
                match k.as_str() {
                    "medium" if v == "Memory" => args.push((Some("medium".into()), Expr::word("memory"))),
                    "sizeLimit" => args.push((Some("size".into()), quantity(v)?)),
                    _ => return None,
                }
            }
            "empty-dir"
        }
        "hostPath" => {
            args.push((None, Expr::str(s.get("path")?.as_str()?)));
            for (k, v) in s {
                match k.as_str() {
                    "path" => {}
                    "type" => {
                        let word = match v.as_str()? {
                            "Directory" => "directory",
                            "DirectoryOrCreate" => "directory-or-create",
                            "File" => "file",
                            "FileOrCreate" => "file-or-create",
                            "Socket" => "socket",
                            "CharDevice" => "char-device",
                            "BlockDevice" => "block-device",
                            _ => return None,
                        };
                        args.push((Some("type".into()), Expr::word(word)));
                    }
                    _ => return None,
                }
            }
            "host-path"
        }
        "persistentVolumeClaim" => {
            args.push((None, Expr::str(s.get("claimName")?.as_str()?)));
            for (k, v) in s {
                match k.as_str() {
                    "claimName" => {}
                    "readOnly" if v == true => args.push((Some("readonly".into()), Expr::word("true"))),
                    _ => return None,
                }
            }
            "pvc"
        }
        "configMap" | "secret" => {
            let name_field = if source == "configMap" { "name" } else { "secretName" };
            let n = s.get(name_field)?.as_str()?.to_string();
            args.push((None, Expr::Word(name(&n))));
            for (k, v) in s {
                match k.as_str() {
                    k if k == name_field => {}
                    "items" => args.push((Some("items".into()), items(v)?)),
                    "defaultMode" => args.push((Some("default-mode".into()), mode(v)?)),
                    "optional" => args.push((Some("optional".into()), Expr::Word(v.as_bool()?.to_string()))),
                    _ => return None,
                }
            }
            if source == "configMap" {
                refs.configs.push(n);
                "config"
            } else {
                refs.secrets.push(n);
                "secret"
            }
        }
        "projected" => {
            for (k, v) in s {
                match k.as_str() {
                    "sources" => {
                        let list = v.as_array()?.iter().map(|p| projection(p, refs)).collect::<Option<Vec<_>>>()?;
                        args.push((Some("sources".into()), Expr::List(list)));
                    }
                    "defaultMode" => args.push((Some("default-mode".into()), mode(v)?)),
                    _ => return None,
                }
            }
            "projected"
        }
        "ephemeral" => {
            args = ephemeral(s)?;
            "ephemeral"
        }
        "downwardAPI" => {
            for (k, v) in s {
                match k.as_str() {
                    "items" => args.push((Some("items".into()), downward_items(v)?)),
                    "defaultMode" => args.push((Some("default-mode".into()), mode(v)?)),
                    _ => return None,
                }
            }
            "downward-api"
        }
        _ => return None,
    };
    Some(Entry::LabeledValue("volume".into(), vname, Expr::Call(func.into(), args)))
}

fn items(v: &Value) -> Option<Expr> {
    let list = v.as_array()?;
    let mut out = Vec::new();
    for i in list {
        let m = i.as_object()?;
        let path = Expr::str(m.get("path")?.as_str()?);
        let value = match m.get("mode") {
            None if m.len() == 2 => path,
            Some(md) if m.len() == 3 => Expr::Map(vec![("path".into(), path), ("mode".into(), mode(md)?)]),
            _ => return None,
        };
        out.push((m.get("key")?.as_str()?.to_string(), value));
    }
    Some(Expr::Map(out))
}

/// One source of a `projected` volume: `config(…)`, `secret(…)`, `downward-api(…)`, `token(…)`.
fn projection(p: &Value, refs: &mut Refs) -> Option<Expr> {
    let m = p.as_object().filter(|m| m.len() == 1)?;
    let (kind, s) = m.iter().next()?;
    let s = s.as_object()?;
    let mut args: Vec<(Option<String>, Expr)> = Vec::new();
    let func = match kind.as_str() {
        "configMap" | "secret" => {
            let n = s.get("name")?.as_str()?.to_string();
            args.push((None, Expr::Word(name(&n))));
            for (k, v) in s {
                match k.as_str() {
                    "name" => {}
                    "items" => args.push((Some("items".into()), items(v)?)),
                    "optional" => args.push((Some("optional".into()), Expr::Word(v.as_bool()?.to_string()))),
                    _ => return None,
                }
            }
            if kind == "configMap" {
                refs.configs.push(n);
                "config"
            } else {
                refs.secrets.push(n);
                "secret"
            }
        }
        "downwardAPI" => {
            for (k, v) in s {
                match k.as_str() {
                    "items" => args.push((Some("items".into()), downward_items(v)?)),
                    _ => return None,
                }
            }
            "downward-api"
        }
        "serviceAccountToken" => {
            for (k, v) in s {
                match k.as_str() {
                    "path" => args.push((Some("path".into()), Expr::str(v.as_str()?))),
                    "audience" => args.push((Some("audience".into()), Expr::str(v.as_str()?))),
                    "expirationSeconds" => args
                        .push((Some("expiration".into()), Expr::Word(crate::units::Duration(v.as_u64()?).to_string()))),
                    _ => return None,
                }
            }
            "token"
        }
        _ => return None,
    };
    Some(Expr::Call(func.into(), args))
}

/// `ephemeral(size = 10Gi, class = "fast-ssd", access = read-write-once, mode = block)`.
fn ephemeral(s: &Map<String, Value>) -> Option<Vec<(Option<String>, Expr)>> {
    const ACCESS: schema::Choices = &[
        ("read-write-once", "ReadWriteOnce"),
        ("read-only-many", "ReadOnlyMany"),
        ("read-write-many", "ReadWriteMany"),
        ("read-write-once-pod", "ReadWriteOncePod"),
    ];
    const MODES: schema::Choices = &[("filesystem", "Filesystem"), ("block", "Block")];
    let t = s.get("volumeClaimTemplate")?.as_object().filter(|t| s.len() == 1 && t.len() == 1)?;
    let spec = t.get("spec")?.as_object()?;
    let mut args = Vec::new();
    for (k, v) in spec {
        match k.as_str() {
            "resources" => {
                let r = v.as_object().filter(|r| r.len() == 1)?;
                let req = r.get("requests")?.as_object().filter(|q| q.len() == 1)?;
                args.insert(0, (Some("size".to_string()), quantity(req.get("storage")?)?));
            }
            "storageClassName" => args.push((Some("class".into()), Expr::str(v.as_str()?))),
            "accessModes" => {
                let modes: Vec<&str> = v.as_array()?.iter().map(Value::as_str).collect::<Option<_>>()?;
                let words: Vec<Expr> =
                    modes.iter().map(|m| choice(ACCESS, m).map(Expr::word)).collect::<Option<_>>()?;
                match words.len() {
                    // pipec's default: one pod's node reads and writes.
                    1 if modes[0] == "ReadWriteOnce" => {}
                    1 => args.push((Some("access".into()), words[0].clone())),
                    _ => args.push((Some("access".into()), Expr::List(words))),
                }
            }
            "volumeMode" => args.push((Some("mode".into()), Expr::word(choice(MODES, v.as_str()?)?))),
            _ => return None,
        }
    }
    args.first().is_some_and(|(k, _)| k.as_deref() == Some("size")).then_some(args)
}

/// `{ "path": field("metadata.labels") }`, or `{ from = field(…), mode = 0o444 }` with a mode.
fn downward_items(v: &Value) -> Option<Expr> {
    let mut out = Vec::new();
    for i in v.as_array()? {
        let m = i.as_object()?;
        let path = m.get("path")?.as_str()?.to_string();
        let from = match (m.get("fieldRef"), m.get("resourceFieldRef")) {
            (Some(f), None) => {
                let f = f.as_object()?;
                if f.keys().any(|k| k != "fieldPath" && k != "apiVersion")
                    || f.get("apiVersion").is_some_and(|v| v != "v1")
                {
                    return None;
                }
                Expr::Call("field".into(), vec![(None, Expr::str(f.get("fieldPath")?.as_str()?))])
            }
            (None, Some(r)) => {
                let r = r.as_object()?;
                let mut args = vec![(None, Expr::str(r.get("resource")?.as_str()?))];
                for (k, v) in r {
                    match k.as_str() {
                        "resource" => {}
                        "containerName" => args.push((Some("container".into()), Expr::str(v.as_str()?))),
                        "divisor" => args.push((Some("divisor".into()), quantity(v)?)),
                        _ => return None,
                    }
                }
                Expr::Call("resource".into(), args)
            }
            _ => return None,
        };
        let value = match m.get("mode") {
            None if m.len() == 2 => from,
            Some(md) if m.len() == 3 => Expr::Map(vec![("from".into(), from), ("mode".into(), mode(md)?)]),
            _ => return None,
        };
        out.push((path, value));
    }
    Some(Expr::Map(out))
}

/// File modes in octal, as the language writes them (`0o644`).
fn mode(v: &Value) -> Option<Expr> {
    Some(Expr::Word(format!("0o{:o}", v.as_i64().filter(|m| (0..=0o777).contains(m))?)))
}

/// Node affinity: one term as `required`, several as `required-any`; `preferred` terms of one requirement each.
fn affinity(spec: &mut Map<String, Value>) -> Option<Vec<Entry>> {
    let a = spec.get("affinity")?.as_object()?;
    let node = a.get("nodeAffinity")?.as_object()?;
    let requirement = |r: &Value| -> Option<Vec<(String, Expr)>> {
        let m = r.as_object()?;
        let mut fields = vec![("key".to_string(), Expr::str(m.get("key")?.as_str()?))];
        fields.push(("operator".into(), Expr::word(choice(schema::NODE_OPERATORS, m.get("operator")?.as_str()?)?)));
        if let Some(values) = m.get("values") {
            fields.push(("values".into(), reverse::simple(schema::Shape::StrList, values)?));
        }
        (m.len() == fields.len()).then_some(fields)
    };
    let mut out = Vec::new();
    for (k, v) in node {
        match k.as_str() {
            "requiredDuringSchedulingIgnoredDuringExecution" => {
                let terms = v.get("nodeSelectorTerms")?.as_array()?;
                let mut lists = Vec::new();
                for t in terms {
                    let t = t.as_object()?;
                    if t.keys().any(|k| k != "matchExpressions") {
                        return None;
                    }
                    let reqs = t.get("matchExpressions")?.as_array()?;
                    lists.push(reqs.iter().map(|r| requirement(r).map(Expr::Map)).collect::<Option<Vec<_>>>()?);
                }
                match lists.len() {
                    1 => out.push(Entry::Set("required".into(), Expr::List(lists.remove(0)))),
                    0 => return None,
                    _ => out.push(Entry::Set(
                        "required-any".into(),
                        Expr::List(lists.into_iter().map(Expr::List).collect()),
                    )),
                }
            }
            "preferredDuringSchedulingIgnoredDuringExecution" => {
                let mut terms = Vec::new();
                for t in v.as_array()? {
                    let reqs = t.get("preference")?.get("matchExpressions")?.as_array()?;
                    if reqs.len() != 1 || t.as_object()?.len() != 2 || t.get("preference")?.as_object()?.len() != 1 {
                        return None;
                    }
                    let mut fields = vec![("weight".to_string(), Expr::Int(t.get("weight")?.as_i64()?))];
                    fields.extend(requirement(&reqs[0])?);
                    terms.push(Expr::Map(fields));
                }
                out.push(Entry::Set("preferred".into(), Expr::List(terms)));
            }
            _ => return None,
        }
    }
    if let Some(a) = spec.get_mut("affinity").and_then(Value::as_object_mut) {
        a.remove("nodeAffinity");
    }
    take(spec, &["affinity"]).filter(|a| !reverse::is_empty(a)).map(|a| spec.insert("affinity".into(), a));
    Some(out)
}
