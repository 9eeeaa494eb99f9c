//! Headless load test of the response viewer (issue #4): the real `App` on a 120×32 `TestBackend`, driven by a loop
//! shaped like the terminal one (draw when something changed, coalesce messages, tick while animating), receives a
//! large JSON body while a key press (`j`/`k` in the response) is injected every ~20 ms. Reports the key-to-frame
//! latency (time from injecting the key until a drawn frame reflects it: max, p99, median) during the download and
//! formatting, the milestones, and the peak RSS of the process (VmHWM).
//!
//! `cargo run --release --example viewer_load -- [URL]` (default: an in-process demo server, `/large?size=100MB`);
//! `bench/memory.sh` runs it against a separate `apix demo-server` process.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use apix::tui::app::{Pane, RequestState};
use apix::tui::theme::ColorMode;
use apix::tui::{App, AppOptions, Message};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn status_kib(field: &str) -> u64 {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    text.lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    rt.block_on(run());
}

async fn run() {
    let arg = std::env::args().nth(1);
    let server = match &arg {
        Some(_) => None,
        None => Some(apix::server::DemoServer::start(0).expect("the demo server")),
    };
    let url = arg.unwrap_or_else(|| format!("{}/large?size=100MB", server.as_ref().map(|s| s.url()).unwrap_or_default()));
    let tmp = tempfile::tempdir().expect("a temp dir");
    let col = tmp.path().join("collections/load");
    std::fs::create_dir_all(&col).expect("collection dir");
    std::fs::create_dir_all(tmp.path().join("config")).expect("config dir");
    std::fs::write(col.join("collection.toml"), "name = \"Load\"\n").expect("collection.toml");
    std::fs::write(col.join("big.toml"), format!("name = \"Big\"\nmethod = \"GET\"\nurl = \"{url}\"\n")).expect("request");
    let spill = tmp.path().join("spill");
    std::fs::write(
        tmp.path().join("config/config.toml"),
        format!("[limits]\nspill_dir = \"{}\"\n", spill.display()),
    )
    .expect("config");
    let mut opts = AppOptions::new(tmp.path().join("collections"));
    opts.config_dir = tmp.path().join("config");
    opts.color_mode = ColorMode::TrueColor;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut app = App::new(opts, tx.clone());
    app.set_focus(Pane::Tree);
    for c in "/big".chars() {
        app.handle_key(key(c));
    }
    app.handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    app.set_focus(Pane::Response);
    let mut term = Terminal::new(TestBackend::new(120, 32)).expect("a test terminal");
    term.draw(|f| apix::tui::view::draw(&app, f)).expect("draw");
    let rss_before = status_kib("VmRSS:");

    // Keys are injected from another task through the app's own channel, as terminal input would arrive.
    let injected: Arc<Mutex<VecDeque<Instant>>> = Arc::default();
    let stop = tokio_util::sync::CancellationToken::new();
    {
        let (injected, stop, tx) = (injected.clone(), stop.clone(), tx.clone());
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_millis(20));
            let mut down = true;
            while !stop.is_cancelled() {
                every.tick().await;
                if let Ok(mut q) = injected.lock() {
                    q.push_back(Instant::now());
                }
                let _ = tx.send(Message::Input(Event::Key(key(if down { 'j' } else { 'k' }))));
                down = !down;
            }
        });
    }

    let start = Instant::now();
    app.handle_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    let mut tick = tokio::time::interval(apix::tui::TICK);
    let (mut first_lines, mut done_at, mut formatted_at) = (None, None, None);
    let mut waiting: Vec<Instant> = Vec::new();
    let mut latencies: Vec<(Duration, &'static str)> = Vec::new();
    let mut frames = 0u64;
    let mut draw_time = Duration::ZERO;
    loop {
        let phase = match app.current_slot().map(|s| &s.state) {
            Some(RequestState::Sending { .. }) => "download",
            Some(RequestState::Done(d)) if d.body.is_pending() => "formatting",
            _ => "idle",
        };
        if app.take_redraw() {
            let t = Instant::now();
            term.draw(|f| apix::tui::view::draw(&app, f)).expect("draw");
            draw_time += t.elapsed();
            frames += 1;
            let now = Instant::now();
            latencies.extend(waiting.drain(..).map(|t| (now - t, phase)));
        }
        match app.current_slot().map(|s| &s.state) {
            Some(RequestState::Sending { body, .. }) if first_lines.is_none() && body.line_count() > 0 => {
                first_lines = Some(start.elapsed());
            }
            Some(RequestState::Done(d)) => {
                done_at.get_or_insert(start.elapsed());
                if !d.body.is_pending() && formatted_at.is_none() {
                    formatted_at = Some(start.elapsed());
                }
            }
            Some(RequestState::Failed(f)) => panic!("the request failed: {}", f.message),
            _ => {}
        }
        // Keep pressing keys for a second after formatting, then stop.
        if formatted_at.is_some_and(|f| start.elapsed() > f + Duration::from_secs(1)) {
            break;
        }
        let mut handle = |m: Message, app: &mut App| {
            if matches!(m, Message::Input(_)) {
                if let Some(t) = injected.lock().ok().and_then(|mut q| q.pop_front()) {
                    waiting.push(t);
                }
            }
            app.handle_message(m);
        };
        tokio::select! {
            m = rx.recv() => match m {
                Some(m) => handle(m, &mut app),
                None => break,
            },
            _ = tick.tick(), if app.is_animating() => app.handle_message(Message::Tick),
        }
        while let Ok(m) = rx.try_recv() {
            handle(m, &mut app);
        }
    }
    stop.cancel();
    let total = match app.current_slot().map(|s| &s.state) {
        Some(RequestState::Done(d)) => d.exchange.response.decoded_size,
        _ => 0,
    };
    let peak = status_kib("VmHWM:");
    println!("url                     {url}");
    println!("body                    {}", apix::core::format_size(total));
    let at = |d: Option<Duration>| d.map(ms).unwrap_or_else(|| "—".into());
    println!("first lines on screen   {} after send", at(first_lines));
    println!("body complete           {}", at(done_at));
    println!("document ready          {}", at(formatted_at));
    println!(
        "frames drawn            {frames} (mean draw {})",
        ms(draw_time / frames.max(1) as u32)
    );
    for phase in ["download", "formatting", "idle", "all"] {
        let mut l: Vec<Duration> = latencies
            .iter()
            .filter(|(_, p)| phase == "all" || *p == phase)
            .map(|(d, _)| *d)
            .collect();
        if l.is_empty() {
            continue;
        }
        l.sort();
        println!(
            "key→frame {phase:<11}  n={:<4} median {}  p99 {}  max {}",
            l.len(),
            ms(percentile(&l, 0.5)),
            ms(percentile(&l, 0.99)),
            ms(l[l.len() - 1])
        );
    }
    println!("RSS before send         {:.1} MB", rss_before as f64 / 1024.0);
    println!("peak RSS (VmHWM)        {:.1} MB", peak as f64 / 1024.0);
    println!("peak / body             {:.2}×", (peak as f64 * 1024.0) / (total.max(1) as f64));
    drop(app);
    let left = std::fs::read_dir(&spill).map(|d| d.count()).unwrap_or(0);
    println!("temp files left         {left}");
}
