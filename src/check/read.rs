//! Reading one key of a block through its schema row: the row says the value's
//! shape, its bounds and the Kubernetes version that brought the field, so every
//! key is read the same way wherever it is written (the version gate no longer
//! depends on which helper a rule happened to use). Each reader returns the value
//! and the span it was written at, or `None` when the key is absent or wrong
//! (wrong values are reported). Cross-field rules stay with the kinds.

use super::Checker;
use super::eval::What;
use super::fields::{Fields, Value};
use crate::ast;
use crate::schema::{Key, Shape};
use crate::source::Span;

/// Takes a key and applies its version gate: for keys read by their own code.
/// (Inlined: every reader below starts with it, for every key of the hot loop.)
#[inline]
pub(super) fn take<'a>(
    ck: &mut Checker<'a>,
    f: &mut Fields<'a>,
    row: &'static Key,
) -> Option<(&'a ast::Key, Value<'a>)> {
    let (k, v) = f.take(row)?;
    ck.gate(k, row);
    Some((k, v))
}

/// Takes a key whose value must be an expression (not a block).
#[inline]
pub(super) fn expr<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>, row: &'static Key) -> Option<&'a ast::Expr> {
    let (k, v) = take(ck, f, row)?;
    ck.expr_of(k, v)
}

fn what(row: &'static Key) -> What<'static> {
    What::Key(row.key)
}

pub(super) fn int<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>, row: &'static Key) -> Option<(i64, Span)> {
    let Shape::Int { min, max } = row.shape else { unreachable!("`{}` is not an int", row.key) };
    let e = expr(ck, f, row)?;
    ck.int(e, what(row), min, max).map(|n| (n, e.span))
}

/// An int that Kubernetes keeps in 32 bits (the row's bounds say so).
pub(super) fn int32<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>, row: &'static Key) -> Option<i32> {
    int(ck, f, row).map(|(n, _)| n as i32)
}

pub(super) fn seconds<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>, row: &'static Key) -> Option<(i64, Span)> {
    let Shape::Seconds { min } = row.shape else { unreachable!("`{}` is not a duration", row.key) };
    let e = expr(ck, f, row)?;
    ck.seconds(e, what(row), min).map(|s| (s, e.span))
}

pub(super) fn string<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>, row: &'static Key) -> Option<(String, Span)> {
    debug_assert!(matches!(row.shape, Shape::Str), "`{}` is not a string", row.key);
    let e = expr(ck, f, row)?;
    ck.string(e, what(row)).map(|s| (s, e.span))
}

pub(super) fn boolean<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>, row: &'static Key) -> Option<(bool, Span)> {
    debug_assert!(matches!(row.shape, Shape::Bool), "`{}` is not a bool", row.key);
    let e = expr(ck, f, row)?;
    ck.bool(e, what(row)).map(|b| (b, e.span))
}

pub(super) fn choice<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>, row: &'static Key) -> Option<(&'static str, Span)> {
    let Shape::Choice(choices) = row.shape else { unreachable!("`{}` is not a choice", row.key) };
    let e = expr(ck, f, row)?;
    ck.choice(e, what(row), choices).map(|c| (c, e.span))
}

/// A list of strings; absent or wrong is empty (a wrong one is reported).
pub(super) fn string_list<'a>(
    ck: &mut Checker<'a>,
    f: &mut Fields<'a>,
    row: &'static Key,
) -> Option<(Vec<String>, Span)> {
    debug_assert!(matches!(row.shape, Shape::StrList), "`{}` is not a list of strings", row.key);
    let e = expr(ck, f, row)?;
    ck.string_list(e, what(row)).map(|l| (l, e.span))
}

/// A map of strings, with each entry's key (for its span).
pub(super) fn string_map<'a>(
    ck: &mut Checker<'a>,
    f: &mut Fields<'a>,
    row: &'static Key,
) -> Option<(Vec<(&'a ast::Key, String)>, Span)> {
    debug_assert!(matches!(row.shape, Shape::StrMap), "`{}` is not a map of strings", row.key);
    let (k, v) = take(ck, f, row)?;
    ck.string_map(v, what(row)).map(|m| (m, k.span.to(v.span())))
}

/// The keys of a nested block (`resources { … }`) or a map written for it, in the
/// row's inner context; anything else is reported as `X takes a block`.
pub(super) fn block<'a>(
    ck: &mut Checker<'a>,
    row: &'static Key,
    v: Value<'a>,
    place: &'static str,
    example: &str,
) -> Option<Fields<'a>> {
    let Shape::Block(ctx) = row.shape else { unreachable!("`{}` is not a block", row.key) };
    Fields::from_value(ck, v, ctx, place, example)
}
