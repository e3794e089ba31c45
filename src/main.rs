//! `dost-kiosk`: runs the kiosk, or one of the technician's commands.

use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use dost_kiosk::cli::{CardCmd, Cli, Command, ConfigCmd, ReceiptCmd, RunArgs, ScreenshotArgs};
use dost_kiosk::config::KioskConfig;
use dost_kiosk::view::{Lang, ScreenId};
use dost_kiosk::{catalog::Catalog, runtime, ui_bridge, view_samples};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let result = match cli.command {
        None => run(&cli.global, &RunArgs::default()),
        Some(Command::Run(ref args)) => run(&cli.global, args),
        Some(Command::Screenshot(ref args)) => screenshot(args),
        Some(Command::Config(ConfigCmd::Check { ref path })) => {
            config_check(path.as_deref().unwrap_or(&cli.global.config))
        }
        Some(Command::Card(CardCmd::Parse { ref framing })) => card_parse(framing),
        Some(Command::Receipt(ReceiptCmd::Preview {
            ref input,
            ref out,
            width,
        })) => receipt_preview(input, out, width),
    };
    match result {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("dost-kiosk: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("DOST_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn load_config(global: &dost_kiosk::cli::GlobalArgs) -> Result<KioskConfig, String> {
    let mut cfg = KioskConfig::load(&global.config).map_err(|e| e.to_string())?;
    if let Some(dir) = &global.data_dir {
        cfg.kiosk.data_dir = std::path::absolute(dir).map_err(|e| e.to_string())?;
    }
    Ok(cfg)
}

fn has_display() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

const NO_DISPLAY: &str = "no display: the kiosk needs an X11 or Wayland display.\n\
    Run it under a virtual display:  xvfb-run -s '-screen 0 1080x1920x24' dost-kiosk run\n\
    (or `make run`, which does this when no display is set).\n\
    Screens can be rendered without any display:  dost-kiosk screenshot --list";

fn run(global: &dost_kiosk::cli::GlobalArgs, args: &RunArgs) -> Result<ExitCode, String> {
    let cfg = load_config(global)?;
    if !has_display() {
        return Err(NO_DISPLAY.to_owned());
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_name("kiosk-core")
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let (ui_tx, ui_rx) = tokio::sync::mpsc::unbounded_channel();
    let ui = match ui_bridge::SlintUi::new(ui_tx) {
        Ok(ui) => ui,
        Err(ui_bridge::UiError::NoDisplay(why)) => return Err(format!("{NO_DISPLAY}\n({why})")),
        Err(e) => return Err(format!("cannot open the kiosk window: {e}")),
    };
    if args.fullscreen {
        ui.set_fullscreen(true);
    }
    // The readiness beacon of the benchmark harness, when it asks for one.
    if let Ok(beacon) = std::env::var("KIOSK_BEACON") {
        ui.on_first_frame(move || {
            std::thread::spawn(move || ping_beacon(&beacon));
        });
    }
    let presenter = ui.presenter();
    let present: runtime::PresentFn = Box::new(move |vm| {
        if let Err(e) = presenter.show(vm) {
            tracing::debug!(error = %e, "view not shown (the window is closing)");
        }
    });
    let kiosk = rt
        .block_on(runtime::start(cfg, present, ui_rx))
        .map_err(|e| e.to_string())?;
    tracing::info!(central = %kiosk.central_url, "kiosk running");
    // SIGTERM/SIGINT close the window; the core then shuts down in order.
    {
        let quit = ui.presenter();
        rt.spawn(async move {
            wait_for_signal().await;
            tracing::info!("stop signal received");
            let _ = quit.quit();
        });
    }
    let ran = ui.run();
    rt.block_on(kiosk.shutdown(Duration::from_millis(1500)));
    rt.shutdown_timeout(Duration::from_millis(300));
    ran.map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// GETs `$KIOSK_BEACON?ev=ready` (plain HTTP to 127.0.0.1, set by the benchmark harness).
fn ping_beacon(beacon: &str) {
    let Some(rest) = beacon.strip_prefix("http://") else {
        return;
    };
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if let Ok(mut s) = std::net::TcpStream::connect(host) {
        let _ = s.set_write_timeout(Some(Duration::from_secs(1)));
        let _ = write!(
            s,
            "GET /{path}?ev=ready HTTP/1.0\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        );
        let mut sink = Vec::new();
        let _ = s.set_read_timeout(Some(Duration::from_secs(1)));
        let _ = s.read_to_end(&mut sink);
    }
}

fn screenshot(args: &ScreenshotArgs) -> Result<ExitCode, String> {
    if args.list {
        for s in ScreenId::ALL {
            println!("{}", s.name());
        }
        return Ok(ExitCode::SUCCESS);
    }
    let name = args.screen.as_deref().unwrap_or_default();
    let screen = ScreenId::from_name(name).ok_or_else(|| {
        let all: Vec<&str> = ScreenId::ALL.iter().map(|s| s.name()).collect();
        format!("unknown screen `{name}`; screens: {}", all.join(", "))
    })?;
    let lang = Lang::parse(&args.lang)
        .ok_or_else(|| format!("unknown language `{}`: az, ru or en", args.lang))?;
    let out = args.out.as_deref().ok_or("--out FILE.png is required")?;
    let vm = view_samples::sample(screen, lang);
    ui_bridge::render_png(&vm, args.width, args.height, out).map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}

fn config_check(path: &Path) -> Result<ExitCode, String> {
    let cfg = match KioskConfig::load(path) {
        Ok(cfg) => cfg,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::from(1));
        }
    };
    if let Err(e) = Catalog::load(&cfg.catalog_path()) {
        eprintln!("{e}");
        return Ok(ExitCode::from(1));
    }
    println!("{}: ok", path.display());
    Ok(ExitCode::SUCCESS)
}

fn card_parse(framing: &str) -> Result<ExitCode, String> {
    let framing: card_reader::Framing = framing.parse().map_err(|e| format!("--framing: {e}"))?;
    let mut input = Vec::new();
    std::io::stdin()
        .read_to_end(&mut input)
        .map_err(|e| format!("cannot read stdin: {e}"))?;
    let mut pipeline = card_reader::ReadPipeline::new(framing, runtime::today_baku);
    let mut events = pipeline.push(&input);
    // A plain read whose last line lacks its line end.
    if framing == card_reader::Framing::Plain && !input.ends_with(b"\r") && !input.ends_with(b"\n")
    {
        events.extend(pipeline.push(b"\r\n"));
    }
    let mut rejected = false;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for ev in events {
        let json = match ev {
            card_reader::ReaderEvent::CardRead(d) => serde_json::json!({
                "format": d.format.to_string(),
                "document_code": d.document_code,
                "issuing_state": d.issuing_state,
                "document_number": d.document_number,
                "birth_date": d.birth_date.format("%Y-%m-%d").to_string(),
                "sex": d.sex.code(),
                "expiry_date": d.expiry_date.format("%Y-%m-%d").to_string(),
                "nationality": d.nationality,
                "surname": d.surname,
                "given_names": d.given_names.join(" "),
                "fin": d.fin,
                "optional_data": d.optional_data,
            }),
            card_reader::ReaderEvent::CardRejected(r) => {
                rejected = true;
                serde_json::json!({"error": r.reason, "field": r.field})
            }
            card_reader::ReaderEvent::Status(_) => continue,
        };
        writeln!(out, "{json}").map_err(|e| e.to_string())?;
    }
    Ok(if rejected {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn receipt_preview(input: &Path, out: &Path, width: u32) -> Result<ExitCode, String> {
    let bytes =
        std::fs::read(input).map_err(|e| format!("cannot read {}: {e}", input.display()))?;
    let png = receipt_printer::preview::render_png(&bytes, width).map_err(|e| e.to_string())?;
    std::fs::write(out, png).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    Ok(ExitCode::SUCCESS)
}
