//! The store's one owner: a thread that holds the connection and runs requests in order.
//! Async code awaits the answer ([`StoreHandle::call`]); the printer worker's thread blocks on
//! it ([`StoreHandle::call_blocking`]). The thread ends when the last handle is dropped.

use std::sync::mpsc;
use std::thread::JoinHandle;

use super::{Store, StoreError};

type Request = Box<dyn FnOnce(&mut Store) + Send>;

/// A handle to the store's thread (cheap to clone).
#[derive(Clone)]
pub struct StoreHandle {
    tx: mpsc::Sender<Request>,
}

impl std::fmt::Debug for StoreHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreHandle").finish_non_exhaustive()
    }
}

impl StoreHandle {
    /// Moves `store` to its own thread.
    pub fn spawn(store: Store) -> Result<(StoreHandle, JoinHandle<()>), StoreError> {
        let (tx, rx) = mpsc::channel::<Request>();
        let thread = std::thread::Builder::new()
            .name("store".into())
            .spawn(move || {
                let mut store = store;
                for request in rx {
                    request(&mut store);
                }
            })
            .map_err(StoreError::Thread)?;
        Ok((StoreHandle { tx }, thread))
    }

    /// Opens the store of `data_dir` off the async threads and moves it to its own thread.
    pub async fn open_dir(
        data_dir: &std::path::Path,
    ) -> Result<(StoreHandle, JoinHandle<()>), StoreError> {
        let dir = data_dir.to_owned();
        let store = tokio::task::spawn_blocking(move || Store::open_dir(&dir))
            .await
            .map_err(|e| StoreError::Thread(std::io::Error::other(e)))??;
        StoreHandle::spawn(store)
    }

    /// Runs `f` on the store's thread and waits for its answer without blocking async threads.
    pub async fn call<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.tx
            .send(Box::new(move |store| {
                let _ = tx.send(f(store));
            }))
            .map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// Runs `f` on the store's thread and blocks this (non-async) thread for the answer.
    pub fn call_blocking<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    {
        let (tx, rx) = mpsc::sync_channel(1);
        self.tx
            .send(Box::new(move |store| {
                let _ = tx.send(f(store));
            }))
            .map_err(|_| StoreError::Closed)?;
        rx.recv().map_err(|_| StoreError::Closed)?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_run_in_order_and_the_thread_ends_with_the_last_handle()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let (handle, thread) = StoreHandle::spawn(Store::open_dir(dir.path())?)?;
        let other = handle.clone();
        other.call_blocking(|s| s.audit("technician", "a", "", chrono::Utc::now()))?;
        handle.call_blocking(|s| s.audit("technician", "b", "", chrono::Utc::now()))?;
        let rt = tokio::runtime::Builder::new_current_thread().build()?;
        let broken = rt.block_on(handle.call(|s| s.verify_audit()))?;
        assert_eq!(broken, None);
        let actions: Vec<String> = handle.call_blocking(|s| {
            let mut stmt = s
                .connection()
                .prepare("SELECT action FROM audit_log ORDER BY id")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })?;
        assert_eq!(actions, vec!["a".to_owned(), "b".to_owned()]);
        drop(handle);
        drop(other);
        thread.join().map_err(|_| "store thread panicked")?;
        Ok(())
    }
}
