//! A row's detail (Enter): the next departure's vehicle, its equipment and
//! live state, the crowding advice and the linked traffic message; and the
//! day's crowding forecast at the place (`c`), a bar by quarter hour.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::departures::{fit, wrap};
use super::theme::Theme;
use super::view::{CallView, CellView};
use crate::destination::ArrivalOrigin;
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
    /// The row in the board: its place's index and the row's there.
    pub at: Option<(usize, usize)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DetailsPane {
    pub row: RowInfo,
    /// `None` while loading or without a vehicle number.
    pub vehicle: Option<Result<Vehicle, String>>,
    pub live: Option<Result<VehicleLive, String>>,
    /// The message linked by `idInfoTrafic`.
    pub message: Option<Message>,
    /// The trip's next stops: `None` while loading or not asked.
    pub calls: Option<Result<Vec<CallView>, String>>,
    /// How many lines the pane is scrolled down.
    pub scroll: usize,
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

/// The detail's lines at `width`: the heading, the next departure and
/// its trip's next stops, the station's lifts, the vehicle and its state
/// now, and the linked message.
pub fn details_lines<'a>(pane: &DetailsPane, theme: &Theme, width: usize) -> Vec<Line<'a>> {
    let mut lines = vec![heading(&pane.row, theme), Line::raw("")];
    let Some(next) = &pane.row.next else {
        lines.push(Line::styled(
            format!("{}.", crate::i18n::t("no_departure")),
            theme.dim(),
        ));
        return lines;
    };
    departure_lines(&mut lines, next, theme, width);
    calls_lines(&mut lines, pane.calls.as_ref(), theme, width);
    lines.push(Line::raw(""));
    lift_lines(&mut lines, &pane.row, theme, width);
    vehicle_lines(&mut lines, pane, next, theme);
    if let Some(Ok(live)) = &pane.live {
        live_lines(&mut lines, live, width);
    }
    if let Some(m) = &pane.message {
        lines.push(Line::raw(""));
        let (title, body) = super::traffic::message_text(m, width.saturating_sub(2));
        lines.push(Line::styled(fit(&title, width), theme.notice()));
        lines.extend(body.into_iter().map(|l| Line::raw(format!("  {l}"))));
    }
    lines
}

/// When the next departure leaves, what else is said of it, its crowding
/// and whether a wheelchair can board.
fn departure_lines(lines: &mut Vec<Line<'_>>, next: &CellView, theme: &Theme, width: usize) {
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
        for l in wrap(crate::i18n::t("not_wheelchair_accessible"), width) {
            lines.push(Line::styled(l, theme.notice()));
        }
    }
}

/// The station's lifts, when the network says them.
fn lift_lines(lines: &mut Vec<Line<'_>>, row: &RowInfo, theme: &Theme, width: usize) {
    if row.lifts.is_empty() && row.lifts_note.is_none() {
        return;
    }
    lines.push(Line::styled(
        crate::i18n::t("station_lifts"),
        theme.heading(),
    ));
    if let Some(note) = &row.lifts_note
        && row.lifts.is_empty()
    {
        lines.push(Line::styled(format!("  {note}"), theme.notice()));
    }
    for lift in &row.lifts {
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

/// The vehicle's number and equipment, or why they are not there.
fn vehicle_lines(lines: &mut Vec<Line<'_>>, pane: &DetailsPane, next: &CellView, theme: &Theme) {
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
            for line in equipment(v) {
                if !line.is_empty() {
                    lines.push(Line::raw(format!("  {line}")));
                }
            }
        }
    }
}

/// A vehicle's equipment on two lines: only what the network says (a
/// network that does not report it leaves these out).
fn equipment(v: &Vehicle) -> [String; 2] {
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
    [
        said(&[
            ("vehicle_accessible", accessible),
            ("vehicle_air_conditioning", yes_no(v.air_conditioning)),
            ("vehicle_usb", yes_no(v.usb_sockets)),
        ]),
        said(&[
            ("vehicle_audio", yes_no(v.audio_announcements)),
            ("vehicle_visual", yes_no(v.visual_announcements)),
            ("vehicle_energy", energy),
        ]),
    ]
}

