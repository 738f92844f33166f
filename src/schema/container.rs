//! Keys of a container: the main one (written directly in the workload) and those
//! of `container NAME { … }` and `init NAME { … }` blocks.

use super::*;

pub const PULL_POLICIES: Choices = &[("always", "Always"), ("if-not-present", "IfNotPresent"), ("never", "Never")];

keys! {
    IMAGE = key("image", ANY_CONTAINER, Shape::Str, ("Container", &["image"]), "Container image. Required.");
    PULL = key("pull", ANY_CONTAINER, Shape::Choice(PULL_POLICIES), ("Container", &["imagePullPolicy"]),
        "When to pull the image. Default as Kubernetes: `always` for `:latest` or no tag, else `if-not-present`; always emitted.");
    COMMAND = key("command", ANY_CONTAINER, Shape::StrList, ("Container", &["command"]), "Entrypoint, replacing the image's.");
    ARGS = key("args", ANY_CONTAINER, Shape::StrList, ("Container", &["args"]), "Arguments to the entrypoint.");
    WORKDIR = key("workdir", ANY_CONTAINER, Shape::Str, ("Container", &["workingDir"]), "Working directory.");
    TTY = key("tty", ANY_CONTAINER, Shape::Bool, ("Container", &["tty"]),
        "Give the container a terminal (for `kubectl attach -it`). Default `false`.");
    STDIN = key("stdin", ANY_CONTAINER, Shape::Bool, ("Container", &["stdin"]),
        "Keep the container's standard input open (for `kubectl attach`); else reads get end-of-file. Default `false`.");
    ENV = key("env", ANY_CONTAINER,
        Shape::Special("map: string, `config(name, key)`, `secret(name, key)`, `field(path)`, `resource(name)`"),
        ("Container", &["env"]), "Environment variables, in the order written.");
    CONTAINER_RESOURCES = key("resources", ANY_CONTAINER, Shape::Block(RESOURCES), ("Container", &["resources"]),
        "`cpu`/`memory` directly set requests = limits; or `requests { … }` and `limits { … }`.");
    MOUNT = key("mount", ANY_CONTAINER, Shape::Special("`mount NAME at \"/path\" [readonly] [subpath \"…\"] [propagation none | host-to-container | bidirectional]`"),
        ("Container", &["volumeMounts"]), "Mounts a config, a secret or a `volume` of the workload (and adds the pod's volume).");
}
