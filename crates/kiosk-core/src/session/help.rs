//! The help overlay every citizen screen has: it explains the screen (the UI words it per
//! screen) and calls a staff member.

use super::{Effect, HelpState, Session};
use crate::view::UiEvent;

pub(super) fn on_ui(s: Session, ui: UiEvent, fx: &mut Vec<Effect>) -> Session {
    if s.in_service_mode() {
        return s;
    }
    let help = s.help;
    match ui {
        UiEvent::OpenHelp => Session {
            help: HelpState { open: true, ..help },
            ..s
        },
        UiEvent::CloseHelp => Session {
            help: HelpState {
                open: false,
                ..help
            },
            ..s
        },
        // Once per session: the call is kept until staff answer it.
        UiEvent::CallStaff if help.open && !help.staff_called => {
            fx.push(Effect::CallStaff { screen: s.screen() });
            Session {
                help: HelpState {
                    staff_called: true,
                    ..help
                },
                ..s
            }
        }
        _ => s,
    }
}
