//! The traffic information pane (`i`) and the text of `quai info`: every
//! message, the most severe first, the lines on screen first; each with its
//! lines as badges, its title and its text laid out from HTML.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::departures::fit;
use super::theme::Theme;
use crate::domain::{LineRef, Message, Severity};

/// The pane's state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrafficPane {
    /// Every message, not only those about the lines on screen.
    pub all: bool,
    /// Lines scrolled.
    pub scroll: usize,
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

/// The lines of the pane's content at `width`.
fn content<'a>(
    messages: &[Message],
    on_screen: &[ScreenLine],
    pane: &TrafficPane,
    theme: &Theme,
    width: usize,
) -> Vec<Line<'a>> {
    let numbers: Vec<(String, String)> = on_screen
        .iter()
        .map(|(n, l)| (n.clone(), l.number.clone()))
        .collect();
    let list = ordered(messages, &numbers, pane.all);
    let hidden = messages.len() - list.len();
    let mut lines: Vec<Line> = Vec::new();
    if list.is_empty() {
        lines.push(Line::styled(
            crate::i18n::t("no_traffic_info_shown"),
            theme.dim(),
        ));
    }
    for m in list {
        let mut heading: Vec<Span> = Vec::new();
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
        lines.push(Line::styled(fit(&m.title, width), theme.heading()));
        let (_, body) = message_text(m, width.saturating_sub(2));
        lines.extend(body.into_iter().map(|l| Line::raw(format!("  {l}"))));
        lines.push(Line::raw(""));
    }
    if hidden > 0 && !pane.all {
        lines.push(Line::styled(
            crate::i18n::tf("other_messages", &[("n", &hidden.to_string())]),
            theme.dim(),
        ));
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
    let theme = Theme::new(super::theme::Palette::NoColor);
    let lines = content(messages, on_screen, pane, &theme, width).len();
    lines.saturating_sub(area.height.saturating_sub(2) as usize)
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
    let lines = content(messages, on_screen, pane, theme, width);
    let inner_h = area.height.saturating_sub(2) as usize;
    let scroll = pane.scroll.min(lines.len().saturating_sub(inner_h));
    let more = lines.len() > scroll + inner_h;
    let (shown, other) = if pane.all {
        ("traffic_all", "traffic_shown")
    } else {
        ("traffic_shown", "traffic_see_all")
    };
    let title = format!(
        " {}{} ",
        crate::i18n::tf(
            "traffic_title",
            &[
                ("shown", crate::i18n::t(shown)),
                ("other", crate::i18n::t(other))
            ],
        ),
        if more {
            crate::i18n::t("more_below")
        } else {
            ""
        }
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .title(fit(&title, area.width.saturating_sub(2) as usize));
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
            scroll: 0,
        });
        assert!(all.contains("message 3"), "{all}");
        let (_, scrolled) = render(TrafficPane {
            all: true,
            scroll: 8,
        });
        assert!(!scrolled.contains("message 5"), "{scrolled}");
        // The end of the text is as far as it scrolls.
        let area = Rect::new(0, 0, 60, 20);
        let all = TrafficPane {
            all: true,
            scroll: 0,
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
