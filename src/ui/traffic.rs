//! The traffic information pane (`i`) and the text of `quai info`: every
//! message, the most severe first, the lines on screen first; each with its
//! lines as badges, its title and its text laid out from HTML, wrapped.
//! Enter opens the message at the top of the pane alone, whole.
//!
//! ```text
//! ┌ Info trafic (lignes affichées) · a tout voir · ↑↓ défiler · Entrée ouvrir ┐
//! │▸  L3   perturbation                                                      │
//! │ Travaux rue de Vesoul : la ligne L3 est déviée entre Battant et          │
//! │ Chamars jusqu'au 12 décembre.                                            │
//! │   Arrêts non desservis : Battant, Chamars.                               │
//! │                                                                          │
//! │   réseau   information                                                   │
//! └──────────────────────────────────────────────────────────────────────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::departures::wrap;
use super::theme::Theme;
use crate::domain::{LineRef, Message, Severity};

/// The pane's state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrafficPane {
    /// Every message, not only those about the lines on screen.
    pub all: bool,
    /// Lines scrolled.
    pub scroll: usize,
    /// The message opened alone (its id), and the list's scroll to come
    /// back to.
    pub open: Option<(String, usize)>,
}

impl TrafficPane {
    /// Opens the message at the top of the list as scrolled (Enter); false
    /// when there is none.
    pub fn open_top(
        &mut self,
        messages: &[Message],
        on_screen: &[ScreenLine],
        width: usize,
    ) -> bool {
        let theme = Theme::new(super::theme::Palette::NoColor);
        let (lines, starts) = list_content(messages, on_screen, self, &theme, width);
        let scroll = self.scroll.min(lines.len().saturating_sub(1));
        let Some((_, id)) = starts
            .iter()
            .rev()
            .find(|(at, _)| *at <= scroll)
            .or(starts.first())
        else {
            return false;
        };
        self.open = Some((id.clone(), self.scroll));
        self.scroll = 0;
        true
    }

    /// Back from a message to the list, where it was; false when no
    /// message is open.
    pub fn close_message(&mut self) -> bool {
        match self.open.take() {
            Some((_, scroll)) => {
                self.scroll = scroll;
                true
            }
            None => false,
        }
    }
}

/// "interruption", "perturbation"…
pub fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Interrupted => crate::i18n::t("sev_interrupted"),
        Severity::Ongoing => crate::i18n::t("sev_ongoing"),
        Severity::Planned => crate::i18n::t("sev_planned"),
        Severity::Information => crate::i18n::t("sev_information"),
        Severity::None => crate::i18n::t("sev_none"),
    }
}

/// A line on screen and its network (empty with one network).
pub type ScreenLine = (String, LineRef);

/// Whether a message is about one of `lines` (network, public number), or
/// about the whole network; a message of one network is not about another
/// network's line of the same number.
fn concerns(message: &Message, lines: &[(String, String)]) -> bool {
    message.lines.is_empty()
        || message.lines.iter().any(|l| {
            lines.iter().any(|(network, number)| {
                number == l && (message.network.is_empty() || *network == message.network)
            })
        })
}

/// How many of the board's messages are about `place` (its network's, on
/// one of its lines, at one of its stops, or about the whole network) and
/// not in the banner: the heading says they exist.
pub fn about_place(board: &crate::model::Board, place: &crate::model::ResolvedPlace) -> usize {
    let banner = board.alert().map(|m| (&m.network, &m.id));
    board
        .messages
        .iter()
        .filter(|m| banner != Some((&m.network, &m.id)))
        .filter(|m| m.network.is_empty() || m.network == place.network)
        .filter(|m| {
            (m.lines.is_empty() && m.stops.is_empty())
                || place.lines.iter().any(|l| m.lines.contains(&l.line.number))
                || place.stop_ids.iter().any(|s| m.stops.contains(s))
        })
        .count()
}

