//! The board's keys: one table that both the key dispatch and the help
//! pane read, so that the help lists exactly the keys that work — those of
//! the services the network offers.

use ratatui::crossterm::event::KeyCode;

use crate::network::Capabilities;

/// What a key does on the board (no pane open).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Down,
    Up,
    /// A screen of rows further down, or up.
    PageDown,
    PageUp,
    /// The first row, or the last.
    First,
    Last,
    /// The first row of the next place, or of the previous one.
    NextPlace,
    PrevPlace,
    Search,
    ToggleFavorite,
    Nearby,
    Favorites,
    Details,
    Forecast,
    Traffic,
    /// The selected place's destination (a search) above the fares.
    Fares,
    /// The selected place's destination: chosen by a search, or cleared.
    SetDestination,
    ClearDestination,
    Refresh,
    Help,
    /// Back to the board shown before a search or the stops nearby.
    Back,
    Quit,
}

/// What a key needs of the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    Nothing,
    Fares,
    CrowdingForecast,
}

impl Needs {
    fn met(self, capabilities: Capabilities) -> bool {
        match self {
            Needs::Nothing => true,
            Needs::Fares => capabilities.fares,
            Needs::CrowdingForecast => capabilities.crowding_forecast,
        }
    }
}

/// A key (or several) of the board.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [KeyCode],
    pub action: Action,
    pub needs: Needs,
    /// The help's line: the keys as written, and what they do (`None`:
    /// said by another line).
    pub help: Option<(&'static str, &'static str)>,
}

const fn bind(
    keys: &'static [KeyCode],
    action: Action,
    needs: Needs,
    help: Option<(&'static str, &'static str)>,
) -> Binding {
    Binding {
        keys,
        action,
        needs,
        help,
    }
}

/// The board's keys, in the help's order.
pub const BOARD: &[Binding] = &[
    bind(
        &[KeyCode::Down, KeyCode::Char('j')],
        Action::Down,
        Needs::Nothing,
        Some(("↑ ↓ / k j", "help_choose")),
    ),
    bind(
        &[KeyCode::Up, KeyCode::Char('k')],
        Action::Up,
        Needs::Nothing,
        None,
    ),
    bind(
        &[KeyCode::PageDown],
        Action::PageDown,
        Needs::Nothing,
        Some(("key_pages", "help_pages")),
    ),
    bind(&[KeyCode::PageUp], Action::PageUp, Needs::Nothing, None),
    bind(
        &[KeyCode::Home, KeyCode::Char('g')],
        Action::First,
        Needs::Nothing,
        Some(("key_first", "help_first")),
    ),
    bind(
        &[KeyCode::End, KeyCode::Char('G')],
        Action::Last,
        Needs::Nothing,
        Some(("key_last", "help_last")),
    ),
    bind(
        &[KeyCode::Char(']'), KeyCode::Tab],
        Action::NextPlace,
        Needs::Nothing,
        Some(("key_places", "help_places")),
    ),
    bind(
        &[KeyCode::Char('['), KeyCode::BackTab],
        Action::PrevPlace,
        Needs::Nothing,
        None,
    ),
    bind(
        &[KeyCode::Char('/')],
        Action::Search,
        Needs::Nothing,
        Some(("/", "help_search")),
    ),
    bind(
        &[KeyCode::Char('f')],
        Action::ToggleFavorite,
        Needs::Nothing,
        Some(("f", "help_fav")),
    ),
    bind(
        &[KeyCode::Char('n')],
        Action::Nearby,
        Needs::Nothing,
        Some(("n", "help_nearby")),
    ),
    bind(
        &[KeyCode::Char('F')],
        Action::Favorites,
        Needs::Nothing,
        Some(("F", "help_favs")),
    ),
    bind(
        &[KeyCode::Enter],
        Action::Details,
        Needs::Nothing,
        Some(("key_enter", "help_details")),
    ),
    bind(
        &[KeyCode::Char('c')],
        Action::Forecast,
        Needs::CrowdingForecast,
        Some(("c", "help_forecast")),
    ),
    bind(
        &[KeyCode::Char('i')],
        Action::Traffic,
        Needs::Nothing,
        Some(("i", "help_traffic")),
    ),
    bind(
        &[KeyCode::Char('>')],
        Action::SetDestination,
        Needs::Nothing,
        Some((">", "help_dest_set")),
    ),
    bind(
        &[KeyCode::Char('<')],
        Action::ClearDestination,
        Needs::Nothing,
        Some(("<", "help_dest_clear")),
    ),
    bind(
        &[KeyCode::Char('t')],
        Action::Fares,
        Needs::Nothing,
        Some(("t", "help_fares")),
    ),
    bind(
        &[KeyCode::Char('T')],
        Action::ClearDestination,
        Needs::Nothing,
        Some(("T", "help_dest_none")),
    ),
    bind(
        &[KeyCode::Backspace, KeyCode::Char('b')],
        Action::Back,
        Needs::Nothing,
        Some(("⌫ / b", "help_back")),
    ),
    bind(
        &[KeyCode::Char('r')],
        Action::Refresh,
        Needs::Nothing,
        Some(("r", "help_refresh")),
    ),
    bind(
        &[KeyCode::Char('?')],
        Action::Help,
        Needs::Nothing,
        Some(("?", "help_help")),
    ),
    bind(
        &[KeyCode::Char('q'), KeyCode::Esc],
        Action::Quit,
        Needs::Nothing,
        Some(("key_quit", "help_quit")),
    ),
];

