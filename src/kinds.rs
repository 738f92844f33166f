//! The one list of Kubernetes kinds pipec emits. A row names the Rust variant,
//! the k8s-openapi type, the name rule and the apply order; the Kubernetes
//! `kind`, `apiVersion`, URL segment and scope come from the type itself
//! (`k8s_openapi::Resource`), so they cannot be misspelt. [`Kind`] and
//! [`K8sObject`] and every match over kinds are generated from the rows: a new
//! kind is a row here plus its lowering in `lower/kinds/`.

use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::batch::v1 as batch;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::rbac::v1 as rbac;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::{ClusterResourceScope, NamespaceResourceScope, Resource};

macro_rules! kinds {
    ($($variant:ident($ty:ty), name $rule:ident, apply $order:ident;)*) => {
        /// A Kubernetes kind pipec emits.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Kind { $($variant),* }

        impl Kind {
            /// In table order.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];

            /// The Kubernetes `kind`: `Job`, `ConfigMap`, …
            pub const fn as_str(self) -> &'static str {
                match self { $(Kind::$variant => <$ty as Resource>::KIND),* }
            }
            /// The Kubernetes `apiVersion`: `batch/v1`, `v1`, …
            pub const fn api_version(self) -> &'static str {
                match self { $(Kind::$variant => <$ty as Resource>::API_VERSION),* }
            }
            /// The plural in the API's URLs: `jobs`, `configmaps`, …
            pub const fn url_path_segment(self) -> &'static str {
                match self { $(Kind::$variant => <$ty as Resource>::URL_PATH_SEGMENT),* }
            }
            /// Whether objects of the kind live in a namespace (else cluster-wide).
            pub const fn namespaced(self) -> bool {
                match self { $(Kind::$variant => <<$ty as Resource>::Scope as Scope>::NAMESPACED),* }
            }
            /// What a name of this kind must be.
            pub const fn name_rule(self) -> NameRule {
                match self { $(Kind::$variant => NameRule::$rule),* }
            }
            /// When objects of this kind are applied, relative to the others.
            pub const fn apply_order(self) -> ApplyOrder {
                match self { $(Kind::$variant => ApplyOrder::$order),* }
            }
        }

        /// One emitted object, a typed k8s-openapi value (boxed: the structs are
        /// large and differ in size). Serializes as the object itself.
        pub enum K8sObject { $($variant(Box<$ty>)),* }

        impl K8sObject {
            pub fn kind(&self) -> Kind {
                match self { $(K8sObject::$variant(_) => Kind::$variant),* }
            }
            pub fn metadata(&self) -> &ObjectMeta {
                match self { $(K8sObject::$variant(o) => &o.metadata),* }
            }
            pub fn metadata_mut(&mut self) -> &mut ObjectMeta {
                match self { $(K8sObject::$variant(o) => &mut o.metadata),* }
            }
            /// Reads an object of `kind` (e.g. from JSON after a `raw` patch).
            pub fn deserialize_as<'de, D: serde::Deserializer<'de>>(kind: Kind, from: D) -> Result<K8sObject, D::Error> {
                use serde::Deserialize;
                Ok(match kind { $(Kind::$variant => K8sObject::$variant(Box::new(<$ty>::deserialize(from)?))),* })
            }
        }

        impl serde::Serialize for K8sObject {
            fn serialize<S: serde::Serializer>(&self, to: S) -> Result<S::Ok, S::Error> {
                match self { $(K8sObject::$variant(o) => o.serialize(to)),* }
            }
        }

        $(impl From<$ty> for K8sObject {
            fn from(object: $ty) -> K8sObject { K8sObject::$variant(Box::new(object)) }
        })*
    };
}

