//! `cron` → a CronJob.

use super::job::job_spec;
use crate::ir;
use crate::lower::Out;
use crate::lower::pod::{pod_template, template_labels};
use k8s_openapi::api::batch::v1 as batch;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

pub(in crate::lower) fn lower(c: &ir::Cron, out: &mut Out) {
    out.own(batch::CronJob {
        metadata: out.meta(&c.meta),
        spec: batch::CronJobSpec {
            schedule: c.schedule.clone(),
            time_zone: c.time_zone.clone(),
            concurrency_policy: c.concurrency_policy.map(String::from),
            starting_deadline_seconds: c.starting_deadline_seconds,
            successful_jobs_history_limit: c.successful_jobs_history_limit,
            failed_jobs_history_limit: c.failed_jobs_history_limit,
            suspend: c.suspend,
            job_template: batch::JobTemplateSpec {
                metadata: (!c.job_labels.is_empty() || !c.job_annotations.is_empty()).then(|| ObjectMeta {
                    labels: (!c.job_labels.is_empty()).then(|| c.job_labels.clone()),
                    annotations: (!c.job_annotations.is_empty()).then(|| c.job_annotations.clone()),
                    ..Default::default()
                }),
                spec: Some(job_spec(&c.job, pod_template(&c.pod, template_labels(&c.pod, None)))),
            },
        },
        ..Default::default()
    });
}
