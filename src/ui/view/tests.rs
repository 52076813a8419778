//! The view's codes, times and texts.

use super::*;
use crate::ui::departures::tests::{sample_board, t};

/// With a walk time, what cannot be caught is marked and each row says
/// when to leave, second by second as a built view would.
#[test]
fn a_walk_time_says_when_to_leave() {
    let mut board = sample_board();
    board.places[0].departures[0][1].origin = crate::domain::Origin::Located;
    let json = serde_json::to_string(&build(&board, t(0))).unwrap();
    assert!(
        !json.contains("reachable") && !json.contains("leave"),
        "{json}"
    );
    board.places[0].place.walk = Some(3);
    let view = build(&board, t(0));
    let row = &view.places[0].rows[0];
    assert_eq!(row.cells[0].reachable, Some(false), "2 min away, 3 on foot");
    assert_eq!(row.cells[1].reachable, Some(true));
    assert_eq!(row.leave.as_deref(), Some("partir dans 6 min"));
    assert_eq!(
        view.places[0].rows[1].leave, None,
        "a text is no time to leave for"
    );
    let json = serde_json::to_string(&view).unwrap();
    assert!(json.contains("\"reachable\":false") && json.contains("\"reachable\":true"));
    assert!(text(&view, "quai", "").contains("(trop tard)"));
    let mut advanced = view.clone();
    for second in 1..=400 {
        advance(&mut advanced, &board, t(second));
        assert_eq!(advanced, build(&board, t(second)), "second {second}");
    }
    let later = build(&board, t(330));
    assert_eq!(
        later.places[0].rows[0].leave.as_deref(),
        Some("partez maintenant")
    );
    let gone = build(&board, t(400));
    assert_eq!(gone.places[0].rows[0].leave, None, "nothing left to catch");
}

/// A place whose live times failed (a stale feed, an unreachable
/// server) and that shows the timetable or its old rows is `stale` in
/// `--json`, with its error's code, although the board's own refresh
/// is fresh and its status line unchanged.
#[test]
fn a_place_whose_live_times_failed_is_stale_with_a_code() {
    use crate::network::{ErrorKind, NetError};
    let fresh = build(&sample_board(), t(5));
    assert!(!fresh.stale && !fresh.stale_data && !fresh.places[0].stale);
    assert_eq!(
        (fresh.error_kind, fresh.places[0].problem_kind),
        (None, None)
    );
    for (kind, code) in [
        (ErrorKind::Stale, "stale_feed"),
        (ErrorKind::Unreachable, "unreachable"),
    ] {
        let mut board = sample_board();
        board.places[0].error = Some(NetError::new(kind, "trip updates"));
        board.places[0].timetable = true;
        let view = build(&board, t(5));
        assert!(!view.stale, "the status line is as it was");
        assert!(view.stale_data && view.places[0].stale, "{code}");
        assert_eq!(view.error_kind, Some(code));
        assert_eq!(view.places[0].problem_kind, Some(code));
        let json: serde_json::Value = serde_json::to_value(&view).unwrap();
        assert_eq!(json["stale"], true);
        assert_eq!(json["schema"], SCHEMA);
        assert_eq!(json["error_kind"], code);
        assert_eq!(json["places"][0]["stale"], true);
        assert_eq!(json["places"][0]["problem_kind"], code);
        let mut advanced = build(&sample_board(), t(5));
        advance(&mut advanced, &board, t(6));
        assert_eq!(advanced.stale_data, build(&board, t(6)).stale_data);
    }
    // A refresh that failed: the old data is stale too.
    let mut board = sample_board();
    board.fail(NetError::new(ErrorKind::Timeout, "slow"));
    let view = build(&board, t(5));
    assert!(view.stale && view.stale_data && view.places[0].stale);
    assert_eq!(view.error_kind, Some("timeout"));
}

/// A place whose fetch failed and that has nothing to show says why, never
/// also "no departures planned".
#[test]
fn a_place_whose_fetch_failed_does_not_say_no_departure() {
    use crate::network::{ErrorKind, NetError};
    let mut board = sample_board();
    for row in &mut board.places[0].departures {
        row.clear();
    }
    assert!(
        build(&board, t(5)).places[0].no_departure,
        "nothing planned"
    );
    board.places[0].error = Some(NetError::new(ErrorKind::Unreachable, "down"));
    let view = build(&board, t(5));
    assert!(!view.places[0].no_departure);
    let once = text(&view, "quai", "");
    assert!(!once.contains(crate::i18n::t("no_departure")), "{once}");
}

