//! Writing output files so that readers see the old contents or the new, never half of each.
//!
//! Regular files are written to a temporary file beside them, synced and renamed over them.
//! Renaming over anything else would replace it: `thetac -o /dev/null` once turned the
//! machine's null device into a regular file. So a target that exists and is not a regular file
//! (a device, a FIFO, a socket) is written in place, and a symbolic link is followed to the
//! file it names, which is replaced while the link stays.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `path` with `body`; a regular file is replaced only when `body` succeeds, and on
/// failure it is left untouched and the temporary file removed. `io_error` turns the I/O
/// errors of opening, flushing, syncing and renaming into the caller's error type.
pub fn write_atomically<E>(
    path: &Path,
    io_error: impl Fn(io::Error) -> E,
    body: impl FnOnce(&mut BufWriter<File>) -> Result<(), E>,
) -> Result<(), E> {
    let target = resolve_links(path);
    if fs::metadata(&target).is_ok_and(|m| !m.file_type().is_file()) {
        return write_in_place(&target, io_error, body);
    }
    let tmp = temp_path_for(&target);
    let file = File::create(&tmp).map_err(&io_error)?;
    let mut w = BufWriter::with_capacity(1 << 16, file);
    let result = body(&mut w).and_then(|()| {
        w.flush().map_err(&io_error)?;
        w.get_ref().sync_all().map_err(&io_error)?;
        drop(w);
        fs::rename(&tmp, &target).map_err(&io_error)
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Writes a device, FIFO or socket through an ordinary open: it cannot be replaced atomically.
fn write_in_place<E>(
    target: &Path,
    io_error: impl Fn(io::Error) -> E,
    body: impl FnOnce(&mut BufWriter<File>) -> Result<(), E>,
) -> Result<(), E> {
    let file = File::create(target).map_err(&io_error)?;
    let mut w = BufWriter::with_capacity(1 << 16, file);
    body(&mut w)?;
    w.flush().map_err(&io_error)
}

/// The file a chain of symbolic links ends at; `path` itself when it is not a link or the
/// chain is broken (creating the file then follows the link as `open` does).
fn resolve_links(path: &Path) -> PathBuf {
    let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    match is_link {
        true => fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
        false => path.to_path_buf(),
    }
}

/// A hidden name beside `path`, unique within the process.
fn temp_path_for(path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = format!(".{name}.tmp-{}-{n}", std::process::id());
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(tmp),
        _ => PathBuf::from(tmp),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Read;

    /// A fresh directory under the system temp dir.
    pub(crate) fn tempdir() -> PathBuf {
        static N: AtomicU64 = AtomicU64::new(0);
        let d = std::env::temp_dir().join(format!(
            "theta-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        fs::create_dir_all(&d).unwrap();
        d
    }

    fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
        write_atomically(path, |e| e, |w| w.write_all(bytes))
    }

    #[test]
    fn failure_leaves_the_old_file_and_no_temporary() {
        let dir = tempdir();
        let target = dir.join("out.txt");
        fs::write(&target, "old").unwrap();
        let err = write_atomically(
            &target,
            |e| e,
            |w| {
                w.write_all(b"half")?;
                Err(io::Error::other("boom"))
            },
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "boom");
        assert_eq!(fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1, "temporary removed");
        write(&target, b"new").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_symbolic_link_stays_and_its_file_is_replaced() {
        let dir = tempdir();
        let real = dir.join("real.txt");
        let link = dir.join("link.txt");
        fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write(&link, b"new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        fs::remove_dir_all(&dir).unwrap();
    }

    /// The case that once replaced `/dev/null`: a FIFO stands in for a device, since a test
    /// must not risk the machine's own.
    #[test]
    fn a_fifo_is_written_in_place_and_stays_a_fifo() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempdir();
        let fifo = dir.join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("skipped: mkfifo unavailable");
            return;
        }
        let reader_path = fifo.clone();
        let reader = std::thread::spawn(move || {
            let mut got = String::new();
            File::open(reader_path)
                .unwrap()
                .read_to_string(&mut got)
                .unwrap();
            got
        });
        // A second name for the FIFO lets the test release the reader if the write replaced it.
        let spare = dir.join("spare");
        fs::hard_link(&fifo, &spare).unwrap();
        write(&fifo, b"through the pipe").unwrap();
        let kind = fs::symlink_metadata(&fifo).unwrap().file_type();
        if !kind.is_fifo() {
            drop(File::create(&spare));
            let _ = reader.join();
            panic!("the FIFO was replaced by {kind:?}");
        }
        assert_eq!(reader.join().unwrap(), "through the pipe");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 2, "no temporary left");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_directory_is_an_error() {
        let err = write(Path::new("/nonexistent-dir-theta/x.txt"), b"x").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    }
}
