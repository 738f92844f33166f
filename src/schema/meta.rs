//! Keys of every object's metadata, and `raw`.

use super::*;

keys! {
    LABELS = key("labels", WORKLOAD | GROUP | CONFIG | OBJECT_ITEMS | NAMESPACE_ITEM, Shape::StrMap, ("ObjectMeta", &["labels"]),
        "Labels of the object (Kubernetes does not copy them to the pods).");
    ANNOTATIONS = key("annotations", WORKLOAD | GROUP | CONFIG | OBJECT_ITEMS | NAMESPACE_ITEM, Shape::StrMap, ("ObjectMeta", &["annotations"]), "Annotations for the object.");
    RAW = key("raw", WORKLOAD | GROUP | CONFIG | OBJECT_ITEMS | NAMESPACE_ITEM, Shape::Special("map of `\"field.path\" = value`"), ("", &[]),
        "Sets fields pipec does not model yet, by path from the object's top, checked against the Kubernetes type.");
}
