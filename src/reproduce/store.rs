//! The results folder of a protocol run:
//!
//! ```text
//! DIR/protocol.json        every knob (written once; a run with other knobs is refused)
//! DIR/units/<id>.json      one finished unit each
//! ```
//!
//! Every file is written whole to a temporary name in the same folder, then renamed
//! over its final name (atomic on POSIX file systems): a process killed at any moment
//! leaves either no file or a complete one (no fsync: a killed process loses nothing
//! the kernel already has; a machine that loses power may lose its last units), so a restarted run skips exactly the
//! units that finished. Two processes that happen to run the same unit write the same
//! bytes (apart from the informative `seconds`), and the last rename wins.

use super::units::UnitResult;
use super::{Failure, Protocol};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// An open results folder.
#[derive(Clone, Debug)]
pub struct Store {
    dir: PathBuf,
}

static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

fn io_fail(what: &str, path: &Path, e: std::io::Error) -> Failure {
    Failure::runtime(format!("results: cannot {what} {}: {e}", path.display()))
}

/// Write `bytes` to `path` atomically (temporary file in the same folder, then rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".tmp-{name}-{}-{}", std::process::id(), TMP_COUNTER.fetch_add(1, Ordering::Relaxed)));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_fail("write", path, e));
    }
    Ok(())
}

impl Store {
    /// Open (creating if needed) the folder for `protocol`. Refuses a folder that holds
    /// another protocol, naming the knobs that differ.
    pub fn create(dir: &Path, protocol: &Protocol) -> Result<Store, Failure> {
        let units = dir.join("units");
        std::fs::create_dir_all(&units).map_err(|e| io_fail("create", &units, e))?;
        let path = dir.join("protocol.json");
        let text = serde_json::to_string_pretty(protocol).map_err(|e| Failure::runtime(e.to_string()))? + "\n";
        if !path.exists() {
            write_atomic(&path, text.as_bytes())?;
        }
        // Read back (another shard may have written it first): the knobs must agree.
        let (store, found) = Store::open(dir)?;
        if &found != protocol {
            let a = serde_json::to_value(&found).unwrap_or_default();
            let b = serde_json::to_value(protocol).unwrap_or_default();
            let diff: Vec<String> = match (a.as_object(), b.as_object()) {
                (Some(a), Some(b)) => a.iter().filter(|(k, v)| b.get(*k) != Some(*v)).map(|(k, v)| format!("{k}: {v} there, {} here", b.get(k).cloned().unwrap_or_default())).collect(),
                _ => Vec::new(),
            };
            return Err(Failure::input(format!(
                "results: {} holds another protocol ({}); use a new folder, or the same knobs to resume",
                dir.display(),
                diff.join("; ")
            )));
        }
        Ok(store)
    }

    /// Open an existing folder and read its protocol.
    pub fn open(dir: &Path) -> Result<(Store, Protocol), Failure> {
        let path = dir.join("protocol.json");
        let text = std::fs::read_to_string(&path).map_err(|e| Failure::input(format!("results: cannot read {} ({e}); is this a folder written by `lazy-training reproduce`?", path.display())))?;
        let p: Protocol = serde_json::from_str(&text).map_err(|e| Failure::input(format!("results: {} is not a protocol file: {e}", path.display())))?;
        Ok((Store { dir: dir.to_path_buf() }, p))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn unit_path(&self, id: &str) -> PathBuf {
        self.dir.join("units").join(format!("{id}.json"))
    }

    /// Store a finished unit (atomically).
    pub fn write(&self, r: &UnitResult) -> Result<(), Failure> {
        let text = serde_json::to_string(r).map_err(|e| Failure::runtime(e.to_string()))? + "\n";
        write_atomic(&self.unit_path(&r.unit), text.as_bytes())
    }

    /// Read one unit's result, if finished (a file that does not parse counts as absent).
    pub fn read(&self, id: &str) -> Option<UnitResult> {
        let text = std::fs::read_to_string(self.unit_path(id)).ok()?;
        serde_json::from_str::<UnitResult>(&text).ok().filter(|r| r.unit == id)
    }

    /// Every finished unit in the folder, by id.
    pub fn finished(&self) -> Result<BTreeMap<String, UnitResult>, Failure> {
        let units = self.dir.join("units");
        let mut out = BTreeMap::new();
        let entries = std::fs::read_dir(&units).map_err(|e| io_fail("list", &units, e))?;
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            if let Some(id) = name.strip_suffix(".json") {
                if let Some(r) = self.read(id) {
                    out.insert(id.to_string(), r);
                }
            }
        }
        Ok(out)
    }
}
