//! quai: a live public-transport departure board for the terminal.
//!
//! The rest of the program talks to a network through [`network::Network`]
//! only; each network's wire format stays in its own folder ([`ginko`] for
//! Besançon). The network-independent model is [`domain`], the embedded demo
//! network [`demo`].

pub(crate) mod ansi;
pub mod app;
mod atomic;
pub mod cache;
pub mod cli;
pub mod clock;
pub mod commands;
pub(crate) mod config;
pub mod destination;
pub mod domain;
pub mod favorites;
pub mod html;
pub mod i18n;
pub mod kiosk;
pub mod model;
pub mod mqtt;
pub mod names;
pub mod network;
/// The demo networks and their server (it emulates the networks' APIs, so
/// it lives beside them, below [`network`]).
pub use network::demo;
pub mod poller;
pub(crate) mod sanitize;
pub mod search;
pub mod secret;
pub(crate) mod term;
pub(crate) mod tick;
pub mod timetable;
pub mod ui;
