//! `quai completions SHELL` and `quai man`: made from the command line's own
//! definitions, so that they never drift from it, in the rider's language.

use super::{CommandResult, print};
use crate::cli;

/// `quai completions bash|zsh|fish|elvish|powershell`
pub fn completions(shell: clap_complete::Shell) -> CommandResult {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cli::command(), "quai", &mut out);
    print(&String::from_utf8_lossy(&out))
}

/// `quai man`: the manual page (options, commands, environment).
pub fn man() -> CommandResult {
    let mut out = Vec::new();
    clap_mangen::Man::new(cli::command())
        .render(&mut out)
        .map_err(|e| e.to_string())?;
    print(&String::from_utf8_lossy(&out))
}
