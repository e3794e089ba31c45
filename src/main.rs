//! `dost-kiosk`: runs the kiosk, or one of the technician's commands.

use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use dost_kiosk::cli::{
    CardCmd, Cli, Command, ConfigCmd, PinCmd, PortArgs, PrinterCmd, ReceiptCmd, RunArgs,
    ScreenshotArgs,
};
use dost_kiosk::config::KioskConfig;
use dost_kiosk::view::{Lang, ScreenId};
use dost_kiosk::{catalog::Catalog, runtime, ui_bridge, view_samples};
use tokio_util::sync::CancellationToken;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, None | Some(Command::Run(_))) {
        init_logging();
    }
    let result = match cli.command {
        None => run(&cli.global, &RunArgs::default()),
        Some(Command::Run(ref args)) => run(&cli.global, args),
        Some(Command::Screenshot(ref args)) => screenshot(args),
        Some(Command::Config(ConfigCmd::Check { ref path })) => {
            config_check(path.as_deref().unwrap_or(&cli.global.config))
        }
        Some(Command::Config(ConfigCmd::Set { ref key, ref value })) => {
            config_set(&cli.global.config, key, value)
        }
        Some(Command::Card(CardCmd::Parse { ref framing })) => card_parse(framing),
        Some(Command::BurnIn(ref args)) => burn_in(&cli.global, args),
        Some(Command::Card(CardCmd::Listen { ref port })) => {
            card_listen(&cli.global, port.as_deref())
        }
        Some(Command::Printer(PrinterCmd::Status { ref port, json })) => {
            printer_status(&cli.global, port, json)
        }
        Some(Command::Printer(PrinterCmd::Test { ref port })) => printer_test(&cli.global, port),
        Some(Command::Printer(PrinterCmd::Restocked)) => printer_restocked(&cli.global),
        Some(Command::Pin(PinCmd::Hash)) => pin_hash(),
        Some(Command::Ports) => {
            for p in runtime::serial_ports() {
                println!("{p}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Doctor { json }) => doctor(&cli.global, json),
        Some(Command::Provision { ref token }) => provision(&cli.global, token.as_deref()),
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

fn log_filter() -> tracing_subscriber::EnvFilter {
    tracing_subscriber::EnvFilter::try_from_env("DOST_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"))
}

/// Logs of the technician's commands: stderr.
fn init_logging() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(log_filter())
        .with_writer(std::io::stderr)
        .try_init();
}

/// Logs of the running kiosk: stderr (journald) and daily files in `data_dir/logs`, 7 kept.
fn init_kiosk_logging(data_dir: &Path) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix(dost_kiosk::logs::FILE_PREFIX)
        .max_log_files(7)
        .build(dost_kiosk::logs::dir(data_dir));
    let (file, guard) = match appender {
        Ok(a) => tracing_appender::non_blocking(a),
        Err(e) => {
            init_logging();
            tracing::warn!(error = %e, "cannot write log files; logging to stderr only");
            return None;
        }
    };
    let _ = tracing_subscriber::registry()
        .with(log_filter())
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(file),
        )
        .try_init();
    Some(guard)
}

fn load_config(global: &dost_kiosk::cli::GlobalArgs) -> Result<KioskConfig, String> {
    let mut cfg = KioskConfig::load(&global.config).map_err(|e| e.to_string())?;
    if let Some(dir) = &global.data_dir {
        cfg.kiosk.data_dir = std::path::absolute(dir).map_err(|e| e.to_string())?;
    }
    Ok(cfg)
}

