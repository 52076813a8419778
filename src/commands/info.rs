//! `quai info` and `quai tarifs`: the network's messages and fares.

use super::{CommandResult, Context, print};
use crate::i18n::{t, tf};
use crate::sanitize;

/// The network `--network` names, else all of them.
async fn chosen(ctx: &Context<'_>) -> Result<crate::network::Source, String> {
    let source = ctx.source().await?;
    let Some(id) = ctx.cli.network.as_deref() else {
        return Ok(source);
    };
    if source.id() == id && source.networks().len() == 1 {
        return Ok(source);
    }
    source
        .member(id)
        .ok_or_else(|| tf("info_network_not_configured", &[("id", id)]))
}

/// `quai quota [--json]`
pub async fn quota(ctx: &Context<'_>, json: bool) -> CommandResult {
    let source = chosen(ctx).await?;
    let reports = source.quota();
    if reports.is_empty() {
        return Err(crate::i18n::t("quota_none").into());
    }
    if json {
        let text = serde_json::to_string_pretty(&reports).map_err(|e| e.to_string())?;
        return print(&text);
    }
    let clock = |t: jiff::Timestamp| {
        crate::domain::command_time(t, &crate::domain::default_zone(), "%H:%M")
    };
    let mut out = String::new();
    for r in &reports {
        out.push_str(&format!("{} {}\n", r.network, r.api));
        let out_of = |n: u64| tf("quota_out_of", &[("n", &n.to_string())]);
        let planned = r.daily_quota.map(out_of).unwrap_or_default();
        out.push_str(&format!(
            "  {}\n",
            tf(
                "quota_sent_today",
                &[("n", &r.sent_today.to_string()), ("of", &planned)],
            )
        ));
        match (r.server_remaining, r.server_limit, r.reported_at) {
            (Some(left), limit, Some(at)) => out.push_str(&format!(
                "  {}\n",
                tf(
                    "quota_left",
                    &[
                        ("n", &left.to_string()),
                        ("of", &limit.map(out_of).unwrap_or_default()),
                        ("at", &clock(at)),
                    ],
                )
            )),
            _ => out.push_str(&format!("  {}\n", t("quota_server_silent"))),
        }
        if let Some(until) = r.blocked_until {
            out.push_str(&format!(
                "  {}\n",
                tf("quota_spent_until", &[("at", &clock(until))])
            ));
        }
    }
    print(out.trim_end())
}

/// `quai info [--json]`
pub async fn info(ctx: &Context<'_>, json: bool) -> CommandResult {
    let source = chosen(ctx).await?;
    let messages = source.messages().await.map_err(|e| e.to_string())?;
    if !json {
        return print(&crate::ui::traffic::text(&messages, 80));
    }
    let ordered = crate::ui::traffic::ordered(&messages, &[], true);
    let mut list = Vec::new();
    for m in ordered {
        let mut value = serde_json::to_value(m).map_err(|e| e.to_string())?;
        if let Some(object) = value.as_object_mut() {
            let (_, text) = crate::ui::traffic::message_text(m, 80);
            object.insert("text".into(), text.join("\n").into());
        }
        list.push(value);
    }
    let text = serde_json::to_string_pretty(&list).map_err(|e| e.to_string())?;
    print(&sanitize::json_for_terminal(&text))
}

/// `quai tarifs [--json]`
pub async fn tarifs(ctx: &Context<'_>, json: bool) -> CommandResult {
    let source = ctx.source().await?;
    let fares = source.fares().await.map_err(|e| e.to_string())?;
    if json {
        let text = serde_json::to_string_pretty(&fares).map_err(|e| e.to_string())?;
        return print(&sanitize::json_for_terminal(&text));
    }
    print(&crate::ui::fares::text(&fares, 78))
}
