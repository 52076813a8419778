//! The panes that open over the board: each is a component with its own
//! state, keys and drawing. [`Overlay`] is the one open, if any; its keys
//! come first, then the board's.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

use super::Effect;
use crate::favorites::FavOp;
use crate::model::Board;
use crate::search::Index;
use crate::ui::destination::DestFaresPane;
use crate::ui::details::{DetailsPane, ForecastPane};
use crate::ui::favorites::FavPane;
use crate::ui::keymap::{self, Pane, PaneAction};
use crate::ui::search::SearchState;
use crate::ui::theme::Theme;
use crate::ui::traffic::TrafficPane;

/// The pane open over the board.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Search(SearchState),
    /// The search choosing a place's destination, and the place.
    Destination(SearchState, String),
    /// The favourites, and whether they changed while it was open.
    Favorites(FavPane, bool),
    Traffic(TrafficPane),
    /// `t`: the selected place's destination above the fares.
    Fares(Box<DestFaresPane>),
    Details(Box<DetailsPane>),
    Forecast(Box<ForecastPane>),
}

/// What a pane's key did.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    /// The pane stays open.
    Stay(Effect),
    /// The pane closes.
    Close(Effect),
}

/// What a pane may read of the board, and the status line it may set.
pub struct Context<'a> {
    pub board: &'a Board,
    pub index: Option<&'a Index>,
    /// The screen's size (for scrolling no further than the text).
    pub area: Rect,
    pub notice: &'a mut Option<String>,
    /// The destination chosen for each place (place, destination).
    pub destinations: &'a mut Vec<(String, String)>,
}

/// Scrolls by a key (↑↓ jk, PgUp/PgDn space, Home) no further than `max`;
/// false when the key does not scroll.
fn scroll(scroll: &mut usize, code: KeyCode, max: usize) -> bool {
    match keymap::scroll_action(code) {
        Some(PaneAction::Down) => *scroll += 1,
        Some(PaneAction::Up) => *scroll = scroll.saturating_sub(1),
        Some(PaneAction::PageDown) => *scroll += 10,
        Some(PaneAction::PageUp) => *scroll = scroll.saturating_sub(10),
        Some(PaneAction::First) => *scroll = 0,
        _ => return false,
    }
    *scroll = (*scroll).min(max);
    true
}

/// The lines on the board, once each, with their network.
pub fn lines_on_screen(board: &Board) -> Vec<crate::ui::traffic::ScreenLine> {
    let mut lines: Vec<crate::ui::traffic::ScreenLine> = Vec::new();
    for place in board.resolved_places() {
        for line in &place.lines {
            if !lines
                .iter()
                .any(|(n, l)| *n == place.network && l.id == line.line.id)
            {
                lines.push((place.network.clone(), line.line.clone()));
            }
        }
    }
    lines
}

/// Where the boxed panes go: the screen less a margin.
pub fn box_area(area: Rect) -> Rect {
    if area.width < 50 || area.height < 12 {
        return area;
    }
    Rect::new(area.x + 2, area.y + 1, area.width - 4, area.height - 2)
}

impl Overlay {
    /// Which pane it is (its keys in [`keymap::PANES`]).
    pub fn pane(&self) -> Pane {
        match self {
            Overlay::Search(_) | Overlay::Destination(..) => Pane::Search,
            Overlay::Favorites(..) => Pane::Favorites,
            Overlay::Traffic(_) => Pane::Traffic,
            Overlay::Fares(_) => Pane::Fares,
            Overlay::Details(_) => Pane::Details,
            Overlay::Forecast(_) => Pane::Forecast,
        }
    }

    /// Whether `key` opens the help over the pane: its `?`, unless
    /// something is being typed there (a favourite's name).
    pub fn opens_help(&self, key: KeyEvent) -> bool {
        let typing = matches!(self, Overlay::Favorites(pane, _) if pane.renaming.is_some());
        !typing && keymap::pane_action(self.pane(), key.code, false) == Some(PaneAction::Help)
    }