/// `dost-kiosk burn-in`: scripted sessions, one application number per line on stdout.
fn burn_in(
    global: &dost_kiosk::cli::GlobalArgs,
    args: &dost_kiosk::burnin::BurnInArgs,
) -> Result<ExitCode, String> {
    let cfg = load_config(global)?;
    dost_kiosk::burnin::run_cli(cfg, args).map_err(|e| e.to_string())
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
    let _log_guard = init_kiosk_logging(&cfg.data_dir());
    // With the linuxkms backend the kiosk draws to the screen itself and needs no display.
    if !has_display() && !cfg!(feature = "linuxkms") {
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
    // The first frame is on screen: tell systemd, and the benchmark harness when it asks.
    let beacon = std::env::var("KIOSK_BEACON").ok();
    ui.on_first_frame(move || {
        if let Err(e) = dost_kiosk::notify::notify("READY=1") {
            tracing::warn!(error = %e, "cannot notify systemd");
        }
        if let Some(beacon) = beacon {
            std::thread::spawn(move || ping_beacon(&beacon));
        }
    });
    let presenter = ui.presenter();
    let present: runtime::SharedPresent = Arc::new(move |vm| {
        if let Err(e) = presenter.show(vm) {
            tracing::debug!(error = %e, "view not shown (the window is closing)");
        }
    });
    let (route, ui_rx) = {
        let _enter = rt.enter();
        runtime::UiRoute::new(ui_rx)
    };
    let (center_name, lang) = (cfg.kiosk.center_name.clone(), cfg.default_lang());
    let kiosk = match rt.block_on(runtime::start(
        cfg,
        runtime::present_through(&present),
        ui_rx,
    )) {
        Ok(kiosk) => kiosk,
        // The database cannot be used: say so on the screen (citizens see "out of service",
        // technicians the log) instead of a blank kiosk; systemd keeps retrying.
        Err(runtime::RuntimeError::Store(e)) => {
            tracing::error!(error = %e, "the kiosk database cannot be used");
            ui.show(&dost_kiosk::view::ViewModel {
                screen: ScreenId::OutOfService,
                out_of_service: Some(dost_kiosk::view::OutOfServiceKind::Storage),
                center_name,
                lang,
                ..Default::default()
            });
            let quit = ui.presenter();
            rt.spawn(async move {
                wait_for_signal().await;
                let _ = quit.quit();
            });
            ui.run().map_err(|e| e.to_string())?;
            return Err(format!("the kiosk database cannot be used: {e}"));
        }
        Err(e) => return Err(e.to_string()),
    };
    tracing::info!(central = %kiosk.central_url, "kiosk running");
    // The supervisor owns the core: it restarts it in place when a technician's saved settings
    // need it, and shuts it down in order on SIGTERM/SIGINT, a technician's restart, or when
    // the window closes; then the window closes too.
    let stop = CancellationToken::new();
    let supervisor = {
        let global = global.clone();
        let restarts = runtime::Restarts {
            load: Box::new(move || load_config(&global)),
            present,
            route,
            started: None,
        };
        let quit = ui.presenter();
        let stop = stop.clone();
        rt.spawn(async move {
            let ended = runtime::supervise(kiosk, restarts, stop).await;
            let _ = dost_kiosk::notify::notify("STOPPING=1");
            let _ = quit.quit();
            ended
        })
    };
    {
        let stop = stop.clone();
        rt.spawn(async move {
            wait_for_signal().await;
            tracing::info!("stop signal received");
            stop.cancel();
        });
    }
    // The watchdog is petted from the UI event loop, so a frozen screen gets the kiosk restarted.
    if let Some(every) = dost_kiosk::notify::watchdog_interval() {
        let ui_loop = ui.presenter();
        rt.spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                let pet = ui_loop.run_on_ui(|| {
                    let _ = dost_kiosk::notify::notify("WATCHDOG=1");
                });
                if pet.is_err() {
                    return;
                }
            }
        });
    }
    let ran = ui.run();
    stop.cancel();
    let ended = rt.block_on(supervisor);
    rt.shutdown_timeout(Duration::from_millis(300));
    ran.map_err(|e| e.to_string())?;
    match ended {
        Ok(runtime::Ended::Stopped) => tracing::info!("kiosk stopped"),
        Ok(runtime::Ended::AppRestart) => tracing::info!("restart requested by a technician"),
        Ok(runtime::Ended::Failed(why)) => {
            return Err(format!("the kiosk core could not start again: {why}"));
        }
        Err(e) => return Err(format!("the supervisor failed: {e}")),
    }
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

