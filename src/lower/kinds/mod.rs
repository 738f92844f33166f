//! One file per kind of item: how a checked item becomes its objects.

pub(super) mod config_map;
pub(super) mod cron_job;
pub(super) mod daemon_set;
pub(super) mod deployment;
pub(super) mod job;
pub(super) mod rbac;
pub(super) mod service;
