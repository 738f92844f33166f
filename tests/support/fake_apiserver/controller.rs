//! The simulated controllers, one step per tick. A Job's pods go Pending →
//! Running → Succeeded or Failed (as the workload's script says) until its
//! completions are reached or its backoff limit is passed; a Deployment or
//! DaemonSet rolls out one replica per tick, or, when scripted to fail, gets a
//! crash-looping pod and never becomes ready.

use super::Outcome;
use super::store::{Key, State, Stored, now, suffix};
use serde_json::{Value, json};

pub fn tick(state: &mut State) {
    state.finish_terminating();
    let keys: Vec<Key> = state
        .objects
        .keys()
        .filter(|k| {
            let r = &state.table[k.resource];
            matches!((r.group.as_str(), r.kind.as_str()), ("batch", "Job") | ("apps", "Deployment" | "DaemonSet"))
        })
        .cloned()
        .collect();
    for key in keys {
        let kind = state.table[key.resource].kind.clone();
        match kind.as_str() {
            "Job" => job(state, &key),
            "Deployment" => rollout(state, &key, false),
            _ => rollout(state, &key, true),
        }
    }
}

fn int(v: &Value, default: i64) -> i64 {
    v.as_i64().unwrap_or(default)
}

fn owned_pods(state: &State, key: &Key, uid: &Value) -> Vec<Key> {
    let Some(pods) = state.resource_index("", "Pod") else { return Vec::new() };
    state
        .objects
        .iter()
        .filter(|(k, s)| {
            k.resource == pods
                && k.namespace == key.namespace
                && s.object["metadata"]["ownerReferences"]
                    .as_array()
                    .is_some_and(|r| r.iter().any(|o| &o["uid"] == uid))
        })
        .map(|(k, _)| k.clone())
        .collect()
}

fn container_statuses(pod: &Value, state: Value, ready: bool, restarts: i64, last: Option<Value>) -> Value {
    let containers = pod["spec"]["containers"].as_array().cloned().unwrap_or_default();
    Value::Array(
        containers
            .iter()
            .map(|c| {
                let mut s = json!({
                    "name": c["name"], "image": c["image"], "ready": ready, "restartCount": restarts,
                    "started": ready, "state": state,
                });
                if let Some(last) = &last {
                    s["lastState"] = last.clone();
                }
                s
            })
            .collect(),
    )
}

/// Creates a pod from `owner`'s template; its key.
fn create_pod(state: &mut State, owner: &Key, owner_object: &Value) -> Option<Key> {
    let pods = state.resource_index("", "Pod")?;
    let r = state.table[owner.resource].clone();
    let mut name;
    let mut n = state.uids + 1;
    loop {
        name = format!("{}-{}", owner.name, suffix(n));
        let k = Key { resource: pods, namespace: owner.namespace.clone(), name: name.clone() };
        if !state.objects.contains_key(&k) {
            break;
        }
        n += 7;
    }
    let template = &owner_object["spec"]["template"];
    let mut spec = template["spec"].clone();
    spec["nodeName"] = json!("fake-node-0");
    let object = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "name": name, "namespace": owner.namespace,
            "labels": template["metadata"]["labels"].clone(),
            "ownerReferences": [{
                "apiVersion": r.api_version(), "kind": r.kind, "name": owner.name,
                "uid": owner_object["metadata"]["uid"], "controller": true, "blockOwnerDeletion": true,
            }],
        },
        "spec": spec,
    });
    let key = Key { resource: pods, namespace: owner.namespace.clone(), name };
    state.commit(&key, Stored { object, managers: Vec::new() }, false).ok()?;
    Some(key)
}

/// A condition, keeping its transition time while it does not change.
fn condition(previous: &Value, kind: &str, status: &str, reason: &str, message: &str) -> Value {
    if let Some(old) = previous["conditions"].as_array().and_then(|cs| cs.iter().find(|c| c["type"] == kind))
        && old["status"] == status
        && old["reason"] == reason
    {
        return old.clone();
    }
    let t = now();
    json!({"type": kind, "status": status, "reason": reason, "message": message, "lastTransitionTime": t, "lastProbeTime": t})
}

