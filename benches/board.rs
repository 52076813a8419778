//! The costs the resource budget holds (README, "Performance"): decoding a
//! `TR/getListeTemps` answer of 200 departures, building the board snapshot
//! from it, drawing one board frame, one kiosk frame, and the stop search
//! per keystroke over 2,000 places.
//!
//!     cargo bench --bench board

use std::hint::black_box;

use divan::Bencher;
use jiff::Timestamp;
use quai::domain::{LineKind, LineRef, Rgb};
use quai::model::{Board, BoardLine, ResolvedPlace};
use quai::network::ginko::model::{FormArret, FormTempsLieu};
use quai::network::ginko::{ApiKey, Client, WaitRequest, match_answers};
use quai::network::{RowRequest, RowResult};
use quai::search::Index;
use quai::ui::departures::{PaneState, draw, draw_on};
use quai::ui::kiosk::{KioskPane, LargeDigits};
use quai::ui::memo::LineMemo;
use quai::ui::paint::Painter;
use quai::ui::theme::{Palette, Theme};
use quai::ui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::{Value, json};

fn main() {
    divan::main();
}

const PLACES: [&str; 5] = [
    "Crous Université",
    "Ile de France",
    "République",
    "Chamars",
    "Pôle Viotte",
];
/// Line-directions per place: 5 × 8 = 40, the most one request carries.
const LINES_PER_PLACE: usize = 8;
/// Departures per line-direction: 40 × 5 = 200.
const NB: usize = 5;
const LINES: [(&str, &str, &str); 8] = [
    ("101", "T1", "E3004E"),
    ("102", "T2", "6AB023"),
    ("3", "L3", "006AB3"),
    ("4", "L4", "F39200"),
    ("5", "L5", "8C1D82"),
    ("6", "L6", "00A19A"),
    ("7", "7", "E6007E"),
    ("10", "10", "95C11F"),
];

fn now() -> Timestamp {
    Timestamp::from_second(1_790_000_000).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// One departure as the v1.2 server writes it (every documented field and
/// the undocumented ones seen in real answers).
fn departure(place: usize, line: usize, rank: usize) -> Value {
    let (id, number, colour) = LINES[line];
    let seconds = 60 * (1 + rank * 6 + line + place);
    let outbound = (line + place).is_multiple_of(2);
    json!({
        "latitude": 47.24853, "longitude": 5.98644,
        "destination": format!("Destination {number} {}", if outbound { "aller" } else { "retour" }),
        "precisionDestination": "par Gare Viotte et Campus",
        "couleurTexte": "FFFFFF", "couleurFond": colour,
        "temps": format!("{} min", seconds / 60),
        "tempsHTML": format!("<span class=\"gk-temps\">{}</span> <span class=\"gk-mn\">min</span>", seconds / 60),
        "tempsHTMLEnAlternance": "", "aideDecisionAffluence": "", "texteAffluence": "",
        "tempsEnSeconde": seconds, "tempsEnMinute": -1,
        "accessibiliteArret": 1, "accessibiliteVehicule": 1,
        "modeTransport": if id.starts_with("10") { 1 } else { 0 },
        "idLigne": id, "numLignePublic": number,
        "fiable": rank % 4 != 3, "numVehicule": format!("{}", 500 + rank),
        "idInfoTrafic": 0, "idArret": format!("STOP{place}"),
        "tauxDeCharge": 20 * (rank as i64 % 5), "typeDeTemps": 0,
        "sensAller": outbound, "alternance": false, "terminus": 0,
        "affluence": (rank % 4) as i64 + 1,
    })
}

/// The body of a `TR/getListeTemps` answer with 200 departures.
fn answer_body() -> Vec<u8> {
    let objets: Vec<Value> = PLACES
        .iter()
        .enumerate()
        .map(|(p, name)| {
            let times: Vec<Value> = (0..LINES_PER_PLACE)
                .flat_map(|l| (0..NB).map(move |r| departure(p, l, r)))
                .collect();
            json!({"nomExact": name, "latitude": 47.24, "longitude": 6.02, "listeTemps": times})
        })
        .collect();
    json!({"ok": true, "objets": objets})
        .to_string()
        .into_bytes()
}

fn places() -> Vec<ResolvedPlace> {
    PLACES
        .iter()
        .enumerate()
        .map(|(p, name)| ResolvedPlace {
            network: "test".into(),
            network_name: String::new(),
            problem: None,
            walk: None,
            to: None,
            query: name.to_string(),
            label: None,
            name: name.to_string(),
            stop_ids: vec![format!("STOP{p}")],
            lines: LINES
                .iter()
                .enumerate()
                .map(|(l, (id, number, colour))| BoardLine {
                    line: LineRef {
                        background: Rgb::parse_hex(colour),
                        foreground: Rgb::parse_hex("FFFFFF"),
                        ..LineRef::plain(id, number)
                    },
                    kind: Some(if id.starts_with("10") {
                        LineKind::Tram
                    } else {
                        LineKind::Urban
                    }),
                    outbound: (l + p).is_multiple_of(2),
                    destination: format!("Destination {number}"),
                    via: String::new(),
                })
                .collect(),
        })
        .collect()
}

fn client() -> Client {
    let base = quai::network::ginko::parse_base_url("http://127.0.0.1:9/")
        .unwrap_or_else(|e| panic!("{e}"));
    Client::new(base, ApiKey::new("bench")).unwrap_or_else(|e| panic!("{e}"))
}

fn decode(client: &Client, rows: &[RowRequest], body: &[u8]) -> Vec<RowResult> {
    let requests: Vec<WaitRequest> = rows.iter().map(WaitRequest::from).collect();
    let answers: Vec<FormTempsLieu> = client
        .decode_body("TR/getListeTemps", body, "a list of {nomExact, listeTemps}")
        .unwrap_or_else(|e| panic!("{e}"));
    match_answers(&requests, &answers)
        .into_iter()
        .map(RowResult::from)
        .collect()
}

/// Bytes of the answer to 40 line-directions × 5 departures, to the
/// results matched back to the board's requests.
#[divan::bench]
fn decode_liste_temps_200(bencher: Bencher) {
    let client = client();
    let board = Board::new(places());
    let requests = board.requests();
    let body = answer_body();
    let check = decode(&client, &requests, &body);
    assert_eq!(check.iter().map(|r| r.departures.len()).sum::<usize>(), 200);
    bencher
        .counter(divan::counter::BytesCount::new(body.len()))
        .bench(|| decode(&client, &requests, black_box(&body)));
}

fn results() -> (Board, Vec<RowResult>) {
    let board = Board::new(places());
    let results = decode(&client(), &board.requests(), &answer_body());
    (board, results)
}

/// The fetched results into the board, then the view the frame draws
/// (what happens on each refresh and, the view alone, on each tick).
#[divan::bench]
fn build_board_snapshot(bencher: Bencher) {
    let (board, results) = results();
    bencher
        .with_inputs(|| (board.clone(), results.clone()))
        .bench_values(|(mut board, results)| {
            board.apply(now(), results);
            view::build(&board, now())
        });
}

/// The board's pane, true colour.
fn pane() -> PaneState<'static> {
    PaneState {
        title: "quai",
        selected: None,
        help: false,
        theme: Theme::new(Palette::TrueColor),
        nb: NB,
        attribution: "Données : réseau Ginko",
        notice: None,
        warning: None,
        capabilities: quai::network::Capabilities::default(),
        back_to: None,
    }
}

