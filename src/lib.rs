//! quai: a live public-transport departure board for the terminal.
//!
//! The first network is Ginko (Besançon). The API layer lives in [`ginko`],
//! the network-independent model in [`domain`], the embedded demo network in
//! [`demo`].

pub mod app;
pub mod board;
pub mod cache;
pub mod cli;
pub mod commands;
pub mod config;
pub mod demo;
pub mod domain;
pub mod favorites;
pub mod ginko;
pub mod html;
pub mod kiosk;
pub mod names;
pub mod poller;
pub mod sanitize;
pub mod search;
pub mod term;
pub mod tick;
pub mod ui;
