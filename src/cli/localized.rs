//! The command line in the rider's language. Clap's own texts are
//! English; here every command's about, every option's help, the headings,
//! the defaults and the errors come from the catalog instead
//! (`help.<command path>.<option id>`, else `help.arg.<option id>` for an
//! option shared by several commands).
//!
//! The language must be known before the command line is read, so it is
//! taken from the settings file named by `--config` (or `QUAI_CONFIG`, or
//! the default path) and the locale, as `main` does afterwards.

use std::ffi::OsString;
use std::io::Write;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, Command, CommandFactory, FromArgMatches};

use super::Cli;
use crate::i18n::{self, t, tf};

/// What reading the command line came to.
#[derive(Debug)]
pub enum Parsed {
    /// A command to run.
    Run(Box<Cli>),
    /// The help, the version or an error was printed: exit with this code.
    Exit(u8),
}

/// Reads the command line in the rider's language: `--help` and the
/// errors are printed here.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Parsed {
    let args: Vec<OsString> = args.into_iter().collect();
    i18n::init(settings_language(&args).as_deref());
    let mut cmd = command();
    match cmd
        .try_get_matches_from_mut(&args)
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => Parsed::Run(Box::new(cli)),
        Err(e) => {
            let e = e.format(&mut cmd);
            let code = u8::try_from(e.exit_code()).unwrap_or(2);
            match e.kind() {
                ErrorKind::DisplayHelp
                | ErrorKind::DisplayVersion
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    // stdout (or stderr) may be closed: nothing to add then.
                    let _ = e.print();
                }
                _ => {
                    // stderr may be closed: nothing more to say then.
                    let _ = write!(std::io::stderr(), "{}", message(&e));
                }
            }
            Parsed::Exit(code)
        }
    }
}

/// The command-line definition with its texts in the current language
/// (also for the manual page and the completions).
pub fn command() -> Command {
    // The definitions' own texts first: clap decides when it builds the
    // command whether a long help (`--help` beside `-h`) exists.
    let mut cmd = localize(Cli::command(), "", Pass::Own);
    // Then, built, the words of what the build adds: the help and version
    // flags, the `help` command, and the global options copied into every
    // command (under their own heading there).
    cmd.build();
    localize(cmd, "", Pass::Built)
}

#[derive(Clone, Copy, PartialEq)]
enum Pass {
    Own,
    Built,
}

/// The path of command `name` under the command at `path` ("fav.add").
fn sub_path(path: &str, name: &str) -> String {
    match path {
        "" => name.to_string(),
        _ => format!("{path}.{name}"),
    }
}

/// The catalog's path of a command: `help` commands mirror the tree
/// (`fav help add` is `fav add`), and every `help` command is `help`.
fn catalog_path(path: &str) -> String {
    let parts: Vec<&str> = path.split('.').filter(|p| !p.is_empty()).collect();
    if parts.last() == Some(&"help") {
        return "help".to_string();
    }
    parts
        .into_iter()
        .filter(|p| *p != "help")
        .collect::<Vec<_>>()
        .join(".")
}

fn localize(mut cmd: Command, path: &str, pass: Pass) -> Command {
    let own = catalog_path(path);
    let key = |what: &str| match own.as_str() {
        "" => format!("help.{what}"),
        _ => format!("help.{own}.{what}"),
    };
    if let Some(about) = i18n::find(&key("about")) {
        cmd = cmd.about(about);
    }
    if let Some(long) = i18n::find(&key("long_about")) {
        cmd = cmd.long_about(long);
    }
    if let Some(after) = i18n::find(&key("after_help")) {
        cmd = cmd.after_help(after);
    }
    let template = format!(
        "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
        t("help.usage")
    );
    cmd = cmd
        .help_template(template)
        .subcommand_help_heading(t("help.heading.commands"))
        .subcommand_value_name(t("help.command_value"));
    cmd = match pass {
        Pass::Own => cmd.mut_args(|arg| localize_arg(arg, &own)),
        Pass::Built => {
            let long = cmd.get_long_about().is_some()
                || cmd.get_arguments().any(|a| a.get_long_help().is_some());
            let sub = !path.is_empty();
            cmd.mut_args(|arg| built_arg(arg, sub, long))
        }
    };
    cmd.mut_subcommands(|sub| {
        let sub_path = sub_path(path, sub.get_name());
        localize(sub, &sub_path, pass)
    })
}

/// What the build added to a command's options: the help and version
/// flags' words, and the heading of the options of every command.
fn built_arg(arg: Arg, in_subcommand: bool, long_help: bool) -> Arg {
    let every_command = t("help.heading.global");
    let help_heading = if in_subcommand {
        every_command
    } else {
        t("help.heading.options")
    };
    match arg.get_id().as_str() {
        "help" if long_help => arg
            .help(t("help.arg.help"))
            .long_help(t("help.arg.help.long"))
            .help_heading(help_heading),
        "help" => arg
            .help(t("help.arg.help_plain"))
            .long_help(None::<&str>)
            .help_heading(help_heading),
        "version" => arg
            .help(t("help.arg.version"))
            .help_heading(t("help.heading.options")),
        _ if arg.is_global_set() && in_subcommand => arg.help_heading(every_command),
        _ => arg,
    }
}

