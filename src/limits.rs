//! The size caps of every task: the largest dimension anywhere ([`MAX_D`]) and the two
//! sets of caps ([`Limits::native`] for the command line, [`Limits::web`] for a browser
//! tab) that `params` checks each input and each cost estimate against. Plain
//! constants, so the parsers of `model` and the validators of `params` can both use
//! them without depending on each other.

/// Largest dimension anywhere (the CLI's bound; the page uses [`Limits::web`]).
pub const MAX_D: usize = 2000;

/// Size caps that keep memory and work bounded.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_d: usize,
    /// Largest width N in a sweep (the RF kernel is N x N).
    pub max_sweep_neurons: usize,
    pub max_draws: usize,
    pub max_rho_points: usize,
    pub max_sgd_neurons: usize,
    pub max_batch: usize,
    pub max_steps: u64,
    /// Largest estimated work of one sweep, in floating-point operations.
    pub max_sweep_flops: f64,
    /// Largest estimated work of one SGD run, in floating-point operations.
    pub max_sgd_flops: f64,
    /// Largest estimated peak memory of one sweep or run, in bytes.
    pub max_bytes: f64,
}

impl Limits {
    /// Command line: paper scale (d = 450, N up to 10 d).
    pub const fn native() -> Limits {
        Limits {
            max_d: MAX_D,
            max_sweep_neurons: 6000,
            max_draws: 1000,
            max_rho_points: 200,
            max_sgd_neurons: 4000,
            max_batch: 100_000,
            max_steps: 1_000_000_000,
            max_sweep_flops: 1e15,
            max_sgd_flops: 1e16,
            max_bytes: 8e9,
        }
    }
    /// Browser: up to the paper's scale for the width sweep (d = 450, N up to 10 d:
    /// the presets "Figure 1/2 (paper scale)"), work a tab finishes in minutes.
    pub const fn web() -> Limits {
        // The sweep runs on a pool of Web Workers (www/pool.js) with the blocked kernels
        // of linalg::dense (~5 GFLOP/s per worker in wasm): the cap, 1.5e12 flops, is
        // the paper-scale Figure 1 (1.45e12 by SweepParams::cost), a few minutes on two
        // cores. Memory is per worker (each has its own wasm instance): the largest unit
        // of that sweep, N = 4500, is estimated at 5.4e8 bytes (two N x N matrices live
        // at once in fact, 3.3e8), within wasm32's 4 GB. SGD keeps its earlier caps.
        Limits {
            max_d: 450,
            max_sweep_neurons: 4500,
            max_draws: 50,
            max_rho_points: 60,
            max_sgd_neurons: 400,
            max_batch: 2000,
            max_steps: 10_000_000,
            max_sweep_flops: 1.5e12,
            max_sgd_flops: 3e11,
            max_bytes: 5.5e8,
        }
    }
}
