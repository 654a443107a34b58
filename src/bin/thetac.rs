//! `thetac`: the Theta compiler. `check` type-checks programs, `compile` writes `.thbc` modules,
//! `disasm` lists a module (or a source file compiled in memory). Argument handling only.

use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use theta::bytecode::Module;
use theta::compile::CompileFailure;

/// The Theta compiler.
#[derive(Parser)]
#[command(
    name = "thetac",
    version,
    about = "The Theta compiler: checks and compiles .theta programs",
    long_about = "The Theta compiler.\n\nExit status: 0 on success, 1 when a program has errors \
                  (every error is printed to stderr), 2 on command-line usage errors.\n\n`thetac FILE [-o OUT]` is short for \
                  `thetac compile FILE [-o OUT]`."
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
    /// Compile a program to a bytecode module (`.thbc`).
    ///
    /// The output is deterministic: the same input gives byte-identical output.
    Compile {
        /// The entry file (`.theta`).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Where to write the module (default: FILE with the extension `.thbc`).
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        /// Colour diagnostics: auto (only on a terminal), always or never.
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
        color: ColorChoice,
    },
    /// Print a readable listing of a module: functions, registers, instructions, source lines.
    ///
    /// FILE may be a `.thbc` module (loaded and verified) or a `.theta` source (compiled in
    /// memory).
    Disasm {
        /// A `.thbc` module or a `.theta` source file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Colour diagnostics: auto (only on a terminal), always or never.
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
        color: ColorChoice,
    },
}

/// `thetac FILE [-o OUT]` is short for `thetac compile FILE [-o OUT]`: when the first argument
/// names a source file (ends in `.theta` or is an existing file) rather than a subcommand.
fn with_implicit_compile(mut args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    if let Some(first) = args.get(1) {
        let path = Path::new(first);
        let named = path.extension().is_some_and(|e| e == "theta");
        let is_command = matches!(
            first.to_str(),
            Some("check" | "compile" | "disasm" | "help")
        );
        let is_flag = first.to_str().is_some_and(|f| f.starts_with('-'));
        if !is_command && !is_flag && (named || path.is_file()) {
            args.insert(1, "compile".into());
        }
    }
    args
}

fn main() -> ExitCode {
    let cli = Cli::parse_from(with_implicit_compile(std::env::args_os().collect()));
    match cli.command {
        Command::Check { files, color } => check(&files, color),
        Command::Compile {
            file,
            output,
            color,
        } => compile(&file, output, color),
        Command::Disasm { file, color } => disasm(&file, color),
    }
}

/// Compiles `file`, printing diagnostics on failure.
fn compile_to_module(file: &Path, color: ColorChoice) -> Result<Module, ExitCode> {
    theta::compile::compile_file(file).map_err(|failure| {
        let color = use_color(color);
        let mut out = std::io::stderr().lock();
        match failure {
            CompileFailure::Check(f) => {
                for d in &f.diagnostics {
                    d.render(&f.sources, color, &mut out);
                }
            }
            CompileFailure::Compile(e) => {
                let _ = writeln!(out, "error: {e}");
            }
        }
        let _ = out.flush();
        ExitCode::from(1)
    })
}

fn compile(file: &Path, output: Option<PathBuf>, color: ColorChoice) -> ExitCode {
    let module = match compile_to_module(file, color) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let output = output.unwrap_or_else(|| file.with_extension("thbc"));
    // A failure never leaves a half-written module; `-o /dev/null` stays a device.
    let bytes = module.to_bytes();
    let written = theta::atomic_file::write_atomically(&output, |e| e, |w| w.write_all(&bytes));
    if let Err(e) = written {
        eprintln!("error: cannot write {}: {e}", output.display());
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

fn disasm(file: &Path, color: ColorChoice) -> ExitCode {
    let module = if file.extension().is_some_and(|e| e == "thbc") {
        let bytes = match std::fs::read(file) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", file.display());
                return ExitCode::from(1);
            }
        };
        match theta::bytecode::load(&bytes) {
            Ok(m) => m,
            Err(e) => {
                eprintln!("error: {}: {e}", file.display());
                return ExitCode::from(1);
            }
        }
    } else {
        match compile_to_module(file, color) {
            Ok(m) => m,
            Err(code) => return code,
        }
    };
    print!("{}", theta::bytecode::disassemble(&module));
    ExitCode::SUCCESS
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