/// The action of a key on the board, when the network allows it.
pub fn action(code: KeyCode, capabilities: Capabilities) -> Option<Action> {
    BOARD
        .iter()
        .find(|b| b.keys.contains(&code))
        .filter(|b| b.needs.met(capabilities))
        .map(|b| b.action)
}

/// The help's lines of the keys that work with this network, in the
/// rider's language (the table names catalog keys: `help_…`, and `key_…`
/// for the keys with a name).
pub fn help(capabilities: Capabilities) -> Vec<(&'static str, &'static str)> {
    BOARD
        .iter()
        .filter(|b| b.needs.met(capabilities))
        .filter_map(|b| b.help)
        .map(|(keys, what)| (word(keys), word(what)))
        .collect()
}

/// A pane open over the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Search,
    Favorites,
    Traffic,
    Details,
    Forecast,
    /// `t`: the destination above the fares.
    Fares,
}

/// What a key does in a pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaneAction {
    Down,
    Up,
    PageDown,
    PageUp,
    First,
    /// The chosen favourite one place down, or up.
    MoveDown,
    MoveUp,
    Remove,
    Undo,
    Rename,
    /// The lines a favourite shows.
    Lines,
    /// The chosen item opened (a stop, a message).
    Open,
    /// Every traffic message, or those of the lines shown.
    All,
    /// The search in the next network.
    NextNetwork,
    Help,
    Close,
}

/// A key (or several) of a pane.
#[derive(Debug, Clone, Copy)]
pub struct PaneBinding {
    pub keys: &'static [KeyCode],
    /// The keys that do it with Shift held (Shift+↓).
    pub shifted: &'static [KeyCode],
    pub action: PaneAction,
    /// The help's line, as [`Binding::help`].
    pub help: Option<(&'static str, &'static str)>,
}

const fn pane_bind(
    keys: &'static [KeyCode],
    action: PaneAction,
    help: Option<(&'static str, &'static str)>,
) -> PaneBinding {
    PaneBinding {
        keys,
        shifted: &[],
        action,
        help,
    }
}

/// The keys that scroll a pane's text (traffic, details, fares).
const SCROLL: [PaneBinding; 5] = [
    pane_bind(
        &[KeyCode::Down, KeyCode::Char('j')],
        PaneAction::Down,
        Some(("↑ ↓ / k j", "help_pane_scroll")),
    ),
    pane_bind(&[KeyCode::Up, KeyCode::Char('k')], PaneAction::Up, None),
    pane_bind(
        &[KeyCode::PageDown, KeyCode::Char(' ')],
        PaneAction::PageDown,
        Some(("key_pane_pages", "help_pages")),
    ),
    pane_bind(&[KeyCode::PageUp], PaneAction::PageUp, None),
    pane_bind(
        &[KeyCode::Home],
        PaneAction::First,
        Some(("key_home", "help_pane_top")),
    ),
];

const HELP: PaneBinding = pane_bind(
    &[KeyCode::Char('?')],
    PaneAction::Help,
    Some(("?", "help_help")),
);

