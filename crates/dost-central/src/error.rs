use std::net::SocketAddr;
use std::path::PathBuf;

/// Errors of the reference central server.
#[derive(Debug, thiserror::Error)]
pub enum CentralError {
    #[error("cannot open database {}", path.display())]
    OpenDb {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
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
    #[error("invalid configuration: {0}")]
    Config(String),
}
