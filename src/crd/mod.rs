//! Custom resources pipec emits for operators a cluster already runs: typed
//! serde structs of our own (only the fields we emit), each a
//! `k8s_openapi::Resource` so that the kinds table takes them like built-in kinds.

pub mod jobset;
