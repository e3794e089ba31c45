//! Reading a screen aloud: its announcement and content in reading order, what changed on it,
//! and the focused element with how to act on it.

use dost_api::ApplicationState;

use super::{Say, words};
use crate::access::{Access, Hint};
use crate::catalog::FieldKind;
use crate::focus::keyboard::{Cap, Label};
use crate::focus::{self, Btn, ChoiceLabel, Target};
use crate::speech::msg::Msg;
use crate::view::{
    ApplicationRow, CardErrorKind, FieldError, FieldView, OutOfServiceKind, ReceiptState, ScreenId,
    ViewModel,
};

/// The whole screen: its content in reading order, then the focused element.
pub(super) fn screen(say: &mut Say, access: &Access, vm: &ViewModel) {
    content(say, vm);
    if vm.idle_countdown.is_some() {
        idle(say, vm);
        return;
    }
    focused_with_hint(say, access, vm, true);
}

fn idle(say: &mut Say, vm: &ViewModel) {
    let seconds = vm.idle_countdown.unwrap_or_default().to_string();
    say.msg(Msg::StillThere, &[]);
    say.msg(Msg::SessionEndsIn, &[&seconds]);
    say.msg(Msg::YesContinue, &[]);
    say.msg(Msg::HintIdle, &[]);
}

fn printer(say: &mut Say, vm: &ViewModel) {
    if vm.printer_unavailable {
        say.msg(Msg::PrinterNotWorking, &[]);
    }
}

fn content(say: &mut Say, vm: &ViewModel) {
    match vm.screen {
        ScreenId::Attract => {
            say.msg(Msg::WelcomeToDost, &[]);
            say.msg(Msg::AttractSubtitle, &[]);
            say.msg(Msg::InsertYourCard, &[]);
            say.msg(Msg::InsertCardHow, &[]);
            printer(say, vm);
            say.msg(Msg::ChooseLanguage, &[]);
        }
        ScreenId::ReadingCard => {
            say.msg(Msg::ReadingCard, &[]);
            say.msg(Msg::DoNotTakeCard, &[]);
        }
        ScreenId::CardError => {
            let (title, how) = match vm.card_error {
                Some(CardErrorKind::Unreadable) => (Msg::CardUnreadable, Msg::CardUnreadableHow),
                Some(CardErrorKind::Expired) => (Msg::CardExpired, Msg::CardExpiredHow),
                Some(CardErrorKind::NotAccepted) => (Msg::CardNotAccepted, Msg::CardNotAcceptedHow),
                _ => (Msg::CardNotVerified, Msg::CardNotVerifiedHow),
            };
            say.msg(title, &[]);
            say.msg(how, &[]);
        }
        ScreenId::Welcome => {
            say.msg(Msg::Hello, &[]);
            if let Some(c) = &vm.citizen {
                // Names are Azerbaijani: said with the Azerbaijani voice in every language.
                say.text_in(dost_api::Lang::Az, &c.display_name);
                let fin = words::spell(say.lang, &c.masked_fin);
                say.msg_spoken(Msg::FinIs, &[&fin]);
            }
            say.msg(Msg::WhatToDo, &[]);
            printer(say, vm);
        }
        ScreenId::Catalog => {
            say.msg(Msg::ChooseService, &[]);
            say.msg(Msg::ChooseServiceHow, &[]);
            printer(say, vm);
        }
        ScreenId::ServiceInfo => service_info(say, vm),
        ScreenId::Form => {
            if let Some(f) = &vm.form {
                say.text(&f.service_title);
                if f.pages > 1 {
                    say.msg(Msg::StepOf, &[&f.page.to_string(), &f.pages.to_string()]);
                }
                if f.fields.iter().any(|f| f.error.is_some()) {
                    say.msg(Msg::PageHasMistakes, &[]);
                }
            }
        }
        ScreenId::Review => review(say, vm),
        ScreenId::Submitting => {
            say.msg(Msg::Saving, &[]);
            say.msg(Msg::SavingWait, &[]);
        }
        ScreenId::Done => done(say, vm),
        ScreenId::MyApplications => {
            say.msg(Msg::MyApplications, &[]);
            applications_state(say, vm);
        }
        ScreenId::ApplicationDetail => detail(say, vm),
        ScreenId::Rating => {
            say.msg(Msg::HowWasVisit, &[]);
            say.msg(Msg::TouchAFace, &[]);
        }
        ScreenId::OutOfService => {
            say.msg(Msg::OutOfService, &[]);
            say.msg(
                match vm.out_of_service {
                    Some(OutOfServiceKind::Storage) => Msg::CannotSave,
                    _ => Msg::ReaderBroken,
                },
                &[],
            );
            say.msg(Msg::UseAnotherKiosk, &[]);
        }
        ScreenId::ReadingChip => {
            say.msg(Msg::KeepCardOnReader, &[]);
            say.msg(Msg::CheckingChip, &[]);
        }
        ScreenId::ChipRefused => chip_refused(say, vm),
        ScreenId::QueueTicket => ticket(say, vm),
        ScreenId::ServicePin
        | ScreenId::ServiceTechnician
        | ScreenId::ServiceStaff
        | ScreenId::ServiceSettings => {}
    }
}

