//! The board pane.
//!
//! ```text
//!  quai · Ginko                                              14:32:05
//!  ⚠ T2 : circulation interrompue entre Micropolis et Pôle Viotte …   (banner)
//!  Crous Université ───────────────────────────────────────────────
//!   L3  Pôle Temis · par Gare Viotte        2 min ▮▯▯   9 min ▮▮▯
//!   L3  Hauts du Chazal                     Non localisé  17h05
//!  mis à jour il y a 4 s · r rafraîchir · q quitter · ? aide
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::memo::LineMemo;
use super::paint::Canvas;
pub(crate) use super::row::{
    CELL_W, Columns, cell_spans, gauge_and_mark, place_heading, row_line, row_start,
};
use super::screens::{draw_help, key_refused, too_small};
pub(crate) use super::text::pad;
pub use super::text::{fit, wrap};
use super::theme::Theme;
use super::view::{BoardView, RowView};

/// Below this the board cannot be drawn legibly.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 8;

/// What the pane needs besides the view.
pub struct PaneState<'a> {
    pub title: &'a str,
    pub selected: Option<usize>,
    pub help: bool,
    pub theme: Theme,
    /// How many departures per row to show at most.
    pub nb: usize,
    /// Where the data comes from (ODbL asks to say it).
    pub attribution: &'a str,
    /// A short message for the status line ("Ajouté aux favoris…").
    pub notice: Option<&'a str>,
    /// A lasting warning under the header (a corrupt favourites file).
    pub warning: Option<&'a str>,
    /// The network's services: the help lists only the keys that work.
    pub capabilities: crate::network::Capabilities,
    /// The board `⌫` goes back to, when another is shown ("favoris").
    pub back_to: Option<&'a str>,
}

/// Draws the pane's frame from scratch.
pub fn draw(frame: &mut Frame, view: &BoardView, state: &PaneState) {
    draw_on(
        &mut Canvas::new(frame, &mut LineMemo::default()),
        view,
        state,
    );
}

/// Draws the pane's frame on `canvas`: every line through its memo, so
/// that a line drawn alike in the previous frame (the banner, most rows)
/// is neither laid out nor written again. The result is [`draw`]'s.
pub fn draw_on(canvas: &mut Canvas, view: &BoardView, state: &PaneState) {
    let area = canvas.area();
    if view.key_refused {
        let (widget, box_area) = key_refused(area, view, state);
        canvas.widget(widget, box_area);
        return;
    }
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        canvas.widget(too_small(area), area);
        return;
    }
    let width = area.width as usize;
    let banner: Vec<String> = view
        .alert
        .as_ref()
        .map(|a| {
            wrap(
                &format!("{} {}", state.theme.glyphs.warning, a.text()),
                width.saturating_sub(2),
            )
        })
        .unwrap_or_default();
    // The banner never scrolls out; it may take at most half the screen.
    let banner_h = (banner.len() as u16).min(area.height / 2);
    let warning: Vec<String> = state
        .warning
        .map(|w| {
            wrap(
                &format!("{} {w}", state.theme.glyphs.warning),
                width.saturating_sub(2),
            )
        })
        .unwrap_or_default();
    let warning_h = (warning.len() as u16).min(area.height / 4);
    let [header, banner_area, warning_area, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(banner_h),
        Constraint::Length(warning_h),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let row_at = |y| Rect {
        y,
        height: 1,
        ..area
    };
    for (y, l) in (warning_area.y..warning_area.bottom()).zip(&warning) {
        let line = Line::from(format!(" {l}")).style(state.theme.stale());
        canvas.line(&line, row_at(y));
    }

    let clock = &view.clock;
    let title_w = width.saturating_sub(clock.width() + 2);
    let line = Line::from(vec![
        Span::styled(
            format!(" {}", pad(state.title, title_w)),
            state.theme.heading(),
        ),
        Span::raw(format!("{clock} ")),
    ]);
    canvas.line(&line, row_at(header.y));

    for (y, l) in (banner_area.y..banner_area.bottom()).zip(&banner) {
        let line =
            Line::from(format!(" {}", pad(l, width.saturating_sub(1)))).style(state.theme.alert());
        canvas.line(&line, row_at(y));
    }

    let status_style = if view.stale {
        state.theme.stale()
    } else {
        state.theme.dim()
    };
    let line = status_line(view, state, status_style, width);
    canvas.line(&line, row_at(status.y));

    let (lines, selected_line, columns, headings) = body_lines(view, state, width);
    let (offset, height, mark) = scroll(lines.len(), selected_line, &headings, body.height);
    if let Some(mark) = mark {
        let line = Line::styled(format!(" {mark}"), state.theme.dim());
        canvas.line(&line, row_at(body.y + height as u16));
    }
    let mut shown = lines.into_iter().skip(offset).take(height);
    let theme = &state.theme;
    let line_of = |row, selected, stale| row_line(row, theme, stale, &columns, selected);
    for y in body.y..body.bottom() {
        let row = Rect {
            y,
            height: 1,
            ..body
        };
        match shown.next() {
            Some(BodyLine::Text(line)) => canvas.line(&line, row),
            Some(BodyLine::Row {
                row: r,
                selected,
                stale,
            }) => {
                let look = RowLook {
                    selected,
                    stale,
                    badge_w: columns.badge_w,
                    cells: columns.cells,
                    destination_w: columns.destination_w,
                };
                canvas.line_keyed(
                    |(k, l): &(RowView, RowLook)| *l == look && super::view::drawn_alike(k, r),
                    || (r.clone(), look),
                    row,
                    || line_of(r, selected, stale),
                );
            }
            // Left blank.
            None => {}
        }
    }

    if state.help {
        canvas.frame(|frame| draw_help(frame, area, state));
    }
}

