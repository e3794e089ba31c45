//! Compiles the Slint UI (ui/main.slint) with the bundled translations in ui/translations
//! (`<lang>/LC_MESSAGES/dost-kiosk.po`, no msgctxt). Debug builds also emit the element
//! debug info that `i-slint-backend-testing` needs to find elements in UI tests.

fn main() {
    let debug = std::env::var("PROFILE").as_deref() == Ok("debug");
    let config = slint_build::CompilerConfiguration::new()
        .with_bundled_translations("ui/translations")
        .with_default_translation_context(slint_build::DefaultTranslationContext::None)
        .with_debug_info(debug);
    println!("cargo:rerun-if-changed=ui");
    println!("cargo:rerun-if-env-changed=PROFILE");
    // Release builds pack their relative relocations (DT_RELR, glibc 2.36+, Debian 12): the
    // dynamic loader reads a few kilobytes instead of a megabyte of RELA entries at every start,
    // and those pages are not kept resident.
    let target = |v: &str| std::env::var(v).unwrap_or_default();
    if !debug && target("CARGO_CFG_TARGET_OS") == "linux" && target("CARGO_CFG_TARGET_ENV") == "gnu"
    {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    slint_build::compile_with_config("ui/main.slint", config).expect("Slint UI failed to compile");
}