fn localize_arg(mut arg: Arg, path: &str) -> Arg {
    let id = arg.get_id().as_str().to_string();
    let find = |suffix: &str| {
        let own = (!path.is_empty())
            .then(|| i18n::find(&format!("help.{path}.{id}{suffix}")))
            .flatten();
        own.or_else(|| i18n::find(&format!("help.arg.{id}{suffix}")))
    };
    // Clap writes "[default: …]", "[env: …]" and "[possible values: …]"
    // in English: they are hidden and written here in the language.
    let mut notes = Vec::new();
    let takes_values = arg.get_action().takes_values();
    if takes_values && !arg.is_hide_possible_values_set() {
        let values: Vec<String> = arg
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_string())
            .collect();
        if !values.is_empty() {
            notes.push(tf("help.possible", &[("values", &values.join(", "))]));
            arg = arg.hide_possible_values(true);
        }
    }
    if takes_values && !arg.is_hide_default_value_set() && !arg.get_default_values().is_empty() {
        let values: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        notes.push(tf("help.default", &[("value", &values.join(", "))]));
        arg = arg.hide_default_value(true);
    }
    if let Some(env) = arg.get_env().filter(|_| !arg.is_hide_env_set()) {
        notes.push(tf("help.env", &[("name", &env.to_string_lossy())]));
        arg = arg.hide_env(true);
    }
    let with_notes = |text: &str| {
        std::iter::once(text.to_string())
            .chain(notes.iter().cloned())
            .collect::<Vec<_>>()
            .join(" ")
    };
    if let Some(help) = find("") {
        arg = arg.help(with_notes(help));
    }
    if let Some(long) = find(".long") {
        arg = arg.long_help(with_notes(long));
    }
    if let Some(names) = arg.get_value_names() {
        let names: Vec<clap::builder::Str> = names
            .iter()
            .map(|n| {
                i18n::find(&format!("help.value.{n}"))
                    .map(clap::builder::Str::from)
                    .unwrap_or_else(|| n.clone())
            })
            .collect();
        arg = arg.value_names(names);
    }
    if arg.get_help_heading().is_none() {
        // A command's own options first, then (once built) those of every
        // command.
        let heading = if arg.is_positional() {
            t("help.heading.arguments")
        } else {
            t("help.heading.options")
        };
        arg = arg.help_heading(heading);
    }
    arg
}

/// A command-line error in the current language, with the usage line and
/// the pointer to `--help`; clap's own text for the kinds not named here.
fn message(e: &clap::Error) -> String {
    let text = |kind: ContextKind| e.get(kind).map(context_text).unwrap_or_default();
    let (arg, value) = (
        text(ContextKind::InvalidArg),
        text(ContextKind::InvalidValue),
    );
    let body = match e.kind() {
        ErrorKind::UnknownArgument => tf("cli.unknown_argument", &[("arg", &arg)]),
        ErrorKind::InvalidSubcommand => tf(
            "cli.unknown_command",
            &[("command", &text(ContextKind::InvalidSubcommand))],
        ),
        ErrorKind::InvalidValue if value.is_empty() => tf("cli.missing_value", &[("arg", &arg)]),
        ErrorKind::InvalidValue => {
            let mut body = tf("cli.invalid_value", &[("value", &value), ("arg", &arg)]);
            let valid = text(ContextKind::ValidValue);
            if !valid.is_empty() {
                body.push_str("\n  ");
                body.push_str(&tf("cli.possible_values", &[("values", &valid)]));
            }
            body
        }
        ErrorKind::ValueValidation => {
            // A plain number's parse error is Rust's English: said here.
            let reason = match std::error::Error::source(e) {
                Some(r) if r.downcast_ref::<std::num::ParseIntError>().is_some() => {
                    t("cli.not_a_whole_number").to_string()
                }
                Some(r) => r.to_string(),
                None => String::new(),
            };
            tf(
                "cli.invalid_value_because",
                &[("value", &value), ("arg", &arg), ("reason", &reason)],
            )
        }
        ErrorKind::MissingRequiredArgument => tf("cli.missing_arguments", &[("args", &arg)]),
        ErrorKind::ArgumentConflict => {
            let other = text(ContextKind::PriorArg);
            if other == arg {
                tf("cli.used_twice", &[("arg", &arg)])
            } else {
                tf("cli.conflict", &[("arg", &arg), ("other", &other)])
            }
        }
        ErrorKind::MissingSubcommand => tf(
            "cli.missing_command",
            &[("command", &text(ContextKind::InvalidSubcommand))],
        ),
        ErrorKind::TooManyValues => tf("cli.too_many_values", &[("value", &value), ("arg", &arg)]),
        ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => tf(
            "cli.wrong_number",
            &[
                ("arg", &arg),
                ("expected", &text(ContextKind::ExpectedNumValues)),
                ("actual", &text(ContextKind::ActualNumValues)),
            ],
        ),
        ErrorKind::NoEquals => tf("cli.no_equals", &[("arg", &arg)]),
        _ => return e.render().to_string(),
    };
    let mut out = tf("cli.error", &[("message", &body)]);
    out.push('\n');
    for kind in [
        ContextKind::SuggestedArg,
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedValue,
    ] {
        let suggestion = text(kind);
        if !suggestion.is_empty() {
            out.push_str("\n  ");
            out.push_str(&tf("cli.did_you_mean", &[("suggestion", &suggestion)]));
            out.push('\n');
        }
    }
    let usage = text(ContextKind::Usage);
    if !usage.is_empty() {
        // Clap's usage starts with its own English heading.
        let usage = usage.trim().trim_start_matches("Usage:").trim_start();
        out.push_str(&format!("\n{} {usage}\n", t("help.usage")));
    }
    out.push_str(&format!("\n{}\n", t("cli.more")));
    out
}

