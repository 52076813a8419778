//! A row's detail (Enter): the next departure's vehicle, its equipment and
//! live state, the crowding advice and the linked traffic message; and the
//! day's crowding forecast at the place (`c`), a bar by quarter hour.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::departures::{fit, wrap};
use super::theme::Theme;
use super::view::CellView;
use crate::domain::{
    Accessibility, CrowdForecast, CrowdLevel, Energy, LineRef, Load, Message, Vehicle, VehicleLive,
};
use crate::model::Gauge;

/// The row a pane is about.
#[derive(Debug, Clone, PartialEq)]
pub struct RowInfo {
    /// The place's network.
    pub network: String,
    /// The place's lifts, and what its heading says of them.
    pub lifts: Vec<crate::domain::Lift>,
    pub lifts_note: Option<String>,
    pub place: String,
    pub stop_id: String,
    pub line: LineRef,
    pub outbound: bool,
    pub destination: String,
    /// The next departure, if any.
    pub next: Option<CellView>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DetailsPane {
    pub row: RowInfo,
    /// `None` while loading or without a vehicle number.
    pub vehicle: Option<Result<Vehicle, String>>,
    pub live: Option<Result<VehicleLive, String>>,
    /// The message linked by `idInfoTrafic`.
    pub message: Option<Message>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ForecastPane {
    pub row: RowInfo,
    pub forecast: Option<Result<Vec<CrowdForecast>, String>>,
    /// The time of day now, "HH:MM" (Europe/Paris).
    pub now: String,
}

fn yes_no(v: Option<bool>) -> Option<&'static str> {
    v.map(|v| crate::i18n::t(if v { "yes" } else { "no" }))
}

fn level_text(level: CrowdLevel) -> &'static str {
    crate::model::crowd_word(level)
}

fn heading<'a>(row: &RowInfo, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(
            format!(" {} ", row.line.number),
            theme.badge(row.line.background, row.line.foreground),
        ),
        Span::styled(
            format!(" {} — {}", row.destination, row.place),
            theme.heading(),
        ),
    ])
}

