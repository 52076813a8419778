//! The settings' values written as text: quiet hours ("01:00-05:00"),
//! the kiosk's quit key ("q", "esc", "F10") and a position ("LAT,LON"),
//! each parsed with an error that quotes it.

use serde::Deserialize;

use crate::i18n::tf;

/// A daily span of time, "01:00-05:00"; it may cross midnight
/// ("23:30-05:30").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    /// Minutes after midnight.
    pub start: u16,
    pub end: u16,
}

impl QuietHours {
    pub(crate) fn parse(text: &str) -> Result<QuietHours, String> {
        let bad = || tf("cfg_not_a_span", &[("text", text)]);
        let minutes = |t: &str| -> Result<u16, String> {
            let (h, m) = t.trim().split_once(':').ok_or_else(bad)?;
            let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
            if h > 24 || m > 59 || (h == 24 && m > 0) {
                return Err(bad());
            }
            Ok(h * 60 + m)
        };
        let (start, end) = text.split_once('-').ok_or_else(bad)?;
        let (start, end) = (minutes(start)?, minutes(end)?);
        if start == end {
            return Err(tf("cfg_empty_span", &[("text", text)]));
        }
        Ok(QuietHours { start, end })
    }

    /// Whether the time of day is inside the span (start included, end not).
    pub(crate) fn contains(&self, time: jiff::civil::Time) -> bool {
        let t =
            u16::from(time.hour().unsigned_abs()) * 60 + u16::from(time.minute().unsigned_abs());
        if self.start < self.end {
            (self.start..self.end).contains(&t)
        } else {
            t >= self.start || t < self.end
        }
    }
}

impl<'de> Deserialize<'de> for QuietHours {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        QuietHours::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// What the kiosk shows during quiet hours.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuietScreen {
    /// Nothing at all.
    #[default]
    Dark,
    /// A small dim clock that moves about the screen.
    Clock,
}

/// A key that quits the kiosk: one character ("q"), "esc" or "F1".."F12".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuitKey(pub ratatui::crossterm::event::KeyCode);

impl QuitKey {
    pub(crate) fn parse(text: &str) -> Result<QuitKey, String> {
        use ratatui::crossterm::event::KeyCode;
        let lower = text.trim().to_lowercase();
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() => return Ok(QuitKey(KeyCode::Char(c))),
            _ => {}
        }
        if matches!(lower.as_str(), "esc" | "escape") {
            return Ok(QuitKey(KeyCode::Esc));
        }
        if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok())
            && (1..=12).contains(&n)
        {
            return Ok(QuitKey(KeyCode::F(n)));
        }
        Err(tf("cfg_not_a_key", &[("text", text)]))
    }
}

impl<'de> Deserialize<'de> for QuitKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        QuitKey::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Parses "LAT,LON" (decimal degrees).
pub(crate) fn parse_position(text: &str) -> Result<crate::domain::Position, String> {
    let bad = || tf("cfg_not_a_position", &[("text", text)]);
    let (lat, lon) = text.split_once(',').ok_or_else(bad)?;
    let (lat, lon): (f64, f64) = (
        lat.trim().parse().map_err(|_| bad())?,
        lon.trim().parse().map_err(|_| bad())?,
    );
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(bad());
    }
    Ok(crate::domain::Position { lat, lon })
}

/// `home = "LAT,LON"`: a value that is not a position is an error, with
/// its line, like any other bad setting.
pub(super) fn home_position<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<crate::domain::Position>, D::Error> {
    let text = String::deserialize(d)?;
    parse_position(&text)
        .map(Some)
        .map_err(serde::de::Error::custom)
}