/// `config set KEY VALUE`: exit 0 when written, 1 when refused (the file is then unchanged).
fn config_set(path: &Path, key: &str, value: &str) -> Result<ExitCode, String> {
    use dost_kiosk::settings;
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let new_text = match settings::set_key(&text, path, key, value) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::from(1));
        }
    };
    if new_text == text {
        println!("{key} is already {value}");
        return Ok(ExitCode::SUCCESS);
    }
    settings::write_config(path, &new_text).map_err(|e| e.to_string())?;
    println!(
        "{key} set in {} (the old file is {}.bak). A running kiosk applies session, service \
         and center-name settings within seconds; devices, the centre link and the identity at \
         its next start or from the technician's settings screen.",
        path.display(),
        path.display()
    );
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

fn printer_profile(cfg: Option<&KioskConfig>) -> receipt_printer::PrinterProfile {
    cfg.map(KioskConfig::printer_profile).unwrap_or_default()
}

/// Opens the printer named by `--port` (or the configured serial printer).
fn direct_printer(
    cfg: Option<&KioskConfig>,
    port: &PortArgs,
) -> Result<Option<receipt_printer::Printer<receipt_printer::SerialTransport>>, String> {
    let path = match (&port.port, cfg) {
        (Some(p), _) => p.clone(),
        _ => return Ok(None),
    };
    let baud = port.baud.or(cfg.map(|c| c.printer.baud)).unwrap_or(38_400);
    let transport = receipt_printer::SerialTransport::open(&path, baud)
        .map_err(|e| format!("cannot open the printer on {path}: {e}"))?;
    Ok(Some(receipt_printer::Printer::new(
        transport,
        printer_profile(cfg),
    )))
}

fn open_store(cfg: &KioskConfig) -> Result<dost_kiosk::store::Store, String> {
    dost_kiosk::store::Store::open_dir(&cfg.data_dir()).map_err(|e| e.to_string())
}

