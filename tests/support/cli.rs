//! What the command-line tests of a feature share: quai run as a rider
//! runs it, its output read as text or JSON, instants read back.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

use jiff::Timestamp;

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

pub async fn run(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

pub fn quai(home: &Path, args: &[&str]) -> Command {
    let mut cmd = super::support::quai_command(home, None);
    cmd.args(args);
    cmd
}

pub fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

pub fn instant(v: &serde_json::Value) -> Timestamp {
    v.as_str()
        .unwrap()
        .parse::<jiff::Zoned>()
        .map(|z| z.timestamp())
        .or_else(|_| v.as_str().unwrap().parse::<Timestamp>())
        .unwrap()
}