/// The messages to show: the most severe first, then those about the lines
/// on screen, then by id; only those about the lines on screen (or the
/// whole network) unless `all`.
pub fn ordered<'a>(
    messages: &'a [Message],
    on_screen: &[(String, String)],
    all: bool,
) -> Vec<&'a Message> {
    let mut list: Vec<&Message> = messages
        .iter()
        .filter(|m| all || on_screen.is_empty() || concerns(m, on_screen))
        .collect();
    // Ids compare as numbers when they are ("9" before "10").
    list.sort_by(|a, b| {
        (std::cmp::Reverse(a.severity), !concerns(a, on_screen))
            .cmp(&(std::cmp::Reverse(b.severity), !concerns(b, on_screen)))
            .then_with(|| (a.id.len(), &a.id).cmp(&(b.id.len(), &b.id)))
    });
    list
}

/// A message as text lines of at most `width` cells: a heading, then the
/// laid-out text (or the title alone when there is no text).
pub fn message_text(message: &Message, width: usize) -> (String, Vec<String>) {
    let lines = if message.lines.is_empty() {
        crate::i18n::t("whole_network").to_string()
    } else {
        message.lines.join(", ")
    };
    let heading = format!(
        "[{}] {lines} — {}",
        severity_label(message.severity),
        message.title
    );
    let mut body = crate::html::to_lines(&message.body_html, width);
    if !message.url.is_empty() && !body.iter().any(|l| l.contains(&message.url)) {
        body.push(format!("→ {}", message.url));
    }
    (heading, body)
}

/// The plain text of `quai info`.
pub fn text(messages: &[Message], width: usize) -> String {
    if messages.is_empty() {
        return format!("{}\n", crate::i18n::t("no_traffic_info"));
    }
    let mut out = String::new();
    for m in ordered(messages, &[], true) {
        let (heading, body) = message_text(m, width.saturating_sub(3));
        out.push_str(&heading);
        out.push('\n');
        for line in body {
            if line.is_empty() {
                out.push('\n');
            } else {
                out.push_str(&format!("   {line}\n"));
            }
        }
        out.push('\n');
    }
    out
}

/// The lines of the pane's content at `width`: the message opened, or
/// the list.
fn content<'a>(
    messages: &[Message],
    on_screen: &[ScreenLine],
    pane: &TrafficPane,
    theme: &Theme,
    width: usize,
) -> Vec<Line<'a>> {
    if let Some(m) = opened(messages, pane) {
        let mut lines = message_lines(m, on_screen, theme, width, None);
        lines.pop();
        return lines;
    }
    list_content(messages, on_screen, pane, theme, width).0
}

/// How far the content scrolls with `inner_h` lines shown: to its end, and
/// in the list until the last message is at the top (Enter opens it).
fn scroll_limit(
    messages: &[Message],
    on_screen: &[ScreenLine],
    pane: &TrafficPane,
    width: usize,
    inner_h: usize,
) -> usize {
    let theme = Theme::new(super::theme::Palette::NoColor);
    if opened(messages, pane).is_some() {
        let lines = content(messages, on_screen, pane, &theme, width).len();
        return lines.saturating_sub(inner_h);
    }
    let (lines, starts) = list_content(messages, on_screen, pane, &theme, width);
    let last = starts.last().map_or(0, |(at, _)| *at);
    lines.len().saturating_sub(inner_h).max(last)
}

/// The message opened, if it is still there.
fn opened<'a>(messages: &'a [Message], pane: &TrafficPane) -> Option<&'a Message> {
    let (id, _) = pane.open.as_ref()?;
    messages.iter().find(|m| &m.id == id)
}

