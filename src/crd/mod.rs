//! Custom resources of the operators a cluster may already run, as typed structs of
//! our own (only the fields pipec emits), each with `k8s_openapi::Resource` so the
//! kinds table takes it like a built-in kind. Pod templates inside them are
//! k8s-openapi's own types.

pub mod argo;
pub mod spark_application;