    /// Handles a key (Ctrl-C has quit before).
    pub fn key(&mut self, key: KeyEvent, ctx: &mut Context) -> Outcome {
        match self {
            Overlay::Search(search) => search_key(search, key, ctx),
            Overlay::Destination(search, place) => destination_key(search, place, key, ctx),
            Overlay::Favorites(pane, changed) => favorites_key(pane, changed, key, ctx),
            Overlay::Traffic(pane) => {
                let max = crate::ui::traffic::max_scroll(
                    &ctx.board.messages,
                    &lines_on_screen(ctx.board),
                    pane,
                    box_area(ctx.area),
                );
                let messages = &ctx.board.messages;
                // A message opened: back to the list.
                if matches!(
                    key.code,
                    KeyCode::Esc | KeyCode::Enter | KeyCode::Backspace | KeyCode::Left
                ) && pane.close_message()
                {
                    return Outcome::Stay(Effect::Redraw);
                }
                match keymap::pane_action(Pane::Traffic, key.code, false) {
                    Some(PaneAction::Close) => Outcome::Close(Effect::Redraw),
                    Some(PaneAction::Open) if pane.open.is_none() => {
                        let width = box_area(ctx.area).width.saturating_sub(4) as usize;
                        if pane.open_top(messages, &lines_on_screen(ctx.board), width) {
                            Outcome::Stay(Effect::Redraw)
                        } else {
                            Outcome::Stay(Effect::Nothing)
                        }
                    }
                    Some(PaneAction::All) if pane.open.is_none() => {
                        pane.all = !pane.all;
                        pane.scroll = 0;
                        Outcome::Stay(Effect::Redraw)
                    }
                    _ if scroll(&mut pane.scroll, key.code, max) => Outcome::Stay(Effect::Redraw),
                    _ => Outcome::Stay(Effect::Nothing),
                }
            }
            Overlay::Fares(pane) => dest_fares_key(pane, key, ctx),
            Overlay::Details(pane) => {
                let area = box_area(ctx.area);
                let width = area.width.saturating_sub(2) as usize;
                // The theme does not change how many lines there are.
                let theme = Theme::new(crate::ui::theme::Palette::NoColor);
                let lines = crate::ui::details::details_lines(pane, &theme, width);
                let max = crate::ui::details::max_scroll(lines.len(), area.height);
                match keymap::pane_action(Pane::Details, key.code, false) {
                    Some(PaneAction::Close) => Outcome::Close(Effect::Redraw),
                    _ if scroll(&mut pane.scroll, key.code, max) => Outcome::Stay(Effect::Redraw),
                    _ => Outcome::Stay(Effect::Nothing),
                }
            }
            Overlay::Forecast(_) => match keymap::pane_action(Pane::Forecast, key.code, false) {
                Some(PaneAction::Close) => Outcome::Close(Effect::Redraw),
                _ => Outcome::Stay(Effect::Nothing),
            },
        }
    }

    /// Draws the pane over the board; reads only.
    pub fn draw(&self, frame: &mut Frame, board: &Board, theme: &Theme) {
        let area = frame.area();
        match self {
            Overlay::Search(search) | Overlay::Destination(search, _) => {
                crate::ui::search::draw(frame, area, search, theme)
            }
            Overlay::Favorites(pane, _) => crate::ui::favorites::draw(frame, area, pane, theme),
            Overlay::Traffic(pane) => crate::ui::traffic::draw(
                frame,
                box_area(area),
                &board.messages,
                &lines_on_screen(board),
                pane,
                theme,
            ),
            Overlay::Fares(pane) => {
                crate::ui::destination::draw(frame, box_area(area), pane, theme)
            }
            Overlay::Details(pane) => {
                let area = box_area(area);
                let width = area.width.saturating_sub(2) as usize;
                let lines = crate::ui::details::details_lines(pane, theme, width);
                let scroll = pane
                    .scroll
                    .min(crate::ui::details::max_scroll(lines.len(), area.height));
                let title = crate::i18n::t("details_title");
                crate::ui::details::draw(frame, area, title, lines, scroll);
            }
            Overlay::Forecast(pane) => {
                let area = box_area(area);
                let width = area.width.saturating_sub(2) as usize;
                let lines = crate::ui::details::forecast_lines(pane, theme, width);
                crate::ui::details::draw(frame, area, crate::i18n::t("forecast_title"), lines, 0);
            }
        }
    }
}

/// The search for a place's destination: Enter sets it (by the stop's
/// name), the other keys are the search's.
fn destination_key(
    search: &mut SearchState,
    place: &str,
    key: KeyEvent,
    ctx: &mut Context,
) -> Outcome {
    if key.code != KeyCode::Enter {
        return search_key(search, key, ctx);
    }
    set_destination(search, place, ctx)
}

