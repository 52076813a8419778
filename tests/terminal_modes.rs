//! The terminal modes a full screen sets, seen in the bytes it writes to a
//! real pseudo-terminal (util-linux's `script`): the mouse wheel reaches the
//! board as ↑ and ↓ (alternate scroll mode) without capturing the mouse, so
//! text can still be selected, and the mode is reset when the board leaves.

use std::process::Command;

/// The bytes `quai --demo board Chamars` writes to a terminal until it is
/// interrupted; `None` when `script` is missing (said on stderr).
fn board_bytes(dir: &std::path::Path) -> Option<Vec<u8>> {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: util-linux's script is not installed");
        return None;
    }
    let out = dir.join("typescript");
    // `--foreground` keeps quai in the terminal's foreground process group:
    // a board started in the background (timeout's own group, when the
    // shell does not exec it) is stopped by SIGTTOU as it sets raw mode.
    let command = format!(
        "stty cols 80 rows 24; exec timeout --foreground -s INT 4 {} --demo board Chamars",
        env!("CARGO_BIN_EXE_quai")
    );
    let status = Command::new("script")
        .args(["-q", "-e", "-c", &command])
        .arg(&out)
        // The same shell wherever the test runs (script runs `$SHELL -c`).
        .env("SHELL", "/bin/sh")
        .env("HOME", dir)
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("LANG", "C.UTF-8")
        .output()
        .expect("script runs");
    assert!(status.status.code().is_some(), "script ended: {status:?}");
    Some(std::fs::read(&out).expect("the typescript"))
}

#[test]
fn the_wheel_scrolls_the_board_and_the_mode_is_reset_on_leaving() {
    let dir = std::env::temp_dir().join(format!("quai-modes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let Some(bytes) = board_bytes(&dir) else {
        return;
    };
    let at = |seq: &[u8]| bytes.windows(seq.len()).position(|w| w == seq);
    let written = String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(1500)..])
        .escape_debug()
        .to_string();
    let on = at(b"\x1b[?1007h")
        .unwrap_or_else(|| panic!("alternate scroll mode set; the terminal got: {written}"));
    let off = at(b"\x1b[?1007l")
        .unwrap_or_else(|| panic!("alternate scroll mode reset; the terminal got: {written}"));
    // The typescript's first line names the command; the board comes after.
    let drawn = bytes[on..]
        .windows(7)
        .position(|w| w == b"Chamars")
        .map(|p| on + p)
        .expect("the board drawn");
    assert!(drawn < off, "set, drawn, reset: {on} {drawn} {off}");
    // Capturing the mouse (1000, 1002, 1003, 1006) would take text
    // selection away from the rider.
    for capture in [
        &b"\x1b[?1000h"[..],
        b"\x1b[?1002h",
        b"\x1b[?1003h",
        b"\x1b[?1006h",
    ] {
        assert_eq!(at(capture), None, "mouse captured");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
