//! A blind citizen's whole visit with the tactile keypad alone, through the real core (demo
//! configuration: simulated reader and printer, SQLite, the embedded centre over HTTP), with
//! what audio guidance says checked step by step; service mode never speaks a PIN; and the
//! burn-in's keypad mode with its speech log.

mod common;

use std::time::Duration;

use dost_kiosk::kit::Harness;
use dost_kiosk::kit::burnin::{self, BurnInArgs, InputMode};
use dost_kiosk::kit::keypad::KeypadDriver;
use dost_kiosk::runtime::speech::Said;
use kiosk_core::keypad::Key;
use kiosk_core::speech::words;
use kiosk_core::view::{Lang, ScreenId, UiEvent, ViewModel};
use tokio::sync::broadcast;

/// What the kiosk said, as it said it.
struct Ears {
    rx: broadcast::Receiver<Said>,
}

impl Ears {
    /// Everything said since the last call: (language, text).
    fn heard(&mut self) -> Vec<(Lang, String)> {
        let mut out = Vec::new();
        loop {
            match self.rx.try_recv() {
                Ok(said) => out.extend(said.utterances.into_iter().map(|u| (u.lang, u.text))),
                Err(broadcast::error::TryRecvError::Lagged(n)) => panic!("missed {n} batches"),
                Err(_) => return out,
            }
        }
    }

    fn texts(&mut self) -> Vec<String> {
        self.heard().into_iter().map(|(_, t)| t).collect()
    }
}

/// `want` appears in `heard` in this order (other lines may come between).
#[track_caller]
fn in_order(heard: &[String], want: &[&str]) {
    let mut at = 0;
    for w in want {
        match heard[at..].iter().position(|h| h == w) {
            Some(i) => at += i + 1,
            None => panic!("`{w}` not said (in order) in {heard:#?}"),
        }
    }
}

async fn key(h: &mut Harness, k: Key, what: &str, pred: impl Fn(&ViewModel) -> bool) -> ViewModel {
    h.send(UiEvent::Keypad(k)).expect("core alive");
    common::wait(h, what, pred).await
}

fn ring(vm: &ViewModel) -> String {
    vm.access
        .ring
        .as_ref()
        .map(|r| r.label.clone())
        .unwrap_or_default()
}

