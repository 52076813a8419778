//! Rendering: the view computed from the model, and the panes drawing it.

pub mod board;
pub mod favorites;
pub mod search;
pub mod theme;
pub mod view;
