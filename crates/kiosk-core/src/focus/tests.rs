use super::*;
use crate::catalog::Catalog;
use crate::samples;

fn catalog() -> Catalog {
    let text = include_str!("../../../../config/services.toml");
    Catalog::parse(text, "services.toml").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_citizen_screen_with_buttons_has_targets_and_an_initial_focus() {
    let cat = catalog();
    for &screen in ScreenId::ALL {
        let vm = samples::view(screen, Lang::Az, &cat);
        let all = targets(&vm);
        let silent = matches!(
            screen,
            ScreenId::ReadingCard
                | ScreenId::ReadingChip
                | ScreenId::Submitting
                | ScreenId::OutOfService
        );
        if is_service(screen) || silent {
            assert!(all.is_empty(), "{screen:?}: {all:?}");
            assert_eq!(initial(&vm), None);
            continue;
        }
        assert!(!all.is_empty(), "{screen:?}");
        let first = initial(&vm).unwrap_or_else(|| panic!("{screen:?} has no initial focus"));
        assert!(all.contains(&first), "{screen:?}");
        // No element twice.
        let mut seen = std::collections::HashSet::new();
        assert!(all.iter().all(|t| seen.insert(t.clone())), "{screen:?}");
        // The header's switches are last.
        assert_eq!(all.last(), Some(&Target::HighContrast), "{screen:?}");
    }
}

#[test]
fn screens_focus_their_main_action_first() {
    let cat = catalog();
    let first = |s| initial(&samples::view(s, Lang::En, &cat));
    assert_eq!(
        first(ScreenId::Attract),
        Some(Target::Button(Btn::InsertDemoCard))
    );
    assert_eq!(
        first(ScreenId::Welcome),
        Some(Target::Button(Btn::NewApplication))
    );
    assert_eq!(
        first(ScreenId::ServiceInfo),
        Some(Target::Button(Btn::StartApplication))
    );
    assert_eq!(first(ScreenId::Review), Some(Target::Button(Btn::Submit)));
    assert_eq!(first(ScreenId::Done), Some(Target::Button(Btn::Finish)));
    assert_eq!(first(ScreenId::Rating), Some(Target::Rating(1)));
    let catalog_vm = samples::view(ScreenId::Catalog, Lang::En, &cat);
    assert_eq!(
        initial(&catalog_vm),
        Some(Target::Service(catalog_vm.services[0].id.clone()))
    );
    // The form sample has an error on its second field: that one is focused.
    let form = samples::view(ScreenId::Form, Lang::En, &cat);
    let with_error = form
        .form
        .iter()
        .flat_map(|f| &f.fields)
        .find(|f| f.error.is_some())
        .map(|f| f.id.clone());
    assert_eq!(initial(&form), with_error.map(Target::Field));
}

#[test]
fn the_idle_warning_leaves_only_its_button() {
    let cat = catalog();
    let mut vm = samples::view(ScreenId::Catalog, Lang::Az, &cat);
    vm.idle_countdown = Some(7);
    assert_eq!(targets(&vm), vec![Target::Button(Btn::YesContinue)]);
}

#[test]
fn yes_no_and_choice_answers_are_focusable_one_by_one() {
    let cat = catalog();
    let mut vm = samples::view(ScreenId::Form, Lang::Az, &cat);
    let Some(form) = vm.form.as_mut() else {
        panic!("form sample without a form");
    };
    form.fields[0].kind = FieldKind::YesNo;
    form.fields[0].value = "no".into();
    let id = form.fields[0].id.clone();
    let all = targets(&vm);
    assert!(all.contains(&Target::Choice {
        field: id.clone(),
        index: 0
    }));
    assert!(all.contains(&Target::Choice {
        field: id.clone(),
        index: 1
    }));
    assert!(!all.contains(&Target::Field(id.clone())));
    let f = &vm
        .form
        .as_ref()
        .map(|f| f.fields[0].clone())
        .unwrap_or_default();
    assert!(!chosen(f, 0));
    assert!(chosen(f, 1));
}
