//! Spill files: batches written to a temporary file (sorted runs, hash partitions) when an
//! operator's state would exceed the memory budget, and read back one batch at a time.
//!
//! Each frame is a little-endian `u64` byte length followed by one batch serialised as a table
//! FlatBuffer (`fbs.rs`), so reading back views the columns in place without parsing. The file
//! lives in [`std::env::temp_dir`] and is deleted when its [`SpillFile`] is dropped, which also
//! happens when the query fails (the operator owning it is dropped with the plan).

use std::fs::{self, File, OpenOptions};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::batch::{Batch, Operator};
use crate::dataflow::buffer::MutableBuffer;
use crate::dataflow::column::Column;
use crate::dataflow::error::{DataflowError, Result};
use crate::dataflow::fbs::{read_table_from_buffer, write_table};
use crate::dataflow::memory::MemoryAccount;
use crate::dataflow::table::Table;
use crate::dataflow::types::{DataType, Field, Schema};

#[cfg(test)]
thread_local! {
    /// Tests direct this thread's spill files to their own directory to check cleanup.
    static TEST_DIR: std::cell::RefCell<Option<PathBuf>> = const { std::cell::RefCell::new(None) };
}

/// Where spill files go: the system temporary directory.
pub fn spill_dir() -> PathBuf {
    #[cfg(test)]
    if let Some(d) = TEST_DIR.with(|d| d.borrow().clone()) {
        return d;
    }
    std::env::temp_dir()
}

/// A temporary file holding spilled batches; removed from disk on drop.
pub struct SpillFile {
    path: PathBuf,
    writer: Option<BufWriter<File>>,
    types: Vec<DataType>,
    batches: usize,
    rows: usize,
    bytes: u64,
}

fn spill_err(operator: &str, path: &Path, e: &std::io::Error) -> DataflowError {
    DataflowError::Plan {
        message: format!(
            "{operator}: cannot spill to temporary file '{}': {e}",
            path.display()
        ),
    }
}

impl SpillFile {
    /// Creates a new empty spill file for batches whose columns have `types`; `operator` names
    /// the file (and errors) for diagnosis.
    pub fn create(operator: &str, types: &[DataType]) -> Result<SpillFile> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = spill_dir().join(format!(
            "theta-spill-{operator}-{}-{n}.tmp",
            std::process::id()
        ));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| spill_err(operator, &path, &e))?;
        Ok(SpillFile {
            path,
            writer: Some(BufWriter::with_capacity(1 << 16, file)),
            types: types.to_vec(),
            batches: 0,
            rows: 0,
            bytes: 0,
        })
    }

    /// The file's path (for tests and messages).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Rows written so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Bytes written so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Appends the first `len` rows of `columns` (a dense batch) as one frame.
    pub fn write(&mut self, columns: &[Column], len: usize) -> Result<()> {
        if len == 0 {
            return Ok(());
        }
        let fields = (0..columns.len())
            .map(|i| Field::new(format!("c{i}"), self.types[i], true))
            .collect();
        let table = Table::try_new_with_rows(Schema::new(fields)?, columns.to_vec(), len)?;
        let bytes = write_table(&table);
        let Some(w) = self.writer.as_mut() else {
            return Err(DataflowError::Plan {
                message: "internal error: spill file written after it was read".into(),
            });
        };
        let path = &self.path;
        w.write_all(&(bytes.len() as u64).to_le_bytes())
            .and_then(|()| w.write_all(&bytes))
            .map_err(|e| spill_err("spill", path, &e))?;
        self.batches += 1;
        self.rows += len;
        self.bytes += bytes.len() as u64 + 8;
        Ok(())
    }

    /// Finishes writing and returns an operator that yields the frames in order, each read
    /// into memory charged to `account`. The file is deleted when the reader is dropped.
    pub fn into_reader(mut self, account: MemoryAccount) -> Result<SpillReader> {
        if let Some(mut w) = self.writer.take() {
            w.flush().map_err(|e| spill_err("spill", &self.path, &e))?;
        }
        let file = File::open(&self.path).map_err(|e| spill_err("spill", &self.path, &e))?;
        Ok(SpillReader {
            reader: BufReader::with_capacity(1 << 16, file),
            file: self,
            account,
        })
    }
}

