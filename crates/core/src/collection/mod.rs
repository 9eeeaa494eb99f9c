//! Collections as plain files: one TOML file per request, folders of requests, environments. See
//! `docs/collections.md` for the format.

mod ctx;
pub mod diag;
pub mod load;
pub mod model;
pub(crate) mod parse;
mod parse_auth;
pub mod save;

#[cfg(test)]
mod tests;

pub use diag::{Diagnostic, Severity};
pub use load::{collection_root_of, find_collections, load_collection, load_for_request, load_workspace};
pub use model::*;
pub use parse::parse_size_text;
pub use save::{
    create_collection, create_folder, create_request, delete_path, duplicate_request, file_name_for, move_into, move_path, save_request,
    SaveError,
};
