//! The types a `param` or template parameter is declared with, and a value
//! converted to one (`5m` becomes a duration where one is declared).

use super::value::{Hint, Value};
use crate::ast::TypeExpr;

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Type {
    Int,
    Bool,
    Str,
    Duration,
    Quantity,
    List(Box<Type>),
    Map(Box<Type>),
    Any,
}

pub(super) fn parse_type(t: &TypeExpr) -> Option<Type> {
    Some(match (t.name.node.as_str(), &t.arg) {
        ("int", None) => Type::Int,
        ("bool", None) => Type::Bool,
        ("string", None) => Type::Str,
        ("duration", None) => Type::Duration,
        ("quantity", None) => Type::Quantity,
        ("any", None) => Type::Any,
        ("list", Some(a)) => Type::List(Box::new(parse_type(a)?)),
        ("map", Some(a)) => Type::Map(Box::new(parse_type(a)?)),
        ("list", None) => Type::List(Box::new(Type::Any)),
        ("map", None) => Type::Map(Box::new(Type::Any)),
        _ => return None,
    })
}

pub(super) fn hint(t: &TypeExpr) -> Hint {
    match parse_type(t) {
        Some(Type::Duration) => Hint::Duration,
        Some(Type::Quantity) => Hint::Quantity,
        _ => Hint::None,
    }
}

pub(super) fn type_text(t: &TypeExpr) -> String {
    match &t.arg {
        Some(a) => format!("{}<{}>", t.name.node, type_text(a)),
        None => t.name.node.clone(),
    }
}

pub(super) fn type_words(t: &TypeExpr) -> String {
    match parse_type(t) {
        Some(ty) => words(&ty),
        None => format!("a `{}`", type_text(t)),
    }
}

fn words(t: &Type) -> String {
    match t {
        Type::Int => "a whole number".into(),
        Type::Bool => "`true` or `false`".into(),
        Type::Str => "a string".into(),
        Type::Duration => "a duration".into(),
        Type::Quantity => "a quantity".into(),
        Type::List(i) => format!("a list of {}", words(i).trim_start_matches("a ")),
        Type::Map(i) => format!("a map of {}", words(i).trim_start_matches("a ")),
        Type::Any => "a value".into(),
    }
}

pub(super) fn type_example(t: &TypeExpr) -> &'static str {
    match parse_type(t) {
        Some(Type::Int) => "`5`",
        Some(Type::Bool) => "`true`",
        Some(Type::Str) => "`\"text\"`",
        Some(Type::Duration) => "`30m`",
        Some(Type::Quantity) => "`512Mi`",
        Some(Type::List(_)) => "`[\"a\", \"b\"]`",
        Some(Type::Map(_)) => "`{ key: \"value\" }`",
        _ => "a literal",
    }
}

/// The value converted to the declared type, or what was expected.
pub(super) fn conform(v: &Value, t: &TypeExpr) -> Result<Value, String> {
    let Some(ty) = parse_type(t) else { return Ok(v.clone()) };
    conform_to(v, &ty).ok_or_else(|| words(&ty))
}

fn conform_to(v: &Value, t: &Type) -> Option<Value> {
    Some(match (t, v) {
        (Type::Any, v) => v.clone(),
        (Type::Int, Value::Int(_)) | (Type::Bool, Value::Bool(_)) | (Type::Str, Value::Str(_)) => v.clone(),
        (Type::Duration, Value::Duration(_)) | (Type::Quantity, Value::Quantity(_)) => v.clone(),
        (Type::Duration, Value::Number(n)) => Value::Duration(crate::units::Duration::parse(n).ok()?),
        (Type::Quantity, Value::Number(n)) => Value::Quantity(crate::units::Quantity::parse(n).ok()?),
        (Type::Quantity, Value::Int(n)) => Value::Quantity(crate::units::Quantity::from_int(*n)),
        (Type::List(inner), Value::List(items)) => {
            Value::List(items.iter().map(|i| conform_to(i, inner)).collect::<Option<_>>()?)
        }
        (Type::Map(inner), Value::Map(entries)) => {
            Value::Map(entries.iter().map(|(k, v)| Some((k.clone(), conform_to(v, inner)?))).collect::<Option<_>>()?)
        }
        _ => return None,
    })
}
