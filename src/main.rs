use auditty::cli::Command;
use auditty::commands;
use auditty::error::Error;

fn main() {
    // never a backtrace: one line, then a non-zero status
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "error: internal error: {}{at} (please report it)",
            auditty::render::escape::escape_controls(&what)
        );
    }));
    let cli = auditty::usage::parse().unwrap_or_else(|e| usage_error(e));
    let out = &mut std::io::stdout();
    let result = match &cli.command {
        Some(Command::Screen(a)) => commands::screen::run(a, out),
        Some(Command::Info(a)) => commands::info::run(a, out),
        Some(Command::Transcript(a)) => commands::transcript::run(a, out),
        Some(Command::Timeline(a)) => commands::timeline::run(a, out),
        Some(Command::Play(a)) => commands::play::run(&a.clone().with_app_from_env()),
        None => commands::play::run(&cli.play_args()),
        Some(Command::Sessions(a)) => commands::api::sessions(a, out),
        Some(Command::Fetch(a)) => commands::api::fetch(a, out),
        Some(Command::Archive(a)) => commands::archive::run(a, out),
        Some(Command::Search(a)) => commands::archive::search(a, out),
        Some(Command::Logs(a)) => commands::logs::run(a, out),
        Some(Command::Export(a)) => commands::export::run(a, out),
        Some(Command::Review(a)) => commands::review::run(a, out),
        Some(Command::Report(a)) => commands::report::run(a, out),
        Some(Command::Completions(a)) => commands::completions::completions(a, out),
        Some(Command::Man(a)) => commands::completions::man(a, out),
    };
    match result {
        Ok(()) | Err(Error::ClosedPipe) => {
            for w in commands::take_warnings() {
                eprintln!("{w}");
            }
        }
        Err(Error::Exit(code)) => {
            for w in commands::take_warnings() {
                eprintln!("{w}");
            }
            std::process::exit(code);
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(e.exit_code());
        }
    }
}

/// Print clap's message and exit; it quotes the bad argument, so when that holds control
/// characters (a file name with an escape sequence, say) it is printed escaped, uncoloured.
fn usage_error(e: clap::Error) -> ! {
    let plain = e.render().to_string();
    let unsafe_char = |c: char| c != '\n' && auditty::render::escape::is_control(c);
    if !plain.chars().any(unsafe_char) {
        e.exit();
    }
    eprint!("{}", auditty::render::escape::escape_keep_lines(&plain));
    std::process::exit(e.exit_code());
}
