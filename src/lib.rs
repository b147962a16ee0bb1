//! # lazy-training
//!
//! The science engine of the lazy-training explorer: everything needed to reproduce
//! "Limitations of Lazy Training of Two-layers Neural Networks" (Ghorbani, Mei,
//! Misiakiewicz, Montanari, NeurIPS 2019). Pure Rust: it runs natively (tests, the
//! `lazy-training` command line) and in wasm (the page, through the `web` module, built for wasm32 only).
//!
//! | module | what |
//! |---|---|
//! | [`model`] | qf and mg data models, spectra, sampling |
//! | [`activation`] | activations, Hermite coefficients, Gaussian kernels |
//! | [`rf`], [`nt`], [`nn`] | exact population risks of the three regimes |
//! | [`fit`] | finite-n ridge fits scored on fresh samples |
//! | [`theory`] | Theorems 1-6 and the Bayes error |
//! | [`sgd`] | one-pass SGD as a step-wise state machine |
//! | [`linalg`] | dense solves; [`linalg::gemm`], the SGD step's matrix-product kernels |
//! | [`limits`] | the size caps of the command line and the page |
//! | [`normal`] | standard normals in bulk for the SGD batches (ziggurat, two interleaved xoshiro256++ generators) |
//! | [`experiment`] | width sweeps as step-wise state machines, theory grids |
//! | [`explorer`] | what the page shows, in pure Rust: the settings table, runs, overlap records, panels, export, hover hit-tests |
//! | [`settings`] | the page's settings (URL or controls) parsed into checked configs |
//! | [`params`] | every input checked once, with the error a person can act on |
//! | [`finite`] | no non-finite output: result checks, the zero clamp of risks, the JSON guard |
//! | [`plot`] | the figures, drawn on any plotters backend |
//! | `reproduce` | the paper's protocol as units of work: one machine or a cluster (native only) |
//! | [`cli`] | the `lazy-training` command line (feature `cli`) |
//!
//! Conventions are those of docs/maths.md: risks are normalised so the trivial
//! predictor has risk 1, Hermite coefficients are not divided by k!.

pub mod activation;
#[cfg(all(feature = "cli", not(target_arch = "wasm32")))]
pub mod cli;
pub mod error;
pub mod experiment;
pub mod explorer;
pub mod finite;
pub mod fit;
pub mod limits;
pub mod linalg;
pub mod model;
pub mod nn;
pub mod normal;
pub mod nt;
pub mod params;
pub mod plot;
#[cfg(not(target_arch = "wasm32"))]
pub mod reproduce;
pub mod rf;
pub mod rng;
pub mod settings;
pub mod sgd;
pub mod theory;
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use error::{Error, Result};
