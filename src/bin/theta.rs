//! `theta`: runs Theta programs (`.theta`, compiled in memory) and modules (`.thbc`, verified).
//!
//! Exit status (§10): the program's own status from `main` (mod 256), 1 for compile or verify
//! errors (or an unreadable file), 2 for command-line usage errors, 3 for a runtime trap.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use theta::bytecode::Module;
use theta::vm::{Limits, Vm};

/// The Theta runner.
#[derive(Parser)]
#[command(
    name = "theta",
    version,
    about = "Runs Theta programs (.theta) and compiled modules (.thbc)",
    long_about = "Runs Theta programs (.theta) and compiled modules (.thbc).\n\nExit status: the \
                  program's status from main (mod 256); 1 for compile or verify errors; 2 for \
                  usage errors; 3 for a runtime trap (error[Txxx] on stderr).\n\n`theta FILE [ARGS]` is \
                  short for `theta run FILE [ARGS]`."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a program: top-level code, then `main` with ARGS.
    Run {
        /// Print every executed instruction (pc, registers written, source line) to stderr.
        #[arg(long)]
        trace: bool,
        /// Print instructions executed, calls, peak memory (arena chunks + tables, and live bytes),
        /// collections and time to stderr at exit.
        #[arg(long)]
        stats: bool,
        /// Trap (T0007) after this many instructions.
        #[arg(long, value_name = "N")]
        max_instructions: Option<u64>,
        /// Trap (T0008) when live heap memory exceeds this many bytes (suffixes K, M, G allowed).
        #[arg(long, value_name = "BYTES", value_parser = parse_bytes)]
        max_memory: Option<usize>,
        /// Trap (T0004) when calls nest deeper than this.
        #[arg(long, value_name = "N", default_value_t = theta::vm::frame::DEFAULT_MAX_FRAMES)]
        max_frames: usize,
        /// The program (`.theta`) or module (`.thbc`).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Arguments passed to `main(args: string[])`.
        #[arg(
            value_name = "ARGS",
            trailing_var_arg = true,
            allow_hyphen_values = true
        )]
        args: Vec<String>,
    },
}

/// `123`, `64K`, `64M`, `2G` (powers of 1024; an optional trailing `B`/`iB` is accepted).
fn parse_bytes(text: &str) -> Result<usize, String> {
    let t = text.trim();
    let t = t
        .strip_suffix("iB")
        .or_else(|| t.strip_suffix('B'))
        .unwrap_or(t);
    let (digits, shift) = match t.chars().last() {
        Some('K' | 'k') => (&t[..t.len() - 1], 10),
        Some('M' | 'm') => (&t[..t.len() - 1], 20),
        Some('G' | 'g') => (&t[..t.len() - 1], 30),
        _ => (t, 0),
    };
    digits
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(1usize << shift))
        .ok_or_else(|| format!("`{text}` is not a byte count (like 1048576, 512K, 64M, 1G)"))
}

/// `theta FILE [ARGS]` is short for `theta run FILE [ARGS]`: when the first argument names a
/// program (ends in `.theta`/`.thbc` or is an existing file) rather than a subcommand.
fn with_implicit_run(mut args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    if let Some(first) = args.get(1) {
        let path = Path::new(first);
        let named = path
            .extension()
            .is_some_and(|e| e == "theta" || e == "thbc");
        let is_command = matches!(first.to_str(), Some("run" | "help"));
        let is_flag = first.to_str().is_some_and(|f| f.starts_with('-'));
        if !is_command && !is_flag && (named || path.is_file()) {
            args.insert(1, "run".into());
        }
    }
    args
}

fn main() -> ExitCode {
    let cli = Cli::parse_from(with_implicit_run(std::env::args_os().collect()));
    match cli.command {
        Command::Run {
            trace,
            stats,
            max_instructions,
            max_memory,
            max_frames,
            file,
            args,
        } => {
            let limits = Limits {
                max_instructions,
                max_memory,
                max_frames: max_frames.max(1),
            };
            run(&file, &args, limits, trace, stats)
        }
    }
}

/// Loads `.thbc` bytes or compiles `.theta` source; errors are printed, `Err` is the status.
fn load(file: &Path) -> Result<Vm, u8> {
    let is_module = file.extension().is_some_and(|e| e == "thbc");
    if is_module {
        let bytes = std::fs::read(file).map_err(|e| {
            eprintln!("error: cannot read `{}`: {e}", file.display());
            1
        })?;
        return Vm::from_bytes(&bytes).map_err(|e| {
            eprintln!("error: `{}` is not a valid module: {e}", file.display());
            1
        });
    }
    let module = compile(file)?;
    Vm::new(module).map_err(|e| {
        eprintln!("error: internal compiler error: the compiled module does not verify: {e}");
        1
    })
}

/// Compiles a `.theta` program in memory, printing every diagnostic on failure.
fn compile(file: &Path) -> Result<Module, u8> {
    theta::compile::compile_file(file).map_err(|failure| {
        use std::io::{IsTerminal, Write};
        let mut err = std::io::stderr().lock();
        let color = err.is_terminal();
        match failure {
            theta::compile::CompileFailure::Check(f) => {
                for d in &f.diagnostics {
                    d.render(&f.sources, color, &mut err);
                }
            }
            theta::compile::CompileFailure::Compile(e) => {
                let _ = writeln!(err, "error: {e}");
            }
        }
        let _ = err.flush();
        1
    })
}

fn run(file: &Path, args: &[String], limits: Limits, trace: bool, stats: bool) -> ExitCode {
    let mut vm = match load(file) {
        Ok(vm) => vm,
        Err(status) => return ExitCode::from(status),
    };
    vm.set_limits(limits);
    vm.set_trace(trace);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = vm.run_main(&args);
    if stats {
        let s = vm.stats();
        eprintln!("instructions: {}", s.instructions);
        eprintln!("calls: {}", s.calls);
        eprintln!(
            "peak memory: {} bytes (heap arena chunks + tables; {} bytes live)",
            s.peak_memory, s.peak_live
        );
        eprintln!("collections: {}", s.collections);
        eprintln!("time: {:.6} s", s.seconds);
    }
    match result {
        Ok(status) => ExitCode::from(status as u8),
        Err(trap) => {
            eprint!("{trap}");
            ExitCode::from(3)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_bytes;

    #[test]
    fn byte_counts() {
        assert_eq!(parse_bytes("1024"), Ok(1024));
        assert_eq!(parse_bytes("64K"), Ok(64 << 10));
        assert_eq!(parse_bytes("64MiB"), Ok(64 << 20));
        assert_eq!(parse_bytes("1G"), Ok(1 << 30));
        assert!(parse_bytes("lots").is_err());
        assert!(parse_bytes("-1").is_err());
    }
}