/// The list's lines at `width`, and where each message starts (line, id).
fn list_content<'a>(
    messages: &[Message],
    on_screen: &[ScreenLine],
    pane: &TrafficPane,
    theme: &Theme,
    width: usize,
) -> (Vec<Line<'a>>, Vec<(usize, String)>) {
    let numbers: Vec<(String, String)> = on_screen
        .iter()
        .map(|(n, l)| (n.clone(), l.number.clone()))
        .collect();
    let list = ordered(messages, &numbers, pane.all);
    let hidden = messages.len() - list.len();
    let mut lines: Vec<Line> = Vec::new();
    let mut starts = Vec::new();
    if list.is_empty() {
        lines.push(Line::styled(
            crate::i18n::t("no_traffic_info_shown"),
            theme.dim(),
        ));
    }
    // The message at the top is the one Enter opens: marked.
    let top = pane.scroll;
    let mut marked = false;
    for (i, m) in list.iter().enumerate() {
        let start = lines.len();
        starts.push((start, m.id.clone()));
        let ends_after_top = i + 1 == list.len() || {
            let next = start + message_lines(m, on_screen, theme, width, Some(false)).len();
            next > top
        };
        let mark = !marked && ends_after_top;
        marked |= mark;
        // One message alone needs no mark.
        let mark = (list.len() > 1).then_some(mark);
        lines.extend(message_lines(m, on_screen, theme, width, mark));
    }
    if hidden > 0 && !pane.all {
        lines.push(Line::styled(
            crate::i18n::tf("other_messages", &[("n", &hidden.to_string())]),
            theme.dim(),
        ));
    }
    (lines, starts)
}

/// One message's lines, wrapped at `width`, ending with a blank line;
/// `mark`: whether it is the one Enter opens (`None`: opened alone).
fn message_lines<'a>(
    m: &Message,
    on_screen: &[ScreenLine],
    theme: &Theme,
    width: usize,
    mark: Option<bool>,
) -> Vec<Line<'a>> {
    let mut lines: Vec<Line> = Vec::new();
    {
        let mut heading: Vec<Span> = Vec::new();
        match mark {
            Some(true) => heading.push(Span::styled("▸ ", theme.heading())),
            Some(false) => heading.push(Span::raw("  ")),
            None => {}
        }
        for number in &m.lines {
            let line = on_screen
                .iter()
                .find(|(n, l)| &l.number == number && (m.network.is_empty() || *n == m.network))
                .map(|(_, l)| l);
            heading.push(Span::styled(
                format!(" {number} "),
                theme.badge(
                    line.and_then(|l| l.background),
                    line.and_then(|l| l.foreground),
                ),
            ));
            heading.push(Span::raw(" "));
        }
        let style = match m.severity {
            Severity::Interrupted => theme.alert(),
            Severity::Ongoing => theme.stale(),
            _ => theme.dim(),
        };
        heading.push(Span::styled(
            format!(" {} ", severity_label(m.severity)),
            style,
        ));
        lines.push(Line::from(heading));
        // The title whole, however long (an alert may be all title).
        for part in wrap(&m.title, width) {
            lines.push(Line::styled(part, theme.heading()));
        }
        let (_, body) = message_text(m, width.saturating_sub(2));
        lines.extend(body.into_iter().map(|l| Line::raw(format!("  {l}"))));
        lines.push(Line::raw(""));
    }
    lines
}

/// How far the pane can scroll in `area`: its text less what fits.
pub fn max_scroll(
    messages: &[Message],
    on_screen: &[ScreenLine],
    pane: &TrafficPane,
    area: Rect,
) -> usize {
    let width = area.width.saturating_sub(4) as usize;
    scroll_limit(
        messages,
        on_screen,
        pane,
        width,
        area.height.saturating_sub(2) as usize,
    )
}