/// The selected stop becomes the place's destination (the pane closes);
/// nothing with no stop listed, or nothing typed (Enter alone does not
/// choose the first stop of the alphabet).
fn set_destination(search: &SearchState, place: &str, ctx: &mut Context) -> Outcome {
    if search.query.trim().is_empty() {
        return Outcome::Stay(Effect::Nothing);
    }
    let Some(name) = search.hits.get(search.selected).map(|h| h.name.clone()) else {
        return Outcome::Stay(Effect::Nothing);
    };
    ctx.destinations.retain(|(p, _)| p != place);
    ctx.destinations.push((place.to_string(), name.clone()));
    *ctx.notice = Some(crate::i18n::tf(
        "dest_set",
        &[("place", place), ("name", &name)],
    ));
    Outcome::Close(Effect::Redraw)
}

/// The `t` pane: typing searches the destination, ↑↓ choose among the
/// stops found (with nothing typed they scroll the fares), Enter sets it,
/// PgUp/PgDn scroll the fares, Esc closes. With no place it is the fares
/// alone, closed by `t` and `q` too.
fn dest_fares_key(pane: &mut DestFaresPane, key: KeyEvent, ctx: &mut Context) -> Outcome {
    let max = crate::ui::destination::max_scroll(pane, box_area(ctx.area));
    let choosing = pane.choosing();
    let DestFaresPane {
        place,
        search,
        fares,
    } = pane;
    let mut scrolled = |code| {
        fares
            .as_mut()
            .is_some_and(|fares| scroll(&mut fares.scroll, code, max))
    };
    let Some(place) = place.as_deref() else {
        return match key.code {
            KeyCode::Esc | KeyCode::Char('t') | KeyCode::Char('q') => {
                Outcome::Close(Effect::Redraw)
            }
            code if scrolled(code) => Outcome::Stay(Effect::Redraw),
            _ => Outcome::Stay(Effect::Nothing),
        };
    };
    match key.code {
        KeyCode::Esc => Outcome::Close(Effect::Redraw),
        KeyCode::Enter if choosing => set_destination(search, place, ctx),
        KeyCode::Enter => Outcome::Stay(Effect::Nothing),
        KeyCode::Up | KeyCode::Down if choosing => search_key(search, key, ctx),
        KeyCode::Up | KeyCode::Down | KeyCode::PageUp | KeyCode::PageDown => {
            if scrolled(key.code) {
                Outcome::Stay(Effect::Redraw)
            } else {
                Outcome::Stay(Effect::Nothing)
            }
        }
        _ => search_key(search, key, ctx),
    }
}

fn search_key(search: &mut SearchState, key: KeyEvent, ctx: &mut Context) -> Outcome {
    match (keymap::pane_action(Pane::Search, key.code, false), key.code) {
        (Some(PaneAction::Close), _) => return Outcome::Close(Effect::Redraw),
        (Some(PaneAction::Open), _) => {
            if let Some(name) = search.chosen().map(str::to_string) {
                return Outcome::Close(Effect::OpenPlaces(vec![name]));
            }
        }
        (Some(PaneAction::Down), _) => {
            search.selected = (search.selected + 1).min(search.hits.len().saturating_sub(1))
        }
        (Some(PaneAction::Up), _) => search.selected = search.selected.saturating_sub(1),
        (Some(PaneAction::NextNetwork), _) => search.next_network(ctx.index),
        (_, KeyCode::Backspace) => {
            search.query.pop();
            search.refresh(ctx.index);
        }
        (_, KeyCode::Char(c))
            if !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            search.query.push(c);
            search.refresh(ctx.index);
        }
        _ => return Outcome::Stay(Effect::Nothing),
    }
    Outcome::Stay(Effect::Redraw)
}