fn printer_status(
    global: &dost_kiosk::cli::GlobalArgs,
    port: &PortArgs,
    json: bool,
) -> Result<ExitCode, String> {
    let cfg = load_config(global).ok();
    let status: Option<receipt_printer::PrinterStatus> = match direct_printer(cfg.as_ref(), port)? {
        Some(mut printer) => Some(printer.status().map_err(|e| format!("printer: {e}"))?),
        None => cfg.as_ref().and_then(|c| {
            let text = std::fs::read_to_string(c.data_dir().join(runtime::STATUS_FILE)).ok()?;
            let v: serde_json::Value = serde_json::from_str(&text).ok()?;
            published_printer_status(&v)
        }),
    };
    let stats = cfg
        .as_ref()
        .and_then(|c| open_store(c).ok())
        .and_then(|s| s.stats().ok());
    let roll = cfg.as_ref().map_or(80_000, |c| c.printer.roll_length_mm);
    let receipts_left =
        stats.map(|s| ((f64::from(roll) - s.paper_used_mm).max(0.0) / 110.0) as u64);
    let word = |b: bool, yes: &str, no: &str| if b { yes.to_owned() } else { no.to_owned() };
    let device = status.map_or("unknown (kiosk not running)".to_owned(), |s| {
        format!("{:?}", s.device).to_lowercase()
    });
    let paper = status.map_or("unknown".to_owned(), |s| {
        format!("{:?}", s.paper).to_lowercase()
    });
    if json {
        let v = serde_json::json!({
            "device": status.map(|s| s.device),
            "paper": status.map(|s| s.paper),
            "cover_open": status.map(|s| s.cover_open),
            "cutter_error": status.map(|s| s.cutter_error),
            "jobs_held": stats.map(|s| s.held_jobs),
            "jobs_queued": stats.map(|s| s.queued_jobs),
            "paper_used_mm": stats.map(|s| s.paper_used_mm),
            "receipts_left": receipts_left,
        });
        println!("{v}");
    } else {
        println!("device         {device}");
        println!("paper          {paper}");
        println!(
            "cover          {}",
            status.map_or("unknown".into(), |s| word(s.cover_open, "open", "closed"))
        );
        println!(
            "cutter         {}",
            status.map_or("unknown".into(), |s| word(s.cutter_error, "error", "ok"))
        );
        if let Some(s) = stats {
            println!("jobs held      {}", s.held_jobs);
            println!("jobs queued    {}", s.queued_jobs);
            println!("paper used     {:.0} mm since restock", s.paper_used_mm);
        }
        if let Some(l) = receipts_left {
            println!("receipts left  about {l}");
        }
    }
    let ok = status.is_some_and(|s| s.can_print());
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The printer status the running kiosk published.
fn published_printer_status(v: &serde_json::Value) -> Option<receipt_printer::PrinterStatus> {
    let p = v.get("printer")?;
    let device = match p.get("device")?.as_str()? {
        "online" => receipt_printer::DeviceState::Online,
        "offline" => receipt_printer::DeviceState::Offline,
        "no-device" => receipt_printer::DeviceState::NoDevice,
        _ => receipt_printer::DeviceState::HardwareError,
    };
    let paper = match p.get("paper")?.as_str()? {
        "ok" => receipt_printer::PaperLevel::Ok,
        "low" => receipt_printer::PaperLevel::Low,
        _ => receipt_printer::PaperLevel::Out,
    };
    Some(receipt_printer::PrinterStatus {
        device,
        paper,
        cover_open: p.get("cover_open")?.as_bool()?,
        cutter_error: p.get("cutter_error")?.as_bool()?,
    })
}

fn printer_test(global: &dost_kiosk::cli::GlobalArgs, port: &PortArgs) -> Result<ExitCode, String> {
    let cfg = load_config(global).ok();
    let profile = printer_profile(cfg.as_ref());
    let page = receipt_printer::encode_test_page(&profile);
    if let Some(mut printer) = direct_printer(cfg.as_ref(), port)? {
        return match printer.print(&page).map_err(|e| format!("printer: {e}"))? {
            receipt_printer::PrintOutcome::Printed => {
                println!("test page printed ({} bytes)", page.bytes.len());
                Ok(ExitCode::SUCCESS)
            }
            receipt_printer::PrintOutcome::Held(why) => {
                eprintln!("test page not printed: {why:?}");
                Ok(ExitCode::from(1))
            }
        };
    }
    // The kiosk's printer: queue the page; the running kiosk prints it.
    let cfg = cfg.ok_or("no configuration: give --port or a valid --config")?;
    let mut store = open_store(&cfg)?;
    let job = dost_kiosk::store::NewPrintJob {
        bytes: page.bytes,
        paper_mm: page.paper_mm,
    };
    let id = store
        .queue_job(&job, chrono::Utc::now())
        .map_err(|e| e.to_string())?;
    store
        .audit(
            "technician",
            "test_print",
            &format!("job {id}"),
            chrono::Utc::now(),
        )
        .map_err(|e| e.to_string())?;
    println!("test page queued as job {id}; the running kiosk prints it");
    Ok(ExitCode::SUCCESS)
}

fn printer_restocked(global: &dost_kiosk::cli::GlobalArgs) -> Result<ExitCode, String> {
    let cfg = load_config(global)?;
    let mut store = open_store(&cfg)?;
    store
        .restocked("staff", chrono::Utc::now())
        .map_err(|e| e.to_string())?;
    let held = store.stats().map_err(|e| e.to_string())?.held_jobs;
    println!("paper counter reset; {held} held receipt(s) print when the printer is ready");
    Ok(ExitCode::SUCCESS)
}

fn card_listen(
    global: &dost_kiosk::cli::GlobalArgs,
    port: Option<&str>,
) -> Result<ExitCode, String> {
    let cfg = load_config(global).ok();
    let path = port
        .map(str::to_owned)
        .or_else(|| cfg.as_ref().map(|c| c.card_reader.port.clone()))
        .filter(|p| !p.is_empty())
        .ok_or("no reader port: give --port PATH or set card_reader.port")?;
    let settings = match &cfg {
        Some(c) => c.reader_settings(&path),
        None => card_reader::SerialSettings::new(path.clone()),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async move {
        let (tx, mut rx) = tokio::sync::mpsc::channel(16);
        let cancel = tokio_util::sync::CancellationToken::new();
        let task = card_reader::spawn_serial_reader(settings, tx, cancel.clone(), runtime::today_baku);
        println!("listening on {path} (Ctrl-C stops)");
        loop {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => break,
                ev = rx.recv() => match ev {
                    None => break,
                    // Technicians see what was read, with the FİN and name masked.
                    Some(card_reader::ReaderEvent::CardRead(d)) => println!(
                        "read    {} {} document {} expires {} FİN {}",
                        d.format,
                        d.issuing_state,
                        dost_kiosk::text::mask_fin(&d.document_number),
                        d.expiry_date,
                        d.fin.as_deref().map(dost_kiosk::text::mask_fin).unwrap_or_else(|| "-".into()),
                    ),
                    Some(card_reader::ReaderEvent::CardRejected(r)) => {
                        println!("reject  {}: {}", r.field, r.reason)
                    }
                    Some(card_reader::ReaderEvent::Status(s)) => println!("status  {s:?}"),
                },
            }
        }
        cancel.cancel();
        let _ = task.await;
    });
    Ok(ExitCode::SUCCESS)
}

