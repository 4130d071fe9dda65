//! The integration tests, one binary: each file in this folder is a module, and they share
//! `common`. One binary links the crate once (see Cargo.toml's `[[test]]`).

mod common;

mod bad_input;
mod cli_compare;
mod cli_labels;
mod cli_run;
mod data;
mod detection;
mod faults;
mod parity;
mod parity_large;
mod parsers;
mod plot;
mod promises;
mod second_looks;
mod statistics;
mod threads;
mod workflow;
