//! Chip authentication in the demo, through the real core: the specimen card's simulated chip
//! (signed by the demo root) passes, and the embedded centre re-checks its evidence; the demo
//! "photocopy" (its cloned chip cannot prove its key) is refused on its own screen, with an
//! audit entry and no session.

mod common;

use std::cell::RefCell;

use dost_kiosk::kit::Harness;
use kiosk_core::chip::{ChipInvalid, ChipOutcome, ChipRefusal, ChipTest};
use kiosk_core::view::{PartName, PartStatus, ScreenId, ServiceAction, UiEvent, ViewModel};

/// Waits for `target`, returning every screen shown on the way (in order, deduplicated).
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_specimen_passes_and_its_photocopy_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (kiosk, mut h) = common::start_demo(dir.path(), |_| {}).await;
    common::wait(&mut h, "attract", |vm| vm.screen == ScreenId::Attract).await;

    // The specimen: its chip is read ("keep your card on the reader"), then the centre.
    h.send(UiEvent::DemoInsertCard).expect("core alive");
    let (screens, welcome) = screens_until(&mut h, ScreenId::Welcome).await;
    assert!(
        screens.contains(&ScreenId::ReadingChip),
        "the chip is read before the welcome: {screens:?}"
    );
    let chip_at = screens.iter().position(|s| *s == ScreenId::ReadingChip);
    let centre_at = screens.iter().position(|s| *s == ScreenId::ReadingCard);
    assert!(chip_at < centre_at, "chip, then the centre: {screens:?}");
    assert!(welcome.citizen.is_some());
    h.send(UiEvent::EndSession).expect("core alive");
    common::wait(&mut h, "attract", |vm| vm.screen == ScreenId::Attract).await;

    // Its photocopy: the chip policy refuses it on its own screen; no session opens.
    h.send(UiEvent::DemoInsertPhotocopy).expect("core alive");
    let (screens, refused) = screens_until(&mut h, ScreenId::ChipRefused).await;
    assert_eq!(
        refused.chip.and_then(|c| c.refusal),
        Some(ChipRefusal::Invalid(ChipInvalid::Clone))
    );
    assert!(refused.citizen.is_none());
    assert!(
        !screens.contains(&ScreenId::Welcome) && !screens.contains(&ScreenId::ReadingCard),
        "no session and no centre for a refused card: {screens:?}"
    );
    // "Back to start".
    h.send(UiEvent::EndSession).expect("core alive");
    common::wait(&mut h, "attract", |vm| vm.screen == ScreenId::Attract).await;

    // The audit log has the refusal (written by a task of its own: wait a moment), with no
    // personal data; the chain holds.
    let fin = "5ZX7K2P";
    let mut rows = Vec::new();
    let mut broken = None;
    for _ in 0..50 {
        (rows, broken) = kiosk
            .store
            .call(|s| {
                let mut stmt = s
                    .connection()
                    .prepare("SELECT actor, action, detail FROM audit_log ORDER BY id")?;
                let rows = stmt
                    .query_map([], |r| {
                        Ok(format!(
                            "{}|{}|{}",
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?
                        ))
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((rows, s.verify_audit()?))
            })
            .await
            .expect("audit");
        if !rows.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(broken, None);
    assert_eq!(
        rows,
        vec!["kiosk|chip_refused|id_card: invalid:clone".to_owned()],
        "one entry: the refusal"
    );
    assert!(
        !rows
            .iter()
            .any(|r| r.contains(fin) || r.contains("MAMMADOV"))
    );

    // The technician sees the chip reader and the last read; the live test probes the card.
    let devices = kiosk.devices.borrow().clone();
    match &devices.chip.last {
        Some(last) => assert!(
            matches!(
                last.test,
                ChipTest::Read {
                    outcome: ChipOutcome::Invalid(ChipInvalid::Clone),
                    ..
                }
            ),
            "{:?}",
            last.test
        ),
        None => panic!("no chip read on the board"),
    }
    h.send(UiEvent::ServiceEntry).expect("core alive");
    h.send(UiEvent::PinEntered("246810".into()))
        .expect("core alive");
    common::wait(&mut h, "technician", |vm| {
        vm.screen == ScreenId::ServiceTechnician
    })
    .await;
    h.send(UiEvent::ServiceAction(ServiceAction::ChipTest))
        .expect("core alive");
    let tech = common::wait(&mut h, "chip test result", |vm| {
        vm.service.as_ref().is_some_and(|s| {
            s.parts.iter().any(|p| {
                matches!(
                    &p.status,
                    PartStatus::ChipTested {
                        test: ChipTest::Probe { emrtd: true, .. },
                        ..
                    }
                )
            })
        })
    })
    .await;
    let parts = tech.service.map(|s| s.parts).unwrap_or_default();
    assert!(
        parts.iter().any(|p| p.name == PartName::ChipReader
            && p.status == PartStatus::ChipReader(kiosk_core::chip::ChipReaderState::Simulated)),
        "{parts:?}"
    );
    kiosk.shutdown(std::time::Duration::from_secs(5)).await;
}
