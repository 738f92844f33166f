//! Kubernetes versions pipec targets (the fields that need a newer one say so in
//! their schema rows, `schema::Key::gate`).
//! Older API servers silently drop fields they do not know, so a field newer than
//! the target is an error, and a beta field a warning.

use std::fmt;

/// A Kubernetes minor version (`1.27` … `1.37`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct KubeVersion {
    pub minor: u32,
}

impl KubeVersion {
    /// The oldest version pipec targets (the oldest the schema checker knows and
    /// where CronJob `timeZone` is GA).
    pub const OLDEST: KubeVersion = KubeVersion { minor: 27 };
    /// The newest: what k8s-openapi's `v1_37` feature models.
    pub const NEWEST: KubeVersion = KubeVersion { minor: 37 };

    pub fn parse(text: &str) -> Result<KubeVersion, String> {
        let text = text.trim().trim_start_matches('v');
        let minor = text
            .strip_prefix("1.")
            .map(|rest| rest.split('.').next().unwrap_or(rest))
            .and_then(|m| m.parse::<u32>().ok())
            .ok_or_else(|| format!("`{text}` is not a Kubernetes version; write it as 1.30"))?;
        let v = KubeVersion { minor };
        if v < Self::OLDEST || v > Self::NEWEST {
            return Err(format!("pipec targets Kubernetes {} to {}, not {v}", Self::OLDEST, Self::NEWEST));
        }
        Ok(v)
    }
}

impl Default for KubeVersion {
    fn default() -> Self {
        Self::NEWEST
    }
}

impl fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "1.{}", self.minor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_supported_versions_only() {
        assert_eq!(KubeVersion::parse("1.27"), Ok(KubeVersion { minor: 27 }));
        assert_eq!(KubeVersion::parse("v1.30.2"), Ok(KubeVersion { minor: 30 }));
        assert!(KubeVersion::parse("1.26").unwrap_err().contains("1.27 to 1.37"));
        assert!(KubeVersion::parse("1.38").is_err());
        assert!(KubeVersion::parse("two").unwrap_err().contains("not a Kubernetes version"));
    }
}
