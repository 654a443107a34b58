//! `thetac`: the Theta compiler front end (check, compile, disasm).
fn main() {
    eprintln!("thetac: not yet wired");
    std::process::exit(2);
}