fn favorites_key(
    pane: &mut FavPane,
    changed: &mut bool,
    key: KeyEvent,
    ctx: &mut Context,
) -> Outcome {
    let shift = key.modifiers.contains(KeyModifiers::SHIFT);
    let typing = !key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    if let Some(label) = pane.renaming.as_mut() {
        match key.code {
            KeyCode::Esc => pane.renaming = None,
            KeyCode::Backspace => {
                label.pop();
            }
            KeyCode::Char(c) if typing => label.push(c),
            KeyCode::Enter => {
                let label = crate::sanitize::text(label);
                let label = (!label.is_empty()).then_some(label);
                pane.renaming = None;
                let Some(favorite) = pane.list.get_mut(pane.selected) else {
                    return Outcome::Stay(Effect::Redraw);
                };
                favorite.label = label.clone();
                *changed = true;
                return Outcome::Stay(Effect::SaveFavorite(FavOp::Rename {
                    place: favorite.place.clone(),
                    label,
                }));
            }
            _ => return Outcome::Stay(Effect::Nothing),
        }
        return Outcome::Stay(Effect::Redraw);
    }
    if let Some(choices) = pane.lines.as_mut() {
        match key.code {
            KeyCode::Esc | KeyCode::Left => pane.lines = None,
            KeyCode::Down | KeyCode::Char('j') => {
                pane.line_cursor = (pane.line_cursor + 1).min(choices.len().saturating_sub(1));
            }
            KeyCode::Up | KeyCode::Char('k') => {
                pane.line_cursor = pane.line_cursor.saturating_sub(1)
            }
            KeyCode::Char(' ') => {
                let Some(choice) = choices.get(pane.line_cursor) else {
                    return Outcome::Stay(Effect::Nothing);
                };
                if choice.shown && choices.iter().filter(|c| c.shown).count() == 1 {
                    *ctx.notice = Some(crate::i18n::t("one_row_stays").into());
                    return Outcome::Stay(Effect::Redraw);
                }
                choices[pane.line_cursor].shown = !choices[pane.line_cursor].shown;
                let lines = crate::ui::favorites::filters(choices);
                let Some(favorite) = pane.list.get_mut(pane.selected) else {
                    return Outcome::Stay(Effect::Redraw);
                };
                favorite.lines = lines.clone();
                *changed = true;
                return Outcome::Stay(Effect::SaveFavorite(FavOp::SetLines {
                    place: favorite.place.clone(),
                    lines,
                }));
            }
            _ => return Outcome::Stay(Effect::Nothing),
        }
        return Outcome::Stay(Effect::Redraw);
    }
    let count = pane.list.len();
    let place = pane.list.get(pane.selected).map(|f| f.place.clone());
    match (keymap::pane_action(Pane::Favorites, key.code, shift), place) {
        (Some(PaneAction::Close), _) => {
            return Outcome::Close(if std::mem::take(changed) {
                Effect::ShowFavorites(pane.list.clone())
            } else {
                Effect::Redraw
            });
        }
        (Some(PaneAction::MoveDown), Some(place)) => {
            return move_favorite(pane, changed, place, 1);
        }
        (Some(PaneAction::MoveUp), Some(place)) => return move_favorite(pane, changed, place, -1),
        (Some(PaneAction::Down), _) => {
            pane.selected = (pane.selected + 1).min(count.saturating_sub(1));
        }
        (Some(PaneAction::Up), _) => pane.selected = pane.selected.saturating_sub(1),
        (Some(PaneAction::Remove), Some(place)) => {
            let removed = pane.list.remove(pane.selected);
            *ctx.notice = Some(crate::i18n::tf(
                "favorite_removed_undo",
                &[("place", removed.label.as_deref().unwrap_or(&place))],
            ));
            pane.removed = Some((pane.selected, removed));
            pane.selected = pane.selected.min(pane.list.len().saturating_sub(1));
            *changed = true;
            return Outcome::Stay(Effect::SaveFavorite(FavOp::Remove { place }));
        }
        (Some(PaneAction::Undo), _) => {
            let Some((at, favorite)) = pane.removed.take() else {
                return Outcome::Stay(Effect::Nothing);
            };
            let at = at.min(pane.list.len());
            let name = favorite
                .label
                .clone()
                .unwrap_or_else(|| favorite.place.clone());
            pane.list.insert(at, favorite.clone());
            pane.selected = at;
            *ctx.notice = Some(crate::i18n::tf("favorite_restored", &[("place", &name)]));
            *changed = true;
            return Outcome::Stay(Effect::SaveFavorite(FavOp::Insert { favorite, at }));
        }
        (Some(PaneAction::Rename), Some(_)) => {
            pane.renaming = Some(pane.list[pane.selected].label.clone().unwrap_or_default());
        }
        (Some(PaneAction::Lines), Some(place)) => {
            let folded = crate::names::fold(&place);
            let lines = ctx
                .board
                .resolved_places()
                .find(|p| crate::names::fold(&p.name) == folded)
                .map(|p| crate::ui::favorites::choices(&pane.list[pane.selected], &p.lines))
                .unwrap_or_default();
            pane.lines = Some(lines);
            pane.line_cursor = 0;
        }
        _ => return Outcome::Stay(Effect::Nothing),
    }
    Outcome::Stay(Effect::Redraw)
}

fn move_favorite(pane: &mut FavPane, changed: &mut bool, place: String, by: isize) -> Outcome {
    let from = pane.selected;
    let to = from
        .saturating_add_signed(by)
        .min(pane.list.len().saturating_sub(1));
    if to == from {
        return Outcome::Stay(Effect::Nothing);
    }
    let item = pane.list.remove(from);
    pane.list.insert(to, item);
    pane.selected = to;
    *changed = true;
    Outcome::Stay(Effect::SaveFavorite(FavOp::Move { place, to }))
}
