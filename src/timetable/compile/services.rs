//! Service days, from calendar.txt and calendar_dates.txt.

use super::NONE;
use super::tables::Calendars;
use crate::timetable::index;

/// Service days: a rule per service (calendar.txt) and its exceptions
/// (calendar_dates.txt), which win; no day bitmap, so a calendar to 2099
/// costs nothing.
pub struct Services {
    /// Per service: start, end, weekday mask, first exception, exceptions.
    pub rules: Vec<[u32; 5]>,
    /// (day, added), by service then day.
    pub exception_rows: Vec<[u32; 2]>,
    /// The first and last days any service runs.
    pub first_run: Option<i32>,
    pub last_run: Option<i32>,
}

impl Services {
    pub fn of(calendars: &Calendars) -> Services {
        let mut rules: Vec<[u32; 5]> = vec![[0, 0, 0, 0, 0]; calendars.ids.len()];
        for &(s, start, end, mask) in &calendars.ranges {
            if let Some(rule) = rules.get_mut(s as usize) {
                rule[0] = start as u32;
                rule[1] = end as u32;
                rule[2] = u32::from(mask);
            }
        }
        // Each service's exceptions by day; a later row for the same day wins.
        let mut exceptions: Vec<(u32, i32, usize, bool)> = calendars
            .exceptions
            .iter()
            .enumerate()
            .map(|(i, &(s, day, add))| (s, day, i, add))
            .collect();
        exceptions.sort_unstable_by_key(|e| (e.0, e.1, e.2));
        exceptions.dedup_by(|later, earlier| {
            let same = later.0 == earlier.0 && later.1 == earlier.1;
            if same {
                *earlier = *later;
            }
            same
        });
        let mut exception_rows: Vec<[u32; 2]> = Vec::with_capacity(exceptions.len());
        for (s, day, _, add) in &exceptions {
            if let Some(rule) = rules.get_mut(*s as usize) {
                if rule[4] == 0 {
                    rule[3] = u32::try_from(exception_rows.len()).unwrap_or(NONE);
                }
                rule[4] += 1;
            }
            exception_rows.push([*day as u32, u32::from(*add)]);
        }
        let mut services = Services {
            rules,
            exception_rows,
            first_run: None,
            last_run: None,
        };
        services.find_first_and_last_days();
        services
    }

    /// Whether service `s` runs on `day`.
    fn runs(&self, s: usize, day: i32) -> bool {
        let rule = self.rules[s];
        let mine = &self.exception_rows[rule[3] as usize..(rule[3] + rule[4]) as usize];
        if let Ok(at) = mine.binary_search_by_key(&day, |e| e[0] as i32) {
            return mine[at][1] == 1;
        }
        ((rule[0] as i32)..=(rule[1] as i32)).contains(&day)
            && rule[2] & (1 << index::weekday(day)) != 0
    }

    /// The first and last service days: added days, and each calendar's
    /// first and last matching days (a year at most from its ends).
    fn find_first_and_last_days(&mut self) {
        let mut first_run: Option<i32> = None;
        let mut last_run: Option<i32> = None;
        let mut note = |day: i32| {
            first_run = Some(first_run.map_or(day, |d| d.min(day)));
            last_run = Some(last_run.map_or(day, |d| d.max(day)));
        };
        for (s, &rule) in self.rules.iter().enumerate() {
            for e in &self.exception_rows[rule[3] as usize..(rule[3] + rule[4]) as usize] {
                if e[1] == 1 {
                    note(e[0] as i32);
                }
            }
            if rule[2] != 0 {
                let (start, end) = (rule[0] as i32, rule[1] as i32);
                if let Some(d) = (start..=end.min(start + 400)).find(|&d| self.runs(s, d)) {
                    note(d);
                }
                if let Some(d) = ((end - 400).max(start)..=end)
                    .rev()
                    .find(|&d| self.runs(s, d))
                {
                    note(d);
                }
            }
        }
        self.first_run = first_run;
        self.last_run = last_run;
    }
}
