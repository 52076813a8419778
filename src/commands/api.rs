//! The Ginko-only commands: `quai api` (a raw call) and `quai key trial`.

use super::{CommandResult, Context, print};
use crate::config;
use crate::i18n::{t, tf};
use crate::network::registry::{self, GinkoApi};
use crate::sanitize;

/// `quai api METHOD name=value…`
pub async fn api(ctx: &Context<'_>, method: &str, raw_params: &[String]) -> CommandResult {
    let method = method
        .trim()
        .trim_start_matches('/')
        .trim_end_matches(".do")
        .to_string();
    let mut params = Vec::new();
    for raw in raw_params {
        let Some((name, value)) = raw.split_once('=') else {
            return Err(tf("api_not_name_value", &[("raw", raw)]));
        };
        if name == "apiKey" {
            return Err(t("api_no_key_argument").into());
        }
        params.push((name.trim().to_string(), value.to_string()));
    }
    let keyless = method.eq_ignore_ascii_case("DR/getCleTemporaire");
    let client = client(ctx, !keyless).await?;
    let objets = client.call(&method, &params, !keyless).await?;
    let pretty = serde_json::to_string_pretty(&objets).map_err(|e| e.to_string())?;
    print(&sanitize::json_for_terminal(&pretty))
}

/// `quai key trial`
pub async fn key_trial(ctx: &Context<'_>) -> CommandResult {
    let client = client(ctx, false).await?;
    let key = client.trial_key().await?;
    let key = sanitize::text(&key);
    print(&tf("trial_key", &[("key", &key)]))?;
    let path = ctx
        .settings_path()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| "~/.config/quai/config.toml".into());
    print(&tf(
        "trial_key_use",
        &[("env", config::KEY_ENV), ("key", &key), ("path", &path)],
    ))
}

/// A Ginko client from the settings (a key is not needed to ask for the
/// day's trial key).
async fn client(ctx: &Context<'_>, need_key: bool) -> Result<GinkoApi, String> {
    if ctx.is_demo() {
        return Ok(ctx.demo(None).await?.ginko_api.clone());
    }
    let (path, settings) = ctx.settings()?;
    registry::ginko_api(settings, path, ctx.cli.api_url.as_deref(), need_key)
}
