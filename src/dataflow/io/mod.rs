//! Reading and writing tables as CSV and newline-delimited JSON (§8), with atomic writes.

pub(crate) mod assemble;
mod chunked;
pub mod csv;
mod csv_parallel;
pub(crate) mod csv_parse;
pub mod json;

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use super::error::{DataflowError, Result};

pub use csv::{read_csv, read_csv_with_schema, write_csv};
pub use json::{read_json, write_json};

/// Rows inferred from before column types are fixed (later rows may still widen them).
pub const INFERENCE_SAMPLE_ROWS: usize = 1000;

/// Writes `path` atomically (see [`crate::atomic_file`]): `body` writes a temporary file beside
/// it, which is synced and renamed over `path` only when `body` succeeds; on any failure the
/// temporary file is removed and an existing `path` is left untouched. Devices and FIFOs are
/// written in place.
pub(crate) fn write_atomically(
    path: &Path,
    body: impl FnOnce(&mut BufWriter<File>) -> Result<()>,
) -> Result<()> {
    crate::atomic_file::write_atomically(path, io_err(path), body)
}

/// Maps a write error on `path` to a [`DataflowError::Io`].
pub(crate) fn io_err(path: &Path) -> impl Fn(std::io::Error) -> DataflowError + '_ {
    move |e| DataflowError::io(path, &e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::io::Write;

    #[test]
    fn failed_write_leaves_target_untouched() {
        let dir = tempdir();
        let target = dir.join("out.csv");
        fs::write(&target, "old contents").unwrap();
        let err = write_atomically(&target, |w| {
            w.write_all(b"half a file").map_err(io_err(&target))?;
            Err(DataflowError::schema("boom"))
        })
        .unwrap_err();
        assert_eq!(err, DataflowError::schema("boom"));
        assert_eq!(fs::read_to_string(&target).unwrap(), "old contents");
        let leftovers: Vec<_> = fs::read_dir(&dir).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "the temporary file is removed");
        write_atomically(&target, |w| w.write_all(b"new").map_err(io_err(&target))).unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn missing_directory_is_an_io_error() {
        let err = write_atomically(Path::new("/nonexistent-dir-theta/x.csv"), |_| Ok(()));
        assert!(matches!(err, Err(DataflowError::Io { .. })));
    }

    pub(crate) use crate::atomic_file::tests::tempdir;
}

#[cfg(test)]
mod csv_tests;