/// The detail's lines at `width`.
pub fn details_lines<'a>(pane: &DetailsPane, theme: &Theme, width: usize) -> Vec<Line<'a>> {
    let mut lines = vec![heading(&pane.row, theme), Line::raw("")];
    let Some(next) = &pane.row.next else {
        lines.push(Line::styled(
            format!("{}.", crate::i18n::t("no_departure")),
            theme.dim(),
        ));
        return lines;
    };
    let when = match next.shown {
        crate::model::TimeShown::NotLocated(_) => format!(
            "{} ({})",
            next.shown.text(),
            crate::i18n::t("details_not_located")
        ),
        crate::model::TimeShown::Theoretical(ref t) => crate::i18n::tf(
            "details_theoretical",
            &[("time", t), ("mark", crate::model::theoretical())],
        ),
        ref shown => shown.text().to_string(),
    };
    lines.push(Line::raw(crate::i18n::tf(
        "next_departure",
        &[("when", &when)],
    )));
    let mut facts = Vec::new();
    if let Some(minutes) = next.delay_minutes {
        facts.push(crate::i18n::tf("late_by", &[("n", &minutes.to_string())]));
    }
    if let Some(platform) = &next.platform {
        facts.push(crate::i18n::tf("platform", &[("p", platform)]));
    }
    if let Some(mission) = &next.mission {
        facts.push(crate::i18n::tf("mission", &[("m", mission)]));
    }
    if next.status == crate::domain::Status::Added {
        facts.push(crate::i18n::t("added_trip").to_string());
    }
    if !facts.is_empty() {
        lines.push(Line::raw(format!("  {}", facts.join(" · "))));
    }
    if let Gauge::Bar(filled, level) = next.gauge {
        lines.push(Line::from(vec![
            Span::raw(crate::i18n::t("crowding_label")),
            Span::styled(theme.glyphs.gauge(filled), theme.crowd(level)),
            Span::raw(format!(" {}", level_text(level))),
        ]));
    }
    for text in [&next.crowding_text, &next.crowding_advice] {
        for l in wrap(text, width.saturating_sub(2)) {
            lines.push(Line::raw(format!("  {l}")));
        }
    }
    if next.not_accessible {
        lines.push(Line::styled(
            crate::i18n::t("not_wheelchair_accessible"),
            theme.notice(),
        ));
    }
    lines.push(Line::raw(""));
    if !pane.row.lifts.is_empty() || pane.row.lifts_note.is_some() {
        lines.push(Line::styled(
            crate::i18n::t("station_lifts"),
            theme.heading(),
        ));
        if let Some(note) = &pane.row.lifts_note
            && pane.row.lifts.is_empty()
        {
            lines.push(Line::styled(format!("  {note}"), theme.notice()));
        }
        for lift in &pane.row.lifts {
            let style = match lift.state {
                crate::domain::LiftState::Available => theme.dim(),
                _ => theme.notice(),
            };
            for l in wrap(&crate::ui::view::lift_line(lift), width.saturating_sub(4)) {
                lines.push(Line::styled(format!("  {l}"), style));
            }
        }
        lines.push(Line::raw(""));
    }
    match (&next.vehicle, &pane.vehicle) {
        (None, _) if !pane.row.lifts.is_empty() => {}
        (None, _) => lines.push(Line::styled(
            crate::i18n::t("vehicle_not_given"),
            theme.dim(),
        )),
        (Some(n), None) => lines.push(Line::styled(
            crate::i18n::tf("vehicle_loading", &[("n", n)]),
            theme.dim(),
        )),
        (Some(n), Some(Err(e))) => lines.push(Line::styled(
            crate::i18n::tf("vehicle_unavailable", &[("n", n), ("why", e)]),
            theme.dim(),
        )),
        (Some(n), Some(Ok(v))) => {
            let kind = if v.kind.is_empty() {
                String::new()
            } else {
                format!(" ({})", v.kind)
            };
            lines.push(Line::styled(
                format!("{}{kind}", crate::i18n::tf("vehicle_number", &[("n", n)])),
                theme.heading(),
            ));
            // Only what the network says: a network that does not report
            // a vehicle's equipment leaves these lines out.
            let accessible = match v.accessibility {
                Accessibility::Accessible => Some(crate::i18n::t("yes")),
                Accessibility::NotAccessible => Some(crate::i18n::t("no")),
                Accessibility::Unknown => None,
            };
            let energy = match v.energy {
                Energy::Diesel => Some(crate::i18n::t("energy_diesel")),
                Energy::NaturalGas => Some(crate::i18n::t("energy_gas")),
                Energy::Hybrid => Some(crate::i18n::t("energy_hybrid")),
                Energy::Electric => Some(crate::i18n::t("energy_electric")),
                Energy::Unknown => None,
            };
            let said = |facts: &[(&str, Option<&str>)]| {
                facts
                    .iter()
                    .filter_map(|(key, v)| v.map(|v| crate::i18n::tf(key, &[("v", v)])))
                    .collect::<Vec<_>>()
                    .join(" · ")
            };
            let equipment = said(&[
                ("vehicle_accessible", accessible),
                ("vehicle_air_conditioning", yes_no(v.air_conditioning)),
                ("vehicle_usb", yes_no(v.usb_sockets)),
            ]);
            let announcements = said(&[
                ("vehicle_audio", yes_no(v.audio_announcements)),
                ("vehicle_visual", yes_no(v.visual_announcements)),
                ("vehicle_energy", energy),
            ]);
            for line in [equipment, announcements] {
                if !line.is_empty() {
                    lines.push(Line::raw(format!("  {line}")));
                }
            }
        }
    }
    if let Some(Ok(live)) = &pane.live {
        let mut parts = Vec::new();
        if let Some(n) = live.passengers {
            parts.push(crate::i18n::tf("passengers", &[("n", &n.to_string())]));
        }
        if let Load::Percent(p) = live.load {
            parts.push(crate::i18n::tf("load_percent", &[("p", &p.to_string())]));
        }
        if !matches!(live.crowding, CrowdLevel::Unknown | CrowdLevel::NotAllowed) {
            parts.push(crate::i18n::tf(
                "crowding_level",
                &[("level", level_text(live.crowding))],
            ));
        }
        if !live.position_text.is_empty() {
            parts.push(live.position_text.clone());
        }
        if !parts.is_empty() {
            let text = crate::i18n::tf("right_now", &[("what", &parts.join(" · "))]);
            for l in wrap(&text, width.saturating_sub(2)) {
                lines.push(Line::raw(format!("  {l}")));
            }
        }
    }
    if let Some(m) = &pane.message {
        lines.push(Line::raw(""));
        let (title, body) = super::traffic::message_text(m, width.saturating_sub(2));
        lines.push(Line::styled(fit(&title, width), theme.notice()));
        lines.extend(body.into_iter().map(|l| Line::raw(format!("  {l}"))));
    }
    lines
}

