//! The errors of loading, validating and compiling a moderation policy.

use std::path::PathBuf;

/// Why a moderation policy could not be used. Every variant names the file or the field at
/// fault, so a cold start that fails says what to fix.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("cannot read moderation policy {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("moderation policy {path} has no .json, .yaml or .yml extension")]
    UnknownFormat { path: PathBuf },
    #[error("moderation policy {path} is not valid {format}: {message}")]
    Parse {
        path: PathBuf,
        format: &'static str,
        message: String,
    },
    #[error("cannot read term list {path} named by `{field}`: {source}")]
    TermsFile {
        field: String,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("moderation policy field `{field}`: {problem}")]
    Invalid { field: String, problem: String },
    #[error("cannot compile the term matcher: {0}")]
    Matcher(String),
}

impl PolicyError {
    pub(crate) fn invalid(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            problem: problem.into(),
        }
    }
}
