//! The kiosk end to end through the real PC/SC stack: this test starts its own `pcscd` with
//! vsmartcard's `vpcd` driver ([`chip_reader::rig`]), puts simulated chips in the virtual
//! slot, and runs the real core with `chip.kind = "pcsc"`: the specimen passes (and the
//! embedded centre re-checks its evidence); a cloned chip, a card pulled mid-read and a
//! missing chip are refused with no session. It fails (never skips) when pcscd or the vpcd
//! driver is missing (`scripts/deps.sh chip`). Debian's pcscd has one socket per machine, so
//! everything runs in one test.

mod common;

use std::cell::RefCell;
use std::time::{Duration, Instant};

use chip_reader::rig::{Pcscd, Slot};
use chip_reader::sim::Forgery;
use chip_reader::sim::demo::demo_card;
use dost_kiosk::config::chip::{ChipInterface, ChipKind};
use dost_kiosk::kit::Harness;
use kiosk_core::chip::{ChipInvalid, ChipReadFailure, ChipReaderState, ChipRefusal};
use kiosk_core::view::{ScreenId, UiEvent, ViewModel};

/// Waits for `target`, returning every screen shown on the way.
async fn screens_until(h: &mut Harness, target: ScreenId) -> (Vec<ScreenId>, ViewModel) {
    let seen = RefCell::new(Vec::<ScreenId>::new());
    let vm = common::wait(h, target.name(), |vm| {
        let mut s = seen.borrow_mut();
        if s.last() != Some(&vm.screen) {
            s.push(vm.screen);
        }
        vm.screen == target
    })
    .await;
    (seen.into_inner(), vm)
}

/// Puts a chip in the slot (waits until pcscd sees it: off the async threads).
fn put(slot: &Slot, card: chip_reader::sim::CardProfile) {
    tokio::task::block_in_place(|| slot.insert(card));
}

fn specimen() -> Vec<String> {
    card_reader::sim::specimens::aze_id_card()
}

fn chip(photocopy: bool, forgery: Forgery) -> chip_reader::sim::CardProfile {
    let mrz = specimen();
    let lines: Vec<&str> = mrz.iter().map(String::as_str).collect();
    // `forgery` replaces the demo card's own: keep its photocopy (cloned keys).
    demo_card(&lines, photocopy)
        .expect("demo card")
        .forgery(Forgery {
            clone_keys: photocopy,
            ..forgery
        })
        .build()
        .expect("card")
}

/// Inserts the specimen's MRZ (the chip is already in the slot) and waits for the chip
/// policy's refusal; no session may open on the way.
async fn refused(h: &mut Harness, what: &str) -> ChipRefusal {
    h.send(UiEvent::DemoInsertCard).expect("core alive");
    let (screens, vm) = screens_until(h, ScreenId::ChipRefused).await;
    assert!(
        !screens.contains(&ScreenId::Welcome) && !screens.contains(&ScreenId::ReadingCard),
        "{what}: no session, no centre: {screens:?}"
    );
    assert!(vm.citizen.is_none(), "{what}");
    h.send(UiEvent::EndSession).expect("core alive");
    common::wait(h, "attract", |vm| vm.screen == ScreenId::Attract).await;
    vm.chip
        .and_then(|c| c.refusal)
        .unwrap_or_else(|| panic!("{what}: no refusal"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kiosk_reads_chips_through_pcscd() {
    let rig = tempfile::tempdir().expect("temp dir");
    let pcscd = Pcscd::start(rig.path()).unwrap_or_else(|e| panic!("{e}"));
    let reader = tokio::task::block_in_place(|| pcscd.wait_reader(Duration::from_secs(20)))
        .unwrap_or_else(|e| panic!("{e}"));
    let slot = Slot::new(pcscd.vpcd_addr(), &reader);

    let data = tempfile::tempdir().expect("temp dir");
    let (kiosk, mut h) = common::start_demo(data.path(), |cfg| {
        cfg.chip.kind = ChipKind::Pcsc;
        cfg.chip.reader = "auto".into();
        cfg.chip.interface = ChipInterface::Contactless;
        cfg.chip.card_wait_s = 3;
    })
    .await;
    common::wait(&mut h, "attract", |vm| vm.screen == ScreenId::Attract).await;
    // The chip thread found the virtual reader.
    let mut devices = kiosk.devices.clone();
    let board = tokio::time::timeout(
        Duration::from_secs(10),
        devices.wait_for(|b| b.chip.reader.is_some()),
    )
    .await
    .expect("the chip reader reports")
    .expect("devices published")
    .clone();
    assert!(
        matches!(&board.chip.reader, Some(ChipReaderState::Ready { reader: r }) if r.contains(&reader)),
        "{:?}",
        board.chip.reader
    );

    // The specimen on the reader: read through pcscd, then the centre, then the welcome.
    put(&slot, chip(false, Forgery::default()));
    let started = Instant::now();
    h.send(UiEvent::DemoInsertCard).expect("core alive");
    let (screens, welcome) = screens_until(&mut h, ScreenId::Welcome).await;
    let elapsed = started.elapsed();
    assert!(screens.contains(&ScreenId::ReadingChip), "{screens:?}");
    assert!(welcome.citizen.is_some());
    let progress_seen = screens
        .iter()
        .filter(|s| **s == ScreenId::ReadingChip)
        .count();
    assert_eq!(progress_seen, 1);
    eprintln!(
        "kiosk end to end through pcscd + vpcd: MRZ accepted to welcome in {:.0} ms",
        elapsed.as_secs_f64() * 1000.0
    );
    h.send(UiEvent::EndSession).expect("core alive");
    common::wait(&mut h, "attract", |vm| vm.screen == ScreenId::Attract).await;

    // A clone (the files copied, not the chip's key).
    put(&slot, chip(true, Forgery::default()));
    assert_eq!(
        refused(&mut h, "clone").await,
        ChipRefusal::Invalid(ChipInvalid::Clone)
    );

    // A genuine chip pulled after 8 APDUs: refused, nothing half-done.
    put(
        &slot,
        chip(
            false,
            Forgery {
                remove_after_apdus: Some(8),
                ..Forgery::default()
            },
        ),
    );
    assert_eq!(
        refused(&mut h, "pulled").await,
        ChipRefusal::ReadFailed(ChipReadFailure::CardRemoved)
    );

    // A "photocopy" with no chip at all: nothing answers within card_wait_s.
    tokio::task::block_in_place(|| slot.remove());
    assert_eq!(refused(&mut h, "no chip").await, ChipRefusal::NoChip);

    // Every refusal is in the audit log (written by tasks of their own), without personal
    // data.
    let mut details: Vec<String> = Vec::new();
    for _ in 0..50 {
        details = kiosk
            .store
            .call(|s| {
                let mut stmt = s.connection().prepare(
                    "SELECT detail FROM audit_log WHERE action = 'chip_refused' ORDER BY id",
                )?;
                let rows = stmt
                    .query_map([], |r| r.get::<_, String>(0))?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(rows)
            })
            .await
            .expect("audit");
        if details.len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        details,
        vec![
            "id_card: invalid:clone",
            "id_card: read_failed:card_removed",
            "id_card: no_chip"
        ]
    );
    kiosk.shutdown(Duration::from_secs(5)).await;
    drop(slot);
    drop(pcscd);
}