/// Draws the pane (a scroll beyond the text shows its end).
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    messages: &[Message],
    on_screen: &[ScreenLine],
    pane: &TrafficPane,
    theme: &Theme,
) {
    let width = area.width.saturating_sub(4) as usize;
    let inner_h = area.height.saturating_sub(2) as usize;
    let scroll = pane
        .scroll
        .min(scroll_limit(messages, on_screen, pane, width, inner_h));
    let pane = &TrafficPane {
        scroll,
        ..pane.clone()
    };
    let lines = content(messages, on_screen, pane, theme, width);
    let more = lines.len() > scroll + inner_h;
    let (shown, other) = if pane.all {
        ("traffic_all", "traffic_shown")
    } else {
        ("traffic_shown", "traffic_see_all")
    };
    let heading = if opened(messages, pane).is_some() {
        crate::i18n::t("traffic_message_title").to_string()
    } else {
        crate::i18n::tf(
            "traffic_title",
            &[
                ("shown", crate::i18n::t(shown)),
                ("other", crate::i18n::t(other)),
            ],
        )
    };
    // The key that closes always kept, then "↓ suite", the pane's name,
    // the other keys left out whole from the last.
    let below = more.then(|| {
        crate::i18n::t("more_below")
            .trim_start_matches([' ', '·'])
            .trim()
    });
    let room = usize::from(area.width.saturating_sub(4));
    let title = format!(" {} ", crate::ui::text::title(&heading, below, room));
    let block = Block::default().borders(Borders::ALL).title(title);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(
            lines
                .into_iter()
                .skip(scroll)
                .take(inner_h)
                .collect::<Vec<_>>(),
        )
        .block(block),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::theme::Palette;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn message(id: i64, severity: Severity, lines: &[&str]) -> Message {
        Message {
            network: String::new(),
            id: id.to_string(),
            title: format!("message {id}"),
            body_html: format!("<p>texte <b>{id}</b></p><ul><li>un</li><li>deux</li></ul>"),
            url: String::new(),
            severity,
            lines: lines.iter().map(|l| l.to_string()).collect(),
            stops: vec![],
            alert: false,
        }
    }

    fn sample() -> Vec<Message> {
        vec![
            message(1, Severity::Information, &["L3"]),
            message(2, Severity::Planned, &["58"]),
            message(3, Severity::Interrupted, &["T2"]),
            message(4, Severity::Ongoing, &["L3"]),
            message(5, Severity::Interrupted, &["L3"]),
            message(6, Severity::Information, &[]),
        ]
    }

    #[test]
    fn a_message_is_about_its_own_network_s_lines() {
        let mut ginko = message(1, Severity::Interrupted, &["T2"]);
        ginko.network = "ginko".into();
        let mut idfm = message(2, Severity::Ongoing, &["T2"]);
        idfm.network = "idfm".into();
        let messages = vec![ginko, idfm];
        let ids = |list: Vec<&Message>| list.iter().map(|m| m.id.clone()).collect::<Vec<_>>();
        let on_screen = vec![("idfm".to_string(), "T2".to_string())];
        assert_eq!(ids(ordered(&messages, &on_screen, false)), ["2"]);
        assert_eq!(ids(ordered(&messages, &on_screen, true)), ["1", "2"]);
    }

    #[test]
    fn the_most_severe_first_then_the_lines_on_screen() {
        let messages = sample();
        let ids = |list: Vec<&Message>| {
            list.iter()
                .map(|m| m.id.parse::<i64>().unwrap())
                .collect::<Vec<_>>()
        };
        let on_screen = vec![(String::new(), "L3".to_string())];
        assert_eq!(ids(ordered(&messages, &on_screen, false)), [5, 4, 1, 6]);
        assert_eq!(
            ids(ordered(&messages, &on_screen, true)),
            [5, 3, 4, 2, 1, 6]
        );
        assert_eq!(ids(ordered(&messages, &[], false)), [3, 5, 4, 2, 6, 1]);
    }

    #[test]
    fn the_pane_shows_badges_texts_and_scrolls() {
        let messages = sample();
        let l3 = LineRef {
            id: "3".into(),
            number: "L3".into(),
            background: crate::domain::Rgb::parse_hex("006AB3"),
            foreground: crate::domain::Rgb::parse_hex("FFFFFF"),
            mode: None,
        };
        let render = |pane: TrafficPane| {
            let mut terminal = Terminal::new(TestBackend::new(60, 20)).unwrap();
            terminal
                .draw(|f| {
                    draw(
                        f,
                        f.area(),
                        &messages,
                        &[(String::new(), l3.clone())],
                        &pane,
                        &Theme::new(Palette::TrueColor),
                    )
                })
                .unwrap();
            let buffer = terminal.backend().buffer().clone();
            let text = crate::ui::departures::tests::screen(&buffer).join("\n");
            (buffer, text)
        };
        let (buffer, text) = render(TrafficPane::default());
        assert!(text.contains("message 5"), "{text}");
        assert!(text.contains("* un"), "{text}");
        assert!(!text.contains("message 3"), "{text}");
        assert!(text.contains(" L3 "));
        // The badge keeps the line's colour.
        assert!(
            buffer
                .content()
                .iter()
                .any(|c| c.bg == ratatui::style::Color::Rgb(0, 0x6a, 0xb3))
        );
        let (_, all) = render(TrafficPane {
            all: true,
            ..TrafficPane::default()
        });
        assert!(all.contains("message 3"), "{all}");
        let (_, scrolled) = render(TrafficPane {
            all: true,
            scroll: 8,
            open: None,
        });
        assert!(!scrolled.contains("message 5"), "{scrolled}");
        // The end of the text is as far as it scrolls.
        let area = Rect::new(0, 0, 60, 20);
        let all = TrafficPane {
            all: true,
            ..TrafficPane::default()
        };
        let end = max_scroll(&messages, &[(String::new(), l3.clone())], &all, area);
        assert!(end > 0, "more text than the pane holds");
        let (_, at_end) = render(TrafficPane {
            scroll: end,
            ..all.clone()
        });
        let (_, beyond) = render(TrafficPane {
            scroll: end + 50,
            ..all
        });
        assert_eq!(at_end, beyond);
        assert!(
            scrolled.contains("message 4") || scrolled.contains("message 2"),
            "{scrolled}"
        );
    }

    /// The words of `text`, for comparing wrapped text with the original.
    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

    fn contains_words(haystack: &[String], needle: &[String]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    /// BART's recorded agency-wide alert (../shared/reference/samples,
    /// read as of its header time): not in the banner, the place's heading
    /// says it exists; `i` shows it whole at any width, scrolls, and Enter
    /// opens it alone, whole.
    #[test]
    fn a_real_agency_wide_alert_is_seen_read_whole_and_opened() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/reference/samples/gtfs-rt/bart-alerts.pb");
        let Ok(body) = std::fs::read(&path) else {
            eprintln!("skipped: {} is absent (../shared)", path.display());
            return;
        };
        let feed = crate::network::gtfsrt::feed::decode("alerts", &body).unwrap();
        let at = feed.header.as_ref().and_then(|h| h.timestamp).unwrap();
        let at = jiff::Timestamp::from_second(i64::try_from(at).unwrap()).unwrap();
        let messages = crate::network::gtfsrt::alerts::messages(&feed, None, "en", at);
        assert_eq!(messages.len(), 1);
        let alert = &messages[0];
        assert!(
            alert
                .title
                .contains("Montgomery station is currently closed")
        );
        // On a board: not in the banner, said in the place's heading.
        let line = crate::domain::BoardLine {
            line: LineRef::plain("01", "Yellow"),
            kind: None,
            outbound: true,
            destination: "SFO".into(),
            via: String::new(),
        };
        let place = crate::model::ResolvedPlace {
            network: "bart".into(),
            network_name: "BART".into(),
            problem: None,
            walk: None,
            query: "montgomery".into(),
            label: None,
            name: "Montgomery St.".into(),
            stop_ids: vec!["MONT".into()],
            lines: vec![line.clone()],
            to: None,
        };
        let mut board = crate::model::Board::new(vec![place]);
        board.messages = messages.clone();
        assert!(board.alert().is_none(), "not in the banner");
        let view = crate::ui::view::build(&board, at);
        assert_eq!(view.places[0].messages, 1);
        let state = crate::ui::departures::PaneState {
            title: "quai · BART",
            selected: None,
            help: false,
            theme: Theme::new(Palette::TrueColor),
            nb: 2,
            attribution: "",
            notice: None,
            warning: None,
            capabilities: crate::network::Capabilities::default(),
            back_to: None,
        };
        for (width, height) in [(120, 35), (80, 24), (40, 12)] {
            let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
            terminal
                .draw(|f| crate::ui::departures::draw(f, &view, &state))
                .unwrap();
            let board_text =
                crate::ui::departures::tests::screen(terminal.backend().buffer()).join("\n");
            assert!(board_text.contains("ⓘ 1 message"), "{board_text}");
        }
        // In `i`, at every size, scrolled through: the title whole.
        let title = words(&alert.title);
        let on_screen = vec![(String::new(), line.line.clone())];
        // The pane's inner lines, drawn in its box on a screen.
        let render = |pane: &TrafficPane, screen: Rect, area: Rect| {
            let mut terminal =
                Terminal::new(TestBackend::new(screen.width, screen.height)).unwrap();
            terminal
                .draw(|f| {
                    draw(
                        f,
                        area,
                        &messages,
                        &on_screen,
                        pane,
                        &Theme::new(Palette::TrueColor),
                    )
                })
                .unwrap();
            let buffer = terminal.backend().buffer();
            (area.y + 1..area.bottom() - 1)
                .map(|y| {
                    (area.x + 1..area.right() - 1)
                        .map(|x| buffer[(x, y)].symbol().to_string())
                        .collect::<String>()
                        .trim()
                        .to_string()
                })
                .collect::<Vec<_>>()
        };
        for (width, height) in [(120, 35), (80, 24), (40, 12)] {
            let screen = Rect::new(0, 0, width, height);
            let area = crate::app::panes::box_area(screen);
            let mut pane = TrafficPane::default();
            let max = max_scroll(&messages, &on_screen, &pane, area);
            let mut seen: Vec<String> = Vec::new();
            for scroll in 0..=max {
                pane.scroll = scroll;
                let inner = render(&pane, screen, area);
                if scroll == 0 {
                    seen.extend(inner);
                } else if let Some(last) = inner.last() {
                    seen.push(last.clone());
                }
            }
            let text = words(&seen.join(" "));
            assert!(contains_words(&text, &title), "{width}×{height}: {seen:#?}");
            // Enter opens it alone, whole (scrolled through).
            pane.scroll = 0;
            assert!(pane.open_top(&messages, &on_screen, area.width as usize - 4));
            assert_eq!(
                pane.open.as_ref().map(|(id, _)| id.as_str()),
                Some(alert.id.as_str())
            );
            let max = max_scroll(&messages, &on_screen, &pane, area);
            let mut seen: Vec<String> = Vec::new();
            for scroll in 0..=max {
                pane.scroll = scroll;
                let inner = render(&pane, screen, area);
                if scroll == 0 {
                    seen.extend(inner);
                } else if let Some(last) = inner.last() {
                    seen.push(last.clone());
                }
            }
            let text = words(&seen.join(" "));
            assert!(
                contains_words(&text, &title),
                "opened {width}×{height}: {seen:#?}"
            );
            assert!(pane.close_message() && pane.open.is_none());
        }
    }

    #[test]
    fn info_text_lists_every_message() {
        let text = text(&sample(), 60);
        let first = text.lines().next().unwrap();
        assert_eq!(first, "[interruption] T2 — message 3");
        assert!(text.contains("[information] réseau — message 6"));
        assert!(text.contains("   * deux"));
        assert_eq!(
            super::text(&[], 60),
            "Aucune information trafic en cours.\n"
        );
    }
}
