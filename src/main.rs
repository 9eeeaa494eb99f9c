use clap::Parser;

use apix::cli::{self, Cli};

fn main() {
    let args = Cli::parse();
    let code = match args.command {
        Some(command) => cli::run(command),
        None => apix::tui::run(cli::default_dir(args.dir), args.theme, args.env),
    };
    std::process::exit(code);
}
