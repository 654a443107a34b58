//! `theta`: runs Theta programs and modules.
fn main() {
    eprintln!("theta: not yet wired");
    std::process::exit(2);
}
