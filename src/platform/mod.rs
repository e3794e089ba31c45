//! What the kiosk needs of the machine: systemd, the instance lock, private files, free disk,
//! serial ports and log files.

pub mod credentials;
pub mod disk;
pub mod fs;
pub mod lock;
pub mod logs;
pub mod ports;
pub mod systemd;
