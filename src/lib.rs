//! pipec — a typed language for Kubernetes batch work, and its compiler.
//!
//! The stages run one way, each owning its types:
//!
//! 1. [`syntax`]: text → [`ast`] (every node with its span, comments kept);
//! 2. [`compose::modules`]: the files a program `import`s, read through the [`Loader`];
//! 3. [`check`]: composition (`compose::expand`: params, `for`, templates), then
//!    names, types, units and Kubernetes rules → [`ir`];
//! 4. [`lower`]: [`ir`] → k8s-openapi objects;
//! 5. [`emit`]: objects → YAML.
//!
//! Every stage reports [`diag::Diagnostic`]s, rendered in one place
//! ([`diag::render`]). Above the stages: [`session`] (one file at a time, for
//! tools) and [`driver`] (a whole run, for `build`), which does no I/O — files
//! named by `file("…")` are read through the [`Loader`] the caller passes in
//! ([`loader`]).

pub mod ast;
pub mod check;
#[cfg(feature = "cluster")]
pub mod cluster;
pub mod compose;
pub mod crd;
pub mod cron;
pub mod diag;
pub mod driver;
pub mod emit;
pub mod fmt;
pub mod graph;
pub mod hash;
pub mod import;
pub mod ir;
pub mod kinds;
pub mod limits;
pub mod loader;
pub mod lower;
// `pipec lsp` (feature `lsp`): above the stages; nothing in the core names it (tests/layers.rs).
#[cfg(feature = "lsp")]
pub mod lsp;
pub mod naming;
pub mod qos;
pub mod schedule;
pub mod schema;
pub mod security;
pub mod session;
pub mod source;
pub mod stdlib;
pub mod syntax;
pub mod target;
pub mod units;
pub mod version;

pub use driver::{Compilation, Options, Output, compile};
pub use loader::{FsLoader, Loader};
pub use session::Session;