/// The vehicle right now: on board, its load, where it is.
fn live_lines(lines: &mut Vec<Line<'_>>, live: &VehicleLive, width: usize) {
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

/// The trip's next stops in order, each time marked live, estimated
/// ("≈") or theoretical, and what the marks mean.
///
/// ```text
/// Arrêts suivants
///   08:42  Chamars
/// ≈ 08:47  Battant
///   08:52  Gare Viotte  théor.
/// ≈ estimé · théor. horaire théorique
/// ```
fn calls_lines(
    lines: &mut Vec<Line<'_>>,
    calls: Option<&Result<Vec<CallView>, String>>,
    theme: &Theme,
    width: usize,
) {
    let calls = match calls {
        None => return,
        Some(Err(why)) => {
            lines.push(Line::raw(""));
            for l in wrap(why, width) {
                lines.push(Line::styled(l, theme.dim()));
            }
            return;
        }
        Some(Ok(calls)) if calls.is_empty() => {
            lines.push(Line::raw(""));
            for l in wrap(crate::i18n::t("calls_none"), width) {
                lines.push(Line::styled(l, theme.dim()));
            }
            return;
        }
        Some(Ok(calls)) => calls,
    };
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        crate::i18n::t("calls_heading"),
        theme.heading(),
    ));
    let theoretical = crate::i18n::t("theoretical_short");
    for call in calls {
        let time = call
            .time
            .at
            .to_zoned(call.time.zone.clone())
            .strftime("%H:%M");
        let (mark, style) = match call.origin {
            ArrivalOrigin::Live => (" ", Style::default()),
            ArrivalOrigin::Estimated => (crate::i18n::t("dest_estimated"), Style::default()),
            ArrivalOrigin::Timetable => (" ", theme.dim()),
        };
        let suffix = if call.origin == ArrivalOrigin::Timetable {
            format!("  {theoretical}")
        } else {
            String::new()
        };
        let room = width.saturating_sub(9 + suffix.chars().count());
        let text = format!(
            "{mark} {time}  {}{suffix}",
            fit(&call.stop, room).trim_end()
        );
        lines.push(Line::styled(text, style));
    }
    let mut legend = Vec::new();
    if calls.iter().any(|c| c.origin == ArrivalOrigin::Live) {
        legend.push(crate::i18n::t("calls_live"));
    }
    if calls.iter().any(|c| c.origin == ArrivalOrigin::Estimated) {
        legend.push(crate::i18n::t("calls_estimated"));
    }
    if calls.iter().any(|c| c.origin == ArrivalOrigin::Timetable) {
        legend.push(crate::i18n::t("calls_theoretical"));
    }
    for l in wrap(&legend.join(" · "), width) {
        lines.push(Line::styled(l, theme.dim()));
    }
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

/// The forecast's lines at `width`: what is known, the bars, the current
/// quarter, the hours and the legend.
pub fn forecast_lines<'a>(pane: &ForecastPane, theme: &Theme, width: usize) -> Vec<Line<'a>> {
    let mut lines = vec![heading(&pane.row, theme), Line::raw("")];
    let quarters = match forecast_known(&pane.forecast, theme) {
        Ok(quarters) => quarters,
        Err(said) => {
            lines.push(said);
            return lines;
        }
    };
    let per_column = quarters.len().div_ceil(width.max(1)).max(1);
    let columns: Vec<&[CrowdForecast]> = quarters.chunks(per_column).collect();
    let bars: Vec<(u32, CrowdLevel)> = columns.iter().map(|c| bar(c)).collect();
    lines.extend(bar_rows(&bars, theme));
    lines.push(Line::styled(
        now_line(&columns, &pane.now, width),
        theme.heading(),
    ));
    lines.push(Line::styled(hours_line(&columns), theme.dim()));
    lines.push(Line::raw(""));
    lines.push(forecast_legend(per_column, width, theme));
    lines
}

