//! Composition, the stage before checking: `import`s are found and parsed
//! ([`modules`]), the `let`s of each file read into one table ([`lets`]), and
//! params, `for`s, templates and module references expanded ([`expand`]); the
//! evaluator of values ([`value`]) serves this stage and the checker.

pub mod expand;
pub mod lets;
pub mod modules;
mod pipeline;
mod subst;
mod types;
pub mod value;

pub use expand::{Expanded, Module, ParamInput};
