//! pipec — a typed language for Kubernetes batch work, and its compiler.
//!
//! The stages run one way: [`syntax`] (text → [`ast`]) → [`check`] (names, types,
//! units, Kubernetes rules → [`ir`]) → [`lower`] (→ k8s-openapi objects) →
//! [`emit`] (→ YAML). The core does no I/O: files named by `file("…")` are read
//! through the [`Loader`] the caller passes in.

pub mod ast;
pub mod diag;
pub mod source;
pub mod syntax;
pub mod values;
