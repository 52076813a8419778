//! The byte mutator the fuzz tests share: edits of a real answer, table or
//! payload (a byte set, a run deleted, a token or random bytes inserted, a
//! byte repeated many times, the end cut), each drawn by proptest so that a
//! failing case shrinks to its fewest edits.

#![allow(dead_code)]

use proptest::prelude::*;

/// One edit of a byte string; positions are taken modulo its length.
#[derive(Debug, Clone)]
pub enum Edit {
    Flip(usize, u8),
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    /// `n` copies of a byte (a huge field, a runaway line).
    Repeat(usize, u8, usize),
    Truncate(usize),
}

/// Edits that insert the format's own `tokens` as well as random bytes.
pub fn edit(tokens: Vec<&'static [u8]>) -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Flip(i, b)),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Edit::Delete(i, n)),
        (any::<usize>(), proptest::sample::select(tokens))
            .prop_map(|(i, t)| Edit::Insert(i, t.to_vec())),
        (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(i, bytes)| Edit::Insert(i, bytes)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

/// [`edit`], and runs of up to 200,000 copies of one of `repeated`.
pub fn edit_or_repeat(
    tokens: Vec<&'static [u8]>,
    repeated: Vec<u8>,
) -> impl Strategy<Value = Edit> {
    prop_oneof![
        5 => edit(tokens),
        1 => (any::<usize>(), proptest::sample::select(repeated), 1usize..200_000)
            .prop_map(|(i, b, n)| Edit::Repeat(i, b, n)),
    ]
}

/// `bytes` with `edits` applied in order.
pub fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let len = bytes.len().max(1);
        let at = |i: &usize| (i % len).min(bytes.len());
        match e {
            Edit::Flip(i, b) => {
                if let Some(x) = bytes.get_mut(i % len) {
                    *x = *b;
                }
            }
            Edit::Delete(i, n) => {
                let start = at(i);
                let end = (start + n).min(bytes.len());
                bytes.drain(start..end);
            }
            Edit::Insert(i, more) => {
                let at = at(i);
                bytes.splice(at..at, more.iter().copied());
            }
            Edit::Repeat(i, b, n) => {
                let at = at(i);
                bytes.splice(at..at, std::iter::repeat_n(*b, *n));
            }
            Edit::Truncate(i) => bytes.truncate(i % len),
        }
    }
    bytes
}

#[test]
fn edits_apply_in_order_and_stay_in_bounds() {
    let edits = [
        Edit::Flip(1, b'X'),
        Edit::Insert(100, b"<>".to_vec()),
        Edit::Delete(0, 1),
        Edit::Repeat(2, b'-', 3),
        Edit::Truncate(6),
    ];
    // "abc" → "aXc" → "a<>Xc" (100 % 3 = 1) → "<>Xc" → "<>---Xc" → "<>---X".
    assert_eq!(apply(b"abc".to_vec(), &edits), b"<>---X");
    assert_eq!(
        apply(Vec::new(), &[Edit::Delete(5, 9), Edit::Flip(3, 1)]),
        b""
    );
}