fn pin_hash() -> Result<ExitCode, String> {
    let mut pin = String::new();
    std::io::stdin()
        .read_line(&mut pin)
        .map_err(|e| format!("cannot read the PIN: {e}"))?;
    let hash = dost_kiosk::service::hash_pin(pin.trim()).map_err(|e| e.to_string())?;
    println!("{hash}");
    Ok(ExitCode::SUCCESS)
}

fn doctor(global: &dost_kiosk::cli::GlobalArgs, json: bool) -> Result<ExitCode, String> {
    use dost_kiosk::doctor::{Level, run_checks};
    let cfg = load_config(global);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let checks = rt.block_on(run_checks(&global.config, cfg));
    if json {
        println!(
            "{}",
            serde_json::to_string(&checks).map_err(|e| e.to_string())?
        );
    } else {
        println!("{:<14} {:<6} DETAIL", "CHECK", "STATUS");
        for c in &checks {
            let status = match c.level {
                Level::Ok => "ok",
                Level::Warn => "warn",
                Level::Fail => "FAIL",
            };
            println!("{:<14} {:<6} {}", c.name, status, c.detail);
        }
    }
    let failed = checks.iter().any(|c| c.level == Level::Fail);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn provision(
    global: &dost_kiosk::cli::GlobalArgs,
    token: Option<&str>,
) -> Result<ExitCode, String> {
    let cfg = load_config(global)?;
    let done = dost_kiosk::doctor::provision(&cfg, token).map_err(|e| e.to_string())?;
    println!("data directory  {} (mode 700)", done.data_dir.display());
    println!(
        "device key      {} (mode 600)",
        done.data_dir.join("device.key").display()
    );
    println!(
        "token file      {} (mode 600){}",
        done.token_file.display(),
        if done.token_created {
            ", written"
        } else {
            ", kept"
        }
    );
    println!("set central.token_file to the token file in the configuration");
    Ok(ExitCode::SUCCESS)
}
