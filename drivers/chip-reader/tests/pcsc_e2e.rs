//! End to end through the real PC/SC stack: this test starts its own `pcscd` (foreground,
//! with a private reader configuration pointing vsmartcard's `vpcd` driver at a free port),
//! connects the card simulator to vpcd, reads and verifies the chip through the `pcsc`
//! crate, and stops what it started (SIGTERM, so pcscd cleans /run/pcscd). Debian 12's
//! pcsc-lite 1.9.9 daemon always listens on /run/pcscd/pcscd.comm, so no other pcscd may
//! run meanwhile. It fails (never skips) when pcscd or the vpcd driver is missing:
//! `scripts/deps.sh chip` installs them.
#![cfg(feature = "pcsc")]

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chip_reader::AccessKey;
use chip_reader::pcsc_transport::{PcscTransport, list_readers, wait_for_card};
use chip_reader::reader::{
    AccessProtocol, Check, ChipError, ChipReader, CloneDetection, ReaderOptions, VerifyOptions,
};
use chip_reader::sim::demo::{demo_card, demo_csca};
use chip_reader::sim::{Forgery, SimCard};
use chip_reader::transport::TransportError;
use chip_reader::trust::TrustStore;
use chip_reader::vpcd;

const VPCD_DRIVER: &str = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so";

/// pcscd started by this test; killed (by its pid) when dropped.
struct Pcscd {
    child: Child,
    log: PathBuf,
}

impl Drop for Pcscd {
    fn drop(&mut self) {
        // SIGTERM lets pcscd remove its socket and pid file; SIGKILL only if it hangs.
        let pid = self.child.id() as libc::pid_t;
        unsafe { libc::kill(pid, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn pcscd_binary() -> PathBuf {
    for dir in ["/usr/sbin", "/usr/bin", "/sbin"] {
        let p = Path::new(dir).join("pcscd");
        if p.exists() {
            return p;
        }
    }
    panic!(
        "pcscd is not installed: run scripts/deps.sh chip (Debian packages pcscd, vsmartcard-vpcd)"
    );
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_pcscd(dir: &Path, port: u16) -> Pcscd {
    assert!(
        Path::new(VPCD_DRIVER).exists(),
        "{VPCD_DRIVER} missing: install vsmartcard-vpcd (scripts/deps.sh chip)"
    );
    let conf = dir.join("reader.conf.d");
    std::fs::create_dir_all(&conf).unwrap();
    std::fs::write(
        conf.join("vpcd"),
        format!("FRIENDLYNAME \"Virtual PCD\"\nDEVICENAME   /dev/null:0x{port:04X}\nLIBPATH      {VPCD_DRIVER}\nCHANNELID    0x{port:04X}\n"),
    )
    .unwrap();
    let log = dir.join("pcscd.log");
    let out = std::fs::File::create(&log).unwrap();
    let child = Command::new(pcscd_binary())
        .args(["--foreground", "--config"])
        .arg(&conf)
        .stdout(Stdio::from(out.try_clone().unwrap()))
        .stderr(Stdio::from(out))
        .spawn()
        .expect("start pcscd");
    let mut pcscd = Pcscd { child, log };
    std::thread::sleep(Duration::from_millis(300));
    if let Ok(Some(status)) = pcscd.child.try_wait() {
        panic!(
            "pcscd exited at once ({status}); is another pcscd running? log:\n{}",
            std::fs::read_to_string(&pcscd.log).unwrap_or_default()
        );
    }
    pcscd
}

fn wait_reader(pcscd: &Pcscd) -> String {
    let start = Instant::now();
    loop {
        if let Ok(readers) = list_readers()
            && let Some(r) = readers.into_iter().find(|r| r.contains("Virtual PCD"))
        {
            return r;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no vpcd reader; pcscd log:\n{}",
            std::fs::read_to_string(&pcscd.log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn reads_and_verifies_a_simulated_chip_through_pcscd_and_vpcd() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let pcscd = start_pcscd(dir.path(), port);

    let mrz = card_reader::sim::specimens::aze_id_card();
    let lines: Vec<&str> = mrz.iter().map(String::as_str).collect();
    // First a card pulled after 10 APDUs, then the genuine card.
    let pulled = demo_card(&lines, false)
        .unwrap()
        .forgery(Forgery {
            remove_after_apdus: Some(10),
            ..Forgery::default()
        })
        .build()
        .unwrap();
    let genuine = demo_card(&lines, false).unwrap().build().unwrap();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let (insert_next, next_inserted) = std::sync::mpsc::channel::<()>();
    let sim = std::thread::spawn(move || {
        let mut ends = Vec::new();
        for (i, profile) in [pulled, genuine].into_iter().enumerate() {
            if i > 0 {
                // The second card goes in only when the test says so.
                next_inserted.recv().expect("test alive");
            }
            let mut stream = vpcd::connect(addr, Duration::from_secs(20)).expect("vpcd listening");
            ends.push(vpcd::serve(&mut SimCard::new(profile), &mut stream).expect("serve"));
        }
        ends
    });

    let reader = wait_reader(&pcscd);
    let key = AccessKey::from_mrz_lines(&lines).unwrap();
    let trust =
        TrustStore::from_der_certs([der::Encode::to_der(&demo_csca().unwrap()).unwrap()]).unwrap();
    let opts = VerifyOptions::default();

    wait_for_card(&reader, Duration::from_secs(20)).unwrap();
    let transport = PcscTransport::connect(&reader).unwrap();
    let err = ChipReader::new(transport, ReaderOptions::default())
        .read_and_verify(&key, &trust, &opts)
        .unwrap_err();
    assert!(
        matches!(err, ChipError::Transport(TransportError::CardRemoved)),
        "pulled card: {err}"
    );

    insert_next.send(()).unwrap();
    wait_for_card(&reader, Duration::from_secs(20)).unwrap();
    let started = Instant::now();
    let transport = PcscTransport::connect(&reader).unwrap();
    let report = ChipReader::new(transport, ReaderOptions::default())
        .read_and_verify(&key, &trust, &opts)
        .unwrap();
    let elapsed = started.elapsed();
    assert!(
        report.passive_authentication.is_valid(),
        "{:?}",
        report.passive_authentication
    );
    assert_eq!(
        report.access,
        AccessProtocol::PaceGm {
            curve: chip_reader::ec::Curve::P256,
            cipher: chip_reader::crypto::Cipher::Aes128
        }
    );
    assert!(matches!(
        report.clone_detection,
        CloneDetection::ChipAuthentication {
            check: Check::Passed,
            ..
        }
    ));
    assert_eq!(report.mrz, mrz);
    eprintln!(
        "end-to-end through pcscd+vpcd: {:.1} ms ({:.1} ms in PC/SC), {} APDUs, {} bytes sent, {} received, timings {:?}",
        elapsed.as_secs_f64() * 1000.0,
        report.traffic.io_time.as_secs_f64() * 1000.0,
        report.traffic.apdus,
        report.traffic.bytes_sent,
        report.traffic.bytes_received,
        report.timings
    );

    drop(pcscd);
    let ends = sim.join().unwrap();
    assert_eq!(
        ends,
        vec![vpcd::Ended::CardRemoved, vpcd::Ended::ReaderClosed]
    );
}
