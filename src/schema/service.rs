//! Keys of a `service` (a ClusterIP or headless Service in front of the
//! program's pods) and of its `ports`.

use super::*;

keys! {
    SERVICE_SELECTOR = key("selector", SERVICE_ITEM, Shape::StrMap, ("ServiceSpec", &["selector"]),
        "The labels of the pods the Service sends traffic to; they must be the labels of pods of the program.");
    SERVICE_PORTS = key("ports", SERVICE_ITEM, Shape::Records(SERVICE_PORT), ("ServiceSpec", &["ports"]),
        "The ports the Service serves.")
        .takes("list of `{ name, port, target, protocol }`");
    HEADLESS = key("headless", SERVICE_ITEM, Shape::Bool, ("ServiceSpec", &["clusterIP"]),
        "No virtual IP (`clusterIP: None`): the Service's DNS name resolves to the pods themselves, and `<hostname>.<service>` to one pod.");
    PUBLISH_NOT_READY = key("publish-not-ready", SERVICE_ITEM, Shape::Bool, ("ServiceSpec", &["publishNotReadyAddresses"]),
        "Publish the pods' addresses before they are ready (peers of a group find each other while starting).");
    SERVICE_PORT_NAME = key("name", SERVICE_PORT, Shape::Str, ("ServicePort", &["name"]),
        "The port's name (a DNS label); required when the Service has several ports.");
    SERVICE_PORT_NUMBER = key("port", SERVICE_PORT, Shape::Int { min: 1, max: 65535 }, ("ServicePort", &["port"]),
        "The port the Service listens on.");
    SERVICE_TARGET = key("target", SERVICE_PORT, Shape::Special("port number, or the name of a container port"),
        ("ServicePort", &["targetPort"]),
        "The pods' port: a number, or the name of a port of the selected pods' containers. Default: `port`.");
    SERVICE_PROTOCOL = key("protocol", SERVICE_PORT, Shape::Choice(PROTOCOLS), ("ServicePort", &["protocol"]),
        "tcp (default), udp or sctp.");
}
