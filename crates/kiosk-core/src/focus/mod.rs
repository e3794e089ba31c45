//! What the keypad can focus on each screen, in reading order, and what activating it does.
//!
//! Targets are named by the same accessible labels the UI gives its elements (buttons by
//! their translated text, services by title, fields by label, keys by their key label), so
//! the UI can draw its focus ring by comparing labels ([`Ring`]), and speech names them the
//! way a screen reader would.

pub mod keyboard;

use dost_api::{ApplicationId, Lang};

use crate::catalog::FieldKind;
use crate::speech::msg::Msg;
use crate::view::{FieldView, ScreenId, UiEvent, ViewModel};

/// A button of the citizen screens, by its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Btn {
    InsertDemoCard,
    NewApplication,
    MyApplications,
    FinishAndTakeCard,
    Back,
    Finish,
    StartApplication,
    Next,
    Edit,
    Submit,
    BackToStart,
    Skip,
    YesContinue,
}

impl Btn {
    /// The button's text (its accessible label).
    pub fn msg(self) -> Msg {
        match self {
            Btn::InsertDemoCard => Msg::InsertDemoCard,
            Btn::NewApplication => Msg::NewApplication,
            Btn::MyApplications => Msg::MyApplications,
            Btn::FinishAndTakeCard => Msg::FinishAndTakeCard,
            Btn::Back => Msg::Back,
            Btn::Finish => Msg::Finish,
            Btn::StartApplication => Msg::StartApplication,
            Btn::Next => Msg::Next,
            Btn::Edit => Msg::Edit,
            Btn::Submit => Msg::SubmitApplication,
            Btn::BackToStart => Msg::BackToStart,
            Btn::Skip => Msg::Skip,
            Btn::YesContinue => Msg::YesContinue,
        }
    }

    /// What pressing it sends.
    pub fn event(self) -> UiEvent {
        match self {
            Btn::InsertDemoCard => UiEvent::DemoInsertCard,
            Btn::NewApplication => UiEvent::OpenCatalog,
            Btn::MyApplications => UiEvent::OpenMyApplications,
            Btn::FinishAndTakeCard | Btn::Finish | Btn::BackToStart | Btn::Skip => {
                UiEvent::EndSession
            }
            Btn::Back | Btn::Edit => UiEvent::Back,
            Btn::StartApplication => UiEvent::StartForm,
            Btn::Next => UiEvent::Next,
            Btn::Submit => UiEvent::Submit,
            Btn::YesContinue => UiEvent::Activity,
        }
    }
}

/// Something the keypad can focus.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    Button(Btn),
    /// A language button (named in its own language).
    Language(Lang),
    LargeText,
    HighContrast,
    /// A service card of the catalog, by service id.
    Service(String),
    /// The text box of a form field, by field id.
    Field(String),
    /// One answer button of a yes/no or choice field.
    Choice {
        field: String,
        index: usize,
    },
    /// An application of "my applications".
    Application(ApplicationId),
    /// "Print my receipt again" on an application whose receipt was not taken.
    Reprint(ApplicationId),
    /// A face of the rating screen, 1 to 5.
    Rating(u8),
}

/// How the UI finds the focused element: its accessible label, within a group (the field id
/// for answer buttons, `keyboard` for keys, empty for the rest).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ring {
    pub group: String,
    pub label: String,
}

/// The group of on-screen keyboard keys.
pub const KEYBOARD_GROUP: &str = "keyboard";
/// The group of the language buttons.
pub const LANGUAGE_GROUP: &str = "lang";

/// Each language's name, written in that language (as the language buttons show them).
pub fn language_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Az => "Azərbaycanca",
        Lang::Ru => "Русский",
        Lang::En => "English",
    }
}

/// The rating faces' captions.
pub fn rating_caption(score: u8) -> Msg {
    match score {
        1 => Msg::VeryBad,
        2 => Msg::Bad,
        3 => Msg::Okay,
        4 => Msg::Good,
        _ => Msg::Excellent,
    }
}

/// The answers of a yes/no or choice field: (label as shown, value the UI sends).
pub fn choices(f: &FieldView) -> Vec<(ChoiceLabel, String)> {
    match f.kind {
        FieldKind::YesNo => vec![
            (ChoiceLabel::Msg(Msg::Yes), "yes".to_owned()),
            (ChoiceLabel::Msg(Msg::No), "no".to_owned()),
        ],
        FieldKind::Choice => f
            .options
            .iter()
            .map(|o| (ChoiceLabel::Text(o.clone()), o.clone()))
            .collect(),
        _ => Vec::new(),
    }
}

/// An answer button's label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChoiceLabel {
    Msg(Msg),
    Text(String),
}

/// Whether `f`'s answer `index` is the chosen one.
pub fn chosen(f: &FieldView, index: usize) -> bool {
    choices(f).get(index).is_some_and(|(_, v)| *v == f.value)
}

/// The header's language buttons and switches (on every citizen screen with a header).
fn header(out: &mut Vec<Target>) {
    out.extend(Lang::ALL.map(Target::Language));
    out.extend([Target::LargeText, Target::HighContrast]);
}

/// Whether the screen is one of the service screens (touch and PIN only: no keypad).
pub fn is_service(screen: ScreenId) -> bool {
    matches!(
        screen,
        ScreenId::ServicePin
            | ScreenId::ServiceTechnician
            | ScreenId::ServiceStaff
            | ScreenId::ServiceSettings
    )
}

