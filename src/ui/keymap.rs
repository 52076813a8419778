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
    let word = |k: &'static str| {
        if k.starts_with("key_") || k.starts_with("help_") {
            crate::i18n::t(k)
        } else {
            k
        }
    };
    BOARD
        .iter()
        .filter(|b| b.needs.met(capabilities))
        .filter_map(|b| b.help)
        .map(|(keys, what)| (word(keys), word(what)))
        .collect()
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