kinds! {
    Namespace(core::Namespace), name DnsLabel, apply Namespace;
    ServiceAccount(core::ServiceAccount), name DnsSubdomain, apply ServiceAccount;
    Role(rbac::Role), name DnsSubdomain, apply Role;
    ClusterRole(rbac::ClusterRole), name DnsSubdomain, apply Role;
    RoleBinding(rbac::RoleBinding), name DnsSubdomain, apply RoleBinding;
    ClusterRoleBinding(rbac::ClusterRoleBinding), name DnsSubdomain, apply RoleBinding;
    Service(core::Service), name Dns1035Label, apply Service;
    ConfigMap(core::ConfigMap), name DnsSubdomain, apply Config;
    Job(batch::Job), name Job, apply Workload;
    CronJob(batch::CronJob), name CronJob, apply Workload;
    DaemonSet(apps::DaemonSet), name DnsSubdomain, apply Workload;
    Deployment(apps::Deployment), name DnsSubdomain, apply Workload;
    SparkApplication(crate::crd::spark_application::SparkApplication), name DnsSubdomain, apply Workload;
    // Argo labels a Workflow's pods with its name (≤ 63) and names a CronWorkflow's runs
    // `<name>-<timestamp>` (it refuses names over 52), as Jobs and CronJobs.
    Workflow(crate::crd::argo::Workflow), name Job, apply Workload;
    CronWorkflow(crate::crd::argo::CronWorkflow), name CronJob, apply Workload;
}

impl K8sObject {
    /// The object's name; for a Job the API server names (`generateName`), the
    /// prefix without its `-` (so its file is still `job-<name>.yaml`).
    pub fn name(&self) -> &str {
        let meta = self.metadata();
        meta.name
            .as_deref()
            .or_else(|| meta.generate_name.as_deref().map(|g| g.strip_suffix('-').unwrap_or(g)))
            .unwrap_or("")
    }
    pub fn namespace(&self) -> Option<&str> {
        self.metadata().namespace.as_deref()
    }
    pub fn apply_order(&self) -> ApplyOrder {
        self.kind().apply_order()
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The order in which `apply` creates objects, first to last: what an object
/// refers to exists before it (a pod's ServiceAccount, the Role a binding
/// grants, the ConfigMap a pod mounts, the Service its hostname needs).
/// Objects of one step keep the program's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApplyOrder {
    Namespace,
    ServiceAccount,
    /// Role and ClusterRole.
    Role,
    /// RoleBinding and ClusterRoleBinding.
    RoleBinding,
    /// ConfigMap and Secret.
    Config,
    Service,
    /// Job, CronJob, DaemonSet, Deployment.
    Workload,
}

/// What a name of a kind must be, and how long it may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameRule {
    /// A DNS-1123 label (≤ 63, no dots): Namespace.
    DnsLabel,
    /// A DNS-1035 label (a DNS-1123 label that starts with a letter): Service.
    Dns1035Label,
    /// A DNS-1123 subdomain, but ≤ 63: the name becomes the `job-name` label of every pod.
    Job,
    /// A DNS-1123 subdomain, but ≤ 52: the controller appends an 11-character suffix for each Job.
    CronJob,
    /// A DNS-1123 subdomain (≤ 253): most kinds.
    DnsSubdomain,
}

impl NameRule {
    pub const fn max_len(self) -> usize {
        match self {
            NameRule::DnsLabel | NameRule::Dns1035Label | NameRule::Job => 63,
            NameRule::CronJob => 52,
            NameRule::DnsSubdomain => 253,
        }
    }
    /// Whether dots are allowed (a subdomain) or not (a label).
    pub const fn dots(self) -> bool {
        !matches!(self, NameRule::DnsLabel | NameRule::Dns1035Label)
    }
}

