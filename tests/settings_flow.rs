//! The technician's settings form through the real core and supervisor: the card reader on a
//! real pseudo-terminal, a configuration file in a temporary folder, the embedded centre over
//! real HTTP. Saving writes the file (comments kept, old one as `.bak`), restarts the core with
//! the new settings, and reopens the technician's screen.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use card_reader::Framing;
use card_reader::sim::{PtyEmulator, specimens};
use dost_kiosk::config::{KioskConfig, edit};
use dost_kiosk::kit::Harness;
use dost_kiosk::runtime::{self, Ended, Restarts, UiRoute};
use kiosk_core::settings::{SIMULATED, Settings};
use kiosk_core::view::{FieldError, ScreenId, ServiceAction, ServiceMessage, UiEvent, ViewModel};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Technician PIN of the demo configuration.
const TECHNICIAN_PIN: &str = "246810";

struct Rig {
    h: Harness,
    restarted: Arc<Mutex<Vec<KioskConfig>>>,
    stop: CancellationToken,
    supervisor: JoinHandle<Ended>,
    config: PathBuf,
    data: PathBuf,
    _dir: tempfile::TempDir,
}

/// The demo configuration in a temporary folder, with the card reader on `reader_port`.
fn write_config(dir: &Path, reader_port: &str) -> PathBuf {
    let conf = dir.join("config");
    std::fs::create_dir_all(&conf).expect("config dir");
    std::fs::copy("config/services.toml", conf.join("services.toml")).expect("catalog");
    // The demo's chip trust store (the demo root) goes with it.
    std::fs::create_dir_all(conf.join("trust/demo")).expect("trust dir");
    std::fs::copy(
        "config/trust/demo/demo-csca.pem",
        conf.join("trust/demo/demo-csca.pem"),
    )
    .expect("demo root");
    // The test taps at machine speed: no double-tap guard.
    let text = std::fs::read_to_string("config/kiosk.toml")
        .expect("demo config")
        .replace("tap_guard_ms = 500", "tap_guard_ms = 0");
    let path = conf.join("kiosk.toml");
    let demo = KioskConfig::parse(&text, &path).expect("demo parses");
    let with_reader = Settings {
        reader_port: Some(reader_port.to_owned()),
        ..edit::settings_of(&demo)
    };
    let (text, _) = edit::apply_to_text(&text, &path, &with_reader).expect("reader set");
    std::fs::write(&path, text).expect("write config");
    path
}

async fn start(reader_port: &str) -> Rig {
    dost_kiosk::central::ensure_tls();
    let dir = tempfile::tempdir().expect("temp dir");
    let config = write_config(dir.path(), reader_port);
    let cfg = KioskConfig::load(&config).expect("config loads");
    let data = cfg.data_dir();
    let (views_tx, views) = tokio::sync::mpsc::unbounded_channel();
    let present: runtime::SharedPresent = Arc::new(move |vm| {
        let _ = views_tx.send(vm);
    });
    let (ui, ui_rx) = tokio::sync::mpsc::unbounded_channel();
    let (route, first_rx) = UiRoute::new(ui_rx);
    let kiosk = runtime::start(cfg, runtime::present_through(&present), first_rx)
        .await
        .expect("kiosk starts");
    let restarted = Arc::new(Mutex::new(Vec::new()));
    let seen = restarted.clone();
    let path = config.clone();
    let restarts = Restarts {
        load: Box::new(move || KioskConfig::load(&path).map_err(|e| e.to_string())),
        present,
        route,
        started: Some(Box::new(move |k| {
            seen.lock().expect("restarts").push((*k.cfg).clone())
        })),
    };
    let stop = CancellationToken::new();
    let supervisor = tokio::spawn(runtime::supervise(kiosk, restarts, stop.clone()));
    Rig {
        h: Harness::new(ui, views),
        restarted,
        stop,
        supervisor,
        config,
        data,
        _dir: dir,
    }
}

impl Rig {
    fn send(&self, ev: UiEvent) {
        self.h.send(ev).expect("route alive");
    }

    async fn wait(&mut self, what: &str, pred: impl Fn(&ViewModel) -> bool) -> ViewModel {
        match self.h.wait(what, pred).await {
            Ok(vm) => vm,
            Err(e) => panic!("waiting for {what}: {e}"),
        }
    }

    async fn open_settings(&mut self) -> ViewModel {
        self.wait("attract", |vm| vm.screen == ScreenId::Attract)
            .await;
        self.send(UiEvent::ServiceEntry);
        self.wait("PIN pad", |vm| vm.screen == ScreenId::ServicePin)
            .await;
        self.send(UiEvent::PinEntered(TECHNICIAN_PIN.into()));
        self.wait("technician", |vm| vm.screen == ScreenId::ServiceTechnician)
            .await;
        self.send(UiEvent::ServiceAction(ServiceAction::OpenSettings));
        self.wait("settings", |vm| vm.screen == ScreenId::ServiceSettings)
            .await
    }

