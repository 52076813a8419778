//! The index's strings, each kept once.

use std::collections::HashMap;

use super::NONE;

/// Strings of the index, each kept once.
#[derive(Default)]
pub struct Strings {
    map: HashMap<Box<str>, u32>,
    pub bytes: Vec<u8>,
    pub spans: Vec<u32>,
}

impl Strings {
    pub fn new() -> Strings {
        let mut s = Strings::default();
        s.intern("");
        s
    }

    pub fn intern(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.map.get(text) {
            return id;
        }
        let id = self.push_unique(text);
        self.map.insert(text.into(), id);
        id
    }

    /// A string known to be new (trip ids): not remembered for reuse.
    pub fn push_unique(&mut self, text: &str) -> u32 {
        let id = u32::try_from(self.spans.len() / 2).unwrap_or(NONE);
        self.spans
            .push(u32::try_from(self.bytes.len()).unwrap_or(NONE));
        self.spans.push(u32::try_from(text.len()).unwrap_or(0));
        self.bytes.extend_from_slice(text.as_bytes());
        id
    }
}

pub fn string(strings: &Strings, id: u32) -> &str {
    let at = id as usize * 2;
    let (Some(&start), Some(&len)) = (strings.spans.get(at), strings.spans.get(at + 1)) else {
        return "";
    };
    strings
        .bytes
        .get(start as usize..(start + len) as usize)
        .and_then(|b| std::str::from_utf8(b).ok())
        .unwrap_or("")
}
