//! Settings the centre may change remotely (`GET /v1/kiosks/{id}/config`). Device and link
//! settings stay local: a remote configuration naming them is refused.

use serde::Deserialize;

use super::{KioskConfig, SessionSection};
use kiosk_core::problem::Problems;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoteSettings {
    #[serde(default)]
    pub center_name: Option<String>,
    #[serde(default)]
    pub session: Option<SessionSection>,
    #[serde(default)]
    pub service_idle_close_s: Option<u32>,
}

impl KioskConfig {
    /// This configuration with the centre's settings applied, checked as a whole by the same
    /// rules as the file. A bad remote configuration is refused and the current one stays.
    pub fn with_remote(&self, value: &serde_json::Value) -> Result<KioskConfig, Problems> {
        let origin = "centre configuration";
        let remote: RemoteSettings = serde_json::from_value(value.clone())
            .map_err(|e| Problems::one(origin, "-", e.to_string()))?;
        let mut next = self.clone();
        if let Some(name) = remote.center_name {
            next.kiosk.center_name = name;
        }
        if let Some(session) = remote.session {
            next.session = session;
        }
        if let Some(s) = remote.service_idle_close_s {
            next.service.idle_close_s = s;
        }
        let problems = next.problems(None);
        Problems::check(origin, next, problems)
    }
}