fn chip_refused(say: &mut Say, vm: &ViewModel) {
    use crate::chip::ChipRefusal as R;
    say.msg(Msg::CardNotVerifiedChip, &[]);
    let refusal = vm.chip.as_ref().and_then(|c| c.refusal);
    let (why, then) = match refusal {
        Some(R::NoChip) => (Msg::ChipNoChip, Msg::ChipAskStaff),
        Some(R::PassiveOnly) => (Msg::ChipCopy, Msg::ChipAskStaff),
        Some(R::ReadFailed(_)) => (Msg::ChipReadFailed, Msg::ChipTryAgain),
        Some(R::Invalid(_)) | None => (Msg::ChipInvalid, Msg::ChipAskStaff),
    };
    say.msg(why, &[]);
    say.msg(then, &[]);
}

fn ticket(say: &mut Say, vm: &ViewModel) {
    let Some(t) = &vm.ticket else {
        return;
    };
    if t.number.is_empty() {
        say.msg(Msg::GettingTicket, &[]);
        return;
    }
    say.text(&t.service_title);
    say.msg(Msg::YourQueueNumber, &[]);
    say.text_raw(words::spell(say.lang, &t.number));
    if let Some(n) = t.people_ahead {
        say.msg(Msg::PeopleAhead, &[&n.to_string()]);
    }
    if let Some(m) = t.wait_min {
        say.msg(Msg::EstimatedWait, &[&m.to_string()]);
    }
    if t.offline {
        say.msg(Msg::TicketOffline, &[]);
    }
    say.msg(
        if t.printing {
            Msg::TicketPrinted
        } else {
            Msg::TicketNotPrinted
        },
        &[],
    );
    if t.sms {
        say.msg(Msg::TicketSms, &[]);
    }
    say.msg(Msg::WaitForNumber, &[]);
}

fn service_info(say: &mut Say, vm: &ViewModel) {
    if let Some(s) = &vm.selected_service {
        say.text(&s.area);
        say.text(&s.title);
        say.text(&s.summary);
        let needs = format!(
            "{}: {}",
            say.texts.get(say.lang, Msg::WhatYouNeed.msgid()),
            s.needs
        );
        say.text(&needs);
        let long = format!(
            "{}: {}",
            say.texts.get(say.lang, Msg::HowLong.msgid()),
            s.duration
        );
        say.text(&long);
    }
    say.msg(Msg::FormTakes, &[]);
    printer(say, vm);
}

fn review(say: &mut Say, vm: &ViewModel) {
    say.msg(Msg::CheckApplication, &[]);
    if let Some(r) = &vm.review {
        say.text(&r.service_title);
        for (label, value) in &r.rows {
            say.text(&format!("{label}: {value}"));
        }
    }
    say.msg(Msg::SubmitConfirms, &[]);
    if vm.submit_failed {
        say.msg(Msg::NotSaved, &[]);
    }
    printer(say, vm);
}

fn receipt(say: &mut Say, state: ReceiptState) {
    match state {
        ReceiptState::Printing => say.msg(Msg::PrintingReceipt, &[]),
        ReceiptState::Printed => say.msg(Msg::ReceiptPrinted, &[]),
        ReceiptState::NotAvailable => say.msg(Msg::ReceiptNotAvailable, &[]),
        ReceiptState::NotTaken => say.msg(Msg::ReceiptNotTaken, &[]),
    }
    if matches!(state, ReceiptState::Printing | ReceiptState::Printed) {
        say.msg(Msg::ReceiptWhere, &[]);
    }
}

fn done(say: &mut Say, vm: &ViewModel) {
    let Some(d) = &vm.done else {
        return;
    };
    if d.delivered {
        say.msg(Msg::ReceivedByDost, &[]);
        say.msg(Msg::DostHasIt, &[&d.service_title]);
    } else {
        say.msg(Msg::SavedHere, &[]);
        say.msg(Msg::WillBeSent, &[&d.service_title]);
    }
    say.msg(Msg::ApplicationNumber, &[]);
    say.text_raw(words::spell(say.lang, d.application_id.as_str()));
    receipt(say, d.receipt);
    if !d.next_steps.is_empty() {
        say.msg(Msg::WhatHappensNext, &[]);
        say.text(&d.next_steps);
    }
}

