//! `quai fav`: the favourites, from the command line.

use super::stops::{pick_place, stop_index};
use super::{CommandResult, Context, print};
use crate::cli::FavAction;
use crate::favorites::{Favorite, LineFilter, Store};
use crate::i18n::{t, tf};
use crate::search::Index;

/// `quai fav …`
pub async fn fav(ctx: &Context<'_>, action: &FavAction) -> CommandResult {
    let store = ctx.favorites_store()?;
    match action {
        FavAction::List => {
            let favorites = store.load().map_err(|e| e.to_string())?;
            if favorites.list.is_empty() {
                print(t("fav_cli_none"))?;
            }
            print_list(&favorites)
        }
        FavAction::Add {
            place,
            lines,
            label,
            walk,
            to,
        } => {
            let asked = Asked {
                place,
                lines,
                label: label.as_deref(),
                walk: *walk,
                to: to.as_deref(),
            };
            add(ctx, &store, &asked).await
        }
        FavAction::Rm { place } => {
            let favorites = store
                .update(|f| {
                    let i = find_favorite(f, place)?;
                    f.list.remove(i);
                    Ok(())
                })
                .map_err(|e| e.to_string())?;
            print(&tf("fav_removed", &[("saved", &saved(&store, &favorites))]))
        }
        FavAction::Mv { place, position } => {
            let favorites = store
                .update(|f| {
                    let i = find_favorite(f, place)?;
                    let to = position
                        .saturating_sub(1)
                        .min(f.list.len().saturating_sub(1));
                    let item = f.list.remove(i);
                    f.list.insert(to, item);
                    Ok(())
                })
                .map_err(|e| e.to_string())?;
            print_list(&favorites)
        }
    }
}

/// " 1. Gare Viotte → Chamars — 11", one a line.
fn print_list(favorites: &crate::favorites::Favorites) -> CommandResult {
    for (i, f) in favorites.list.iter().enumerate() {
        print(&format!("{:>2}. {}", i + 1, f.describe()))?;
    }
    Ok(())
}

/// "3 favourites in …/favorites.toml".
fn saved(store: &Store, favorites: &crate::favorites::Favorites) -> String {
    tf(
        "fav_saved",
        &[
            ("n", &favorites.list.len().to_string()),
            ("path", &store.path.display().to_string()),
        ],
    )
}

/// What `quai fav add` was asked.
struct Asked<'a> {
    place: &'a str,
    lines: &'a [String],
    label: Option<&'a str>,
    walk: Option<u32>,
    to: Option<&'a str>,
}

/// `quai fav add PLACE [--line L]… [--label L] [--walk MIN] [--to DEST]`
async fn add(ctx: &Context<'_>, store: &Store, asked: &Asked<'_>) -> CommandResult {
    let filters = asked
        .lines
        .iter()
        .map(|l| LineFilter::parse(l))
        .collect::<Result<Vec<_>, _>>()?;
    let to = match asked.to.map(crate::sanitize::line) {
        Some(to) if to.trim().is_empty() => return Err(t("fav_empty_to").into()),
        to => to,
    };
    // Refuse early, before any network call, when the file is broken.
    store.load().map_err(|e| e.to_string())?;
    let source = ctx.source().await?;
    let (index, _) = stop_index(source.as_ref()).await?;
    let (index, text) = super::stops::in_network(
        source.as_ref(),
        index,
        asked.place,
        ctx.cli.network.as_deref(),
    );
    let name = pick_place(&index, text)?;
    let network = index
        .place(&name)
        .and_then(|p| p.stop_ids.first())
        .and_then(|id| source.network_of(id))
        .map(|n| n.id)
        .filter(|n| n != crate::network::registry::default_network());
    let stop_ids = index
        .place(&name)
        .map(|p| p.stop_ids.clone())
        .unwrap_or_default();
    check_filters(source.as_ref(), &stop_ids, &name, &filters).await?;
    let label = asked
        .label
        .map(crate::sanitize::text)
        .filter(|l| !l.is_empty());
    let favorite = Favorite {
        place: name.clone(),
        network,
        label,
        lines: filters,
        walk: asked.walk,
        to,
    };
    let favorites = store
        .update(|f| {
            match f.position(&name) {
                Some(i) => f.list[i] = favorite.clone(),
                None => f.list.push(favorite.clone()),
            }
            Ok(())
        })
        .map_err(|e| e.to_string())?;
    print(&tf(
        "fav_added",
        &[("name", &name), ("saved", &saved(store, &favorites))],
    ))
}

/// Each filter must keep a row of the place: a typo would silently hide
/// a line.
async fn check_filters(
    source: &dyn crate::network::Network,
    stop_ids: &[String],
    name: &str,
    filters: &[LineFilter],
) -> Result<(), String> {
    if filters.is_empty() {
        return Ok(());
    }
    let Ok(lines) = source.lines_at(stop_ids).await else {
        return Ok(());
    };
    for filter in filters {
        if !lines.is_empty() && !lines.iter().any(|l| filter.matches(l)) {
            let mut known: Vec<String> = lines
                .iter()
                .map(|l| format!("{} → {}", l.line.number, l.destination))
                .collect();
            known.dedup();
            return Err(tf(
                "fav_filter_matches_nothing",
                &[
                    ("filter", &filter.to_string()),
                    ("name", name),
                    ("lines", &known.join(", ")),
                ],
            ));
        }
    }
    Ok(())
}

/// A favourite by name (folded), or the closest names as suggestions.
fn find_favorite(favorites: &crate::favorites::Favorites, name: &str) -> Result<usize, String> {
    if let Some(i) = favorites.position(name) {
        return Ok(i);
    }
    let index = Index {
        places: favorites
            .list
            .iter()
            .map(|f| crate::search::Place::new(f.place.clone(), Vec::new(), None))
            .collect(),
    };
    let close: Vec<String> = index
        .search(name, 5)
        .iter()
        .map(|m| m.place.name.clone())
        .collect();
    let not_one = || tf("fav_not_a_favourite", &[("name", name)]);
    match close.as_slice() {
        [only] => favorites.position(only).ok_or_else(not_one),
        [] => Err(not_one()),
        _ => Err(tf(
            "fav_did_you_mean",
            &[("name", name), ("close", &close.join(", "))],
        )),
    }
}
