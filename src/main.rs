//! `dost-kiosk`: runs the kiosk, or one of the technician's commands (see `dost-kiosk --help`).

fn main() -> std::process::ExitCode {
    dost_kiosk::cli::main()
}