/// Namespaced or cluster-wide, read from a k8s-openapi type's `Resource::Scope`.
trait Scope {
    const NAMESPACED: bool;
}
impl Scope for NamespaceResourceScope {
    const NAMESPACED: bool = true;
}
impl Scope for ClusterResourceScope {
    const NAMESPACED: bool = false;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documented order (`ApplyOrder`'s doc and ARCHITECTURE.md), first to last.
    const DOCUMENTED: &[ApplyOrder] = &[
        ApplyOrder::Namespace,
        ApplyOrder::ServiceAccount,
        ApplyOrder::Role,
        ApplyOrder::RoleBinding,
        ApplyOrder::Config,
        ApplyOrder::Service,
        ApplyOrder::Workload,
    ];

    #[test]
    fn apply_order_is_the_documented_one() {
        assert!(DOCUMENTED.windows(2).all(|w| w[0] < w[1]), "ranks strictly increase in the documented order");
        // Every kind has exactly one rank, and that rank is a documented step.
        for kind in Kind::ALL {
            assert_eq!(DOCUMENTED.iter().filter(|&&r| r == kind.apply_order()).count(), 1, "{kind}");
        }
        let rank = |k: &str| Kind::ALL.iter().find(|x| x.as_str() == k).map(|x| x.apply_order());
        assert!(rank("ConfigMap") < rank("Job"), "a pod's ConfigMap exists before the pod");
        for workload in ["Job", "CronJob", "DaemonSet", "Deployment"] {
            assert_eq!(rank(workload), Some(ApplyOrder::Workload), "{workload}");
        }
        // A total order on kinds: rank, then table order; sorting is the same whatever the input order.
        let mut reversed: Vec<Kind> = Kind::ALL.iter().rev().copied().collect();
        reversed.sort_by_key(|k| (k.apply_order(), *k));
        let mut forward = Kind::ALL.to_vec();
        forward.sort_by_key(|k| (k.apply_order(), *k));
        assert_eq!(reversed, forward);
        assert!(forward.windows(2).all(|w| w[0].apply_order() <= w[1].apply_order()));
    }

    #[test]
    fn rows_read_kubernetes_data_from_the_types() {
        let rows: Vec<_> = Kind::ALL
            .iter()
            .map(|k| (k.as_str(), k.api_version(), k.url_path_segment(), k.namespaced(), k.name_rule().max_len()))
            .collect();
        assert_eq!(
            rows,
            [
                ("Namespace", "v1", "namespaces", false, 63),
                ("ServiceAccount", "v1", "serviceaccounts", true, 253),
                ("Role", "rbac.authorization.k8s.io/v1", "roles", true, 253),
                ("ClusterRole", "rbac.authorization.k8s.io/v1", "clusterroles", false, 253),
                ("RoleBinding", "rbac.authorization.k8s.io/v1", "rolebindings", true, 253),
                ("ClusterRoleBinding", "rbac.authorization.k8s.io/v1", "clusterrolebindings", false, 253),
                ("Service", "v1", "services", true, 63),
                ("ConfigMap", "v1", "configmaps", true, 253),
                ("Job", "batch/v1", "jobs", true, 63),
                ("CronJob", "batch/v1", "cronjobs", true, 52),
                ("DaemonSet", "apps/v1", "daemonsets", true, 253),
                ("Deployment", "apps/v1", "deployments", true, 253),
                ("SparkApplication", "sparkoperator.k8s.io/v1beta2", "sparkapplications", true, 253),
                ("Workflow", "argoproj.io/v1alpha1", "workflows", true, 63),
                ("CronWorkflow", "argoproj.io/v1alpha1", "cronworkflows", true, 52),
            ]
        );
    }

    #[test]
    fn an_object_serializes_as_its_typed_value() {
        let job =
            batch::Job { metadata: ObjectMeta { name: Some("x".into()), ..Default::default() }, ..Default::default() };
        let object = K8sObject::from(job.clone());
        assert_eq!(serde_json::to_value(&object).unwrap(), serde_json::to_value(&job).unwrap());
        let back = K8sObject::deserialize_as(Kind::Job, serde_json::to_value(&job).unwrap()).unwrap();
        assert_eq!((back.kind(), back.name()), (Kind::Job, "x"));
    }
}
