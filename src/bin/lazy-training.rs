//! `lazy-training`: the command line (all of it lives in `lazy_training::cli`).

fn main() {
    let code = lazy_training::cli::main_with_args(std::env::args_os(), &mut std::io::stdout().lock(), &mut std::io::stderr().lock());
    std::process::exit(code);
}