fn context_text(value: &ContextValue) -> String {
    match value {
        ContextValue::Strings(values) => values.join(", "),
        other => other.to_string(),
    }
}

/// The settings' `language`, read before the command line is: from the
/// file `--config` names (or `QUAI_CONFIG`, or the default path). The demo
/// reads nothing else of the user's; an unreadable file is the command's
/// to report later (and the demo's to ignore).
fn settings_language(args: &[OsString]) -> Option<String> {
    let args: Vec<&str> = args.iter().skip(1).filter_map(|a| a.to_str()).collect();
    let mut config = None;
    let mut words = args.iter().take_while(|a| **a != "--");
    while let Some(arg) = words.next() {
        if let Some(path) = arg.strip_prefix("--config=") {
            config = Some(path.to_string());
        } else if *arg == "--config" {
            config = words.next().map(|p| p.to_string());
        }
    }
    let config = config
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("QUAI_CONFIG").map(std::path::PathBuf::from));
    let path = crate::config::settings_path(config.as_deref()).ok()?;
    crate::config::language_of(&path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Language;

    /// Every command and option (and the help and version flags) of `cmd`
    /// that has no text in `language`'s catalog, by path.
    fn missing(cmd: &Command, path: &str, language: Language, out: &mut Vec<String>) {
        let has = |key: String| i18n::keys(language).contains(&key.as_str());
        let own = catalog_path(path);
        let here = |what: &str| match own.as_str() {
            "" => format!("help.{what}"),
            _ => format!("help.{own}.{what}"),
        };
        if !has(here("about")) {
            out.push(format!("{path}: about"));
        }
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if !has(here(id)) && !has(format!("help.arg.{id}")) {
                out.push(format!("{path}: --{id}"));
            }
        }
        for sub in cmd.get_subcommands() {
            let sub_path = sub_path(path, sub.get_name());
            missing(sub, &sub_path, language, out);
        }
    }

    #[test]
    fn every_command_and_option_has_its_text_in_both_languages() {
        let mut cmd = Cli::command();
        cmd.build();
        for language in [Language::Fr, Language::En] {
            let mut out = Vec::new();
            missing(&cmd, "", language, &mut out);
            assert!(out.is_empty(), "{language:?} lacks: {out:?}");
        }
    }

    #[test]
    fn no_text_of_the_catalog_names_an_option_that_is_not_there() {
        // A renamed option must not leave its old text behind.
        let mut cmd = Cli::command();
        cmd.build();
        let mut known = vec![
            "help.about".to_string(),
            "help.after_help".to_string(),
            "help.usage".to_string(),
            "help.default".to_string(),
            "help.env".to_string(),
            "help.possible".to_string(),
            "help.command_value".to_string(),
            "help.arg.help_plain".to_string(),
        ];
        known.extend(
            i18n::keys(Language::Fr)
                .into_iter()
                .filter(|k| k.starts_with("help.value."))
                .map(String::from),
        );
        fn collect(cmd: &Command, path: &str, known: &mut Vec<String>) {
            let prefix = match catalog_path(path).as_str() {
                "" => "help.arg".to_string(),
                own => format!("help.{own}"),
            };
            known.push(format!("{prefix}.about"));
            known.push(format!("{prefix}.long_about"));
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                for p in [prefix.as_str(), "help.arg"] {
                    known.push(format!("{p}.{id}"));
                    known.push(format!("{p}.{id}.long"));
                }
            }
            for sub in cmd.get_subcommands() {
                let sub_path = sub_path(path, sub.get_name());
                collect(sub, &sub_path, known);
            }
        }
        collect(&cmd, "", &mut known);
        let stray: Vec<&str> = i18n::keys(Language::Fr)
            .into_iter()
            .filter(|k| k.starts_with("help.") && !k.starts_with("help.heading."))
            .filter(|k| !known.iter().any(|n| n == k))
            .collect();
        assert!(stray.is_empty(), "texts of no command or option: {stray:?}");
    }
}