/// The search's keys (what else is typed is the search).
const SEARCH: &[PaneBinding] = &[
    pane_bind(
        &[KeyCode::Enter],
        PaneAction::Open,
        Some(("key_enter", "help_search_open")),
    ),
    pane_bind(
        &[KeyCode::Down],
        PaneAction::Down,
        Some(("↑ ↓", "help_search_choose")),
    ),
    pane_bind(&[KeyCode::Up], PaneAction::Up, None),
    pane_bind(
        &[KeyCode::Tab],
        PaneAction::NextNetwork,
        Some(("key_tab", "help_search_network")),
    ),
    pane_bind(
        &[KeyCode::Esc],
        PaneAction::Close,
        Some(("key_esc", "help_pane_back")),
    ),
];

const FAVORITES: &[PaneBinding] = &[
    pane_bind(
        &[KeyCode::Down, KeyCode::Char('j')],
        PaneAction::Down,
        Some(("↑ ↓ / k j", "help_fav_choose")),
    ),
    pane_bind(&[KeyCode::Up, KeyCode::Char('k')], PaneAction::Up, None),
    PaneBinding {
        keys: &[KeyCode::Char('J')],
        shifted: &[KeyCode::Down],
        action: PaneAction::MoveDown,
        help: Some(("key_fav_move", "help_fav_move")),
    },
    PaneBinding {
        keys: &[KeyCode::Char('K')],
        shifted: &[KeyCode::Up],
        action: PaneAction::MoveUp,
        help: None,
    },
    pane_bind(
        &[KeyCode::Char('d'), KeyCode::Delete],
        PaneAction::Remove,
        Some(("key_fav_remove", "help_fav_remove")),
    ),
    pane_bind(
        &[KeyCode::Char('u')],
        PaneAction::Undo,
        Some(("u", "help_fav_undo")),
    ),
    pane_bind(
        &[KeyCode::Char('e')],
        PaneAction::Rename,
        Some(("e", "help_fav_rename")),
    ),
    pane_bind(
        &[KeyCode::Enter, KeyCode::Right],
        PaneAction::Lines,
        Some(("key_fav_lines", "help_fav_lines")),
    ),
    HELP,
    pane_bind(
        &[KeyCode::Esc, KeyCode::Char('F'), KeyCode::Char('q')],
        PaneAction::Close,
        Some(("key_fav_close", "help_pane_close")),
    ),
];

const TRAFFIC: &[PaneBinding] = &[
    SCROLL[0],
    SCROLL[1],
    SCROLL[2],
    SCROLL[3],
    SCROLL[4],
    pane_bind(
        &[KeyCode::Enter, KeyCode::Right],
        PaneAction::Open,
        Some(("key_open", "help_traffic_open")),
    ),
    pane_bind(
        &[KeyCode::Char('a')],
        PaneAction::All,
        Some(("a", "help_traffic_all")),
    ),
    HELP,
    pane_bind(
        &[KeyCode::Esc, KeyCode::Char('i'), KeyCode::Char('q')],
        PaneAction::Close,
        Some(("key_traffic_close", "help_traffic_close")),
    ),
];

const DETAILS: &[PaneBinding] = &[
    SCROLL[0],
    SCROLL[1],
    SCROLL[2],
    SCROLL[3],
    SCROLL[4],
    HELP,
    pane_bind(
        &[
            KeyCode::Esc,
            KeyCode::Enter,
            KeyCode::Char('q'),
            KeyCode::Char('c'),
            KeyCode::Left,
        ],
        PaneAction::Close,
        Some(("key_details_close", "help_pane_close")),
    ),
];

const FORECAST: &[PaneBinding] = &[
    HELP,
    pane_bind(
        &[
            KeyCode::Esc,
            KeyCode::Enter,
            KeyCode::Char('q'),
            KeyCode::Char('c'),
            KeyCode::Left,
        ],
        PaneAction::Close,
        Some(("key_details_close", "help_pane_close")),
    ),
];

/// `t`: what else is typed is the destination's search.
const FARES: &[PaneBinding] = &[
    pane_bind(
        &[KeyCode::Enter],
        PaneAction::Open,
        Some(("key_enter", "help_dest_choose")),
    ),
    pane_bind(
        &[KeyCode::Down],
        PaneAction::Down,
        Some(("↑ ↓", "help_dest_stops")),
    ),
    pane_bind(&[KeyCode::Up], PaneAction::Up, None),
    pane_bind(
        &[KeyCode::PageDown],
        PaneAction::PageDown,
        Some(("key_pages", "help_dest_fares")),
    ),
    pane_bind(&[KeyCode::PageUp], PaneAction::PageUp, None),
    pane_bind(
        &[KeyCode::Esc],
        PaneAction::Close,
        Some(("key_esc", "help_pane_close")),
    ),
];

