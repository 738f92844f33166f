//! Custom resources pipec emits for a `--target`: typed serde structs of our own (only the
//! fields we emit), each with `k8s_openapi::Resource` and `Metadata`, so that the kinds table
//! takes them like built-in kinds. Pod parts inside them are k8s-openapi types.

pub mod argo;