/// One whole board frame, every line laid out (the first frame, a resize),
/// into a `width`×`height` terminal buffer, diffed against the previous one
/// as ratatui does before writing to the terminal.
#[divan::bench(args = [(120, 40), (240, 67)])]
fn render_frame(bencher: Bencher, (width, height): (u16, u16)) {
    let (mut board, results) = results();
    board.apply(now(), results);
    let mut terminal =
        Terminal::new(TestBackend::new(width, height)).unwrap_or_else(|e| panic!("{e}"));
    let pane = pane();
    let mut second = 0;
    bencher.bench_local(|| {
        second += 1;
        let at = now() + jiff::SignedDuration::from_secs(second);
        let view = view::build(&board, at);
        terminal
            .draw(|frame| draw(frame, &view, &pane))
            .map(|_| ())
            .unwrap_or_else(|e| panic!("{e}"));
    });
}

/// One frame of the live board a second after the previous one, the way
/// the board's 1 Hz tick draws it: the view brought to the new second in
/// place, the frame drawn over the previous one with the line memo, and
/// only the rows not kept compared and written (what the tick costs).
#[divan::bench(args = [(120, 40), (240, 67)])]
fn render_tick(bencher: Bencher, (width, height): (u16, u16)) {
    let (mut board, results) = results();
    board.apply(now(), results);
    let mut terminal =
        Terminal::new(TestBackend::new(width, height)).unwrap_or_else(|e| panic!("{e}"));
    let mut memo = LineMemo::default();
    let mut painter = Painter::default();
    let pane = pane();
    let mut view = view::build(&board, now());
    let mut second = 0;
    bencher.bench_local(|| {
        second += 1;
        view::advance(
            &mut view,
            &board,
            now() + jiff::SignedDuration::from_secs(second),
        );
        painter
            .paint_lines(&mut terminal, false, &mut memo, |canvas| {
                draw_on(canvas, &view, &pane)
            })
            .unwrap_or_else(|e| panic!("{e}"));
    });
}

