//! The serial ports of this machine, with USB vendor:product where known.

use kiosk_core::settings::PortInfo;

/// The serial ports the system lists.
pub fn list() -> Result<Vec<PortInfo>, serialport::Error> {
    Ok(serialport::available_ports()?
        .into_iter()
        .map(|p| PortInfo {
            usb: match p.port_type {
                serialport::SerialPortType::UsbPort(u) => Some(format!(
                    "{:04x}:{:04x}{}",
                    u.vid,
                    u.pid,
                    u.product.map(|n| format!(" {n}")).unwrap_or_default()
                )),
                _ => None,
            },
            path: p.port_name,
        })
        .collect())
}

/// The ports for the settings form: those listed, plus configured ports the system does not
/// list but that exist (a pseudo-terminal, a udev alias). None are offered when the ports
/// cannot be listed.
pub fn for_settings(configured: &[&str]) -> Vec<PortInfo> {
    let mut ports = list().unwrap_or_else(|e| {
        tracing::warn!(error = %e, "cannot list serial ports");
        Vec::new()
    });
    for p in configured {
        if !p.is_empty() && std::path::Path::new(p).exists() && !ports.iter().any(|q| q.path == *p)
        {
            ports.push(PortInfo {
                path: (*p).to_owned(),
                usb: None,
            });
        }
    }
    ports
}

/// The ports as one line each (technician's screen, `dost-kiosk ports`), or why they could
/// not be listed.
pub fn lines() -> Result<Vec<String>, String> {
    list()
        .map(|ports| ports.iter().map(PortInfo::label).collect())
        .map_err(|e| e.to_string())
}
