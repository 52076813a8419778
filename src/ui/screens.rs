//! The board pane's whole screens: too small, key refused, help.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::board::{MIN_HEIGHT, MIN_WIDTH, PaneState};
use super::text::centered;
use super::view::BoardView;

pub(crate) fn draw_too_small(frame: &mut Frame, area: Rect) {
    let text = format!(
        "Terminal trop petit ({}×{}) : il faut au moins {MIN_WIDTH}×{MIN_HEIGHT}.",
        area.width, area.height
    );
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}

pub(crate) fn draw_key_refused(frame: &mut Frame, area: Rect, view: &BoardView, state: &PaneState) {
    let mut lines = vec![
        Line::styled("Clé d'API refusée", state.theme.alert()),
        Line::raw(""),
    ];
    if let Some(message) = &view.key_message {
        lines.push(Line::raw(format!("Le serveur répond : « {message} »")));
        lines.push(Line::raw(""));
    }
    lines.push(Line::raw("Que faire :"));
    if let Some(key) = view.key {
        let setting = if key.setting.is_empty() {
            String::new()
        } else {
            format!(" ou {} dans le fichier de réglages", key.setting)
        };
        lines.push(Line::raw(format!(" · vérifiez {}{setting} ;", key.env)));
        for how in key.how_to_get {
            lines.push(Line::raw(format!(" · {how} ;")));
        }
    }
    lines.extend([
        Line::raw(" · sans clé : quai demo."),
        Line::raw(""),
        Line::styled("q quitter · r réessayer", state.theme.dim()),
    ]);
    let box_area = centered(area, 76, lines.len() as u16 + 2);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL)),
        box_area,
    );
}

pub(crate) fn draw_help(frame: &mut Frame, area: Rect, state: &PaneState) {
    let g = state.theme.glyphs;
    let mut lines = vec![Line::styled("Touches", state.theme.heading())];
    for (keys, what) in super::keymap::help(state.capabilities) {
        lines.push(Line::raw(format!("  {keys:<12}{what}")));
    }
    lines.extend([
        Line::raw(""),
        Line::styled("Légende", state.theme.heading()),
        Line::raw("  Non localisé  véhicule non localisé : horaire théorique"),
        Line::raw("  7 min théor.  horaire du jour, sans temps réel"),
        Line::raw("  à l'approche  le véhicule arrive"),
        Line::raw("  17h05         heure de passage (au-delà de 59 min)"),
        Line::raw("  Supprimé      départ supprimé ; +3 : retard, v2 : voie"),
        Line::raw("  Travaux…      arrêt non desservi (Perturbations : desservi,"),
        Line::raw("                mais sans temps calculable)"),
        Line::raw(format!(
            "  {} {} {}   affluence faible, modérée, forte ; ? inconnue",
            g.gauge(1),
            g.gauge(2),
            g.gauge(3)
        )),
        Line::raw(format!(
            "  {} barré       arrêt ou véhicule non accessible",
            g.no_access
        )),
    ]);
    if state.capabilities.line_states {
        lines.push(Line::raw(format!(
            "  {} {} {} {}     ligne interrompue, perturbée, travaux prévus, info",
            g.states[0], g.states[1], g.states[2], g.states[3]
        )));
    }
    lines.extend([
        Line::raw(""),
        Line::styled(state.attribution.to_string(), state.theme.dim()),
    ]);
    let box_area = centered(area, 66, lines.len() as u16 + 2);
    frame.render_widget(Clear, box_area);
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(" Aide ")),
        box_area,
    );
}
