//! `lazy-training`: the command line (all of it lives in `lazy_training::cli`).
//!
//! Native only. `wasm-pack test` builds every target of the crate for wasm32 with the
//! default features, this binary included: there it is an empty program, so the
//! browser tests build as typed while `cargo run`, `cargo install --path .` and the
//! native tests see the real command line.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let code = lazy_training::cli::main_with_args(std::env::args_os(), &mut std::io::stdout().lock(), &mut std::io::stderr().lock());
    std::process::exit(code);
}

#[cfg(target_arch = "wasm32")]
fn main() {}