/// The status line: what is known of the data and the keys, composed by
/// priority. When it is too long its least important parts are left out
/// whole, never cut mid-word; the help's key ("? aide") is always kept.
fn status_line(
    view: &BoardView,
    state: &PaneState,
    status_style: ratatui::style::Style,
    width: usize,
) -> Line<'static> {
    use crate::i18n::{t, tf};
    let (freshness, timetable, schedule) = super::view::status_parts(view);
    let dim = state.theme.dim();
    // (text, style, priority: the lowest is left out first).
    let mut parts: Vec<(String, ratatui::style::Style, u8)> = Vec::new();
    let mut push = |text: Option<String>, style, priority| {
        if let Some(text) = text.filter(|t| !t.is_empty()) {
            parts.push((text, style, priority));
        }
    };
    push(state.notice.map(str::to_string), status_style, 5);
    push(freshness, status_style, 7);
    push(timetable, status_style, 4);
    // The schedule's note says, when the data is old, why (a publication
    // interrupted): it then goes only after the keys.
    push(schedule, status_style, if view.stale { 6 } else { 1 });
    push(
        state.back_to.map(|to| tf("hint_back", &[("to", to)])),
        dim,
        5,
    );
    let (refresh, priority) = if view.stale {
        (t("hint_retry"), 5)
    } else {
        (t("hint_refresh"), 3)
    };
    push(Some(refresh.to_string()), dim, priority);
    push(Some(t("hint_quit").to_string()), dim, 2);
    push(Some(t("hint_help").to_string()), dim, u8::MAX);
    const SEP: &str = " · ";
    let total = |parts: &[(String, ratatui::style::Style, u8)]| {
        1 + parts.iter().map(|(t, _, _)| t.width()).sum::<usize>()
            + SEP.width() * parts.len().saturating_sub(1)
    };
    while total(&parts) > width {
        let lowest = parts
            .iter()
            .enumerate()
            .filter(|(_, (_, _, p))| *p < u8::MAX)
            .min_by_key(|(i, (_, _, p))| (*p, usize::MAX - i))
            .map(|(i, _)| i);
        let Some(lowest) = lowest else { break };
        // The last part besides the key hint: shortened at a word instead.
        if parts.len() == 2 {
            let room = width.saturating_sub(total(&parts) - parts[lowest].0.width());
            let short = words_within(&parts[lowest].0, room);
            if short.is_empty() {
                parts.remove(lowest);
            } else {
                parts[lowest].0 = short;
            }
            break;
        }
        parts.remove(lowest);
    }
    let mut spans = Vec::new();
    for (i, (text, style, _)) in parts.into_iter().enumerate() {
        if i == 0 {
            spans.push(Span::styled(format!(" {text}"), style));
        } else {
            spans.push(Span::styled(SEP, dim));
            spans.push(Span::styled(text, style));
        }
    }
    Line::from(spans)
}

/// The first words of `text` that fit `room` cells with "…" after them
/// (nothing when not even one does).
fn words_within(text: &str, room: usize) -> String {
    let mut out = String::new();
    for word in text.split(' ') {
        let longer = if out.is_empty() {
            word.to_string()
        } else {
            format!("{out} {word}")
        };
        if longer.width() + 1 > room {
            break;
        }
        out = longer;
    }
    if out.is_empty() {
        out
    } else {
        format!("{out}…")
    }
}

