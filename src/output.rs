//! `-o DIR`: the directory is replaced as a whole, never left half-written. The
//! new tree is written into a temporary directory beside DIR and swapped in with
//! renames, so a failure (or a kill) before the swap leaves DIR as it was.

use std::fs;
use std::path::Path;

pub fn replace_dir(dir: &Path, files: &[(String, String)]) -> Result<(), String> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err("it exists and is not a directory".into());
        }
        // DIR is replaced as a whole: refuse to delete what pipec did not write.
        let entries = fs::read_dir(dir).map_err(|e| e.to_string())?;
        for entry in entries {
            let entry = entry.map_err(|e| e.to_string())?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if !name.ends_with(".yaml") || !entry.path().is_file() {
                return Err(format!(
                    "it holds `{name}`, which pipec did not write; pipec replaces the whole directory, so give it an empty or pipec-only one"
                ));
            }
        }
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let base = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    let pid = std::process::id();
    let staging = parent.join(format!(".{base}.pipec-new-{pid}"));
    let old = parent.join(format!(".{base}.pipec-old-{pid}"));

    let write = || -> std::io::Result<()> {
        fs::create_dir_all(&parent)?;
        fs::create_dir(&staging)?;
        for (name, text) in files {
            fs::write(staging.join(name), text)?;
        }
        Ok(())
    };
    if let Err(e) = write() {
        let _ = fs::remove_dir_all(&staging);
        return Err(e.to_string());
    }
    let had_old = dir.exists();
    if had_old && let Err(e) = fs::rename(dir, &old) {
        let _ = fs::remove_dir_all(&staging);
        return Err(e.to_string());
    }
    if let Err(e) = fs::rename(&staging, dir) {
        // Put the old tree back.
        if had_old {
            let _ = fs::rename(&old, dir);
        }
        let _ = fs::remove_dir_all(&staging);
        return Err(e.to_string());
    }
    if had_old {
        let _ = fs::remove_dir_all(&old);
    }
    Ok(())
}
