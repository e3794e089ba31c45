use std::path::{Path, PathBuf};

use super::*;
use crate::catalog::Catalog;
use crate::samples;
use crate::view::{ReceiptState, ScreenId, ViewModel};

fn catalog() -> Catalog {
    let text = include_str!("../../../../config/services.toml");
    Catalog::parse(text, "services.toml").unwrap_or_else(|e| panic!("{e}"))
}

fn texts() -> Texts {
    Texts::shipped().unwrap_or_else(|e| panic!("{e}"))
}

/// The whole announcement of a sample screen with audio mode on.
fn announce(screen: ScreenId, lang: Lang) -> Vec<String> {
    announce_with(screen, lang, |_| {})
}

fn announce_with(screen: ScreenId, lang: Lang, edit: impl FnOnce(&mut ViewModel)) -> Vec<String> {
    let t = texts();
    let mut vm = samples::view(screen, lang, &catalog());
    edit(&mut vm);
    let mut access = Access::default();
    access.set_audio(true);
    access.observe(None, &vm);
    vm.access = access.view(&vm, &t);
    script(&access, None, &vm, &Cue::Screen, &t)
        .into_iter()
        .map(|u| u.text)
        .collect()
}

fn slint_sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            slint_sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "slint") {
            out.push(p);
        }
    }
}

#[test]
fn every_spoken_text_is_shown_and_translated() {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui");
    let mut files = Vec::new();
    slint_sources(&ui, &mut files);
    assert!(files.len() > 20, "found only {} .slint files", files.len());
    let all: String = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap_or_default())
        .collect();
    let t = texts();
    let mut problems = Vec::new();
    for m in Msg::ALL {
        let id = m.msgid();
        let quoted = format!("@tr(\"{}\"", id.replace('"', "\\\""));
        if !all.contains(&quoted) {
            problems.push(format!("{m:?}: `{id}` is not an @tr() text of the UI"));
        }
        for lang in Lang::ALL {
            if !t.has(lang, id) {
                problems.push(format!("{m:?}: no {} translation", lang.code()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_digit_reaches_the_engine_on_any_citizen_screen() {
    for &screen in ScreenId::ALL {
        for lang in Lang::ALL {
            let said = announce(screen, lang);
            for line in &said {
                assert!(
                    !line.chars().any(|c| c.is_ascii_digit()),
                    "{screen:?} {lang:?}: `{line}`"
                );
            }
        }
    }
}

#[test]
fn the_done_screen_reads_the_number_receipt_and_next_steps() {
    let said = announce_with(ScreenId::Done, Lang::Az, |vm| {
        if let Some(d) = vm.done.as_mut() {
            d.receipt = ReceiptState::Printed;
        }
    });
    let at = |s: &str| {
        said.iter()
            .position(|l| l == s)
            .unwrap_or_else(|| panic!("`{s}` not said: {said:#?}"))
    };
    let number = at("Müraciət nömrəsi");
    assert_eq!(
        said[number + 1],
        "ye a es sıfır bir, defis, iki altı bir bir iki dörd, defis, sıfır sıfır sıfır yeddi"
    );
    let next = at("Bundan sonra nə olacaq");
    // The service's next steps, "SMS" said as Azerbaijanis spell it.
    assert!(
        said[next + 1].contains("nəticə es em es ilə"),
        "{}",
        said[next + 1]
    );
    // The receipt printed: that, and where it comes out, are said.
    let printed = at("Qəbziniz çap olundu. Zəhmət olmasa, onu götürün və saxlayın.");
    assert_eq!(
        said[printed + 1],
        "Qəbz kioskun ön tərəfindəki printer yuvasından çıxır."
    );
    // Reading order: title first, the number before the receipt, focus last.
    // Saved here, not yet at DOST: said as the screen shows it.
    assert_eq!(said[0], "Bu kioskda saxlanıldı");
    assert!(number < next);
    assert_eq!(
        said.last().map(String::as_str),
        Some("Düymə. Seçmək üçün Enter basın.")
    );
}

#[test]
fn the_welcome_screen_spells_the_masked_fin_and_names_with_the_az_voice() {
    let t = texts();
    let mut vm = samples::view(ScreenId::Welcome, Lang::Ru, &catalog());
    let mut access = Access::default();
    access.set_audio(true);
    access.observe(None, &vm);
    vm.access = access.view(&vm, &t);
    let said = script(&access, None, &vm, &Cue::Screen, &t);
    let name = said
        .iter()
        .find(|u| u.text == "Əli Məmmədov")
        .unwrap_or_else(|| panic!("{said:#?}"));
    assert_eq!(name.lang, Lang::Az);
    assert!(
        said.iter().any(|u| u.lang == Lang::Ru
            && u.text
                == "ФИН (личный идентификационный номер): пять зэт икс звёздочка звёздочка звёздочка звёздочка"),
        "{said:#?}"
    );
}

#[test]
fn a_receipt_that_prints_later_is_said_when_it_does() {
    let t = texts();
    let cat = catalog();
    let mut access = Access::default();
    access.set_audio(true);
    let mut before = samples::view(ScreenId::Done, Lang::En, &cat);
    if let Some(d) = before.done.as_mut() {
        d.receipt = ReceiptState::Printing;
    }
    access.observe(None, &before);
    before.access = access.view(&before, &t);
    let mut after = before.clone();
    if let Some(d) = after.done.as_mut() {
        d.receipt = ReceiptState::NotAvailable;
    }
    let said = script(&access, Some(&before), &after, &Cue::Nothing, &t);
    let said: Vec<&str> = said.iter().map(|u| u.text.as_str()).collect();
    assert_eq!(
        said,
        vec![
            "A receipt cannot be printed right now. Please write down the number or scan the Q R code."
        ]
    );
}

#[test]
fn silence_without_audio_mode_and_on_service_screens() {
    let t = texts();
    let cat = catalog();
    let vm = samples::view(ScreenId::Catalog, Lang::Az, &cat);
    let access = Access::default();
    assert!(script(&access, None, &vm, &Cue::Screen, &t).is_empty());
    let mut on = Access::default();
    on.set_audio(true);
    for s in [
        ScreenId::ServicePin,
        ScreenId::ServiceTechnician,
        ScreenId::ServiceStaff,
        ScreenId::ServiceSettings,
    ] {
        let vm = samples::view(s, Lang::En, &cat);
        assert!(script(&on, None, &vm, &Cue::Screen, &t).is_empty(), "{s:?}");
    }
}