/// Minutes after midnight of "HH:MM".
fn minutes(hhmm: &str) -> Option<u32> {
    let (h, m) = hhmm.trim().split_once(':')?;
    Some(h.parse::<u32>().ok()? * 60 + m.get(..2).unwrap_or(m).parse::<u32>().ok()?)
}

/// The forecast's lines at `width`: a bar per quarter hour (two when the
/// screen is narrow), coloured by level, the current quarter marked.
/// "▲  maintenant (21:20)" under column `c`: the label on the marker's
/// right, or on its left when it would pass `width`, or left out when
/// there is room on neither side.
fn now_marker(c: usize, label: &str, width: usize) -> String {
    let label_w = label.chars().count();
    if c + 1 + 2 + label_w <= width {
        format!("{}▲  {label}", " ".repeat(c))
    } else if c >= label_w + 2 {
        format!("{}{label}  ▲", " ".repeat(c - label_w - 2))
    } else {
        format!("{}▲", " ".repeat(c))
    }
}

pub fn forecast_lines<'a>(pane: &ForecastPane, theme: &Theme, width: usize) -> Vec<Line<'a>> {
    let mut lines = vec![heading(&pane.row, theme), Line::raw("")];
    let quarters = match &pane.forecast {
        None => {
            lines.push(Line::styled(
                crate::i18n::t("forecast_loading"),
                theme.dim(),
            ));
            return lines;
        }
        Some(Err(e)) => {
            lines.push(Line::styled(
                crate::i18n::tf("forecast_unavailable", &[("why", e)]),
                theme.stale(),
            ));
            return lines;
        }
        Some(Ok(q)) => q,
    };
    if quarters.is_empty() {
        lines.push(Line::raw(crate::i18n::t("forecast_none")));
        return lines;
    }
    if quarters
        .iter()
        .all(|q| q.level == CrowdLevel::NotAllowed || q.load == Load::NotAllowed)
    {
        lines.push(Line::raw(crate::i18n::t("forecast_not_allowed")));
        return lines;
    }
    let per_column = quarters.len().div_ceil(width.max(1)).max(1);
    let columns: Vec<&[CrowdForecast]> = quarters.chunks(per_column).collect();
    // A column's height in eighths of a cell over three cells (0..=24), and
    // its level (the worst of its quarters).
    let bar = |qs: &[CrowdForecast]| -> (u32, CrowdLevel) {
        let rank = |l: &CrowdLevel| match l {
            CrowdLevel::High => 3,
            CrowdLevel::Moderate => 2,
            CrowdLevel::Low => 1,
            _ => 0,
        };
        let level = qs
            .iter()
            .map(|q| q.level)
            .max_by_key(rank)
            .unwrap_or(CrowdLevel::Unknown);
        let height = qs
            .iter()
            .map(|q| match (q.load, q.level) {
                (Load::Percent(p), _) => (u32::from(p.min(100)) * 24).div_ceil(100),
                (_, level) => rank(&level) * 8,
            })
            .max()
            .unwrap_or(0);
        (height, level)
    };
    let bars: Vec<(u32, CrowdLevel)> = columns.iter().map(|c| bar(c)).collect();
    const BLOCKS: [&str; 9] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];
    let console = theme.glyphs == super::theme::Glyphs::CONSOLE;
    for row in (0..3u32).rev() {
        let spans: Vec<Span> = bars
            .iter()
            .map(|&(h, level)| {
                let part = h.saturating_sub(row * 8).min(8) as usize;
                // The console fonts have the half and full blocks only.
                let block = match (console, part) {
                    (false, p) => BLOCKS[p],
                    (true, 0..=1) => " ",
                    (true, 2..=5) => "▄",
                    (true, _) => "█",
                };
                let style = match level {
                    CrowdLevel::Low | CrowdLevel::Moderate | CrowdLevel::High => theme.crowd(level),
                    _ => theme.dim(),
                };
                Span::styled(block, style)
            })
            .collect();
        lines.push(Line::from(spans));
    }
    // The current quarter, then the hours.
    let now = minutes(&pane.now);
    let current = columns.iter().position(|qs| {
        qs.iter()
            .any(|q| match (minutes(&q.start), minutes(&q.end), now) {
                (Some(s), Some(e), Some(n)) => s <= n && n < e.max(s + 1),
                _ => false,
            })
    });
    let marker = match current {
        Some(c) => now_marker(c, &crate::i18n::tf("now_at", &[("time", &pane.now)]), width),
        None => String::new(),
    };
    lines.push(Line::styled(marker, theme.heading()));
    let mut hours = vec![' '; columns.len() + 6];
    let mut last_label_end = 0;
    for (c, qs) in columns.iter().enumerate() {
        if let Some(start) = qs.first().and_then(|q| minutes(&q.start))
            && start % 60 == 0
            && c >= last_label_end
        {
            let label = format!("{}h", start / 60);
            for (i, ch) in label.chars().enumerate() {
                if let Some(slot) = hours.get_mut(c + i) {
                    *slot = ch;
                }
            }
            last_label_end = c + label.len() + 1;
        }
    }
    lines.push(Line::styled(
        hours.into_iter().collect::<String>().trim_end().to_string(),
        theme.dim(),
    ));
    lines.push(Line::raw(""));
    // The legend, then what a column is when it fits whole.
    let column = crate::i18n::tf("one_column", &[("n", &(15 * per_column).to_string())]);
    let mut legend = vec![
        Span::raw(format!("{} ", crate::i18n::t("crowding_word"))),
        Span::styled(crate::i18n::t("crowd_low"), theme.crowd(CrowdLevel::Low)),
        Span::raw(", "),
        Span::styled(
            crate::i18n::t("crowd_moderate"),
            theme.crowd(CrowdLevel::Moderate),
        ),
        Span::raw(", "),
        Span::styled(crate::i18n::t("crowd_high"), theme.crowd(CrowdLevel::High)),
    ];
    let legend_w: usize = legend.iter().map(Span::width).sum();
    if legend_w + 3 + unicode_width::UnicodeWidthStr::width(column.as_str()) <= width {
        legend.push(Span::raw(format!(" · {column}")));
    }
    lines.push(Line::from(legend));
    lines
}

