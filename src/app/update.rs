//! [`App::update`]: one message applied to the app, with no IO; the
//! answers to requests that are not the last one are dropped here.

use jiff::Timestamp;

use super::{App, Effect, Msg, Overlay};
use crate::poller::{self, Update};

impl App {
    /// Applies one message at `now`; no IO.
    pub fn update(&mut self, msg: Msg, now: Timestamp) -> Effect {
        self.now = now;
        // What the selected row's network offers follows a key at once;
        // after a new board, when its view is built (before the next key
        // or frame), once for all the changes waiting.
        let moved = !matches!(msg, Msg::Tick | Msg::Resize | Msg::Update(_));
        let effect = self.handle(msg);
        if moved && self.networks.len() > 1 {
            self.refresh_view(now);
        }
        effect
    }

    fn handle(&mut self, msg: Msg) -> Effect {
        if self.kiosk.is_some() {
            return self.kiosk_handle(msg);
        }
        match msg {
            Msg::Quit | Msg::Stop | Msg::Hangup { .. } | Msg::InputEnded { .. } => Effect::Quit,
            Msg::Tick | Msg::Resize => Effect::Redraw,
            // Only a kiosk reads its files again.
            Msg::Reloaded(_) => Effect::Nothing,
            Msg::Update(update) => self.updated(update),
            Msg::Key(key) => {
                self.notice = None;
                self.key(key)
            }
            // An answer to a request made before the last one: dropped.
            Msg::Nearby { asked, .. }
            | Msg::Fares { asked, .. }
            | Msg::Vehicle { asked, .. }
            | Msg::Calls { asked, .. }
            | Msg::Forecast { asked, .. }
            | Msg::FavoritesRead { asked, .. }
                if asked != self.asked =>
            {
                Effect::Nothing
            }
            Msg::Nearby { found, .. } => self.nearby_found(found),
            Msg::Vehicle {
                number,
                vehicle,
                live,
                ..
            } => {
                if let Some(Overlay::Details(pane)) = self.overlay.as_mut()
                    && pane.row.next.as_ref().and_then(|c| c.vehicle.as_ref()) == Some(&number)
                {
                    pane.vehicle = Some(vehicle);
                    pane.live = Some(live);
                }
                Effect::Redraw
            }
            Msg::Calls { calls, .. } => {
                if let Some(Overlay::Details(pane)) = self.overlay.as_mut() {
                    let zone = self.board.zones.of(&pane.row.network).clone();
                    pane.calls = Some(calls.map(|calls| {
                        calls
                            .into_iter()
                            .map(|c| crate::ui::view::CallView {
                                stop: c.stop,
                                time: crate::ui::view::LocalTime {
                                    at: c.at,
                                    zone: zone.clone(),
                                },
                                origin: c.origin,
                            })
                            .collect()
                    }));
                }
                Effect::Redraw
            }
            Msg::Forecast { forecast, .. } => {
                if let Some(Overlay::Forecast(pane)) = self.overlay.as_mut() {
                    pane.forecast = Some(forecast);
                }
                Effect::Redraw
            }
            Msg::Fares { fares, .. } => {
                if let Some(Overlay::Fares(pane)) = self.overlay.as_mut()
                    && let Some(pane) = pane.fares.as_mut()
                {
                    pane.fares = Some(fares);
                }
                Effect::Redraw
            }
            Msg::FavoritesRead { read, .. } => {
                match read {
                    Ok((list, note)) => {
                        self.open_favorites(list);
                        self.notice = note;
                    }
                    Err(said) => self.notice = Some(said),
                }
                Effect::Redraw
            }
            Msg::FavoritesSaved(Ok(said)) => {
                if said.is_some() {
                    self.notice = said;
                }
                Effect::Redraw
            }
            Msg::FavoritesSaved(Err(why)) | Msg::FavoriteToggled(Err(why)) => {
                self.notice = Some(crate::i18n::tf("favorites_not_saved", &[("why", &why)]));
                Effect::Redraw
            }
            Msg::FavoriteToggled(Ok((said, list))) => self.favorite_toggled(said, list),
        }
    }

    /// A fetching task's update applied to the board.
    fn updated(&mut self, update: Update) -> Effect {
        let asked = self.refreshing;
        let effect = self.shown_when(&update, asked);
        // The answer to `r` (or the failure to get one) is here.
        if matches!(update, Update::Departures { .. } | Update::Failed(_)) {
            self.refreshing = false;
        }
        // The same places looked at again keep the selection.
        if let Update::Resolved { places, .. } = &update {
            let same = places.len() == self.board.places.len()
                && places
                    .iter()
                    .zip(self.board.resolved_places())
                    .all(|(a, b)| a.name == b.name && a.network == b.network);
            if !same {
                self.selected = None;
            }
        }
        if let Some((index, stale)) = poller::apply(self.board_mut(), update) {
            self.index = Some(index);
            self.index_stale = stale;
            if let Some(Overlay::Search(search)) = self.overlay.as_mut() {
                search.stale = stale;
                search.refresh(self.index.as_deref());
            }
        }
        effect
    }

    /// When an update is drawn. The regular answers of a board that
    /// already shows departures wait for the next second's frame, at most
    /// a second away: an idle board then draws once a second, not once
    /// more for each answer (about a tenth of its frames). The first
    /// departures, the answer to `r` (`asked`), a failure and a new list of
    /// places are drawn at once.
    pub(super) fn shown_when(&self, update: &Update, asked: bool) -> Effect {
        let regular = matches!(
            update,
            Update::Departures { .. }
                | Update::Messages(_)
                | Update::LineStates(_)
                | Update::Lifts { .. }
                | Update::Schedule(_)
        );
        if regular && !asked && self.board.fetched_at.is_some() {
            Effect::Nothing
        } else {
            Effect::Redraw
        }
    }

    /// `f` was saved: the favourites' board changes at once when shown.
    fn favorite_toggled(
        &mut self,
        said: String,
        list: Option<Vec<crate::favorites::Favorite>>,
    ) -> Effect {
        self.notice = Some(said);
        match (list, self.first.as_mut()) {
            (Some(list), Some(first)) if first.is_favorites => {
                first.places = list.iter().map(|f| f.query()).collect();
                first.favorites = list;
                if self.away {
                    Effect::Redraw
                } else {
                    // The favourites' board is shown: it changes now.
                    let effect = Effect::Show {
                        places: first.places.clone(),
                        favorites: first.favorites.clone(),
                    };
                    self.clear_places();
                    effect
                }
            }
            _ => Effect::Redraw,
        }
    }

    fn nearby_found(&mut self, found: Result<Vec<String>, String>) -> Effect {
        match found {
            Ok(places) if places.is_empty() => {
                self.notice = Some(crate::i18n::t("nearby_none").into());
                Effect::Redraw
            }
            Ok(places) => {
                self.clear_places();
                self.away = true;
                self.notice = Some(crate::i18n::t("nearby").into());
                Effect::OpenPlaces(places)
            }
            Err(reason) => {
                self.notice = Some(reason);
                Effect::Redraw
            }
        }
    }
}
