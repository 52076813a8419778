//! The command line in the rider's language, through the binary: `--help`,
//! the command-line errors and the commands' messages follow the settings'
//! `language`, else the locale, else French.

use std::path::Path;
use std::process::Output;

mod support;

fn quai(home: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = support::quai_command(home, None);
    for (name, value) in env {
        cmd.env(name, value);
    }
    cmd.args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const ENGLISH: &[(&str, &str)] = &[("LANG", "en_GB.UTF-8")];

#[test]
fn help_is_in_french_by_default_and_in_english_under_an_english_locale() {
    let h = support::home("cli-language", "help");
    let fr = quai(&h, &[], &["--help"]);
    assert!(fr.status.success());
    let text = stdout(&fr);
    for words in [
        "Tableau des départs en direct",
        "Utilisation : quai [OPTIONS] [COMMANDE]",
        "Commandes :",
        "Affiche l'aide",
        "Pour essayer sans clé : quai demo",
    ] {
        assert!(text.contains(words), "{words:?} in:\n{text}");
    }
    assert!(
        !text.contains("Print help"),
        "no clap English left:\n{text}"
    );

    let en = quai(&h, ENGLISH, &["--help"]);
    let text = stdout(&en);
    for words in [
        "Live departure board",
        "Usage: quai [OPTIONS] [COMMAND]",
        "Commands:",
        "Print help",
    ] {
        assert!(text.contains(words), "{words:?} in:\n{text}");
    }

    // A command's own options, defaults written in the language, and the
    // options of every command apart.
    let board = stdout(&quai(&h, &[], &["board", "--help"]));
    assert!(
        board.contains("Utilisation : quai board [OPTIONS] <LIEU>..."),
        "{board}"
    );
    assert!(
        board.contains("Départs par ligne et direction (1 à 5) [défaut : 2]"),
        "{board}"
    );
    assert!(
        board.contains("Options de toutes les commandes :"),
        "{board}"
    );
    assert!(!board.contains("[default:"), "{board}");
    let board = stdout(&quai(&h, ENGLISH, &["board", "--help"]));
    assert!(
        board.contains("Departures per line and direction (1 to 5) [default: 2]"),
        "{board}"
    );
    assert!(board.contains("Global options:"), "{board}");
}

#[test]
fn the_settings_language_wins_over_the_locale_on_the_demo_too() {
    let h = support::home("cli-language", "settings");
    let settings = h.join("quai.toml");
    std::fs::write(&settings, "language = \"en\"\n").unwrap();
    let path = settings.to_str().unwrap();
    let fr_locale = &[("LANG", "fr_FR.UTF-8")];
    let o = quai(&h, fr_locale, &["--config", path, "fav", "--help"]);
    assert!(stdout(&o).contains("Favourite places"), "{}", stdout(&o));
    let o = quai(
        &h,
        &[("LANG", "fr_FR.UTF-8"), ("QUAI_CONFIG", path)],
        &["stops", "-h"],
    );
    assert!(stdout(&o).contains("Finds stops by name"), "{}", stdout(&o));
    // The demo reads the settings' language, and nothing else of them.
    let o = quai(&h, fr_locale, &["--config", path, "--demo", "stops", "-h"]);
    assert!(stdout(&o).contains("Finds stops by name"), "{}", stdout(&o));
    let o = quai(&h, &[("QUAI_CONFIG", path)], &["demo", "--once"]);
    assert!(stdout(&o).contains("updated"), "{}", stdout(&o));
    assert!(!stdout(&o).contains("mis à jour"), "{}", stdout(&o));
}

#[test]
fn command_line_errors_are_in_the_language_with_a_suggestion_and_exit_2() {
    let h = support::home("cli-language", "errors");
    let o = quai(&h, &[], &["board", "--nbr", "3", "crous"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("erreur : argument inattendu « --nbr »"),
        "{err}"
    );
    assert!(
        err.contains("astuce : vouliez-vous dire « --nb » ?"),
        "{err}"
    );
    assert!(err.contains("Utilisation : quai board"), "{err}");
    assert!(
        err.contains("Pour en savoir plus, essayez « --help »."),
        "{err}"
    );

    let o = quai(&h, ENGLISH, &["board", "--nbr", "3", "crous"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("error: unexpected argument '--nbr'"), "{err}");
    assert!(err.contains("tip: did you mean '--nb'?"), "{err}");

    let o = quai(&h, &[], &["board", "x", "--nb", "1", "--nb", "2"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("l'argument « --nb <NB> » ne peut être donné qu'une fois"),
        "{}",
        stderr(&o)
    );
    let o = quai(&h, &[], &["bord"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("commande inconnue « bord »"),
        "{}",
        stderr(&o)
    );
    let o = quai(&h, &[], &["board", "--walk", "500", "crous"]);
    assert!(
        stderr(&o)
            .contains("valeur « 500 » refusée pour « --walk <MIN> » : ce n'est pas entre 0 et 120"),
        "{}",
        stderr(&o)
    );
    let o = quai(&h, ENGLISH, &["kiosk", "--large-digits", "huge"]);
    let err = stderr(&o);
    assert!(
        err.contains("invalid value 'huge' for '--large-digits"),
        "{err}"
    );
    assert!(
        err.contains("possible values: auto, always, never"),
        "{err}"
    );
    let o = quai(&h, &[], &["api"]);
    assert!(
        stderr(&o).contains("il manque ces arguments obligatoires : <MÉTHODE>"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_commands_messages_follow_the_language() {
    let h = support::home("cli-language", "messages");
    let o = quai(&h, &[], &["--demo", "fav", "rm", "tombouctou"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("n'est pas un favori"), "{}", stderr(&o));
    let o = quai(&h, ENGLISH, &["--demo", "fav", "rm", "tombouctou"]);
    assert!(stderr(&o).contains("is not a favourite"), "{}", stderr(&o));
    let o = quai(&h, ENGLISH, &["--demo", "stops", "--near", "north pole"]);
    assert!(
        stderr(&o).contains("is not a position LAT,LON"),
        "{}",
        stderr(&o)
    );
    let o = quai(&h, &[], &["--demo", "stops", "--near", "north pole"]);
    assert!(
        stderr(&o).contains("n'est pas une position LAT,LON"),
        "{}",
        stderr(&o)
    );
    // No key: the Ginko key's explanation, in the language.
    let o = quai(&h, ENGLISH, &["board", "crous", "--once"]);
    assert!(stderr(&o).contains("no Ginko API key"), "{}", stderr(&o));
    // It names the settings file where the key goes.
    assert!(
        stderr(&o).contains("(settings file: ") && stderr(&o).contains("config.toml)"),
        "{}",
        stderr(&o)
    );
    let o = quai(&h, &[], &["board", "crous", "--once"]);
    assert!(
        stderr(&o).contains("pas de clé de l'API Ginko"),
        "{}",
        stderr(&o)
    );
    // The manual page is in the language too.
    let man = stdout(&quai(&h, ENGLISH, &["man"]));
    assert!(man.contains("Live departure board"), "{man}");
    let man = stdout(&quai(&h, &[], &["man"]));
    assert!(man.contains("Tableau des départs"), "{man}");
}

/// The timetable's board (`--offline`) names its source in the rider's
/// language, once for every network it reads (it said "horaires
/// théoriques (GTFS)" three times, in French under an English locale).
#[test]
fn the_timetables_source_is_said_once_in_the_language() {
    let h = support::home("cli-language", "offline");
    let args = [
        "--demo",
        "board",
        "Gare Viotte",
        "--offline",
        "--once",
        "--at",
        "08:00",
    ];
    for (env, words) in [
        (ENGLISH, "scheduled times (GTFS)"),
        (&[][..], "horaires théoriques (GTFS)"),
    ] {
        let out = quai(&h, env, &args);
        assert!(out.status.success(), "{}", stderr(&out));
        let text = stdout(&out);
        assert_eq!(text.matches(words).count(), 1, "{words:?} once in:\n{text}");
    }
}

/// QUAI_AT sets the program's clock for any command; one that cannot be
/// read is a command-line error (exit status 2) that names it.
#[test]
fn quai_at_sets_the_clock_and_a_bad_one_is_refused() {
    let h = support::home("cli-language", "quai-at");
    let args = ["--demo", "board", "Gare Viotte", "--once"];
    let out = quai(&h, &[("QUAI_AT", "08:00")], &args);
    assert!(out.status.success(), "{}", stderr(&out));
    let first = stdout(&out).lines().next().unwrap_or_default().to_string();
    assert!(first.ends_with("· 08:00:00"), "{first}");
    let out = quai(&h, &[("QUAI_AT", "demain")], &args);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("QUAI_AT"), "{}", stderr(&out));
}
