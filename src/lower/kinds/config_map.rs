//! `config` → a ConfigMap.

use crate::ir;
use crate::lower::Out;
use k8s_openapi::api::core::v1 as core;

pub(in crate::lower) fn lower(c: &ir::Config, out: &mut Out) {
    out.own(core::ConfigMap {
        metadata: out.meta(&c.meta),
        data: Some(c.data.clone()),
        immutable: c.immutable,
        ..Default::default()
    });
}