/// The quarters to draw, or the line that says why there are none.
fn forecast_known<'a, 'b>(
    forecast: &'a Option<Result<Vec<CrowdForecast>, String>>,
    theme: &Theme,
) -> Result<&'a [CrowdForecast], Line<'b>> {
    let quarters = match forecast {
        None => {
            return Err(Line::styled(
                crate::i18n::t("forecast_loading"),
                theme.dim(),
            ));
        }
        Some(Err(e)) => {
            return Err(Line::styled(
                crate::i18n::tf("forecast_unavailable", &[("why", e)]),
                theme.stale(),
            ));
        }
        Some(Ok(q)) => q,
    };
    if quarters.is_empty() {
        return Err(Line::raw(crate::i18n::t("forecast_none")));
    }
    if quarters
        .iter()
        .all(|q| q.level == CrowdLevel::NotAllowed || q.load == Load::NotAllowed)
    {
        return Err(Line::raw(crate::i18n::t("forecast_not_allowed")));
    }
    Ok(quarters)
}

/// A column's height in eighths of a cell over three cells (0..=24), and
/// its level (the worst of its quarters).
fn bar(qs: &[CrowdForecast]) -> (u32, CrowdLevel) {
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
}

/// The bars' three rows of cells, the top one first.
fn bar_rows<'a>(bars: &[(u32, CrowdLevel)], theme: &Theme) -> Vec<Line<'a>> {
    const BLOCKS: [&str; 9] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];
    let console = theme.glyphs == super::theme::Glyphs::CONSOLE;
    (0..3u32)
        .rev()
        .map(|row| {
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
                        CrowdLevel::Low | CrowdLevel::Moderate | CrowdLevel::High => {
                            theme.crowd(level)
                        }
                        _ => theme.dim(),
                    };
                    Span::styled(block, style)
                })
                .collect();
            Line::from(spans)
        })
        .collect()
}

/// The marker under the current quarter's column (empty when the day
/// shown does not hold `now`).
fn now_line(columns: &[&[CrowdForecast]], now: &str, width: usize) -> String {
    let at = minutes(now);
    let current = columns.iter().position(|qs| {
        qs.iter()
            .any(|q| match (minutes(&q.start), minutes(&q.end), at) {
                (Some(s), Some(e), Some(n)) => s <= n && n < e.max(s + 1),
                _ => false,
            })
    });
    match current {
        Some(c) => now_marker(c, &crate::i18n::tf("now_at", &[("time", now)]), width),
        None => String::new(),
    }
}

/// The hours ("6h  7h  8h") under the columns that start them, none
/// written over another.
fn hours_line(columns: &[&[CrowdForecast]]) -> String {
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
    hours.into_iter().collect::<String>().trim_end().to_string()
}

/// The levels' colours, then how long a column is when it fits whole.
fn forecast_legend<'a>(per_column: usize, width: usize, theme: &Theme) -> Line<'a> {
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
    Line::from(legend)
}

/// How far a box of `height` rows holding `lines` lines scrolls.
pub fn max_scroll(lines: usize, height: u16) -> usize {
    lines.saturating_sub(usize::from(height.saturating_sub(2)))
}

