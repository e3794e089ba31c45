use std::net::SocketAddr;
use std::path::PathBuf;

use crate::auth::TokenError;
use crate::config::ParseFaultsError;

/// Errors of the reference central server.
#[derive(Debug, thiserror::Error)]
pub enum CentralError {
    #[error("cannot open database {}", path.display())]
    OpenDb {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("database {} has schema version {found}, newer than {supported}", path.display())]
    SchemaTooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("database error")]
    Db(#[from] rusqlite::Error),
    #[error("corrupt row in database: {0}")]
    Corrupt(String),
    #[error("cannot bind {addr}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("i/o error")]
    Io(#[from] std::io::Error),
    #[error("JSON error")]
    Json(#[from] serde_json::Error),
    #[error("background task failed")]
    Task(#[from] tokio::task::JoinError),
    #[error("invalid faults")]
    Faults(#[from] ParseFaultsError),
    #[error("invalid token configuration")]
    Tokens(#[from] TokenError),
}
