//! `dost-kiosk screenshot`: a screen rendered to PNG without a display, from a sample session
//! over the real catalog.

use std::process::ExitCode;

use kiosk_core::view::{Lang, ScreenId};

use super::ScreenshotArgs;
use crate::ui_bridge;

pub(super) fn screenshot(args: &ScreenshotArgs) -> Result<ExitCode, String> {
    if args.list {
        for s in ScreenId::ALL {
            println!("{}", s.name());
        }
        return Ok(ExitCode::SUCCESS);
    }
    if args.list_states {
        for s in kiosk_core::samples::STATES {
            println!("{s}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let lang = Lang::parse(&args.lang)
        .ok_or_else(|| format!("unknown language `{}`: az, ru or en", args.lang))?;
    let out = args.out.as_deref().ok_or("--out FILE.png is required")?;
    let catalog = crate::kit::shipped_catalog().map_err(|e| e.to_string())?;
    let mut vm = match &args.state {
        Some(state) => kiosk_core::samples::state(state, lang, &catalog).ok_or_else(|| {
            format!(
                "unknown state `{state}`; states: {}",
                kiosk_core::samples::STATES.join(", ")
            )
        })?,
        None => {
            let name = args.screen.as_deref().unwrap_or_default();
            let screen = ScreenId::from_name(name).ok_or_else(|| {
                let all: Vec<&str> = ScreenId::ALL.iter().map(|s| s.name()).collect();
                format!("unknown screen `{name}`; screens: {}", all.join(", "))
            })?;
            kiosk_core::samples::view(screen, lang, &catalog)
        }
    };
    vm.large_text |= args.large_text;
    vm.high_contrast |= args.contrast;
    if !args.keys.is_empty() {
        with_keys(&mut vm, &args.keys)?;
    }
    ui_bridge::render_png(&vm, args.width, args.height, out).map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}

/// The sample with the keypad's focus after `keys` (the keys' own events are not stepped: a
/// sample is one screen).
fn with_keys(vm: &mut kiosk_core::view::ViewModel, keys: &[String]) -> Result<(), String> {
    let texts = kiosk_core::speech::Texts::shipped().map_err(|e| e.to_string())?;
    let mut access = kiosk_core::access::Access::default();
    access.observe(None, vm);
    vm.access = access.view(vm, &texts);
    for name in keys {
        let key: kiosk_core::keypad::Key = name.trim().parse().map_err(|e| format!("{e}"))?;
        access.on_key(key, vm);
        access.observe(Some(&vm.clone()), vm);
        vm.access = access.view(vm, &texts);
    }
    Ok(())
}