/// A spent quota's reset is an instant: the views built while it lasts
/// name the same hour, and `retry_at` the same instant.
#[test]
fn a_quota_reset_hour_stays_while_the_views_are_built_again() {
    use crate::network::{ErrorKind, NetError};
    let mut board = sample_board();
    let until = t(2 * 3600);
    board.fail(NetError::new(
        ErrorKind::RateLimited { until: Some(until) },
        "HTTP 429",
    ));
    let first = build(&board, t(10));
    assert_eq!(
        first.error_reason.as_deref(),
        Some("quota atteint jusqu'à 10:00")
    );
    assert_eq!(first.retry_at, Some(until.to_string()));
    assert_eq!(first.error_kind, Some("rate_limited"));
    for later in [60, 600, 1800, 3600, 6000] {
        let view = build(&board, t(later));
        assert_eq!(view.error_reason, first.error_reason, "{later} s later");
        assert_eq!(view.retry_at, first.retry_at);
        let mut advanced = first.clone();
        advance(&mut advanced, &board, t(later));
        assert_eq!(advanced, view, "{later} s later");
    }
    // The last minutes count down, advanced as built.
    let mut advanced = build(&board, t(7000));
    advance(&mut advanced, &board, t(7001));
    assert_eq!(
        advanced.error_reason.as_deref(),
        Some("quota atteint, nouvel essai dans 199 s")
    );
}

/// An added trip says so by its status; `--once` still marks it.
#[test]
fn an_added_trip_has_its_status_and_no_mission() {
    let mut board = sample_board();
    board.places[0].departures[0][0].status = Status::Added;
    let view = build(&board, t(0));
    let cell = &view.places[0].rows[0].cells[0];
    assert_eq!(cell.mission, None);
    let json = serde_json::to_value(cell).unwrap();
    assert_eq!(json["status"], "added");
    assert_eq!(json["crowding_level"], "moderate");
    assert!(text(&view, "quai", "").contains("[ajouté]"));
}

/// A view advanced second by second is the view built at each second:
/// countdowns going down to "à l'approche", an alternating text, a
/// departure not located, a text in place of the time, the data going
/// stale, and a shifted clock.
#[test]
fn an_advanced_view_is_the_view_built_anew() {
    let mut board = sample_board();
    board.places[0].departures[0][1].alternate = Some("Bus complet".into());
    let shift = jiff::SignedDuration::from_hours(2);
    let mut view = build_shifted(&board, t(0), shift);
    let mut changed = 0;
    for second in 1..400 {
        let before = view.clone();
        advance_shifted(&mut view, &board, t(second), shift);
        assert_eq!(
            view,
            build_shifted(&board, t(second), shift),
            "second {second}"
        );
        changed += usize::from(before.places != view.places);
    }
    assert!(view.stale);
    assert_eq!(view.places[0].rows[0].cells[0].shown.text(), "à l'approche");
    assert!(changed > 100, "the times moved: {changed}");
}

/// The zones are the board's own: two boards of the same places, one whose
/// clock is in Tokyo and one in Montréal, each write a Montréal place's
/// times in Montréal's zone, with its offset only where the header's clock
/// is in another zone.
#[test]
fn each_board_writes_its_places_in_their_networks_zone() {
    use crate::domain::Zones;
    let tz = |name: &str| jiff::tz::TimeZone::get(name).unwrap();
    let mut board = sample_board();
    let network = board.places[0].place.network.clone();
    board.places[0].place.network_name = "STM".into();
    let mut tokyo = Zones::new(tz("Asia/Tokyo"));
    tokyo.set(&network, tz("America/Montreal"));
    let mut montreal = Zones::new(tz("America/Montreal"));
    montreal.set(&network, tz("America/Montreal"));
    board.zones = tokyo;
    board.places[0].departures[0][0].time = crate::domain::WaitTime::At {
        expected: t(150),
        aimed: Some(t(120)),
    };
    // A mixed board names each place's network.
    let mut other = board.places[0].clone();
    other.place.network = "other".into();
    board.places.push(other);
    let mut there = board.clone();
    there.zones = montreal;
    let (here, there) = (build(&board, t(0)), build(&there, t(0)));
    let expected = |v: &BoardView, p: usize| {
        let cell = &v.places[p].rows[0].cells[0];
        serde_json::to_value(cell).unwrap()["expected"].clone()
    };
    assert_eq!(expected(&here, 0), "2026-11-23T02:02:30-05:00");
    assert_eq!(expected(&there, 0), "2026-11-23T02:02:30-05:00");
    // A network whose zone is not known is in the header's.
    assert_eq!(expected(&here, 1), "2026-11-23T16:02:30+09:00");
    assert_eq!(expected(&there, 1), "2026-11-23T02:02:30-05:00");
    assert_eq!(
        (here.clock.as_str(), there.clock.as_str()),
        ("16:00:00", "02:00:00")
    );
    let named = |v: &BoardView| v.places[0].network.clone().unwrap_or_default();
    assert_eq!(named(&here), "STM · UTC−5");
    assert_eq!(named(&there), "STM");
}