/// The first line of the body shown, how many lines are shown, and what
/// the line below them says of the places above and below (when the body
/// does not fit). The selected row is shown, with its place's heading
/// when there is room: a place is seen from its name.
fn scroll(
    lines: usize,
    selected: Option<usize>,
    headings: &[usize],
    body_h: u16,
) -> (usize, usize, Option<String>) {
    let body_h = usize::from(body_h);
    if lines <= body_h {
        return (0, lines, None);
    }
    // One line for the mark.
    let height = body_h.saturating_sub(1).max(1);
    let offset = match selected {
        Some(s) => {
            let heading = headings
                .iter()
                .copied()
                .rev()
                .find(|&h| h <= s)
                .unwrap_or(0);
            let lowest = (s + 1).saturating_sub(height);
            heading.max(lowest).min(lines - height)
        }
        None => 0,
    };
    let end = offset + height;
    let above = headings.iter().filter(|&&h| h < offset).count();
    let below = headings.iter().filter(|&&h| h >= end).count();
    let count = |n: usize, one: &str, many: &str| match n {
        1 => crate::i18n::t(one).to_string(),
        n => crate::i18n::tf(many, &[("n", &n.to_string())]),
    };
    let mut parts = Vec::new();
    if above > 0 {
        parts.push(count(above, "board_above_one", "board_above"));
    }
    if below > 0 {
        parts.push(count(below, "board_below_one", "board_below"));
    } else if end < lines {
        parts.push(crate::i18n::t("board_below_rows").to_string());
    }
    let mark = (!parts.is_empty()).then(|| parts.join(" · "));
    (offset, height, mark)
}

/// A line of the body: laid out, or a row of departures laid out only
/// when drawn (and, through the memo, only when it looks different).
enum BodyLine<'a> {
    Text(Line<'a>),
    Row {
        row: &'a RowView,
        selected: bool,
        stale: bool,
    },
}

/// What a row's line depends on besides the row (part of the memo's key).
#[derive(Debug, Clone, Copy, PartialEq)]
struct RowLook {
    selected: bool,
    stale: bool,
    badge_w: usize,
    cells: usize,
    destination_w: usize,
}