    fn edit(&self, field: &str, value: &str) {
        self.send(UiEvent::FieldEdited {
            field_id: field.into(),
            value: value.into(),
        });
    }

    async fn stop(self) {
        self.stop.cancel();
        let ended = tokio::time::timeout(Duration::from_secs(5), self.supervisor)
            .await
            .expect("supervisor stops in time")
            .expect("supervisor task");
        assert!(matches!(ended, Ended::Stopped), "{ended:?}");
    }
}

fn field_value(vm: &ViewModel, id: &str) -> String {
    vm.form
        .as_ref()
        .and_then(|f| f.fields.iter().find(|f| f.id == id))
        .map(|f| f.value.clone())
        .unwrap_or_else(|| panic!("no field {id}"))
}

fn comments(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| l.trim_start().starts_with('#'))
        .collect()
}

fn audit_actions(data: &Path) -> Vec<(String, String)> {
    let db = rusqlite::Connection::open(data.join("kiosk.db")).expect("kiosk db");
    let mut stmt = db
        .prepare("SELECT action, detail FROM audit_log ORDER BY id")
        .expect("audit query");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("audit rows")
        .collect::<Result<_, _>>()
        .expect("audit rows")
}

fn send_card(emu: &mut PtyEmulator, framing: Framing) {
    let card = specimens::aze_id_card();
    let refs: Vec<&str> = card.iter().map(String::as_str).collect();
    emu.send_read(&refs, framing).expect("send read");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saved_settings_are_written_and_the_devices_restart_with_them() {
    let mut emu = PtyEmulator::new().expect("pty");
    let mut rig = start(&emu.path_string()).await;
    let original = std::fs::read_to_string(&rig.config).expect("config");

    // The reader reads plain lines before the change.
    rig.wait("attract", |vm| vm.screen == ScreenId::Attract)
        .await;
    send_card(&mut emu, Framing::Plain);
    rig.wait("welcome", |vm| vm.screen == ScreenId::Welcome)
        .await;
    rig.send(UiEvent::EndSession);

    let form = rig.open_settings().await;
    assert_eq!(field_value(&form, "reader_port"), emu.path_string());
    assert_eq!(field_value(&form, "reader_framing"), "plain");
    assert_eq!(field_value(&form, "printer_port"), SIMULATED);

    rig.edit("reader_framing", "stx-etx");
    rig.edit("kiosk_code", "gnc02");
    rig.edit("center_name", "DOST Gəncə");
    rig.wait("edits shown", |vm| {
        vm.form.is_some() && field_value(vm, "kiosk_code") == "GNC02"
    })
    .await;
    rig.send(UiEvent::ServiceAction(ServiceAction::SaveSettings));

    // The new core opens on the technician's screen with the note.
    let resumed = rig
        .wait("technician after the restart", |vm| {
            vm.screen == ScreenId::ServiceTechnician
                && vm
                    .service
                    .as_ref()
                    .and_then(|s| s.message.as_ref())
                    .is_some_and(|m| matches!(m, ServiceMessage::SettingsApplied { .. }))
        })
        .await;
    assert_eq!(resumed.center_name, "DOST Gəncə");
    let restarted = rig.restarted.lock().expect("restarts").clone();
    assert_eq!(restarted.len(), 1);
    assert_eq!(
        restarted[0].card_reader.effective().framing,
        Framing::StxEtx
    );
    assert_eq!(restarted[0].kiosk.code, "GNC02");

    // The file: new values, every comment kept, the old text as .bak.
    let text = std::fs::read_to_string(&rig.config).expect("config");
    assert_eq!(comments(&text), comments(&original));
    let saved = KioskConfig::parse(&text, &rig.config).expect("saved file is valid");
    assert_eq!(saved.card_reader.effective().framing, Framing::StxEtx);
    assert_eq!(saved.card_reader.port, emu.path_string());
    assert_eq!(saved.kiosk.code, "GNC02");
    let bak = rig.config.with_file_name("kiosk.toml.bak");
    assert_eq!(std::fs::read_to_string(bak).expect("backup"), original);

    // The reader now reads STX/ETX frames, and numbers start with the new code.
    rig.send(UiEvent::CloseService);
    rig.wait("attract", |vm| vm.screen == ScreenId::Attract)
        .await;
    send_card(&mut emu, Framing::StxEtx);
    rig.wait("welcome with the new framing", |vm| {
        vm.screen == ScreenId::Welcome
    })
    .await;
    rig.send(UiEvent::OpenCatalog);
    rig.send(UiEvent::SelectService("employment-history".into()));
    rig.send(UiEvent::StartForm);
    rig.wait("form", |vm| vm.screen == ScreenId::Form).await;
    rig.edit("phone", "+994 50 123 45 67");
    rig.send(UiEvent::Next);
    rig.wait("review", |vm| vm.screen == ScreenId::Review).await;
    rig.send(UiEvent::Submit);
    let done = rig
        .wait("done", |vm| vm.screen == ScreenId::Done)
        .await
        .done
        .expect("done view");
    assert_eq!(done.application_id.kiosk_code(), "GNC02");

    let audit = audit_actions(&rig.data);
    let saved = audit
        .iter()
        .find(|(a, _)| a == "settings_saved")
        .expect("settings_saved in the audit log");
    assert!(
        saved.1.contains("card_reader") && saved.1.contains("kiosk"),
        "{saved:?}"
    );
    assert!(audit.iter().any(|(a, _)| a == "service_resumed"));
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_changed_meanwhile_or_a_refused_value_is_not_overwritten() {
    let emu = PtyEmulator::new().expect("pty");
    let mut rig = start(&emu.path_string()).await;
    rig.open_settings().await;

    // A refused value stays on the form; nothing is written.
    let before = std::fs::read_to_string(&rig.config).expect("config");
    rig.edit("central_url", "http://api.dost.gov.az");
    rig.send(UiEvent::ServiceAction(ServiceAction::SaveSettings));
    let vm = rig
        .wait("refusal shown", |vm| {
            vm.form.as_ref().is_some_and(|f| {
                f.fields
                    .iter()
                    .any(|f| f.id == "central_url" && f.error == Some(FieldError::UrlFormat))
            })
        })
        .await;
    assert_eq!(vm.screen, ScreenId::ServiceSettings);
    assert!(
        vm.service
            .and_then(|s| s.settings)
            .is_some_and(|s| s.invalid)
    );
    assert_eq!(
        std::fs::read_to_string(&rig.config).expect("config"),
        before
    );

    // Someone edits the file while the form is open: the save is refused, their edit stays.
    rig.edit("central_url", "");
    rig.edit("reader_baud", "19200");
    let edited_elsewhere = before.replace("baud = 38400", "baud = 19200");
    assert_ne!(edited_elsewhere, before);
    std::fs::write(&rig.config, &edited_elsewhere).expect("edit elsewhere");
    rig.send(UiEvent::ServiceAction(ServiceAction::SaveSettings));
    let vm = rig
        .wait("save refused", |vm| {
            vm.service
                .as_ref()
                .and_then(|s| s.settings.as_ref())
                .and_then(|s| s.save_error.as_deref())
                .is_some_and(|e| e.contains("changed since"))
        })
        .await;
    assert_eq!(vm.screen, ScreenId::ServiceSettings);
    assert_eq!(
        std::fs::read_to_string(&rig.config).expect("config"),
        edited_elsewhere
    );
    assert!(rig.restarted.lock().expect("restarts").is_empty());
    assert!(
        audit_actions(&rig.data)
            .iter()
            .any(|(a, d)| a == "settings_refused" && d.contains("changed since"))
    );

    // Cancel leaves the form without writing.
    rig.send(UiEvent::Back);
    rig.wait("technician", |vm| vm.screen == ScreenId::ServiceTechnician)
        .await;
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_without_systemd_restarts_the_core_in_place() {
    // Under systemd the process exits and systemd starts it again; without it (the demo, a
    // manual start) the kiosk must not just disappear.
    assert!(std::env::var_os("NOTIFY_SOCKET").is_none());
    let emu = PtyEmulator::new().expect("pty");
    let mut rig = start(&emu.path_string()).await;
    rig.open_settings().await;
    rig.send(UiEvent::Back);
    rig.wait("technician", |vm| vm.screen == ScreenId::ServiceTechnician)
        .await;
    rig.send(UiEvent::ServiceAction(ServiceAction::Restart));
    rig.wait("technician after the restart", |vm| {
        vm.screen == ScreenId::ServiceTechnician
            && vm
                .service
                .as_ref()
                .and_then(|s| s.message.as_ref())
                .is_some_and(|m| *m == ServiceMessage::AppRestarted)
    })
    .await;
    assert_eq!(rig.restarted.lock().expect("restarts").len(), 1);
    // The restarted core takes the UI's events.
    rig.send(UiEvent::CloseService);
    rig.wait("attract", |vm| vm.screen == ScreenId::Attract)
        .await;
    rig.stop().await;
}
