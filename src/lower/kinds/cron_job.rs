//! `cron` → a CronJob.

use super::job::job_spec;
use crate::ir;
use crate::lower::Out;
use crate::lower::pod::{pod_template, template_labels};
use k8s_openapi::api::batch::v1 as batch;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

pub(in crate::lower) fn lower(c: &ir::Cron, out: &mut Out) {
    let job_template = batch::JobTemplateSpec {
        metadata: (!c.job_labels.is_empty() || !c.job_annotations.is_empty()).then(|| ObjectMeta {
            labels: (!c.job_labels.is_empty()).then(|| c.job_labels.clone()),
            annotations: (!c.job_annotations.is_empty()).then(|| c.job_annotations.clone()),
            ..Default::default()
        }),
        spec: Some(job_spec(&c.job, pod_template(&c.pod, template_labels(&c.pod, None)))),
    };
    out.own(batch::CronJob {
        metadata: out.meta(&c.meta),
        spec: batch::CronJobSpec { suspend: c.suspend, ..cron_job_spec(&c.cron, job_template) },
        ..Default::default()
    });
}

/// A CronJob's spec: a `cron`'s, or a scheduled pipeline's (whose job template is its runner).
pub(in crate::lower) fn cron_job_spec(
    s: &ir::CronSchedule,
    job_template: batch::JobTemplateSpec,
) -> batch::CronJobSpec {
    batch::CronJobSpec {
        schedule: s.schedule.clone(),
        time_zone: s.time_zone.clone(),
        concurrency_policy: s.concurrency_policy.map(String::from),
        starting_deadline_seconds: s.starting_deadline_seconds,
        successful_jobs_history_limit: s.successful_jobs_history_limit,
        failed_jobs_history_limit: s.failed_jobs_history_limit,
        job_template,
        ..Default::default()
    }
}
