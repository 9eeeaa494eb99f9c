use clap::Parser;

use apix::cli::{self, Cli};

fn main() {
    let args = match Cli::try_parse() {
        Ok(a) => a,
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayVersion => {
            println!("apix {}", env!("CARGO_PKG_VERSION"));
            println!("log: {}", apix::logging::describe());
            std::process::exit(0);
        }
        Err(e) => {
            let _ = e.print();
            // Usage errors exit 1, not clap's 2: exit code 2 means a timeout (as in xh and HTTPie).
            std::process::exit(if e.use_stderr() { 1 } else { 0 });
        }
    };
    let log = apix::logging::init();
    let code = match args.command {
        Some(command) => cli::run(command),
        None => apix::tui::run(cli::default_dir(args.dir), args.theme, args.env),
    };
    // `exit` skips destructors: flush the log first.
    drop(log);
    std::process::exit(code);
}