fn terminal(status: &Value) -> bool {
    status["conditions"].as_array().is_some_and(|cs| {
        cs.iter().any(|c| (c["type"] == "Complete" || c["type"] == "Failed") && c["status"] == "True")
    })
}

fn job(state: &mut State, key: &Key) {
    let Some(stored) = state.objects.get(key) else { return };
    let object = stored.object.clone();
    let status = object.get("status").cloned().unwrap_or(json!({}));
    if terminal(&status) || object["spec"]["suspend"] == json!(true) {
        return;
    }
    let outcome = state.outcome(&key.name);
    let (mut active, mut succeeded, mut failed, mut ready) = (0, 0, 0, 0);
    for pod in owned_pods(state, key, &object["metadata"]["uid"]) {
        match step_pod(state, &pod, &outcome) {
            "Succeeded" => succeeded += 1,
            "Failed" => failed += 1,
            "Running" => {
                active += 1;
                ready += 1;
            }
            _ => active += 1,
        }
    }
    let spec = &object["spec"];
    let completions = int(&spec["completions"], 1);
    let parallelism = int(&spec["parallelism"], 1);
    let backoff = int(&spec["backoffLimit"], 6);
    let mut next = json!({
        "startTime": status.get("startTime").cloned().unwrap_or_else(|| json!(now())),
        "ready": ready, "terminating": 0, "uncountedTerminatedPods": {},
    });
    let mut conditions = Vec::new();
    if succeeded >= completions {
        conditions.push(condition(
            &status,
            "SuccessCriteriaMet",
            "True",
            "CompletionsReached",
            "Reached expected number of succeeded pods",
        ));
        conditions.push(condition(
            &status,
            "Complete",
            "True",
            "CompletionsReached",
            "Reached expected number of succeeded pods",
        ));
        next["completionTime"] = json!(now());
        active = 0;
    } else if failed > backoff {
        conditions.push(condition(
            &status,
            "FailureTarget",
            "True",
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
        ));
        conditions.push(condition(
            &status,
            "Failed",
            "True",
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
        ));
        active = 0;
    } else {
        let want = parallelism.min(completions - succeeded) - active;
        for _ in 0..want.max(0) {
            if create_pod(state, key, &object).is_some() {
                active += 1;
            }
        }
    }
    for (field, n) in [("active", active), ("succeeded", succeeded), ("failed", failed)] {
        if n > 0 {
            next[field] = json!(n);
        }
    }
    if !conditions.is_empty() {
        next["conditions"] = Value::Array(conditions);
    }
    state.write_status(key, next);
}

/// Moves a Job's pod one step; its phase after.
fn step_pod(state: &mut State, pod: &Key, outcome: &Outcome) -> &'static str {
    let Some(stored) = state.objects.get(pod) else { return "Failed" };
    let object = stored.object.clone();
    match object["status"]["phase"].as_str() {
        Some("Succeeded") => return "Succeeded",
        Some("Failed") => return "Failed",
        _ => {}
    }
    let age = {
        let entry = state.ages.entry(pod.clone()).or_insert((0, 0));
        entry.1 += 1;
        entry.1
    };
    let started = object["status"]["startTime"].as_str().map(str::to_string).unwrap_or_else(now);
    if !outcome.hang && age > outcome.run_ticks {
        let phase = if outcome.fail { "Failed" } else { "Succeeded" };
        let terminated = json!({"terminated": {
            "exitCode": outcome.exit_code, "reason": outcome.reason, "startedAt": started, "finishedAt": now(),
        }});
        let status = json!({
            "phase": phase, "startTime": started, "hostIP": "10.0.0.10", "podIP": "10.244.0.10",
            "containerStatuses": container_statuses(&object, terminated, false, 0, None),
        });
        state.logs.insert(pod.clone(), outcome.logs.clone());
        state.write_status(pod, status);
        return phase;
    }
    let status = if age >= 1 {
        json!({
            "phase": "Running", "startTime": started, "hostIP": "10.0.0.10", "podIP": "10.244.0.10",
            "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": container_statuses(&object, json!({"running": {"startedAt": started}}), true, 0, None),
        })
    } else {
        json!({"phase": "Pending"})
    };
    let phase = if age >= 1 { "Running" } else { "Pending" };
    state.write_status(pod, status);
    phase
}