/// A box over `area` holding `lines`, scrolled down by `scroll` lines;
/// its bottom edge says when there is more below ("↓") or above ("↑").
pub fn draw(frame: &mut Frame, area: Rect, title: &str, lines: Vec<Line>, scroll: usize) {
    frame.render_widget(Clear, area);
    let max = max_scroll(lines.len(), area.height);
    let more = match (scroll > 0, scroll < max) {
        (true, true) => " ↑↓ ",
        (false, true) => " ↓ ",
        (true, false) => " ↑ ",
        (false, false) => "",
    };
    let scroll = u16::try_from(scroll).unwrap_or(u16::MAX);
    // Parts left out whole from the least important, the key that closes
    // kept (never "Échap ferm…").
    let room = usize::from(area.width.saturating_sub(4));
    let title = format!(" {} ", crate::ui::text::title(title.trim(), None, room));
    let mut block = Block::default().borders(Borders::ALL).title(title);
    if !more.is_empty() {
        block = block.title_bottom(Line::from(more).right_aligned());
    }
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)).block(block), area);
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
            at: None,
        }
    }

    fn cell() -> CellView {
        CellView {
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
        row.next = Some(cell());
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
            calls: None,
            scroll: 0,
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

    /// Narrow (40×12): the long notes wrap whole instead of being cut
    /// ("Stop or vehicle not wheelchair accessi").
    #[test]
    fn long_notes_wrap_in_a_narrow_pane() {
        let mut next = cell();
        next.not_accessible = true;
        let mut pane = DetailsPane {
            row: row(),
            vehicle: None,
            live: None,
            message: None,
            calls: Some(Ok(Vec::new())),
            scroll: 0,
        };
        pane.row.next = Some(next);
        let width = 20;
        let t = text(&details_lines(&pane, &Theme::new(Palette::Ansi16), width));
        for words in [
            crate::i18n::t("not_wheelchair_accessible"),
            crate::i18n::t("calls_none"),
        ] {
            // From the note's first line on, every word, each line within
            // the width.
            let first = words.split(' ').next().unwrap_or_default();
            let at = t
                .iter()
                .position(|l| l.starts_with(first))
                .unwrap_or_else(|| panic!("{words:?} in {t:#?}"));
            let count = words.split(' ').count();
            let shown: Vec<&str> = t[at..]
                .iter()
                .inspect(|l| assert!(l.chars().count() <= width, "{l:?} in {t:#?}"))
                .flat_map(|l| l.split_whitespace())
                .take(count)
                .collect();
            assert_eq!(shown.join(" "), words, "{t:#?}");
        }
    }

    #[test]
    fn the_next_stops_are_listed_in_order_each_marked() {
        let mut pane = DetailsPane {
            row: row(),
            vehicle: None,
            live: None,
            message: None,
            calls: None,
            scroll: 0,
        };
        // No departure: nothing of its stops.
        let t = text(&details_lines(&pane, &Theme::new(Palette::Ansi16), 40)).join("\n");
        assert!(!t.contains("Arrêts suivants"), "{t}");
        pane.row.next = Some(cell());
        let zone = jiff::tz::TimeZone::get("Europe/Paris").unwrap();
        let at = |hhmm: &str| crate::ui::view::LocalTime {
            at: jiff::civil::date(2026, 12, 1)
                .at(hhmm[..2].parse().unwrap(), hhmm[3..].parse().unwrap(), 0, 0)
                .to_zoned(zone.clone())
                .unwrap()
                .timestamp(),
            zone: zone.clone(),
        };
        let call = |stop: &str, hhmm: &str, origin| CallView {
            stop: stop.into(),
            time: at(hhmm),
            origin,
        };
        pane.calls = Some(Ok(vec![
            call("Chamars", "08:42", ArrivalOrigin::Live),
            call("Battant", "08:47", ArrivalOrigin::Estimated),
            call(
                "Gare Viotte, le terminus au nom très long",
                "08:52",
                ArrivalOrigin::Timetable,
            ),
        ]));
        let lines = details_lines(&pane, &Theme::new(Palette::Ansi16), 38);
        let t = text(&lines);
        let at = t
            .iter()
            .position(|l| l == "Arrêts suivants")
            .expect("heading");
        assert_eq!(t[at + 1], "  08:42  Chamars", "{t:#?}");
        assert_eq!(t[at + 2], "≈ 08:47  Battant", "{t:#?}");
        assert!(t[at + 3].starts_with("  08:52  Gare Viotte"), "{t:#?}");
        assert!(t[at + 3].ends_with("  théor."), "{t:#?}");
        assert!(t[at + 3].chars().count() <= 38, "{t:#?}");
        // What the marks mean, wrapped at the width.
        assert_eq!(
            t[at + 4..at + 6].join(" "),
            "temps réel · ≈ estimé · théor. : horaire théorique",
            "{t:#?}"
        );
        // Still loading: nothing said yet; a network without timetable
        // says so.
        pane.calls = Some(Err(crate::i18n::t("calls_unavailable").into()));
        let t = text(&details_lines(&pane, &Theme::new(Palette::Ansi16), 120)).join("\n");
        assert!(t.contains("quai timetable update"), "{t}");
        pane.calls = Some(Ok(vec![]));
        let t = text(&details_lines(&pane, &Theme::new(Palette::Ansi16), 120)).join("\n");
        assert!(t.contains("inconnus pour ce départ"), "{t}");
    }
}
