//! Putting a backup back (`chainscope restore FILE`), and the data-directory lock that keeps it from happening under
//! a running server.
//!
//! Every command that works on a data directory holds a shared lock on `chainscope.lock` there while it runs (the
//! server for as long as it serves). A restore takes the lock exclusively, so it refuses while anything else uses the
//! directory, and nothing else can start meanwhile.

use crate::app::{self, STORE_FILE};
use anyhow::{bail, Context};
use chainscope_store::RecordStore;
use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

/// The lock file in a data directory.
pub const LOCK_FILE: &str = "chainscope.lock";

fn lock_file(data_dir: &Path) -> anyhow::Result<File> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("无法创建数据目录 / cannot create the data directory {}", data_dir.display()))?;
    let path = data_dir.join(LOCK_FILE);
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("无法打开锁文件 / cannot open the lock file {}", path.display()))
}

/// A shared hold on the data directory for as long as the returned file lives: any number of commands and servers may
/// hold one; a restore waits for none of them and refuses instead. On a file system without locks the command goes
/// on without one (with a warning): only a restore needs the lock to be safe, and it refuses there.
pub fn hold(data_dir: &Path) -> anyhow::Result<Option<File>> {
    let f = lock_file(data_dir)?;
    match f.try_lock_shared() {
        Ok(()) => Ok(Some(f)),
        Err(TryLockError::WouldBlock) => {
            bail!(
                "数据目录 {} 正在恢复备份，请稍后再试 / a restore is under way in {}; try again when it ends",
                data_dir.display(),
                data_dir.display()
            )
        }
        Err(TryLockError::Error(e)) => {
            eprintln!("注意：无法加锁 / note: cannot lock {} ({e}); going on without the lock", data_dir.join(LOCK_FILE).display());
            Ok(None)
        }
    }
}

/// What a restore did.
pub struct Restored {
    /// The schema version of the backup before it was brought up to date.
    pub from_version: i64,
    /// Where the store that was replaced went (None when the directory held none).
    pub set_aside: Option<PathBuf>,
    pub counts: chainscope_store::KindCounts,
}

/// Replace the store of `data_dir` with the backup `from`: the backup is checked first (integrity, a Chainscope store,
/// not newer than this program); the store in place, with its write-ahead log, is kept aside under a new name, never
/// deleted; the copy goes in under a temporary name and is renamed into place, so the directory holds either the old
/// store or the whole new one. Refused while a server or another command uses the directory.
pub fn run(data_dir: &Path, from: &Path) -> anyhow::Result<Restored> {
    let from_version = app::check_backup(from).with_context(|| format!("备份不可用 / the backup {} cannot be used", from.display()))?;
    for ext in ["-wal", "-shm"] {
        let side = sibling(from, ext);
        if side.exists() {
            bail!(
                "{} 旁边还有 {}：这是一个正在使用的数据库，不是备份；请用 chainscope backup 生成备份 / {} lies beside it: this is a store in use, \
                 not a backup; make one with chainscope backup",
                from.display(),
                side.display(),
                side.display()
            );
        }
    }
    let lock = lock_file(data_dir)?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => bail!(
            "数据目录 {} 正在被服务或其他命令使用，请先停止服务 / the data directory {} is in use by a server or another command; stop it first",
            data_dir.display(),
            data_dir.display()
        ),
        Err(TryLockError::Error(e)) => return Err(e).with_context(|| format!("cannot lock {}", data_dir.join(LOCK_FILE).display())),
    }
    let store = data_dir.join(STORE_FILE);
    let incoming = data_dir.join(format!("{STORE_FILE}.restoring"));
    // A restore that died half-way leaves its partial copy; it is never a store anyone uses, so it goes.
    if incoming.exists() {
        std::fs::remove_file(&incoming).with_context(|| format!("cannot remove {}", incoming.display()))?;
    }
    std::fs::copy(from, &incoming).with_context(|| format!("无法复制备份 / cannot copy {} to {}", from.display(), incoming.display()))?;
    File::open(&incoming).and_then(|f| f.sync_all()).with_context(|| format!("cannot sync {}", incoming.display()))?;
    // The store in place, with its log, also under a new name (SQLite finds a log by the store's name + -wal): the
    // store by a second link, so that the directory never lacks chainscope.db, the log by moving it, since it must
    // not meet the restored store. Then one rename replaces the store whole: a crash at any step leaves either the
    // old store or the new one in place, and the old one aside.
    let set_aside = if store.exists() {
        let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
        let mut aside = data_dir.join(format!("{STORE_FILE}.before-restore-{stamp}"));
        let mut n = 1;
        while aside.exists() {
            n += 1;
            aside = data_dir.join(format!("{STORE_FILE}.before-restore-{stamp}-{n}"));
        }
        std::fs::hard_link(&store, &aside).with_context(|| format!("cannot keep {} as {}", store.display(), aside.display()))?;
        for ext in ["-wal", "-shm"] {
            let side = sibling(&store, ext);
            if side.exists() {
                std::fs::rename(&side, sibling(&aside, ext)).with_context(|| format!("cannot move {}", side.display()))?;
            }
        }
        Some(aside)
    } else {
        None
    };
    std::fs::rename(&incoming, &store).with_context(|| format!("cannot put {} in place", store.display()))?;
    File::open(data_dir).and_then(|d| d.sync_all()).with_context(|| format!("cannot sync {}", data_dir.display()))?;
    // Opening brings an older schema up to date; the counts say what the directory now holds.
    let opened = app::open_store(&store).with_context(|| format!("cannot open the restored store {}", store.display()))?;
    let counts = opened.counts()?;
    drop(lock);
    Ok(Restored { from_version, set_aside, counts })
}

fn sibling(path: &Path, ext: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(ext);
    PathBuf::from(s)
}