fn rollout(state: &mut State, key: &Key, daemon: bool) {
    let Some(stored) = state.objects.get(key) else { return };
    let object = stored.object.clone();
    let status = object.get("status").cloned().unwrap_or(json!({}));
    let generation = int(&object["metadata"]["generation"], 1);
    let desired = if daemon { i64::from(state.nodes) } else { int(&object["spec"]["replicas"], 1) };
    let ticks = {
        let entry = state.ages.entry(key.clone()).or_insert((generation, 0));
        if entry.0 != generation {
            *entry = (generation, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        entry.1
    };
    let outcome = state.outcome(&key.name);
    let updated = desired.min(i64::from(ticks));
    let ready = if outcome.fail || outcome.hang { 0 } else { updated };
    if outcome.fail
        && ticks == 1
        && owned_pods(state, key, &object["metadata"]["uid"]).is_empty()
        && let Some(pod) = create_pod(state, key, &object)
    {
        let pod_object = state.objects.get(&pod).map(|s| s.object.clone()).unwrap_or_default();
        let waiting =
            json!({"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 40s restarting failed container"}});
        let last =
            json!({"terminated": {"exitCode": outcome.exit_code, "reason": outcome.reason, "finishedAt": now()}});
        let pod_status = json!({
            "phase": "Running", "startTime": now(),
            "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady"}],
            "containerStatuses": container_statuses(&pod_object, waiting, false, 3, Some(last)),
        });
        state.logs.insert(pod.clone(), outcome.logs.clone());
        state.write_status(&pod, pod_status);
    }
    let mut next = if daemon {
        json!({
            "currentNumberScheduled": desired, "desiredNumberScheduled": desired, "numberMisscheduled": 0,
            "numberReady": ready, "updatedNumberScheduled": updated, "observedGeneration": generation,
        })
    } else {
        json!({"observedGeneration": generation, "replicas": desired, "updatedReplicas": updated})
    };
    let (ready_field, available_field, unavailable_field) = if daemon {
        ("numberReady", "numberAvailable", "numberUnavailable")
    } else {
        ("readyReplicas", "availableReplicas", "unavailableReplicas")
    };
    if ready > 0 {
        next[ready_field] = json!(ready);
        next[available_field] = json!(ready);
    }
    if desired - ready > 0 {
        next[unavailable_field] = json!(desired - ready);
    }
    if !daemon {
        let available = if ready >= desired {
            condition(&status, "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.")
        } else {
            condition(
                &status,
                "Available",
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.",
            )
        };
        let rs = format!("{}-{}", key.name, suffix(generation as u64 + 977));
        let progressing = if outcome.fail && ticks > outcome.run_ticks + 2 {
            condition(
                &status,
                "Progressing",
                "False",
                "ProgressDeadlineExceeded",
                &format!("ReplicaSet \"{rs}\" has timed out progressing."),
            )
        } else if ready >= desired {
            condition(
                &status,
                "Progressing",
                "True",
                "NewReplicaSetAvailable",
                &format!("ReplicaSet \"{rs}\" has successfully progressed."),
            )
        } else {
            condition(
                &status,
                "Progressing",
                "True",
                "ReplicaSetUpdated",
                &format!("ReplicaSet \"{rs}\" is progressing."),
            )
        };
        next["conditions"] = json!([available, progressing]);
    }
    state.write_status(key, next);
}
