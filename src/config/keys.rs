//! Where a key comes from: the environment, else the settings, else a
//! key file named by the settings (relative to their folder, a regular
//! file of at most 4 KiB, and said when other users can read it).

use std::path::Path;

use super::{ConfigError, Settings};
use crate::secret::Secret as ApiKey;

/// The environment variable holding the key.
pub(crate) const KEY_ENV: &str = "GINKO_API_KEY";

impl Settings {
    /// The key: `GINKO_API_KEY`, else `api_key`, else the content of
    /// `api_key_file` (relative to the settings file's folder).
    pub(crate) fn api_key(
        &self,
        env_key: Option<String>,
        settings_path: &Path,
    ) -> Result<Option<ApiKey>, ConfigError> {
        read_secret(
            env_key,
            self.api_key.as_deref(),
            self.api_key_file.as_deref(),
            settings_path,
        )
    }
}

/// A secret from the environment, else the settings, else a file named
/// by the settings (relative to their folder).
pub(crate) fn read_secret(
    env_value: Option<String>,
    inline: Option<&str>,
    file: Option<&Path>,
    settings_path: &Path,
) -> Result<Option<ApiKey>, ConfigError> {
    if let Some(key) = env_value.and_then(ApiKey::new) {
        return Ok(Some(key));
    }
    if let Some(key) = inline.and_then(ApiKey::new) {
        return Ok(Some(key));
    }
    let Some(file) = file else {
        return Ok(None);
    };
    let path = match settings_path.parent() {
        Some(dir) if file.is_relative() => dir.join(file),
        _ => file.to_path_buf(),
    };
    let text = super::read_bounded(&path, super::file::KEY_LIMIT).map_err(|source| {
        ConfigError::KeyFile {
            path: path.clone(),
            source,
        }
    })?;
    warn_if_readable_by_others(&path);
    ApiKey::new(text)
        .map(Some)
        .ok_or(ConfigError::EmptyKeyFile { path })
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        eprintln!(
            "quai: {}",
            crate::i18n::tf(
                "cfg_key_file_readable",
                &[("path", &path.display().to_string())]
            )
        );
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_path: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_sources_in_order() {
        let dir = std::env::temp_dir().join(format!("quai-config-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let settings_file = dir.join("config.toml");
        std::fs::write(dir.join("k.txt"), "  from-file\n").unwrap();
        let s = Settings {
            api_key_file: Some("k.txt".into()),
            ..Default::default()
        };
        let key = s.api_key(None, &settings_file).unwrap().unwrap();
        assert_eq!(key.expose(), "from-file");
        let key = s
            .api_key(Some("from-env".into()), &settings_file)
            .unwrap()
            .unwrap();
        assert_eq!(key.expose(), "from-env");
        let s = Settings {
            api_key: Some("inline".into()),
            ..s
        };
        assert_eq!(
            s.api_key(Some(" ".into()), &settings_file)
                .unwrap()
                .unwrap()
                .expose(),
            "inline"
        );
        let missing = Settings {
            api_key_file: Some("nope.txt".into()),
            ..Default::default()
        };
        assert!(matches!(
            missing.api_key(None, &settings_file),
            Err(ConfigError::KeyFile { .. })
        ));
        assert_eq!(
            Settings::default().api_key(None, &settings_file).unwrap(),
            None
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