/// The body's lines, the index of the selected row's line, the columns
/// of the rows, and the index of each place's heading.
fn body_lines<'a>(
    view: &'a BoardView,
    state: &PaneState,
    width: usize,
) -> (Vec<BodyLine<'a>>, Option<usize>, Columns, Vec<usize>) {
    let mut lines = Vec::new();
    let mut headings = Vec::new();
    let mut selected_line = None;
    let mut row_index = 0;
    // Wrapped: why a place could not be looked up must be read whole.
    for name in &view.unknown_places {
        for (i, part) in wrap(&view.not_shown(name), width.saturating_sub(3))
            .into_iter()
            .enumerate()
        {
            let indent = if i == 0 { " " } else { "   " };
            lines.push(BodyLine::Text(Line::styled(
                format!("{indent}{part}"),
                state.theme.notice(),
            )));
        }
    }
    if view.places.is_empty() && view.unknown_places.is_empty() {
        let text = if view.error.is_some() {
            crate::i18n::t("waiting_for_network")
        } else if view.resolved {
            crate::i18n::t("no_stop_shown")
        } else {
            crate::i18n::t("loading_stops")
        };
        lines.push(BodyLine::Text(Line::styled(
            format!(" {text}"),
            state.theme.dim(),
        )));
        // Why there is nothing: the reason the app received, whole.
        if let Some(error) = &view.error {
            for part in wrap(error, width.saturating_sub(3)) {
                lines.push(BodyLine::Text(Line::styled(
                    format!("   {part}"),
                    state.theme.notice(),
                )));
            }
        }
    }
    let columns = Columns::of(view, width, state.nb, CELL_W);
    for place in &view.places {
        // Messages not in the banner, said after the name (kept on a
        // narrow screen): `i` reads them.
        let mut heading = place.heading();
        let said = match place.messages {
            0 => None,
            1 => Some(crate::i18n::t("place_one_message").to_string()),
            n => Some(crate::i18n::tf("place_messages", &[("n", &n.to_string())])),
        };
        if let Some(said) = said {
            heading.insert_str(place.name.len(), &format!(" · {said}"));
        }
        headings.push(lines.len());
        lines.push(BodyLine::Text(place_heading(&heading, width, &state.theme)));
        if place.no_departure {
            lines.push(BodyLine::Text(Line::styled(
                format!("   {}", crate::i18n::t("no_departure")),
                state.theme.not_located(),
            )));
            continue;
        }
        for row in &place.rows {
            let selected = state.selected == Some(row_index);
            if selected {
                selected_line = Some(lines.len());
            }
            lines.push(BodyLine::Row {
                row,
                selected,
                stale: view.stale || place.behind.is_some(),
            });
            row_index += 1;
        }
    }
    (lines, selected_line, columns, headings)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::*;
    use crate::model::{Board, BoardLine, ResolvedPlace};
    use crate::network::RowResult;
    use crate::ui::theme::Palette;
    use crate::ui::view;
    use jiff::Timestamp;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::buffer::Buffer;
    use ratatui::style::Color;
    use ratatui::style::Modifier;

    const T0: &str = "2026-11-23T07:00:00Z"; // 08:00 in Besançon

    pub(crate) fn t(offset_s: i64) -> Timestamp {
        let t0: Timestamp = T0.parse().unwrap();
        t0 + jiff::SignedDuration::from_secs(offset_s)
    }

    fn line(
        id: &str,
        number: &str,
        bg: &str,
        fg: &str,
        outbound: bool,
        destination: &str,
    ) -> BoardLine {
        BoardLine {
            line: LineRef {
                id: id.into(),
                number: number.into(),
                background: Rgb::parse_hex(bg),
                foreground: Rgb::parse_hex(fg),
                mode: None,
            },
            kind: None,
            outbound,
            destination: destination.into(),
            via: String::new(),
        }
    }

    fn departure(l: &BoardLine, time: WaitTime, reliable: bool) -> Departure {
        Departure {
            stop_id: "S".into(),
            line: l.line.clone(),
            outbound: l.outbound,
            destination: l.destination.clone(),
            via: String::new(),
            time,
            alternate: None,
            origin: if reliable {
                Origin::Located
            } else {
                Origin::NotLocated
            },
            status: Status::Normal,
            platform: None,
            mission: None,
            vehicle: None,
            stop_access: Accessibility::Accessible,
            vehicle_access: Accessibility::Accessible,
            crowding: CrowdLevel::Moderate,
            load: Load::Percent(50),
            crowding_text: String::new(),
            crowding_advice: String::new(),
            info_id: None,
        }
    }

    /// Crous Université: L3 with a countdown and a theoretical time; line 7
    /// with "Déviation"; fetched at T0.
    pub(crate) fn sample_board() -> Board {
        let l3 = line("3", "L3", "006AB3", "FFFFFF", false, "Pôle Temis");
        let seven = line("7", "7", "", "zz", true, "Palente");
        let place = ResolvedPlace {
            network: "test".into(),
            network_name: String::new(),
            problem: None,
            walk: None,
            query: "crous".into(),
            label: None,
            name: "Crous Université".into(),
            stop_ids: vec!["CROUUNI1".into()],
            lines: vec![l3.clone(), seven.clone()],
        };
        let mut board = Board::new(vec![place]);
        let results = vec![
            RowResult {
                in_answer: true,
                position: None,
                departures: vec![
                    departure(
                        &l3,
                        WaitTime::Countdown {
                            text: "2 min".into(),
                            seconds: Some(150),
                        },
                        true,
                    ),
                    departure(
                        &l3,
                        WaitTime::Countdown {
                            text: "9 min".into(),
                            seconds: Some(560),
                        },
                        false,
                    ),
                ],
                error: None,
                data_at: None,
                timetable: false,
                dropped: 0,
            },
            RowResult {
                in_answer: true,
                position: None,
                departures: vec![departure(
                    &seven,
                    WaitTime::Text {
                        text: "Déviation".into(),
                        served: false,
                    },
                    true,
                )],
                error: None,
                data_at: None,
                timetable: false,
                dropped: 0,
            },
        ];
        board.apply(t(0), results);
        board
    }

    /// A live board painted second after second through the canvas shows
    /// exactly what frames drawn from scratch show, through ticks, a
    /// refresh, a selection, stale data, the help, a warning, resizes and
    /// too small a screen; most lines are left as the screen shows them.
    #[test]
    fn painted_frames_are_the_frames_drawn_from_scratch() {
        let mut board = sample_board();
        let mut memo = LineMemo::default();
        let mut painter = crate::ui::paint::Painter::default();
        let mut terminal = Terminal::new(TestBackend::new(100, 20)).unwrap();
        for second in 0..200 {
            let resize = match second {
                100 => Some((70, 12)),
                150 => Some((30, 5)),
                155 => Some((100, 20)),
                _ => None,
            };
            if let Some((w, h)) = resize {
                terminal.backend_mut().resize(w, h);
            }
            if second == 40 {
                // A refresh: the same departures fetched anew.
                let mut again = sample_board();
                again.fetched_at = Some(t(40));
                board = again;
            }
            if second == 120 {
                board.fail(crate::network::NetError::new(
                    crate::network::ErrorKind::Http(503),
                    "HTTP 503 from the server",
                ));
            }
            let now = t(second);
            let view = view::build(&board, now);
            let state = PaneState {
                title: "quai · Ginko",
                selected: (second % 50 > 25).then_some(1),
                help: (60..63).contains(&second),
                theme: Theme::new(Palette::TrueColor),
                nb: 2,
                attribution: "ODbL",
                notice: None,
                warning: (80..90).contains(&second).then_some("favoris illisibles"),
                capabilities: crate::network::Capabilities::default(),
                back_to: None,
            };
            painter
                .paint_lines(&mut terminal, resize.is_some(), &mut memo, |c| {
                    draw_on(c, &view, &state)
                })
                .unwrap();
            let area = terminal.backend().buffer().area;
            let mut fresh = Terminal::new(TestBackend::new(area.width, area.height)).unwrap();
            fresh.draw(|f| draw(f, &view, &state)).unwrap();
            assert_eq!(
                terminal.backend().buffer(),
                fresh.backend().buffer(),
                "second {second}"
            );
        }
        // The clock and the age change every second; the rest seldom does.
        assert!(
            memo.left > 2 * memo.drawn,
            "left {}, drawn {}",
            memo.left,
            memo.drawn
        );
    }

    /// A place that could not be looked up for a reason is not called
    /// unknown, and its reason is read whole, wrapped; when every place
    /// failed so, the reason the app received is shown, not only "waiting".
    #[test]
    fn places_that_could_not_be_looked_up_say_why_whole() {
        let why = "idfm:chatelet : le réseau IDFM n'est pas configuré : sa clé manque ; \
                   définissez IDFM_API_KEY (ou [idfm] dans le fichier de réglages)";
        let board = Board {
            resolved: true,
            unknown: vec!["nulle part".into(), why.into()],
            unavailable: vec![why.into()],
            ..Default::default()
        };
        let shown = screen(&render(&board, t(0), 50, 12, Palette::TrueColor));
        let text = shown.join("\n");
        assert!(
            text.contains("Arrêt inconnu du réseau : nulle part"),
            "{text}"
        );
        assert_eq!(text.matches("Arrêt inconnu").count(), 1, "{text}");
        let words: Vec<&str> = text.split_whitespace().collect();
        let expected: Vec<&str> = why.split_whitespace().collect();
        assert!(
            words
                .windows(expected.len())
                .any(|w| w == expected.as_slice()),
            "the reason is whole:\n{text}"
        );
        // Every place failed: the board's error is that reason.
        let mut board = Board::default();
        board.fail(crate::network::NetError::new(
            crate::network::ErrorKind::MissingKey(crate::network::KeyName::env("IDFM_API_KEY")),
            why,
        ));
        let text = screen(&render(&board, t(0), 50, 12, Palette::TrueColor)).join("\n");
        let words: Vec<&str> = text.split_whitespace().collect();
        assert!(
            words
                .windows(expected.len())
                .any(|w| w == expected.as_slice()),
            "the reason is shown:\n{text}"
        );
    }

    fn render(board: &Board, now: Timestamp, width: u16, height: u16, palette: Palette) -> Buffer {
        let view = view::build(board, now);
        let state = PaneState {
            title: "quai · Ginko",
            selected: None,
            help: false,
            theme: Theme::new(palette),
            nb: 2,
            attribution: "ODbL",
            notice: None,
            warning: None,
            capabilities: crate::network::Capabilities::default(),
            back_to: None,
        };
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal.draw(|f| draw(f, &view, &state)).unwrap();
        terminal.backend().buffer().clone()
    }

    /// A long status line leaves out its least important parts whole,
    /// never a word cut, and always ends with the help's key.
    #[test]
    fn the_status_line_drops_whole_parts_and_keeps_the_help_key() {
        let board = sample_board();
        let mut view = view::build(&board, t(5));
        view.schedule = Some(
            "Démo actualisé toutes les 10 s · IDFM actualisé toutes les 60 s · quota 1000/jour"
                .into(),
        );
        let state = |notice, back_to| PaneState {
            title: "quai",
            selected: None,
            help: false,
            theme: Theme::new(Palette::TrueColor),
            nb: 2,
            attribution: "",
            notice,
            warning: None,
            capabilities: crate::network::Capabilities::default(),
            back_to,
        };
        for width in [40u16, 60, 80, 120, 200] {
            for (notice, back_to) in [
                (None, None),
                (Some("Ajouté aux favoris : Chamars"), Some("favoris")),
            ] {
                let mut terminal = Terminal::new(TestBackend::new(width, 12)).unwrap();
                terminal
                    .draw(|f| draw(f, &view, &state(notice, back_to)))
                    .unwrap();
                let lines = screen(terminal.backend().buffer());
                let status = lines.last().unwrap().trim_end();
                assert!(status.ends_with("· ? aide"), "{width}: {status:?}");
                // Every part shown is whole.
                let whole = [
                    "mis à jour il y a 5 s",
                    "Démo actualisé toutes les 10 s · IDFM actualisé toutes les 60 s · quota 1000/jour",
                    "r rafraîchir",
                    "q quitter",
                    "? aide",
                    "Ajouté aux favoris : Chamars",
                    "⌫ retour : favoris",
                ];
                let mut rest = status.trim_start().to_string();
                for part in whole {
                    rest = rest.replace(part, "");
                }
                assert_eq!(rest.replace(" · ", ""), "", "{width}: {status:?}");
                if width >= 80 {
                    assert!(status.contains("mis à jour il y a 5 s"), "{status:?}");
                }
            }
        }
        // Wide enough, nothing is left out.
        let mut terminal = Terminal::new(TestBackend::new(200, 12)).unwrap();
        terminal
            .draw(|f| draw(f, &view, &state(None, None)))
            .unwrap();
        let status = screen(terminal.backend().buffer()).pop().unwrap();
        assert!(
            status.contains("quota 1000/jour · r rafraîchir · q quitter"),
            "{status}"
        );
    }

    pub(crate) fn screen(buffer: &Buffer) -> Vec<String> {
        let area = buffer.area;
        (0..area.height)
            .map(|y| {
                let mut line = String::new();
                let mut x = 0;
                while x < area.width {
                    let symbol = buffer[(x, y)].symbol();
                    line.push_str(symbol);
                    x += symbol.width().max(1) as u16;
                }
                line
            })
            .collect()
    }

    fn find(buffer: &Buffer, text: &str) -> Option<(u16, u16)> {
        screen(buffer).iter().enumerate().find_map(|(y, line)| {
            line.find(text)
                .map(|byte| (line[..byte].width() as u16, y as u16))
        })
    }

    #[test]
    fn rows_show_badges_in_line_colours_and_corrected_times() {
        let buffer = render(&sample_board(), t(25), 100, 20, Palette::TrueColor);
        let text = screen(&buffer).join("\n");
        assert!(
            text.contains("quai · Ginko") && text.contains("08:00:25"),
            "{text}"
        );
        assert!(text.contains("Crous Université"), "{text}");
        // 150 s sent, fetched 25 s ago: 125 s → "2 min".
        assert!(text.contains(" 2 min"), "{text}");
        assert!(text.contains("Non localisé"), "{text}");
        assert!(
            !text.contains("9 min"),
            "a theoretical time is not shown as one:\n{text}"
        );
        let (x, y) = find(&buffer, "L3").unwrap();
        assert_eq!(buffer[(x, y)].bg, Color::Rgb(0, 0x6a, 0xb3));
        assert_eq!(buffer[(x, y)].fg, Color::Rgb(255, 255, 255));
        // Malformed colours: a neutral badge.
        let (x, y) = find(&buffer, " 7 ").unwrap();
        assert_eq!(buffer[(x + 1, y)].bg, Color::Rgb(85, 85, 85));
        assert!(text.contains("mis à jour il y a 25 s"), "{text}");
    }

    #[test]
    fn a_text_in_place_of_a_time_is_highlighted() {
        let buffer = render(&sample_board(), t(1), 100, 20, Palette::Ansi16);
        let (x, y) = find(&buffer, "Déviation").expect("the text must be shown");
        assert_eq!(buffer[(x, y)].fg, Color::LightYellow);
        assert!(buffer[(x, y)].modifier.contains(Modifier::BOLD));
        // 16 colours: no RGB anywhere.
        assert!(
            buffer
                .content
                .iter()
                .all(|c| !matches!(c.fg, Color::Rgb(..)) && !matches!(c.bg, Color::Rgb(..)))
        );
    }

    #[test]
    fn the_banner_is_red_and_wrapped() {
        let mut board = sample_board();
        board.messages = vec![Message {
            network: String::new(),
            id: "1".into(),
            title: "circulation interrompue entre Micropolis et Pôle Viotte en raison d'un incident technique".into(),
            body_html: String::new(),
            url: String::new(),
            severity: Severity::Interrupted,
            lines: vec!["L3".into()],
            stops: vec![],
            alert: false,
        }];
        let buffer = render(&board, t(1), 60, 20, Palette::TrueColor);
        let lines = screen(&buffer);
        assert!(
            lines[1].contains("⚠ L3 : circulation interrompue"),
            "{lines:#?}"
        );
        assert!(
            lines[2].contains("technique") || lines[3].contains("technique"),
            "{lines:#?}"
        );
        let (x, y) = find(&buffer, "⚠").unwrap();
        assert_eq!(buffer[(x, y)].bg, Color::Rgb(190, 20, 30));
    }

    #[test]
    fn stale_data_is_marked_with_its_time_and_reason() {
        let mut board = sample_board();
        let fresh = screen(&render(&board, t(20), 100, 20, Palette::TrueColor)).join("\n");
        assert!(fresh.contains("mis à jour il y a 20 s"), "{fresh}");
        // A failed refresh is said at once, however young the data.
        board.fail(crate::network::NetError::new(
            crate::network::ErrorKind::Http(503),
            "HTTP 503 from the server",
        ));
        let failed = screen(&render(&board, t(12), 100, 20, Palette::TrueColor)).join("\n");
        assert!(
            failed.contains("données de 08:00:00 — HTTP 503"),
            "{failed}"
        );
        let buffer = render(&board, t(45), 100, 20, Palette::TrueColor);
        let text = screen(&buffer).join("\n");
        assert!(text.contains("données de 08:00:00 — HTTP 503"), "{text}");
        assert!(text.contains("r réessayer"), "{text}");
        // The last good times stay, dimmed.
        let (x, y) = find(&buffer, "à l'approche")
            .or_else(|| find(&buffer, "1 min"))
            .unwrap();
        assert!(buffer[(x, y)].modifier.contains(Modifier::DIM));
    }

    #[test]
    fn a_place_left_out_of_the_answer_shows_its_old_times_dimmed_and_why() {
        let mut board = sample_board();
        let fresh = render(&board, t(1), 110, 20, Palette::TrueColor);
        let (x, y) = find(&fresh, "2 min").unwrap();
        assert!(!fresh[(x, y)].modifier.contains(Modifier::DIM));
        board.places[0].fetched_at = Some(t(0) - std::time::Duration::from_secs(20));
        let buffer = render(&board, t(1), 110, 20, Palette::TrueColor);
        let text = screen(&buffer).join("\n");
        assert!(
            text.contains("Crous Université · absent de la dernière réponse, données de 07:59:40"),
            "{text}"
        );
        assert!(
            text.contains("mis à jour il y a 1 s"),
            "the board itself is current: {text}"
        );
        let (x, y) = find(&buffer, "2 min").unwrap();
        assert!(buffer[(x, y)].modifier.contains(Modifier::DIM));
    }

    #[test]
    fn a_walk_time_dims_what_cannot_be_caught_and_says_when_to_leave() {
        let mut board = sample_board();
        board.places[0].departures[0][1].origin = Origin::Located;
        board.places[0].place.walk = Some(3);
        let buffer = render(&board, t(0), 110, 20, Palette::TrueColor);
        let text = screen(&buffer).join("\n");
        assert!(text.contains("partir dans 6 min"), "{text}");
        let (x, y) = find(&buffer, "2 min").unwrap();
        assert!(
            buffer[(x, y)].modifier.contains(Modifier::DIM),
            "too late on foot"
        );
        let (x, y) = find(&buffer, "9 min").unwrap();
        assert!(!buffer[(x, y)].modifier.contains(Modifier::DIM));
    }

    #[test]
    fn a_refused_key_gets_its_own_screen() {
        let mut board = sample_board();
        board.fail(crate::network::NetError::new(
            crate::network::ErrorKind::KeyRefused {
                key: crate::network::KeyName {
                    env: "GINKO_API_KEY",
                    setting: "api_key ou api_key_file",
                    how_to_get: &[
                        "une clé d'essai du jour : quai key trial",
                        "une clé permanente : ginko.support-ssi@keolis.com",
                    ],
                },
                message: "Clé invalide".into(),
            },
            "the API key was refused",
        ));
        let text = screen(&render(&board, t(1), 90, 24, Palette::TrueColor)).join("\n");
        assert!(text.contains("Clé d'API refusée"), "{text}");
        assert!(text.contains("« Clé invalide »"), "{text}");
        assert!(text.contains("quai key trial"), "{text}");
        assert!(!text.contains("Crous Université"), "{text}");
    }

    #[test]
    fn a_lasting_warning_sits_under_the_header() {
        let board = sample_board();
        let view = view::build(&board, t(1));
        let state = PaneState {
            title: "quai · Ginko",
            selected: None,
            help: false,
            theme: Theme::new(Palette::Ansi16),
            nb: 2,
            attribution: "ODbL",
            notice: Some("★ Chamars ajouté aux favoris"),
            warning: Some("favoris en lecture seule : favorites.toml, line 3, column 9"),
            capabilities: crate::network::Capabilities::default(),
            back_to: None,
        };
        let mut terminal = Terminal::new(TestBackend::new(100, 20)).unwrap();
        terminal.draw(|f| draw(f, &view, &state)).unwrap();
        let buffer = terminal.backend().buffer().clone();
        let lines = screen(&buffer);
        assert!(
            lines[1].contains("⚠ favoris en lecture seule : favorites.toml, line 3"),
            "{lines:#?}"
        );
        assert!(lines[2].contains("Crous Université"), "{lines:#?}");
        assert!(
            lines[19].contains("★ Chamars ajouté aux favoris"),
            "{lines:#?}"
        );
        let (x, y) = find(&buffer, "⚠ favoris").unwrap();
        assert_eq!(buffer[(x, y)].fg, Color::Yellow);
    }

    #[test]
    fn no_departure_is_a_visible_state() {
        let mut board = sample_board();
        for rows in board.places.iter_mut().map(|s| &mut s.departures) {
            for row in rows {
                row.clear();
            }
        }
        let text = screen(&render(&board, t(1), 100, 20, Palette::TrueColor)).join("\n");
        assert!(text.contains("Aucun départ prévu"), "{text}");
    }

    #[test]
    fn too_small_a_terminal_gets_a_message() {
        let text = screen(&render(&sample_board(), t(1), 30, 5, Palette::TrueColor)).join("\n");
        assert!(text.contains("Terminal trop petit"), "{text}");
        // Every size from tiny to large draws without panicking.
        for (w, h) in [(1, 1), (40, 8), (41, 9), (80, 24), (250, 70)] {
            render(&sample_board(), t(1), w, h, Palette::Ansi256);
        }
    }

    #[test]
    fn hostile_text_keeps_the_layout() {
        let mut board = sample_board();
        board.places[0].place.lines[0].line.number = "L3\u{1b}[31m".into();
        board.places[0].departures[0][0].destination = crate::sanitize::text(
            "Pôle\u{202e} Temis 🚋🚋🚋 東京東京東京東京東京東京東京東京東京東京東京東京",
        );
        let buffer = render(&board, t(1), 80, 20, Palette::TrueColor);
        let lines = screen(&buffer);
        assert!(lines.iter().all(|l| l.width() <= 80), "{lines:#?}");
        let row = lines.iter().find(|l| l.contains("Pôle")).unwrap();
        assert!(row.contains('…'), "{row}");
        assert!(row.contains("min"), "the times stay on screen: {row}");
    }

    #[test]
    fn line_states_mark_the_badges() {
        let mut board = sample_board();
        board.line_states = vec![
            LineStatus {
                line: LineRef::plain("3", "L3"),
                state: LineState::Interrupted,
            },
            LineStatus {
                line: LineRef::plain("7", "7"),
                state: LineState::Normal,
            },
        ];
        let buffer = render(&board, t(5), 80, 12, Palette::Ansi16);
        let lines = screen(&buffer);
        let l3 = lines.iter().find(|l| l.contains("Pôle Temis")).unwrap();
        assert!(l3.starts_with(" ✖ L3 "), "{l3}");
        let seven = lines.iter().find(|l| l.contains("Palente")).unwrap();
        assert!(
            seven.starts_with("   7  "),
            "a normal line has no mark: {seven}"
        );
        let (x, y) = find(&buffer, "✖").unwrap();
        assert_eq!(buffer[(x, y)].fg, Color::Red);
    }
}