/// One frame of the kiosk a second after the previous one, the way its
/// 1 Hz tick draws it: 5 favourites of 8 line-directions, large digits,
/// pages turning every 8 s, the view brought to the new second in place
/// and the frame drawn through the painter's canvas (what the kiosk's tick
/// costs, a page turn every eighth frame).
#[divan::bench(args = [(120, 40), (240, 67)])]
fn kiosk_tick(bencher: Bencher, (width, height): (u16, u16)) {
    let (mut board, results) = results();
    board.apply(now(), results);
    let mut terminal =
        Terminal::new(TestBackend::new(width, height)).unwrap_or_else(|e| panic!("{e}"));
    let mut memo = LineMemo::default();
    let mut painter = Painter::default();
    let mut view = view::build(&board, now());
    let mut second = 0;
    bencher.bench_local(|| {
        second += 1;
        let at = now() + jiff::SignedDuration::from_secs(second);
        view::advance(&mut view, &board, at);
        let pane = KioskPane {
            title: "quai · Ginko",
            theme: Theme::new(Palette::Ansi16),
            nb: 2,
            attribution: "Données : réseau Ginko, ODbL",
            warning: None,
            problem: None,
            no_favorites: false,
            favorites_path: "",
            reload_hint: "",
            page_seconds: 8,
            large: LargeDigits::Auto,
            quiet: None,
            now_s: at.as_second(),
            pages_since_s: 0,
            date: "lundi 23 novembre",
        };
        painter
            .paint_lines(&mut terminal, false, &mut memo, |canvas| {
                quai::ui::kiosk::draw_on(canvas, &view, &pane)
            })
            .unwrap_or_else(|e| panic!("{e}"));
    });
}

const FIRST: [&str; 20] = [
    "Rue",
    "Place",
    "Avenue",
    "Chemin",
    "Route",
    "Pont",
    "Collège",
    "Lycée",
    "Gare",
    "Parc",
    "Quai",
    "Square",
    "Cité",
    "Allée",
    "Boulevard",
    "Impasse",
    "Porte",
    "Faubourg",
    "Clos",
    "Champ",
];
const SECOND: [&str; 100] = [
    "de la République",
    "Victor Hugo",
    "Pasteur",
    "des Tilleuls",
    "du Moulin",
    "de l'Église",
    "Saint-Pierre",
    "des Écoles",
    "de la Gare",
    "Jean Jaurès",
    "Louis Pasteur",
    "de Chamars",
    "des Glacis",
    "Battant",
    "de Brégille",
    "de Chaudanne",
    "de Rivotte",
    "Granvelle",
    "des Chaprais",
    "de Palente",
    "Montrapon",
    "Planoise",
    "Saint-Claude",
    "Velotte",
    "de Bregille",
    "des Vaîtes",
    "de Fontaine-Écu",
    "Micropolis",
    "Temis",
    "Hauts-du-Chazal",
    "de l'Orée",
    "des Marnières",
    "Clemenceau",
    "Foch",
    "Gambetta",
    "Carnot",
    "Proudhon",
    "Fourier",
    "Lumière",
    "Courbet",
    "Colette",
    "Voltaire",
    "Rousseau",
    "Diderot",
    "Zola",
    "Mozart",
    "Chopin",
    "Berlioz",
    "Ravel",
    "Debussy",
    "des Cerisiers",
    "des Pommiers",
    "des Chênes",
    "des Érables",
    "des Saules",
    "des Peupliers",
    "des Lilas",
    "des Roses",
    "des Vignes",
    "des Prés",
    "du Stade",
    "du Château",
    "du Fort",
    "de la Citadelle",
    "du Doubs",
    "de l'Ognon",
    "du Jura",
    "des Vosges",
    "d'Alsace",
    "de Lorraine",
    "de Bourgogne",
    "de Franche-Comté",
    "de Dole",
    "de Vesoul",
    "de Montbéliard",
    "de Pontarlier",
    "de Morteau",
    "d'Ornans",
    "de Baume",
    "de Gray",
    "de Lyon",
    "de Paris",
    "de Strasbourg",
    "de Belfort",
    "de Dijon",
    "de Genève",
    "de Lausanne",
    "de Berne",
    "de Bâle",
    "de Zurich",
    "Mermoz",
    "Blériot",
    "Saint-Exupéry",
    "Curie",
    "Einstein",
    "Newton",
    "Galilée",
    "Kepler",
    "Copernic",
    "Ampère",
];

/// 2,000 stops of distinct names, shuffled the way `DR/getArrets` lists
/// them (not sorted).
fn stops() -> Vec<FormArret> {
    let mut stops = Vec::with_capacity(FIRST.len() * SECOND.len());
    for (j, second) in SECOND.iter().enumerate() {
        for (i, first) in FIRST.iter().enumerate() {
            stops.push(FormArret {
                id: Some(format!("S{i}_{j}")),
                nom: Some(format!("{first} {second}")),
                latitude: Some(47.2 + i as f64 / 1000.0),
                longitude: Some(6.0 + j as f64 / 1000.0),
                ..FormArret::default()
            });
        }
    }
    stops
}

fn domain_stops() -> Vec<quai::domain::Stop> {
    stops().iter().map(quai::domain::Stop::from).collect()
}

/// One search as the search pane runs it on each keystroke (the 50 best).
#[divan::bench(args = ["r", "rep", "repub", "place republique", "vhugo", "zzz"])]
fn search_keystroke_2000(bencher: Bencher, query: &str) {
    let index = Index::from_stops(&domain_stops());
    assert_eq!(index.places.len(), 2000);
    bencher.bench(|| index.search(black_box(query), 50).len());
}

/// Building the index from `DR/getArrets` (once a week, from the cache).
#[divan::bench]
fn index_2000_places(bencher: Bencher) {
    let stops = domain_stops();
    bencher.bench(|| Index::from_stops(black_box(&stops)).places.len());
}