fn applications_state(say: &mut Say, vm: &ViewModel) {
    let Some(a) = &vm.applications else {
        return;
    };
    if a.offline {
        say.msg(Msg::CentreOffline, &[]);
    }
    if a.loading {
        say.msg(Msg::CheckingStatus, &[]);
    } else if a.rows.is_empty() {
        say.msg(Msg::NoApplications, &[]);
    }
}

fn state_msg(s: ApplicationState) -> Msg {
    match s {
        ApplicationState::Submitted => Msg::StateSubmitted,
        ApplicationState::Received => Msg::StateReceived,
        ApplicationState::InReview => Msg::StateInReview,
        ApplicationState::Approved => Msg::StateApproved,
        ApplicationState::Rejected => Msg::StateRejected,
    }
}

fn application(say: &mut Say, row: &ApplicationRow) {
    say.text_raw(words::spell(say.lang, row.application_id.as_str()));
    say.text(&row.service_title);
    say.msg(state_msg(row.state), &[]);
    if row.pending_upload {
        say.msg(Msg::NotYetSent, &[]);
    }
    if !row.as_of.is_empty() {
        say.msg(Msg::StatusAsOf, &[&row.as_of]);
    }
}

fn detail(say: &mut Say, vm: &ViewModel) {
    say.msg(Msg::Application, &[]);
    let Some(d) = &vm.application_detail else {
        return;
    };
    application(say, &d.row);
    match d.receipt {
        crate::session::ReceiptFate::NotTaken => say.msg(Msg::DetailNotTaken, &[]),
        crate::session::ReceiptFate::Reprinting => say.msg(Msg::ReprintingNow, &[]),
        crate::session::ReceiptFate::Normal => {}
    }
    if !d.history.is_empty() {
        say.msg(Msg::History, &[]);
        for h in &d.history {
            let state = say.texts.get(say.lang, state_msg(h.state).msgid());
            say.text(&format!("{state}, {}", h.at));
        }
    }
}

/// Says what changed on the same screen; true when something was said.
pub(super) fn changes(
    say: &mut Say,
    access: &Access,
    prev: Option<&ViewModel>,
    vm: &ViewModel,
) -> bool {
    let Some(p) = prev else {
        return false;
    };
    let before = say.out.len();
    if vm.idle_countdown.is_some() && p.idle_countdown.is_none() {
        idle(say, vm);
        return true;
    }
    if vm.idle_countdown.is_none() && p.idle_countdown.is_some() {
        focused_with_hint(say, access, vm, true);
        return true;
    }
    let errors = |v: &ViewModel| -> Vec<(String, Option<FieldError>)> {
        v.form
            .iter()
            .flat_map(|f| &f.fields)
            .map(|f| (f.id.clone(), f.error))
            .collect()
    };
    let has_errors = vm
        .form
        .iter()
        .flat_map(|f| &f.fields)
        .any(|f| f.error.is_some());
    if has_errors && errors(p) != errors(vm) {
        say.msg(Msg::PageHasMistakes, &[]);
        focused_with_hint(say, access, vm, false);
    }
    if let (Some(a), Some(b)) = (&p.done, &vm.done)
        && a.receipt != b.receipt
    {
        receipt(say, b.receipt);
    }
    let loading = |v: &ViewModel| v.applications.as_ref().is_some_and(|a| a.loading);
    if loading(p) && !loading(vm) {
        applications_state(say, vm);
        focused_with_hint(say, access, vm, false);
    }
    if vm.submit_failed && !p.submit_failed {
        say.msg(Msg::NotSaved, &[]);
    }
    say.out.len() > before
}

/// The focused element; its hint when it differs from the one before.
pub(super) fn focused(say: &mut Say, access: &Access, prev: Option<&ViewModel>, vm: &ViewModel) {
    let new_hint = prev.is_none_or(|p| p.access.hint != vm.access.hint);
    focused_with_hint(say, access, vm, new_hint);
}

fn focused_with_hint(say: &mut Say, access: &Access, vm: &ViewModel, hint: bool) {
    if let Some((_, cap, _)) = access.key_cap(vm) {
        key(say, &cap);
    } else if let Some(target) = access.focus() {
        element(say, target, vm);
    } else {
        return;
    }
    if let Some(state) = vm.access.state {
        say.msg(state.msg(), &[]);
    }
    if let Some((i, n)) = vm.access.position {
        say.msg(Msg::PositionOf, &[&i.to_string(), &n.to_string()]);
    }
    if hint && let Some(h) = vm.access.hint.filter(|h| *h != Hint::Idle) {
        say.msg(h.msg(), &[]);
    }
}

fn key(say: &mut Say, cap: &Cap) {
    match cap.label() {
        Label::Text(t) => {
            let name: Vec<String> = t.chars().map(|c| words::key_name(say.lang, c)).collect();
            say.text_raw(name.join(" "));
        }
        Label::Msg(m) => say.msg(m, &[]),
    }
}

