//! `thetac`: the Theta compiler front end. `thetac check FILE…` type-checks programs; further
//! subcommands (`compile`, `disasm`) are added by the back end.

use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// The Theta compiler.
#[derive(Parser)]
#[command(
    name = "thetac",
    version,
    about = "The Theta compiler: checks and compiles .theta programs",
    long_about = "The Theta compiler.\n\nExit status: 0 on success, 1 when a program has errors \
                  (every error is printed to stderr), 2 on command-line usage errors."
)]
struct Cli {
    /// The action to run.
    #[command(subcommand)]
    command: Command,
}

/// When to colour diagnostics.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum ColorChoice {
    /// Colour when stderr is a terminal.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// Type-check programs without compiling them.
    ///
    /// Each FILE is checked as the entry file of its own program (with everything it imports).
    /// Prints nothing and exits 0 when every program is valid; otherwise prints every
    /// diagnostic to stderr and exits 1.
    Check {
        /// Entry files (`.theta`).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Colour diagnostics: auto (only on a terminal), always or never.
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
        color: ColorChoice,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { files, color } => check(&files, color),
    }
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::io::stderr().is_terminal(),
    }
}

fn check(files: &[PathBuf], color: ColorChoice) -> ExitCode {
    let color = use_color(color);
    let mut failed = false;
    let stderr = std::io::stderr();
    for file in files {
        if let Err(failure) = theta::check::check_file(file) {
            failed = true;
            let mut out = stderr.lock();
            for d in &failure.diagnostics {
                d.render(&failure.sources, color, &mut out);
            }
            let _ = out.flush();
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
