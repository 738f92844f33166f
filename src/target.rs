//! `--target`: what a program's fan-out groups, Spark jobs and pipelines become.
//! Every other object is plain Kubernetes whatever the target; a target only
//! chooses between lowering a group to built-in kinds (Indexed Jobs, Services,
//! a runner Job) and handing it to an operator the cluster already runs.

/// The form of the objects that need an operator or a mechanism of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Target {
    /// Built-in kinds only: runs on any cluster.
    #[default]
    Kubernetes,
    /// A JobSet (jobset.x-k8s.io) for each fan-out group.
    Jobset,
    /// A SparkApplication (sparkoperator.k8s.io) for each Spark job.
    SparkOperator,
    /// An Argo Workflow / CronWorkflow for each pipeline.
    Argo,
}

impl Target {
    pub const ALL: [Target; 4] = [Target::Kubernetes, Target::Jobset, Target::SparkOperator, Target::Argo];

    /// `--target NAME`.
    pub fn parse(text: &str) -> Result<Target, String> {
        Target::ALL.into_iter().find(|t| t.name() == text).ok_or_else(|| {
            let names: Vec<&str> = Target::ALL.iter().map(|t| t.name()).collect();
            format!("`{text}` is not a target: one of {}", names.join(", "))
        })
    }

    /// As written on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Target::Kubernetes => "kubernetes",
            Target::Jobset => "jobset",
            Target::SparkOperator => "spark-operator",
            Target::Argo => "argo",
        }
    }
}