fn field(say: &mut Say, f: &FieldView) {
    say.text(&f.label);
    if f.required {
        say.msg(Msg::Required, &[]);
    }
    if !f.value.is_empty() {
        say.text(&f.value);
    }
    if let Some(e) = f.error {
        field_error(say, f, e);
    } else if !f.help.is_empty() {
        say.text(&f.help);
    }
}

fn element(say: &mut Say, target: &Target, vm: &ViewModel) {
    match target {
        Target::Button(b) => {
            say.msg(b.msg(), &[]);
            if *b == Btn::NewApplication && vm.screen == ScreenId::Welcome {
                say.msg(Msg::NewApplicationHint, &[]);
            }
            if *b == Btn::MyApplications && vm.screen == ScreenId::Welcome {
                say.msg(Msg::MyApplicationsHint, &[]);
            }
        }
        Target::Language(l) => say.text_in(*l, focus::language_name(*l)),
        Target::LargeText => say.msg(Msg::LargeText, &[]),
        Target::HighContrast => say.msg(Msg::HighContrast, &[]),
        Target::Service(id) => {
            if let Some(s) = vm.services.iter().find(|s| s.id == *id) {
                say.text(&s.title);
                say.text(&s.summary);
                say.text(&s.duration);
            }
        }
        Target::Field(_) => {
            if let Some(f) = focus::field_of(vm, target) {
                field(say, f);
            }
        }
        Target::Choice { index, .. } => {
            if let Some(f) = focus::field_of(vm, target) {
                match focus::choices(f).into_iter().nth(*index).map(|(l, _)| l) {
                    Some(ChoiceLabel::Msg(m)) => say.msg(m, &[]),
                    Some(ChoiceLabel::Text(t)) => say.text(&t),
                    None => {}
                }
                say.text(&f.label);
                if let Some(e) = f.error {
                    field_error(say, f, e);
                }
            }
        }
        Target::Reprint(_) => say.msg(Msg::PrintAgain, &[]),
        Target::Application(id) => {
            let rows = vm.applications.iter().flat_map(|a| &a.rows);
            if let Some(row) = rows.into_iter().find(|r| r.application_id == *id) {
                application(say, row);
            }
        }
        Target::Rating(n) => {
            say.msg(Msg::RatingOf5, &[&n.to_string()]);
            say.msg(focus::rating_caption(*n), &[]);
        }
    }
}

/// Says the error of field `f` as the screen shows it (with the field's limits).
fn field_error(say: &mut Say, f: &FieldView, e: FieldError) {
    let codes = |list: &[&str]| list.join(", ");
    let n = |v: Option<usize>| v.unwrap_or(0).to_string();
    let (msg, args): (Msg, Vec<String>) = match e {
        FieldError::Required if matches!(f.kind, FieldKind::Choice | FieldKind::YesNo) => {
            (Msg::ErrPick, vec![])
        }
        FieldError::PhoneFormat if f.kind == FieldKind::Mobile => {
            (Msg::ErrMobile, vec![codes(crate::validate::MOBILE_CODES)])
        }
        FieldError::PhoneFormat => (Msg::ErrPhone, vec![codes(crate::validate::PHONE_CODES)]),
        FieldError::TooLong => (Msg::ErrTooLong, vec![n(f.limits.max_len)]),
        FieldError::TooShort => (Msg::ErrTooShort, vec![n(f.limits.min_len)]),
        FieldError::OutOfRange => match (f.limits.min, f.limits.max) {
            (Some(lo), Some(hi)) => (Msg::ErrRange, vec![lo.to_string(), hi.to_string()]),
            _ => (Msg::ErrOutOfRange, vec![]),
        },
        other => (error_msg(other), vec![]),
    };
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    say.msg(msg, &args);
}

fn error_msg(e: FieldError) -> Msg {
    match e {
        FieldError::Required => Msg::ErrRequired,
        FieldError::PhoneFormat => Msg::ErrPhone,
        FieldError::TooLong => Msg::ErrTooLong,
        FieldError::TooShort => Msg::ErrTooShort,
        FieldError::NotANumber => Msg::ErrNotANumber,
        FieldError::OutOfRange => Msg::ErrOutOfRange,
        FieldError::DateFormat => Msg::ErrDate,
        FieldError::IbanFormat => Msg::ErrIbanFormat,
        FieldError::IbanChecksum => Msg::ErrIbanChecksum,
        FieldError::UrlFormat => Msg::ErrUrl,
        FieldError::IdFormat => Msg::ErrId,
        FieldError::CodeFormat => Msg::ErrCode,
        FieldError::SamePort => Msg::ErrSamePort,
        FieldError::ConsentRequired => Msg::ErrConsent,
    }
}
