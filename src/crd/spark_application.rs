//! `SparkApplication` (sparkoperator.k8s.io/v1beta2, the Kubeflow Spark operator):
//! what `--target spark-operator` makes of a `spark` item. The operator runs
//! spark-submit in cluster mode; its driver pod creates the executors.

use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct SparkApplication {
    pub metadata: ObjectMeta,
    pub spec: SparkApplicationSpec,
}

impl k8s_openapi::Resource for SparkApplication {
    const API_VERSION: &'static str = "sparkoperator.k8s.io/v1beta2";
    const GROUP: &'static str = "sparkoperator.k8s.io";
    const KIND: &'static str = "SparkApplication";
    const VERSION: &'static str = "v1beta2";
    const URL_PATH_SEGMENT: &'static str = "sparkapplications";
    type Scope = k8s_openapi::NamespaceResourceScope;
}

impl k8s_openapi::Metadata for SparkApplication {
    type Ty = ObjectMeta;
    fn metadata(&self) -> &ObjectMeta {
        &self.metadata
    }
    fn metadata_mut(&mut self) -> &mut ObjectMeta {
        &mut self.metadata
    }
}

/// `apiVersion` and `kind` first, as k8s-openapi writes its own kinds.
impl Serialize for SparkApplication {
    fn serialize<S: serde::Serializer>(&self, to: S) -> Result<S::Ok, S::Error> {
        use k8s_openapi::Resource;
        use serde::ser::SerializeStruct;
        let mut s = to.serialize_struct(Self::KIND, 4)?;
        s.serialize_field("apiVersion", Self::API_VERSION)?;
        s.serialize_field("kind", Self::KIND)?;
        s.serialize_field("metadata", &self.metadata)?;
        s.serialize_field("spec", &self.spec)?;
        s.end()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SparkApplicationSpec {
    /// `Scala`, `Java`, `Python` or `R`.
    #[serde(rename = "type")]
    pub type_: String,
    pub spark_version: String,
    /// `cluster`: the operator's spark-submit starts the driver pod.
    pub mode: String,
    pub image: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_pull_policy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub main_class: Option<String>,
    pub main_application_file: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arguments: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub spark_conf: BTreeMap<String, String>,
    pub restart_policy: RestartPolicy,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_to_live_seconds: Option<i64>,
    pub driver: RoleSpec,
    pub executor: RoleSpec,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestartPolicy {
    /// `Never` or `OnFailure`.
    #[serde(rename = "type")]
    pub type_: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_failure_retries: Option<i32>,
}

/// The driver's or the executors' part (`instances` only for executors).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instances: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cores: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub core_request: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub core_limit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_overhead: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_account: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// What the Spark settings above do not say of the pod (node selection, volumes,
    /// environment, security): merged by Spark into the pod it builds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<PodTemplateSpec>,
}