/// The focusable elements of the screen `vm` shows, in reading order (main content, then the
/// screen's buttons, then the header's switches).
pub fn targets(vm: &ViewModel) -> Vec<Target> {
    use Btn as B;
    use Target as T;
    if vm.idle_countdown.is_some() && !is_service(vm.screen) {
        return vec![T::Button(B::YesContinue)];
    }
    let mut out = Vec::new();
    match vm.screen {
        ScreenId::Attract => {
            if vm.demo {
                out.push(T::Button(B::InsertDemoCard));
            }
            header(&mut out);
        }
        ScreenId::CardError => {
            out.push(T::Button(B::BackToStart));
            header(&mut out);
        }
        ScreenId::Welcome => {
            out.extend([B::NewApplication, B::MyApplications, B::FinishAndTakeCard].map(T::Button));
            header(&mut out);
        }
        ScreenId::Catalog => {
            out.extend(vm.services.iter().map(|s| T::Service(s.id.clone())));
            out.extend([B::Back, B::Finish].map(T::Button));
            header(&mut out);
        }
        ScreenId::ServiceInfo => {
            out.extend([B::StartApplication, B::Back].map(T::Button));
            header(&mut out);
        }
        ScreenId::Form => {
            for f in vm.form.iter().flat_map(|f| &f.fields) {
                match f.kind {
                    FieldKind::YesNo | FieldKind::Choice => {
                        out.extend((0..choices(f).len()).map(|index| T::Choice {
                            field: f.id.clone(),
                            index,
                        }))
                    }
                    _ => out.push(T::Field(f.id.clone())),
                }
            }
            out.extend([B::Next, B::Back].map(T::Button));
            header(&mut out);
        }
        ScreenId::Review => {
            out.extend([B::Submit, B::Edit].map(T::Button));
            header(&mut out);
        }
        ScreenId::Done => {
            out.extend([B::Finish, B::NewApplication, B::MyApplications].map(T::Button));
            header(&mut out);
        }
        ScreenId::MyApplications => {
            let rows = vm.applications.iter().flat_map(|a| &a.rows);
            out.extend(rows.map(|r| T::Application(r.application_id.clone())));
            out.extend([B::NewApplication, B::Back, B::Finish].map(T::Button));
            header(&mut out);
        }
        ScreenId::ApplicationDetail => {
            let detail = vm.application_detail.as_ref();
            if let Some(d) = detail.filter(|d| d.receipt == crate::session::ReceiptFate::NotTaken) {
                out.push(T::Reprint(d.row.application_id.clone()));
            }
            out.extend([B::Back, B::Finish].map(T::Button));
            header(&mut out);
        }
        ScreenId::Rating => {
            out.extend((1..=5).map(T::Rating));
            out.push(T::Button(B::Skip));
            header(&mut out);
        }
        ScreenId::QueueTicket => {
            out.extend([B::Finish, B::NewApplication].map(T::Button));
            header(&mut out);
        }
        ScreenId::ChipRefused => {
            out.push(T::Button(B::BackToStart));
            header(&mut out);
        }
        ScreenId::ReadingCard
        | ScreenId::ReadingChip
        | ScreenId::Submitting
        | ScreenId::OutOfService
        | ScreenId::ServicePin
        | ScreenId::ServiceTechnician
        | ScreenId::ServiceStaff
        | ScreenId::ServiceSettings => {}
    }
    out
}

/// The element focused when a screen appears: its main action, or (on a form) the first
/// answer with an error, else the first empty one, else the first.
pub fn initial(vm: &ViewModel) -> Option<Target> {
    let all = targets(vm);
    let first_field = || -> Option<Target> {
        let form = vm.form.as_ref()?;
        let pick = form
            .fields
            .iter()
            .find(|f| f.error.is_some())
            .or_else(|| form.fields.iter().find(|f| f.value.is_empty()))
            .or_else(|| form.fields.first())?;
        all.iter()
            .find(|t| match t {
                Target::Field(id) => *id == pick.id,
                Target::Choice { field, index } => {
                    *field == pick.id && (chosen(pick, *index) || pick.value.is_empty())
                }
                _ => false,
            })
            .cloned()
    };
    let preferred = match vm.screen {
        ScreenId::Form => first_field(),
        ScreenId::ServiceInfo => Some(Target::Button(Btn::StartApplication)),
        ScreenId::Review => Some(Target::Button(Btn::Submit)),
        ScreenId::Done => Some(Target::Button(Btn::Finish)),
        ScreenId::Attract => Some(if vm.demo {
            Target::Button(Btn::InsertDemoCard)
        } else {
            Target::Language(vm.lang)
        }),
        _ => None,
    };
    preferred
        .filter(|p| all.contains(p))
        .or_else(|| all.first().cloned())
}

/// The form field a target belongs to.
pub fn field_of<'a>(vm: &'a ViewModel, target: &Target) -> Option<&'a FieldView> {
    let id = match target {
        Target::Field(id) | Target::Choice { field: id, .. } => id,
        _ => return None,
    };
    vm.form.as_ref()?.fields.iter().find(|f| f.id == *id)
}

#[cfg(test)]
mod tests;