/// A box over `area` holding `lines`.
pub fn draw(frame: &mut Frame, area: Rect, title: &str, lines: Vec<Line>) {
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(title.to_string()),
        ),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::theme::Palette;

    fn row() -> RowInfo {
        RowInfo {
            network: "ginko".into(),
            lifts: Vec::new(),
            lifts_note: None,
            place: "Ile de France".into(),
            stop_id: "IDF1".into(),
            line: LineRef::plain("101", "T1"),
            outbound: true,
            destination: "Chalezeule".into(),
            next: None,
        }
    }

    fn text(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    fn quarter(start: &str, end: &str, level: CrowdLevel, load: Load) -> CrowdForecast {
        CrowdForecast {
            start: start.into(),
            end: end.into(),
            level,
            text: String::new(),
            passengers: None,
            load,
        }
    }

    #[test]
    fn the_forecast_is_a_bar_chart_with_now_marked() {
        let mut quarters = Vec::new();
        for q in 0..16 {
            let s = 6 * 60 + q * 15;
            let e = s + 15;
            let (level, load) = match q {
                0..=3 => (CrowdLevel::Low, Load::Percent(34)),
                4..=11 => (CrowdLevel::High, Load::Percent(100)),
                _ => (CrowdLevel::Moderate, Load::Percent(50)),
            };
            quarters.push(quarter(
                &format!("{:02}:{:02}", s / 60, s % 60),
                &format!("{:02}:{:02}", e / 60, e % 60),
                level,
                load,
            ));
        }
        let pane = ForecastPane {
            row: row(),
            forecast: Some(Ok(quarters)),
            now: "07:20".into(),
        };
        let lines = forecast_lines(&pane, &Theme::new(Palette::TrueColor), 60);
        let t = text(&lines);
        // Three rows of bars: the rush (quarters 4..12) reaches the top.
        assert_eq!(t[2].chars().nth(5), Some('█'), "{t:#?}");
        assert_eq!(t[2].chars().next(), Some(' '), "{t:#?}");
        assert_eq!(t[4].chars().next(), Some('█'), "{t:#?}");
        // 07:20 is the sixth quarter (07:15-07:30).
        assert_eq!(
            t[5].find('▲').map(|b| t[5][..b].chars().count()),
            Some(5),
            "{t:#?}"
        );
        assert!(t[5].contains("maintenant (07:20)"));
        // The label follows the marker, or goes left of it late in the day:
        // never past the box (114 cells inside on 120 columns).
        let day: Vec<CrowdForecast> = (0..96)
            .map(|q| {
                let (s, e) = (q * 15, q * 15 + 15);
                quarter(
                    &format!("{:02}:{:02}", s / 60, s % 60),
                    &format!("{:02}:{:02}", (e / 60) % 24, e % 60),
                    CrowdLevel::Low,
                    Load::Percent(20),
                )
            })
            .collect();
        for width in [60, 114] {
            let late = ForecastPane {
                now: "23:20".into(),
                forecast: Some(Ok(day.clone())),
                ..pane.clone()
            };
            let t = text(&forecast_lines(
                &late,
                &Theme::new(Palette::TrueColor),
                width,
            ));
            let line = t.iter().find(|l| l.contains('▲')).unwrap();
            assert!(line.contains("maintenant (23:20)"), "{line:?}");
            assert!(line.chars().count() <= width, "{line:?} ({width})");
            if width == 60 {
                assert!(line.ends_with("maintenant (23:20)  ▲"), "{line:?}");
            }
        }
        assert!(t[6].starts_with("6h  7h  8h  9h"), "{t:#?}");
        // Coloured by level.
        let rush = &lines[2].spans[5];
        assert_eq!(rush.style.fg, Some(ratatui::style::Color::Rgb(215, 40, 40)));
    }

    #[test]
    fn without_rights_it_says_so_instead_of_drawing_zeros() {
        let quarters = vec![quarter("06:00", "06:15", CrowdLevel::NotAllowed, Load::NotAllowed); 8];
        let pane = ForecastPane {
            row: row(),
            forecast: Some(Ok(quarters)),
            now: "06:05".into(),
        };
        let t = text(&forecast_lines(&pane, &Theme::new(Palette::Ansi16), 60));
        assert!(t[2].contains("pas les droits"), "{t:#?}");
        assert_eq!(t.len(), 3);
        let empty = ForecastPane {
            forecast: Some(Ok(vec![])),
            ..pane.clone()
        };
        assert!(
            text(&forecast_lines(&empty, &Theme::new(Palette::Ansi16), 60))[2]
                .contains("Pas de prévision")
        );
    }

    #[test]
    fn details_show_the_vehicle_its_state_and_the_message() {
        let mut row = row();
        row.next = Some(CellView {
            shown: crate::model::TimeShown::NotLocated("2 min".into()),
            seconds: Some(300),
            reliable: false,
            origin: crate::domain::Origin::NotLocated,
            status: crate::domain::Status::Normal,
            delay_minutes: None,
            expected: None,
            aimed: None,
            theoretical: true,
            platform: None,
            mission: None,
            gauge: Gauge::Bar(2, CrowdLevel::Moderate),
            not_accessible: false,
            vehicle: Some("812".into()),
            stop_id: "IDF1".into(),
            crowding_text: "Affluence modérée".into(),
            crowding_advice: "Le tram suivant est moins chargé".into(),
            crowding_level: CrowdLevel::Moderate,
            info_id: None,
            reachable: None,
            arrival: None,
            arrival_origin: None,
            calls: Vec::new(),
        });
        let pane = DetailsPane {
            row,
            vehicle: Some(Ok(Vehicle {
                number: "812".into(),
                kind: "Citadis".into(),
                accessibility: Accessibility::Accessible,
                air_conditioning: Some(true),
                usb_sockets: Some(false),
                audio_announcements: Some(true),
                visual_announcements: None,
                energy: Energy::Electric,
            })),
            live: Some(Ok(VehicleLive {
                number: "812".into(),
                crowding: CrowdLevel::Moderate,
                crowding_text: String::new(),
                passengers: Some(84),
                load: Load::Percent(45),
                position_text: "entre Battant et Ile de France".into(),
            })),
            message: None,
        };
        let t = text(&details_lines(&pane, &Theme::new(Palette::Ansi16), 140)).join("\n");
        assert!(
            t.contains("Prochain départ : Non localisé · ≈ 2 min (horaire théorique"),
            "{t}"
        );
        assert!(t.contains("Affluence : ▮▮▯ modérée"), "{t}");
        assert!(t.contains("Le tram suivant est moins chargé"), "{t}");
        assert!(t.contains("Véhicule n° 812 (Citadis)"), "{t}");
        assert!(t.contains("climatisation : oui · prises USB : non"), "{t}");
        assert!(
            t.contains("  annonces sonores : oui · énergie : électrique"),
            "{t}"
        );
        assert!(!t.contains('?'), "only what the network says: {t}");
        assert!(t.contains("84 passagers à bord · chargé à 45 %"), "{t}");
        assert!(t.contains("entre Battant et Ile de France"), "{t}");
    }
}
