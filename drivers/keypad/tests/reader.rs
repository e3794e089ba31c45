//! The reading loop over the simulated keypad: keys to actions, a long press, the headset
//! switch, and a keypad unplugged and plugged in again without losing a key.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use keypad::reader::{self, Timing};
use keypad::sim::SimKeypad;
use keypad::{Decoder, KeyMap, KeySource, KeypadError, Output};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum A {
    Up,
    Enter,
    Help,
    StartSpeech,
}

const UP: u16 = 103;
const ENTER: u16 = 28;
const F1: u16 = 59;

#[test]
fn keys_long_press_headset_and_a_replug() {
    let map = KeyMap::new(
        &[
            (A::Up, vec!["KEY_UP".into()]),
            (A::Enter, vec!["KEY_ENTER".into()]),
            (A::Help, vec!["KEY_F1".into()]),
            (A::StartSpeech, vec!["KEY_F3".into()]),
        ],
        &[A::Up, A::Enter],
        |a| format!("{a:?}"),
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    let decoder = Decoder::new(map, Some((A::Help, A::StartSpeech)), 150);
    // Two plug-ins of the same keypad: the reader opens the second after the first goes.
    let (first, src1) = SimKeypad::new();
    let (second, src2) = SimKeypad::new();
    let sources = Arc::new(Mutex::new(vec![src2, src1]));
    let opens = Arc::new(Mutex::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel();
    let thread = {
        let (sources, opens, stop) = (sources.clone(), opens.clone(), stop.clone());
        std::thread::spawn(move || {
            let open = move || -> Result<Box<dyn KeySource>, KeypadError> {
                *opens.lock().unwrap_or_else(|p| p.into_inner()) += 1;
                match sources.lock().unwrap_or_else(|p| p.into_inner()).pop() {
                    Some(s) => Ok(Box::new(s)),
                    None => Err(KeypadError::NotAKeypad {
                        path: "/dev/input/sim".into(),
                    }),
                }
            };
            let timing = Timing {
                poll: Duration::from_millis(2),
                retry: Duration::from_millis(20),
            };
            reader::run(open, decoder, &stop, timing, |o| {
                let _ = tx.send(o);
            });
        })
    };
    let next = || {
        rx.recv_timeout(Duration::from_secs(5))
            .unwrap_or_else(|e| panic!("{e}"))
    };
    first.press(UP);
    assert_eq!(next(), Output::Action(A::Up));
    first.down(F1);
    // Held past 150 ms without repeats: the loop's tick fires the long press.
    assert_eq!(next(), Output::Action(A::StartSpeech));
    first.up(F1);
    first.headset(true);
    assert_eq!(next(), Output::Headset(true));
    first.unplug();
    // Keys pressed on the new device after the replug arrive.
    second.press(ENTER);
    assert_eq!(next(), Output::Action(A::Enter));
    stop.store(true, Ordering::SeqCst);
    thread.join().unwrap_or_else(|_| panic!("reader panicked"));
    assert_eq!(*opens.lock().unwrap_or_else(|p| p.into_inner()), 2);
    assert!(rx.try_recv().is_err(), "nothing else came");
}

#[test]
fn a_missing_device_is_an_error_naming_it() {
    let e =
        keypad::device::KeypadDevice::open(std::path::Path::new("/dev/input/no-such-keypad"), true)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
    assert_eq!(e, "cannot open input device /dev/input/no-such-keypad");
}
