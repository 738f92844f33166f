//! `-o DIR`: the directory is replaced as a whole and never left half-written,
//! even if pipec is killed. The new tree is written into a staging directory
//! beside DIR, then swapped with DIR in one atomic step (Linux `renameat2`
//! with `RENAME_EXCHANGE`); the old tree, now at the staging path, is deleted.
//! Where the exchange is not available, two renames are used (a small window
//! in which DIR is missing, never half-written).

use std::fs;
use std::path::{Path, PathBuf};

pub fn replace_dir(dir: &Path, files: &[(String, String)]) -> Result<(), String> {
    // DIR is replaced as a whole: refuse to delete what pipec did not write.
    pipec_files(dir)?;
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let base = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    fs::create_dir_all(&parent).map_err(|e| e.to_string())?;
    remove_stale_staging(&parent, &base);
    let staging = parent.join(format!(".{base}.pipec-staging-{}", std::process::id()));

    let write = || -> std::io::Result<()> {
        fs::create_dir(&staging)?;
        for (name, text) in files {
            fs::write(staging.join(name), text)?;
        }
        // The files' contents reach the disk before the swap makes them visible.
        fs::File::open(&staging)?.sync_all()
    };
    if let Err(e) = write() {
        let _ = fs::remove_dir_all(&staging);
        return Err(e.to_string());
    }
    if !dir.exists() {
        return fs::rename(&staging, dir).map_err(|e| {
            let _ = fs::remove_dir_all(&staging);
            e.to_string()
        });
    }
    match exchange(&staging, dir) {
        Ok(()) => {
            // The old tree is now at the staging path.
            let _ = fs::remove_dir_all(&staging);
            Ok(())
        }
        Err(_) => two_renames(&staging, dir, &parent, &base),
    }
}

/// A file of DIR: its name and bytes.
pub type NamedBytes = (String, Vec<u8>);

/// What DIR holds, for `--check`: `None` when it does not exist. Refused, as
/// [`replace_dir`] refuses it, when DIR holds anything pipec did not write.
pub fn read_dir(dir: &Path) -> Result<Option<Vec<NamedBytes>>, String> {
    let Some(names) = pipec_files(dir)? else { return Ok(None) };
    let read = |name: String| fs::read(dir.join(&name)).map(|bytes| (name, bytes)).map_err(|e| e.to_string());
    names.into_iter().map(read).collect::<Result<Vec<_>, _>>().map(Some)
}

/// The names of the files in DIR (`None` when it does not exist), or why pipec
/// may not replace it: it is not a directory, or it holds what pipec did not write.
fn pipec_files(dir: &Path) -> Result<Option<Vec<String>>, String> {
    if !dir.exists() {
        return Ok(None);
    }
    if !dir.is_dir() {
        return Err("it exists and is not a directory".into());
    }
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".yaml") || !entry.path().is_file() {
            return Err(format!(
                "it holds `{name}`, which pipec did not write; pipec replaces the whole directory, so give it an empty or pipec-only one"
            ));
        }
        names.push(name);
    }
    Ok(Some(names))
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::other("no atomic exchange on this platform"))
}

fn two_renames(staging: &Path, dir: &Path, parent: &Path, base: &str) -> Result<(), String> {
    let old = parent.join(format!(".{base}.pipec-old-{}", std::process::id()));
    if let Err(e) = fs::rename(dir, &old) {
        let _ = fs::remove_dir_all(staging);
        return Err(e.to_string());
    }
    if let Err(e) = fs::rename(staging, dir) {
        let _ = fs::rename(&old, dir); // put the old tree back
        let _ = fs::remove_dir_all(staging);
        return Err(e.to_string());
    }
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

/// Staging directories left by a pipec that was killed (never DIR itself).
fn remove_stale_staging(parent: &Path, base: &str) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    let prefixes = [format!(".{base}.pipec-staging-"), format!(".{base}.pipec-old-")];
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if prefixes.iter().any(|p| name.starts_with(p.as_str())) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}
