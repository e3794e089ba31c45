//! Service mode: the hidden entry, the PIN pad, each role's actions, and the technician's
//! settings form.

use super::{Ctx, Effect, Phase, ServiceState, Session, SettingsApplied};
use crate::pin::{PinResult, Role};
use crate::settings::SettingsDraft;
use crate::view::{PinRefusal, ServiceAction, ServiceMessage, UiEvent};

/// Longest PIN the pad sends.
const MAX_PIN: usize = 12;
/// Longest value a settings field takes from the screen.
const MAX_VALUE_CHARS: usize = 200;

pub(super) fn on_ui(s: Session, ui: UiEvent, ctx: &Ctx, fx: &mut Vec<Effect>) -> Session {
    match ui {
        UiEvent::ServiceEntry => match s.phase {
            Phase::Attract | Phase::CardError { .. } => Session {
                phase: Phase::ServicePin,
                service: ServiceState::default(),
                ..s
            },
            _ => s,
        },
        UiEvent::PinEntered(pin) => {
            if s.phase == Phase::ServicePin && !s.service.checking_pin && pin.len() <= MAX_PIN {
                fx.push(Effect::CheckPin { pin });
                let mut s = s;
                s.service.checking_pin = true;
                s
            } else {
                s
            }
        }
        UiEvent::ServiceAction(action) => on_action(s, action, fx),
        UiEvent::CloseService if s.in_service_mode() => {
            fx.push(Effect::ServiceClosed { role: s.role() });
            s.wiped(fx, ctx.policy.default_lang)
        }
        UiEvent::FieldEdited { field_id, value } => {
            let mut s = s;
            if let Some(draft) = s.service.settings.as_mut().filter(|d| !d.saving)
                && value.chars().count() <= MAX_VALUE_CHARS
            {
                draft.edit(&field_id, &value);
            }
            s
        }
        // Back from the settings form: nothing is written.
        UiEvent::Back => {
            let mut s = s;
            if s.service.settings.as_ref().is_some_and(|d| !d.saving) {
                s.service.settings = None;
            }
            s
        }
        _ => s,
    }
}

fn on_action(mut s: Session, action: ServiceAction, fx: &mut Vec<Effect>) -> Session {
    let Some(role) = s.role() else { return s };
    if !action.allowed_for(role) {
        return s;
    }
    match action {
        ServiceAction::OpenSettings => {
            if s.service.settings.is_none() {
                fx.push(Effect::LoadSettings);
            }
            s
        }
        ServiceAction::SaveSettings => {
            let Some(draft) = s.service.settings.as_mut().filter(|d| !d.saving) else {
                return s;
            };
            if !draft.check() {
                return s;
            }
            if draft.edited == draft.original {
                s.service.settings = None;
                s.service.message = Some(ServiceMessage::SettingsUnchanged);
                return s;
            }
            draft.saving = true;
            fx.push(Effect::SaveSettings {
                settings: Box::new(draft.edited.clone()),
                original: Box::new(draft.original.clone()),
            });
            s
        }
        action => {
            fx.push(Effect::Service { role, action });
            s
        }
    }
}

pub(super) fn on_pin_checked(mut s: Session, result: PinResult, fx: &mut Vec<Effect>) -> Session {
    if s.phase != Phase::ServicePin {
        return s;
    }
    s.service.checking_pin = false;
    s.last_activity_ms = s.now_ms;
    match result {
        PinResult::Granted(role) => {
            s.phase = Phase::Service(role);
            s.service.pin_refusal = None;
            fx.push(Effect::Service {
                role,
                action: ServiceAction::Refresh,
            });
        }
        PinResult::Wrong { tries_left } => {
            s.service.pin_refusal = Some(PinRefusal::Wrong { tries_left })
        }
        PinResult::Locked { for_ms } => {
            s.service.pin_locked_until_ms = Some(s.now_ms.saturating_add(for_ms));
            s.service.pin_refusal = Some(locked(for_ms));
        }
    }
    s
}

fn locked(for_ms: u64) -> PinRefusal {
    PinRefusal::Locked {
        seconds: u32::try_from(for_ms.div_ceil(1000)).unwrap_or(u32::MAX),
    }
}

/// A tick on the PIN pad: the lock counts down, and when it ends the pad works again (a
/// fresh idle period starts, so the pad stays open for the next try).
pub(super) fn on_pin_tick(mut s: Session) -> Session {
    let Some(until) = s.service.pin_locked_until_ms else {
        return s;
    };
    if s.phase != Phase::ServicePin {
        s.service.pin_locked_until_ms = None;
    } else if s.now_ms >= until {
        s.service.pin_locked_until_ms = None;
        s.service.pin_refusal = None;
        s.last_activity_ms = s.now_ms;
    } else {
        s.service.pin_refusal = Some(locked(until - s.now_ms));
    }
    s
}

pub(super) fn on_done(mut s: Session, message: ServiceMessage) -> Session {
    if s.role().is_some() {
        s.service.message = Some(message);
    }
    s
}

pub(super) fn on_settings_loaded(
    mut s: Session,
    result: Result<Box<SettingsDraft>, String>,
) -> Session {
    if s.role() != Some(Role::Technician) {
        return s;
    }
    match result {
        Ok(draft) => s.service.settings = Some(draft),
        Err(error) => s.service.message = Some(ServiceMessage::SettingsNotLoaded { error }),
    }
    s
}

pub(super) fn on_settings_saved(
    mut s: Session,
    result: Result<SettingsApplied, String>,
) -> Session {
    if s.role() != Some(Role::Technician) {
        return s;
    }
    let Some(draft) = s.service.settings.as_mut() else {
        return s;
    };
    match result {
        Ok(applied) => {
            s.service.settings = None;
            s.service.message = Some(match applied {
                SettingsApplied::NameOnly => ServiceMessage::SettingsSavedName,
                SettingsApplied::Restarting => ServiceMessage::SettingsSavedRestarting,
            });
        }
        Err(why) => {
            draft.saving = false;
            draft.save_error = Some(why);
        }
    }
    s
}
