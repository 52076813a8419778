//! The fares: `quai tarifs` and the `t` pane of the board.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::departures::{fit, wrap};
use super::theme::Theme;
use crate::domain::{Fare, FareKind};

/// "1,60 €"
pub fn price_text(price: Option<f64>) -> String {
    match price {
        Some(p) if p.is_finite() && p >= 0.0 => format!("{p:.2} €").replace('.', ","),
        _ => crate::i18n::t("price_not_given").into(),
    }
}

fn group_name(kind: FareKind) -> &'static str {
    match kind {
        FareKind::Single => crate::i18n::t("fares_single"),
        FareKind::Monthly => crate::i18n::t("fares_monthly"),
        FareKind::Yearly => crate::i18n::t("fares_yearly"),
        FareKind::Other => crate::i18n::t("fares_other"),
    }
}

/// The fares as lines of at most `width` cells: by kind (tickets, monthly,
/// yearly, others), each with its price, what it gives and where to buy it.
/// Headings are returned with `true`.
pub fn lines(fares: &[Fare], width: usize) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    if fares.is_empty() {
        out.push((crate::i18n::t("no_fares").to_string(), false));
        return out;
    }
    for kind in [
        FareKind::Single,
        FareKind::Monthly,
        FareKind::Yearly,
        FareKind::Other,
    ] {
        let group: Vec<&Fare> = fares.iter().filter(|f| f.kind == kind).collect();
        if group.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push((String::new(), false));
        }
        out.push((group_name(kind).to_string(), true));
        for fare in group {
            let price = price_text(fare.price_eur);
            let name_w = width.saturating_sub(price.width() + 3);
            let name = fit(&fare.name, name_w);
            let dots = width.saturating_sub(name.width() + price.width() + 2);
            out.push((format!("  {name}{}{price}", " ".repeat(dots)), false));
            let mut texts = vec![fare.description.clone()];
            if !fare.where_to_buy.is_empty() {
                texts.push(crate::i18n::tf(
                    "where_to_buy",
                    &[("where", &fare.where_to_buy)],
                ));
            }
            for text in texts {
                for l in wrap(&text, width.saturating_sub(4)) {
                    out.push((format!("    {l}"), false));
                }
            }
        }
    }
    out
}

/// The plain text of `quai tarifs`.
pub fn text(fares: &[Fare], width: usize) -> String {
    let mut out = String::new();
    for (line, _) in lines(fares, width) {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The pane's state: the fares once loaded, and the scroll.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaresPane {
    /// `None` while loading; `Err` says why there are none.
    pub fares: Option<Result<Vec<Fare>, String>>,
    pub scroll: usize,
}

/// How far the pane can scroll in `area`: its text less what fits.
pub fn max_scroll(pane: &FaresPane, area: Rect) -> usize {
    let theme = Theme::new(super::theme::Palette::NoColor);
    let lines = content(pane, &theme, area.width.saturating_sub(4) as usize).len();
    lines.saturating_sub(area.height.saturating_sub(2) as usize)
}

/// The fares' lines at `width`, or what is said while there are none.
pub fn content<'a>(pane: &FaresPane, theme: &Theme, width: usize) -> Vec<Line<'a>> {
    match &pane.fares {
        None => vec![Line::styled(crate::i18n::t("fares_loading"), theme.dim())],
        Some(Err(e)) => vec![Line::styled(
            crate::i18n::tf("fares_unavailable", &[("why", e)]),
            theme.stale(),
        )],
        Some(Ok(fares)) => lines(fares, width)
            .into_iter()
            .map(|(l, heading)| {
                if heading {
                    Line::styled(l, theme.heading())
                } else {
                    Line::raw(l)
                }
            })
            .collect(),
    }
}

/// Draws the pane (a scroll beyond the text shows its end).
pub fn draw(frame: &mut Frame, area: Rect, pane: &FaresPane, theme: &Theme) {
    let content = content(pane, theme, area.width.saturating_sub(4) as usize);
    let inner_h = area.height.saturating_sub(2) as usize;
    let scroll = pane.scroll.min(content.len().saturating_sub(inner_h));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(
            content
                .into_iter()
                .skip(scroll)
                .take(inner_h)
                .collect::<Vec<_>>(),
        )
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" {} ", crate::i18n::t("fares_title"))),
        ),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fare(kind: FareKind, name: &str, price: Option<f64>) -> Fare {
        Fare {
            kind,
            name: name.into(),
            description: "Voyages illimités pendant un mois calendaire.".into(),
            where_to_buy: "Agence commerciale".into(),
            price_eur: price,
        }
    }

    #[test]
    fn fares_by_kind_with_prices_aligned() {
        let fares = vec![
            fare(FareKind::Monthly, "Abonnement mensuel", Some(38.5)),
            fare(FareKind::Single, "Ticket 1 voyage", Some(1.6)),
            fare(FareKind::Other, "Ticket groupe", None),
        ];
        let text = text(&fares, 50);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "Tickets");
        assert!(
            lines[1].starts_with("  Ticket 1 voyage") && lines[1].ends_with("1,60 €"),
            "{text}"
        );
        assert_eq!(lines[1].width(), 50, "{text}");
        assert!(text.contains("où l'acheter : Agence commerciale"));
        let monthly = text.find("Abonnements mensuels").unwrap();
        assert!(text.find("Tickets").unwrap() < monthly);
        assert!(text.contains("prix non communiqué"));
        assert_eq!(price_text(Some(f64::NAN)), "prix non communiqué");
        assert_eq!(super::text(&[], 50), "Aucun tarif publié.\n");
    }

    #[test]
    fn the_pane_loads_shows_and_scrolls() {
        use ratatui::Terminal;
        use ratatui::backend::TestBackend;
        let render = |pane: &FaresPane| {
            let mut terminal = Terminal::new(TestBackend::new(60, 8)).unwrap();
            terminal
                .draw(|f| {
                    draw(
                        f,
                        f.area(),
                        pane,
                        &Theme::new(crate::ui::theme::Palette::Ansi16),
                    )
                })
                .unwrap();
            crate::ui::departures::tests::screen(terminal.backend().buffer()).join("\n")
        };
        assert!(render(&FaresPane::default()).contains("Chargement des tarifs"));
        let failed = FaresPane {
            fares: Some(Err("HTTP 503".into())),
            scroll: 0,
        };
        assert!(render(&failed).contains("Tarifs indisponibles : HTTP 503"));
        let fares: Vec<Fare> = (1..=6)
            .map(|i| fare(FareKind::Single, &format!("Ticket {i}"), Some(f64::from(i))))
            .collect();
        let top = render(&FaresPane {
            fares: Some(Ok(fares.clone())),
            scroll: 0,
        });
        assert!(top.contains("Tickets") && top.contains("Ticket 1"), "{top}");
        let scrolled = render(&FaresPane {
            fares: Some(Ok(fares)),
            scroll: 100,
        });
        assert!(
            scrolled.contains("Ticket 6") && !scrolled.contains("Ticket 1 "),
            "{scrolled}"
        );
    }
}