impl Drop for SpillFile {
    fn drop(&mut self) {
        self.writer = None;
        let _ = fs::remove_file(&self.path);
    }
}

/// Reads back the batches of a [`SpillFile`], one frame per [`Operator::next`].
pub struct SpillReader {
    reader: BufReader<File>,
    file: SpillFile,
    account: MemoryAccount,
}

impl SpillReader {
    fn read_frame(&mut self) -> Result<Option<Batch>> {
        let path = self.file.path.clone();
        let io = |e: std::io::Error| spill_err("spill", &path, &e);
        let mut len = [0u8; 8];
        match self.reader.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(io(e)),
        }
        let len = usize::try_from(u64::from_le_bytes(len))
            .map_err(|_| DataflowError::format("spill frame does not fit in memory"))?;
        let mut buf = MutableBuffer::new(self.account.clone());
        buf.reserve(len)?;
        buf.resize(len);
        self.reader.read_exact(buf.as_mut_slice()).map_err(io)?;
        let table = read_table_from_buffer(&buf.freeze()?)?;
        let rows = table.num_rows();
        Ok(Some(Batch::new(table.columns().to_vec(), rows)))
    }
}

impl Operator for SpillReader {
    fn next(&mut self) -> Option<Result<Batch>> {
        self.read_frame().transpose()
    }
}

/// Approximate bytes held by a batch's columns (what buffering it costs).
pub fn batch_bytes(columns: &[Column]) -> usize {
    columns.iter().map(Column::byte_size).sum()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::dataflow::column::ValueRef;

    /// Runs `f` with spill files directed to a fresh directory, then checks that no spill file
    /// is left behind.
    pub(crate) fn with_spill_dir<T>(f: impl FnOnce(&Path) -> T) -> T {
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "theta-spill-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        fs::create_dir_all(&dir).unwrap();
        TEST_DIR.with(|d| *d.borrow_mut() = Some(dir.clone()));
        let out = f(&dir);
        TEST_DIR.with(|d| *d.borrow_mut() = None);
        let left: Vec<_> = fs::read_dir(&dir).unwrap().collect();
        assert!(left.is_empty(), "spill files left behind: {left:?}");
        fs::remove_dir_all(&dir).unwrap();
        out
    }

    #[test]
    fn frames_round_trip_and_the_file_is_removed() {
        with_spill_dir(|dir| {
            let types = [DataType::I64, DataType::Utf8];
            let mut f = SpillFile::create("sort", &types).unwrap();
            assert!(f.path().starts_with(dir));
            let a = Column::from_options(&[Some(1i64), None, Some(3)]);
            let b = Column::from_strs(&[Some("x"), Some("é"), None]);
            f.write(&[a.clone(), b.clone()], 3).unwrap();
            f.write(&[a.slice(1, 2), b.slice(1, 2)], 2).unwrap();
            assert_eq!(f.rows(), 5);
            let path = f.path().to_path_buf();
            let mut r = f.into_reader(MemoryAccount::unlimited()).unwrap();
            let first = r.next().unwrap().unwrap();
            assert_eq!(first.columns, vec![a.clone(), b.clone()]);
            let second = r.next().unwrap().unwrap();
            assert_eq!(second.columns[1].value(0), ValueRef::Utf8("é"));
            assert_eq!(second.columns[0].value(1), ValueRef::I64(3));
            assert!(r.next().is_none());
            assert!(path.exists());
            drop(r);
            assert!(!path.exists());
        });
    }

    #[test]
    fn an_unread_file_is_removed_on_drop() {
        with_spill_dir(|_| {
            let mut f = SpillFile::create("aggregate", &[DataType::Bool]).unwrap();
            f.write(&[Column::from_bools(&[Some(true)])], 1).unwrap();
            assert!(f.path().exists());
        });
    }
}