/// Down until the ring is on `label`.
async fn down_to(h: &mut Harness, label: &str) -> ViewModel {
    for _ in 0..20 {
        let vm = common::wait(h, "a view", |_| true).await;
        if ring(&vm) == label {
            return vm;
        }
        let next = vm.access.position.map_or(1, |(i, n)| i % n + 1);
        key(h, Key::Down, label, move |v| {
            v.access.position.is_some_and(|p| p.0 == next)
        })
        .await;
    }
    panic!("no `{label}` on this screen");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_visit_with_the_keypad_alone_is_spoken() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (kiosk, mut h) = common::start_demo(dir.path(), |_| {}).await;
    let mut ears = Ears {
        rx: kiosk.speech.subscribe(),
    };
    common::wait(&mut h, "attract", |v| v.screen == ScreenId::Attract).await;

    // The start-speech key: audio mode, in Azerbaijani (the kiosk's default).
    key(&mut h, Key::StartSpeech, "audio on", |v| v.access.audio).await;
    let heard = ears.heard();
    assert!(heard.iter().all(|(l, _)| *l == Lang::Az), "{heard:#?}");
    let heard: Vec<String> = heard.into_iter().map(|(_, t)| t).collect();
    assert_eq!(heard[0], "Səsli müşayiət açıqdır.");
    in_order(
        &heard,
        &[
            "dost-a xoş gəlmisiniz",
            "Əmək, məşğulluq, pensiya və sosial yardım bir məkanda",
            "Şəxsiyyət vəsiqənizi daxil edin",
            "Dili seçin",
            "Demo kartı daxil et",
            "bir, cəmi altı",
            "Düymə. Seçmək üçün Enter basın.",
        ],
    );

    // Enter on "insert demo card": the card is read and the centre confirms it.
    key(&mut h, Key::Enter, "welcome", |v| {
        v.screen == ScreenId::Welcome
    })
    .await;
    let heard = ears.heard();
    let name = heard
        .iter()
        .find(|(_, t)| t == "Ali Mammadov")
        .expect("the name is said");
    assert_eq!(name.0, Lang::Az);
    let heard: Vec<String> = heard.into_iter().map(|(_, t)| t).collect();
    in_order(
        &heard,
        &[
            "Xoş gəlmisiniz,",
            "Ali Mammadov",
            "fin: beş ze xe ulduz ulduz ulduz ulduz",
            "Yeni müraciət",
        ],
    );

    // English with its language button, then "New application".
    down_to(&mut h, "English").await;
    let heard = ears.heard();
    // A language's name is said in that language; its state in the screen's.
    let at = heard
        .iter()
        .position(|(l, t)| *l == Lang::En && t == "English")
        .unwrap_or_else(|| panic!("{heard:#?}"));
    assert_eq!(heard[at + 1], (Lang::Az, "seçilməyib".to_owned()));
    assert_eq!(heard[at + 2], (Lang::Az, "altı, cəmi səkkiz".to_owned()));
    key(&mut h, Key::Enter, "english", |v| v.lang == Lang::En).await;
    in_order(
        &ears.texts(),
        &[
            "Hello,",
            "Ali Mammadov",
            "fin (personal identification number): five zed ex star star star star",
            "English",
            "selected",
        ],
    );
    down_to(&mut h, "New application").await;
    key(&mut h, Key::Enter, "catalog", |v| {
        v.screen == ScreenId::Catalog
    })
    .await;
    in_order(
        &ears.texts(),
        &[
            "Choose a service",
            "Touch a service to start your application.",
            "Register as unemployed",
            "one working day",
            "one of seventeen",
        ],
    );

    // The first service, its information page, its form.
    key(&mut h, Key::Enter, "service info", |v| {
        v.screen == ScreenId::ServiceInfo
    })
    .await;
    in_order(
        &ears.texts(),
        &[
            "Register as unemployed",
            "What you need: ID card, contact phone",
            "How long it takes: one working day",
            "Start application",
        ],
    );
    key(&mut h, Key::Enter, "form", |v| v.screen == ScreenId::Form).await;
    in_order(
        &ears.texts(),
        &[
            "Register as unemployed",
            "Mobile number",
            "required",
            "We will send you an S M S",
            "empty",
        ],
    );

    // The phone number with the keypad's digits: each digit is said as it is typed.
    for d in [5, 0, 1, 2, 3, 4, 5, 6, 7] {
        key(&mut h, Key::Digit(d), "a digit", move |v| {
            v.form.as_ref().is_some_and(|f| {
                f.fields[0].value.chars().rfind(char::is_ascii_digit)
                    == char::from_digit(u32::from(d), 10)
            })
        })
        .await;
    }
    assert_eq!(
        ears.texts(),
        [
            "five", "zero", "one", "two", "three", "four", "five", "six", "seven"
        ]
    );

    // A profession on the on-screen keyboard: open, move over the keys (each named), type.
    key(&mut h, Key::Down, "profession", |v| {
        ring(v) == "Your profession"
    })
    .await;
    ears.heard();
    {
        let vm = common::wait(&mut h, "form", |_| true).await;
        let field = vm
            .form
            .as_ref()
            .map(|f| f.fields[1].clone())
            .expect("profession");
        let mut keys = KeypadDriver::new(&mut h, None).expect("driver");
        keys.type_into(&field, "Cook").await.expect("typed");
    }
    let typing = ears.texts();
    in_order(
        &typing,
        &[
            "On-screen keyboard",
            "cue",
            "Shift",
            "on",
            "capital see",
            "oh",
            "oh",
            "kay",
        ],
    );
    let vm = common::wait(&mut h, "typed", |v| {
        v.form.as_ref().is_some_and(|f| f.fields[1].value == "Cook")
    })
    .await;
    assert_eq!(ring(&vm), "Your profession", "Back closed the keyboard");
    assert!(
        typing.contains(&"Keyboard closed.".to_owned()),
        "{typing:#?}"
    );

    // Next, the review read row by row, submit.
    down_to(&mut h, "Next ›").await;
    key(&mut h, Key::Enter, "review", |v| {
        v.screen == ScreenId::Review
    })
    .await;
    in_order(
        &ears.texts(),
        &[
            "Check your application",
            "Mobile number: plus nine hundred ninety-four, fifty, one hundred twenty-three, forty-five, sixty-seven",
            "Your profession: Cook",
            "Submit application",
        ],
    );
    let vm = key(&mut h, Key::Enter, "done", |v| v.screen == ScreenId::Done).await;
    let number = vm.done.expect("done").application_id;
    let spelt = words::spell(Lang::En, number.as_str());
    assert!(spelt.starts_with("why ay ess zero one, dash, "), "{spelt}");
    // The simulated printer prints the receipt (said when it is, or at once if already).
    common::wait(&mut h, "printed", |v| {
        v.done
            .as_ref()
            .is_some_and(|d| d.receipt == kiosk_core::view::ReceiptState::Printed)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let done = ears.texts();
    in_order(
        &done,
        &[
            "Application number",
            "Your receipt has been printed. Please take it and keep it.",
        ],
    );
    in_order(
        &done,
        &[
            "Saved on this kiosk",
            "Service: Register as unemployed. It will be sent to dost automatically; you do not need to wait.",
            "Application number",
            &spelt,
            "The receipt comes out of the printer slot on the front of the kiosk.",
            "What happens next",
            "The employment centre will contact you within one working day.",
            "Finish",
        ],
    );

    // Finish, a rating with the digit 5, and the kiosk waits for the next citizen, silent.
    key(&mut h, Key::Enter, "rating", |v| {
        v.screen == ScreenId::Rating
    })
    .await;
    in_order(
        &ears.texts(),
        &["How was your visit?", "Rating one of five", "Very bad"],
    );
    let vm = key(&mut h, Key::Digit(5), "attract", |v| {
        v.screen == ScreenId::Attract
    })
    .await;
    assert!(
        !vm.access.audio,
        "audio mode ends with the session (no headset)"
    );
    kiosk.shutdown(Duration::from_secs(2)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_mode_never_speaks_a_pin_and_takes_no_keypad_digit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (kiosk, mut h) = common::start_demo(dir.path(), |_| {}).await;
    let mut ears = Ears {
        rx: kiosk.speech.subscribe(),
    };
    common::wait(&mut h, "attract", |v| v.screen == ScreenId::Attract).await;
    key(&mut h, Key::StartSpeech, "audio on", |v| v.access.audio).await;
    assert!(!ears.heard().is_empty());
    h.send(UiEvent::ServiceEntry).expect("core alive");
    common::wait(&mut h, "pin pad", |v| v.screen == ScreenId::ServicePin).await;
    // Digits on the keypad do not reach the PIN pad; a wrong and a right PIN by touch.
    for d in [2, 4, 6, 8, 1, 0] {
        h.send(UiEvent::Keypad(Key::Digit(d))).expect("core alive");
    }
    h.send(UiEvent::PinEntered("111111".into()))
        .expect("core alive");
    common::wait(&mut h, "refused", |v| {
        v.service.as_ref().is_some_and(|s| s.pin_refusal.is_some())
    })
    .await;
    h.send(UiEvent::PinEntered("246810".into()))
        .expect("core alive");
    let vm = common::wait(&mut h, "technician", |v| {
        v.screen == ScreenId::ServiceTechnician
    })
    .await;
    assert!(!vm.access.keypad, "no focus ring on service screens");
    h.send(UiEvent::Keypad(Key::Repeat)).expect("core alive");
    tokio::time::sleep(Duration::from_millis(100)).await;
    // Nothing at all while service mode was open.
    let during = ears.texts();
    assert!(during.is_empty(), "{during:#?}");
    h.send(UiEvent::CloseService).expect("core alive");
    common::wait(&mut h, "attract", |v| v.screen == ScreenId::Attract).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let after = ears.texts();
    assert_eq!(
        after.first().map(String::as_str),
        Some("dost-a xoş gəlmisiniz"),
        "{after:#?}"
    );
    assert!(
        !after
            .iter()
            .any(|t| t.contains("246810") || t.contains("iki dörd altı səkkiz")),
        "{after:#?}"
    );
    kiosk.shutdown(Duration::from_secs(2)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn burn_in_drives_sessions_by_keypad_and_logs_the_speech() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("speech.jsonl");
    let mut cfg = common::demo_config(dir.path());
    let args = BurnInArgs {
        sessions: 3,
        central: None,
        wait_sync: Some(20),
        step_timeout: 30,
        input: InputMode::Keypad,
        speech_log: Some(log.clone()),
        timings: None,
    };
    burnin::apply_overrides(&mut cfg, &args).expect("overrides");
    let mut out = Vec::new();
    let report = burnin::run(cfg, &args, &mut out).await.expect("burn-in");
    assert_eq!(report.completed, 3);
    assert_eq!(report.drained, Some(true));
    let numbers: Vec<String> = String::from_utf8(out)
        .expect("utf-8")
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(numbers.len(), 3);
    let text = std::fs::read_to_string(&log).expect("speech log");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    let said = |lang: &str, t: &str| lines.iter().any(|l| l["lang"] == lang && l["text"] == t);
    // Sessions rotate through az, ru, en; each hears its number spelt in its language.
    for (n, lang) in numbers.iter().zip([Lang::Az, Lang::Ru, Lang::En]) {
        let spelt = words::spell(lang, n);
        assert!(
            said(lang.code(), &spelt),
            "{} `{spelt}` not in the log",
            lang.code()
        );
    }
    assert!(said("ru", "Выберите услугу"));
    assert!(
        lines
            .iter()
            .all(|l| l["text"].as_str().is_some_and(|t| !t.is_empty()))
    );
    // Numbers are in words: no digit reaches the engine.
    assert!(
        !lines.iter().any(|l| l["text"]
            .as_str()
            .is_some_and(|t| t.chars().any(|c| c.is_ascii_digit()))),
        "a digit in the speech log"
    );
}
