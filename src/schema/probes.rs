//! Keys of the probes area: container ports, probes, lifecycle hooks, termination
//! message settings and env-from.

use super::*;

pub const PROTOCOLS: Choices = &[("tcp", "TCP"), ("udp", "UDP"), ("sctp", "SCTP")];
pub const SCHEMES: Choices = &[("http", "HTTP"), ("https", "HTTPS")];
pub const TERMINATION_MESSAGE_POLICIES: Choices =
    &[("file", "File"), ("fallback-to-logs-on-error", "FallbackToLogsOnError")];
/// A port's number: Kubernetes' `IsValidPortNum`.
pub const PORT_NUMBER: Shape = Shape::Int { min: 1, max: 65535 };
const PORT_REF: &str = "port number, or the name of a port of this container";

keys! {
    PORTS = key("ports", ANY_CONTAINER, Shape::Records(PORT), ("Container", &["ports"]),
        "Ports the container listens on. A map names them (`{ http: 8080 }`); a list holds unnamed ones (`[8080]`). \
         Each is a number or `{ port, protocol, host-port, host-ip }`.")
        .takes("`{ name: port, … }` or `[port, …]`; a port is a number or `{ port, protocol, host-port, host-ip }`");
    PORT_NUMBER_KEY = key("port", PORT, PORT_NUMBER, ("ContainerPort", &["containerPort"]), "The port number in the container.");
    PORT_PROTOCOL = key("protocol", PORT, Shape::Choice(PROTOCOLS), ("ContainerPort", &["protocol"]),
        "Default as Kubernetes: `tcp`.");
    HOST_PORT = key("host-port", PORT, Shape::Int { min: 0, max: 65535 }, ("ContainerPort", &["hostPort"]),
        "The port on the node (0: none). Ties the pod to nodes where the port is free.");
    HOST_IP = key("host-ip", PORT, Shape::Str, ("ContainerPort", &["hostIP"]), "The node address the host port binds to.");

    LIVENESS = key("liveness", ANY_CONTAINER, Shape::Block(PROBE), ("Container", &["livenessProbe"]),
        "Restart the container when this check fails.").takes("probe block");
    READINESS = key("readiness", ANY_CONTAINER, Shape::Block(PROBE), ("Container", &["readinessProbe"]),
        "Take the pod out of Services while this check fails.").takes("probe block");
    STARTUP = key("startup", ANY_CONTAINER, Shape::Block(PROBE), ("Container", &["startupProbe"]),
        "Hold the other probes until this check first succeeds.").takes("probe block");
    PROBE_EXEC = key("exec", PROBE, Shape::StrList, ("Probe", &["exec", "command"]),
        "Run this command in the container; exit 0 is success.");
    PROBE_HTTP = key("http", PROBE, Shape::Block(HTTP_GET), ("Probe", &["httpGet"]),
        "An HTTP GET; a status from 200 to 399 is success.").takes("`{ path, port, scheme, host, headers }`");
    PROBE_TCP = key("tcp", PROBE, Shape::Special(PORT_REF), ("Probe", &["tcpSocket", "port"]),
        "Open a TCP connection to this port.");
    PROBE_GRPC = key("grpc", PROBE, Shape::Block(GRPC), ("Probe", &["grpc"]),
        "A gRPC health check.").takes("port number, or `{ port, service }`").gated(23, 24, 27);
    INITIAL_DELAY = key("initial-delay", PROBE, Shape::Seconds { min: 0 }, ("Probe", &["initialDelaySeconds"]),
        "Wait this long after the container starts. Default 0s.");
    PERIOD = key("period", PROBE, Shape::Seconds { min: 1 }, ("Probe", &["periodSeconds"]), "How often to check. Default 10s.");
    TIMEOUT = key("timeout", PROBE, Shape::Seconds { min: 1 }, ("Probe", &["timeoutSeconds"]),
        "How long one check may take. Default 1s.");
    FAILURE_THRESHOLD = key("failure-threshold", PROBE, Shape::Int { min: 1, max: I32_MAX }, ("Probe", &["failureThreshold"]),
        "Failures in a row that count as failed. Default 3.");
    SUCCESS_THRESHOLD = key("success-threshold", PROBE, Shape::Int { min: 1, max: I32_MAX }, ("Probe", &["successThreshold"]),
        "Successes in a row (after a failure) that count as passing. Default 1; must be 1 for `liveness` and `startup`.");
    PROBE_GRACE = key("termination-grace-period", PROBE, Shape::Seconds { min: 1 }, ("Probe", &["terminationGracePeriodSeconds"]),
        "Grace period when this probe's failure kills the container (overrides the pod's). Not for `readiness`.")
        .gated(21, 25, 28);

    HTTP_PATH = key("path", HTTP_GET, Shape::Str, ("HTTPGetAction", &["path"]), "The path to GET. Default as Kubernetes: `/`.");
    HTTP_PORT = key("port", HTTP_GET, Shape::Special(PORT_REF), ("HTTPGetAction", &["port"]), "The port to connect to. Required.");
    HTTP_SCHEME = key("scheme", HTTP_GET, Shape::Choice(SCHEMES), ("HTTPGetAction", &["scheme"]),
        "Default as Kubernetes: `http` (`https` skips certificate checks).");
    HTTP_HEADERS = key("headers", HTTP_GET, Shape::StrMap, ("HTTPGetAction", &["httpHeaders"]), "Request headers, name → value.");
    HTTP_HOST = key("host", HTTP_GET, Shape::Str, ("HTTPGetAction", &["host"]),
        "The address to connect to. Default the pod's IP; `127.0.0.1` reaches a server that listens on loopback only (with the host's network).");
    GRPC_PORT = key("port", GRPC, PORT_NUMBER, ("GRPCAction", &["port"]), "The port of the gRPC server (a number). Required.");
    GRPC_SERVICE = key("service", GRPC, Shape::Str, ("GRPCAction", &["service"]),
        "The service name sent in the health check request. Default: the server's overall health.");

    POST_START = key("post-start", ANY_CONTAINER, Shape::Block(HOOK), ("Container", &["lifecycle", "postStart"]),
        "Run right after the container is created.").takes("hook block: `exec`, `http` or `sleep`");
    PRE_STOP = key("pre-stop", ANY_CONTAINER, Shape::Block(HOOK), ("Container", &["lifecycle", "preStop"]),
        "Run before the container is stopped; counts against the pod's grace period.").takes("hook block: `exec`, `http` or `sleep`");
    HOOK_EXEC = key("exec", HOOK, Shape::StrList, ("LifecycleHandler", &["exec", "command"]), "Run this command in the container.");
    HOOK_HTTP = key("http", HOOK, Shape::Block(HTTP_GET), ("LifecycleHandler", &["httpGet"]), "An HTTP GET to the container.")
        .takes("`{ path, port, scheme, host, headers }`");
    HOOK_SLEEP = key("sleep", HOOK, Shape::Seconds { min: 0 }, ("LifecycleHandler", &["sleep", "seconds"]),
        "Wait this long (at most the pod's grace period; 0s needs 1.33).").gated(29, 30, 34);

    TERMINATION_MESSAGE_PATH = key("termination-message-path", ANY_CONTAINER, Shape::Str,
        ("Container", &["terminationMessagePath"]), "Absolute path of the file whose text becomes the termination message. \
         Default as Kubernetes: `/dev/termination-log`.");
    TERMINATION_MESSAGE_POLICY = key("termination-message-policy", ANY_CONTAINER, Shape::Choice(TERMINATION_MESSAGE_POLICIES),
        ("Container", &["terminationMessagePolicy"]),
        "`fallback-to-logs-on-error`: the end of the log when the file is empty and the container failed. Default `file`.");
    ENV_FROM = key("env-from", ANY_CONTAINER,
        Shape::Special("list of `config(name)` / `secret(name)`, each with optional `prefix = \"…\"`, `optional = true`"),
        ("Container", &["envFrom"]), "Every key of a config or secret as an environment variable.");
}
