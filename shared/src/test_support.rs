//! For the tests of this library and of the functions built on it (feature `test-support`,
//! enabled by their dev-dependencies only): a log writer that keeps what `tracing` writes,
//! so a test can read the lines a function logged.

use std::io::Write;
use std::sync::{Arc, Mutex};

/// Everything written to it, shared by its clones: give `move || log.clone()` (or the log
/// itself through `MakeWriter`'s closure form) to a `tracing_subscriber::fmt()` builder.
#[derive(Clone, Debug, Default)]
pub struct CapturedLog(Arc<Mutex<Vec<u8>>>);

impl CapturedLog {
    /// What was written so far, as text (bytes that are not UTF-8 replaced).
    pub fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(|p| p.into_inner());
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Write for CapturedLog {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