/// Each pane's keys, in the help's order, with the help's heading.
pub const PANES: &[(Pane, &str, &[PaneBinding])] = &[
    (Pane::Search, "help_keys_search", SEARCH),
    (Pane::Favorites, "help_keys_favorites", FAVORITES),
    (Pane::Traffic, "help_keys_traffic", TRAFFIC),
    (Pane::Details, "help_keys_details", DETAILS),
    (Pane::Forecast, "help_keys_forecast", FORECAST),
    (Pane::Fares, "help_keys_fares", FARES),
];

/// The keys of `pane`.
pub fn pane_keys(pane: Pane) -> &'static [PaneBinding] {
    PANES
        .iter()
        .find(|(p, _, _)| *p == pane)
        .map_or(&[], |(_, _, keys)| keys)
}

/// The help's heading of `pane`'s keys, in the rider's language.
pub fn pane_heading(pane: Pane) -> &'static str {
    PANES
        .iter()
        .find(|(p, _, _)| *p == pane)
        .map_or("", |(_, heading, _)| crate::i18n::t(heading))
}

/// The action of `code` (with Shift held: `shift`) in `pane`.
pub fn pane_action(pane: Pane, code: KeyCode, shift: bool) -> Option<PaneAction> {
    let keys = pane_keys(pane);
    let shifted = keys
        .iter()
        .find(|b| shift && b.shifted.contains(&code))
        .map(|b| b.action);
    shifted.or_else(|| {
        keys.iter()
            .find(|b| b.keys.contains(&code))
            .map(|b| b.action)
    })
}

/// The keys that scroll a pane's text, for the panes that scroll.
pub fn scroll_action(code: KeyCode) -> Option<PaneAction> {
    SCROLL
        .iter()
        .find(|b| b.keys.contains(&code))
        .map(|b| b.action)
}

/// The help's sections of the panes' keys: each pane's heading and lines,
/// in the rider's language; `forecast`: the network has a forecast.
pub fn panes_help(forecast: bool) -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    PANES
        .iter()
        .filter(|(pane, _, _)| forecast || *pane != Pane::Forecast)
        .map(|(_, heading, keys)| {
            let lines = keys
                .iter()
                .filter_map(|b| b.help)
                .map(|(keys, what)| (word(keys), word(what)))
                .collect();
            (crate::i18n::t(heading), lines)
        })
        .collect()
}

/// A key's or a line's words: a catalog key (`key_…`, `help_…`) in the
/// rider's language, else the keys as written.
fn word(k: &'static str) -> &'static str {
    if k.starts_with("key_") || k.starts_with("help_") {
        crate::i18n::t(k)
    } else {
        k
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_help_follow_the_networks_services() {
        let none = Capabilities::default();
        let all = Capabilities {
            fares: true,
            crowding_forecast: true,
            ..Capabilities::default()
        };
        // `t` is the destination on every network, with the fares where
        // there are some.
        assert_eq!(action(KeyCode::Char('t'), all), Some(Action::Fares));
        assert_eq!(action(KeyCode::Char('t'), none), Some(Action::Fares));
        assert_eq!(
            action(KeyCode::Char('T'), none),
            Some(Action::ClearDestination)
        );
        assert_eq!(action(KeyCode::Char('c'), none), None);
        assert_eq!(action(KeyCode::Char('j'), none), Some(Action::Down));
        assert_eq!(action(KeyCode::Esc, none), Some(Action::Quit));
        assert_eq!(action(KeyCode::Char('x'), all), None);
        let keys = |c| help(c).iter().map(|(k, _)| *k).collect::<Vec<_>>();
        assert!(keys(all).contains(&"t") && keys(all).contains(&"c"));
        assert!(keys(none).contains(&"t") && keys(none).contains(&"T"));
        assert!(!keys(none).contains(&"c"));
        assert!(keys(none).contains(&"/"));
        // Every key is in one binding only.
        let mut seen = Vec::new();
        for code in BOARD.iter().flat_map(|b| b.keys) {
            assert!(!seen.contains(code), "{code:?} twice");
            seen.push(*code);
        }
    }
}
