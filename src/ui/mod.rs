//! Rendering: the view computed from the model, and the panes drawing it.

pub mod departures;
pub mod destination;
pub mod details;
pub mod digits;
pub mod fares;
pub mod favorites;
pub mod keymap;
pub mod kiosk;
pub mod line;
pub mod memo;
pub mod paint;
pub mod row;
pub mod screens;
pub mod search;
pub mod svg;
pub mod text;
pub mod theme;
pub mod traffic;
pub mod view;
