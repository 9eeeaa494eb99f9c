//! Templating: `{{variables}}`, environments, secret references and dynamic values.

pub mod dotenv;
pub mod error;
pub mod parse;
pub mod resolve;
pub mod sources;
pub mod trust;

#[cfg(test)]
mod tests;

pub use error::TemplateError;
pub use parse::{parse, references, Segment};
pub use resolve::{mask_secrets, DemoUrlFn, ResolveFailure, Resolver, Scope, MASK};
