//! The standard library: `.pipe` modules embedded in the binary (`import "std/…"`).
//! Embedding keeps the binary self-contained; nothing is parsed unless imported.

/// `(name, source)` of every module, in name order.
pub const MODULES: &[(&str, &str)] = &[
    ("placement", include_str!("../stdlib/placement.pipe")),
    ("qos", include_str!("../stdlib/qos.pipe")),
    ("queue", include_str!("../stdlib/queue.pipe")),
    ("soak", include_str!("../stdlib/soak.pipe")),
    ("spark", include_str!("../stdlib/spark.pipe")),
];

pub fn module(name: &str) -> Option<&'static str> {
    MODULES.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}
