//! What a keystroke repaints. The kiosk's window keeps its buffer between frames, so the
//! software renderer redraws only the dirty region (at most three rectangles, merged into their
//! bounding boxes). A key typed into the form must redraw the field and what the field's new
//! text moves, not the on-screen keyboard: an element of the keyboard made dirty by typing
//! stretches the region over two thirds of the screen (1.4 million pixels a key, measured before
//! the arrows became text and the keyboard's layout stopped reading the field values).

use dost_kiosk::kit::shipped_catalog;
use dost_kiosk::ui_bridge::frames::FrameRig;
use kiosk_core::samples;
use kiosk_core::session::Phase;
use kiosk_core::view::{Lang, ScreenId};

const W: u32 = 1080;
const H: u32 = 1920;

#[test]
fn a_key_repaints_the_field_not_the_keyboard() {
    let catalog = shipped_catalog().expect("the shipped catalog loads");
    let service = catalog.services[0].id.clone();
    let (mut session, facts) = samples::session(ScreenId::Form, Lang::Az);
    session.phase = Phase::Form {
        service: service.clone(),
        page: 1,
    };
    session.answers.clear();
    session.errors.clear();
    session.answers_for = Some(service);
    let vm = samples::view_of(&session, &facts, &catalog);
    let form = vm.form.as_ref().expect("the form screen has a form");
    let field = form.fields[0].id.clone();

    let mut rig = FrameRig::new(W, H).expect("the frame rig starts");
    let first = rig.show(&vm).expect("the form is drawn");
    assert_eq!(
        first.repainted_px,
        u64::from(W * H),
        "the first frame is whole"
    );
    let screen = u64::from(W * H);
    let mut typed = String::new();
    for key in ["5", "0", "1"] {
        // The UI edits the field at once...
        let frame = rig.key(&field, key).expect("the key changes the field");
        assert!(
            frame.repainted_px < screen / 8,
            "key {key} repainted {} px (more than an eighth of the screen)",
            frame.repainted_px
        );
        // ...and the core's view model with the new value follows.
        typed.push_str(key);
        session
            .answers
            .insert(field.clone(), format!("+994{typed}"));
        let vm = samples::view_of(&session, &facts, &catalog);
        if let Some(frame) = rig.show(&vm) {
            assert!(
                frame.repainted_px < screen / 4,
                "the core's answer to key {key} repainted {} px (more than a quarter)",
                frame.repainted_px
            );
        }
    }
}
