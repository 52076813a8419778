//! `quai info` and `quai tarifs`: the network's messages and fares.

use super::{CommandResult, Context, print};
use crate::sanitize;

/// `quai info [--json]`
pub async fn info(ctx: &Context<'_>, json: bool) -> CommandResult {
    let source = ctx.source().await?;
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
