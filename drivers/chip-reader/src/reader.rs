//! Reading and verifying a chip over a [`Transport`]: access (PACE-GM when EF.CardAccess
//! offers it, otherwise BAC), reading EF.COM, DG1, EF.SOD, DG14 and DG15 in chunks, Passive
//! Authentication, and clone detection (Chip Authentication, else Active Authentication,
//! else "passive only"). Any transport or protocol failure returns an error and no report:
//! a card pulled mid-read never yields a half-filled result.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::apdu::{self, ApduError, Command, Response, fid, sw};
use crate::auth::{self, AaScheme, AuthError};
use crate::bac::{self, BacError};
use crate::crypto::{self, Cipher};
use crate::ec::Curve;
use crate::key::AccessKey;
use crate::lds::{self, LdsError, SecurityInfo};
use crate::pa::{self, PaOutcome};
use crate::pace::{PaceError, PaceParams, PaceTerminal};
use crate::sm::{SecureMessaging, SmError};
use crate::tlv::{self, TlvError};
use crate::transport::{Counting, Traffic, Transport, TransportError};
use crate::trust::TrustStore;

/// Largest file the reader accepts (EF.SOD with a long certificate chain stays far below).
const MAX_FILE: usize = 32 * 1024;

/// Why a chip could not be read. No partial result is returned with any of them.
#[derive(Debug, thiserror::Error)]
pub enum ChipError {
    #[error("transport: {0}")]
    Transport(#[from] TransportError),
    #[error("BAC refused: {0}")]
    Bac(#[from] BacError),
    #[error("PACE refused: {0}")]
    Pace(#[from] PaceError),
    #[error("secure messaging: {0}")]
    SecureMessaging(#[from] SmError),
    #[error("{step}: the chip answered status {sw:04X}")]
    Status { step: &'static str, sw: u16 },
    #[error("APDU: {0}")]
    Apdu(#[from] ApduError),
    #[error("{0}")]
    File(#[from] LdsError),
    #[error("{file}: {source}")]
    FileShape {
        file: &'static str,
        #[source]
        source: TlvError,
    },
    #[error("{0}: file larger than the reader accepts")]
    FileTooLarge(&'static str),
    #[error("no randomness from the operating system")]
    Random,
}

/// Which access protocol the reader may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AccessPreference {
    /// PACE when EF.CardAccess offers a supported variant, otherwise BAC.
    #[default]
    Auto,
    /// BAC even when PACE is offered.
    BacOnly,
}

/// Reader settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReaderOptions {
    pub access: AccessPreference,
}

/// Per-read settings.
#[derive(Debug, Clone, Copy)]
pub struct VerifyOptions {
    /// Active Authentication challenge handed out by the centre (random when `None`).
    pub aa_challenge: Option<[u8; 8]>,
    /// Verification date for the Document Signer's validity.
    pub now: DateTime<Utc>,
    pub read_dg14: bool,
    pub read_dg15: bool,
    /// Largest READ BINARY answer asked for (bytes of plain data per APDU).
    pub max_read_chunk: usize,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            aa_challenge: None,
            now: Utc::now(),
            read_dg14: true,
            read_dg15: true,
            max_read_chunk: 0xDF,
        }
    }
}

/// The access protocol that opened the chip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "protocol")]
pub enum AccessProtocol {
    #[serde(rename = "PACE-GM")]
    PaceGm { curve: Curve, cipher: Cipher },
    #[serde(rename = "BAC")]
    Bac,
}

impl AccessProtocol {
    /// For reports: `PACE-GM P-256 AES-128`, `BAC`.
    pub fn describe(&self) -> String {
        match self {
            AccessProtocol::PaceGm { curve, cipher } => {
                format!("PACE-GM {} {}", curve.name(), cipher.name())
            }
            AccessProtocol::Bac => "BAC".into(),
        }
    }
}

/// Result of a clone-detection check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", content = "reason", rename_all = "snake_case")]
pub enum Check {
    Passed,
    Failed(String),
    /// The chip offers a variant the driver does not speak (DH Chip Authentication, an
    /// unknown key type): nothing was proved either way.
    Unsupported(String),
}

/// What proved (or failed to prove) that the chip is not a copy.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum CloneDetection {
    ChipAuthentication {
        check: Check,
        curve: Curve,
        cipher: Cipher,
    },
    ActiveAuthentication {
        check: Check,
        scheme: Option<AaScheme>,
        #[serde(with = "hex_bytes")]
        challenge: Vec<u8>,
        /// The chip's signature, for the centre to check on its own.
        #[serde(with = "hex_bytes")]
        signature: Vec<u8>,
    },
    /// Neither Chip nor Active Authentication is offered; policy decides.
    PassiveOnly,
}

impl std::fmt::Debug for CloneDetection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CloneDetection::ChipAuthentication {
                check,
                curve,
                cipher,
            } => write!(f, "ChipAuthentication({check:?}, {curve:?}, {cipher:?})"),
            CloneDetection::ActiveAuthentication { check, scheme, .. } => {
                write!(f, "ActiveAuthentication({check:?}, {scheme:?})")
            }
            CloneDetection::PassiveOnly => f.write_str("PassiveOnly"),
        }
    }
}

impl CloneDetection {
    pub fn passed(&self) -> bool {
        matches!(
            self,
            CloneDetection::ChipAuthentication {
                check: Check::Passed,
                ..
            } | CloneDetection::ActiveAuthentication {
                check: Check::Passed,
                ..
            }
        )
    }
}

mod hex_bytes {
    pub fn serialize<S: serde::Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode_upper(b))
    }
}

mod opt_hex_bytes {
    pub fn serialize<S: serde::Serializer>(b: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match b {
            Some(b) => s.serialize_str(&hex::encode_upper(b)),
            None => s.serialize_none(),
        }
    }
}

/// Time spent per phase.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Timings {
    pub access_ms: f64,
    pub read_ms: f64,
    pub passive_authentication_ms: f64,
    pub clone_detection_ms: f64,
    pub total_ms: f64,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Everything a read established. `Debug` shows no chip data; the raw files are kept as
/// evidence for the centre (serialized as hex).
#[derive(Clone, Serialize)]
pub struct ChipReport {
    pub access: AccessProtocol,
    pub data_groups_read: Vec<u8>,
    #[serde(with = "hex_bytes")]
    pub ef_sod: Vec<u8>,
    #[serde(with = "hex_bytes")]
    pub dg1: Vec<u8>,
    /// DG14 (Chip/Active Authentication infos), when read.
    #[serde(with = "opt_hex_bytes", skip_serializing_if = "Option::is_none")]
    pub dg14: Option<Vec<u8>>,
    /// DG15 (the AA public key the centre checks the AA signature with), when read.
    #[serde(with = "opt_hex_bytes", skip_serializing_if = "Option::is_none")]
    pub dg15: Option<Vec<u8>>,
    /// DG1's MRZ lines.
    pub mrz: Vec<String>,
    pub passive_authentication: PaOutcome,
    pub clone_detection: CloneDetection,
    pub traffic: Traffic,
    pub timings: Timings,
}

impl std::fmt::Debug for ChipReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChipReport")
            .field("access", &self.access)
            .field("data_groups_read", &self.data_groups_read)
            .field(
                "passive_authentication",
                &self.passive_authentication.is_valid(),
            )
            .field("clone_detection", &self.clone_detection)
            .field("traffic", &self.traffic)
            .finish_non_exhaustive()
    }
}

/// Reads and verifies chips through one transport.
pub struct ChipReader<T: Transport> {
    transport: Counting<T>,
    options: ReaderOptions,
    sm: Option<SecureMessaging>,
}

fn status(step: &'static str, r: &Response) -> Result<(), ChipError> {
    if r.sw == sw::OK {
        Ok(())
    } else {
        Err(ChipError::Status { step, sw: r.sw })
    }
}

fn random<const N: usize>() -> Result<[u8; N], ChipError> {
    let b = crypto::random_bytes(N).map_err(|_| ChipError::Random)?;
    let mut out = [0u8; N];
    out.copy_from_slice(&b);
    Ok(out)
}

impl<T: Transport> ChipReader<T> {
    pub fn new(transport: T, options: ReaderOptions) -> Self {
        ChipReader {
            transport: Counting::new(transport),
            options,
            sm: None,
        }
    }

    pub fn into_transport(self) -> T {
        self.transport.into_inner()
    }

    /// Sends a command, through secure messaging once a session is open.
    fn send(&mut self, cmd: &Command) -> Result<Response, ChipError> {
        match &mut self.sm {
            Some(sm) => {
                let wrapped = sm.wrap(cmd)?;
                let raw = self.transport.transmit(&wrapped.to_bytes()?)?;
                let resp = Response::parse(&raw)?;
                if resp.data.is_empty() && resp.sw != sw::OK {
                    // Errors the chip could not protect (e.g. 6987/6988) come in plain.
                    self.sm = None;
                    return Err(ChipError::Status {
                        step: "secure messaging",
                        sw: resp.sw,
                    });
                }
                Ok(sm.unwrap(&resp)?)
            }
            None => Ok(Response::parse(
                &self.transport.transmit(&cmd.to_bytes()?)?,
            )?),
        }
    }

    /// Reads EF.CardAccess in the clear; `None` when the chip has none.
    fn card_access(&mut self) -> Result<Option<Vec<SecurityInfo>>, ChipError> {
        let r = self.send(&apdu::select_ef(fid::CARD_ACCESS))?;
        if r.sw != sw::OK {
            return Ok(None);
        }
        let bytes = self.read_file("EF.CardAccess", 0xDF)?;
        // An EF.CardAccess the reader cannot parse means "no PACE", not a dead end.
        Ok(lds::parse_security_infos("EF.CardAccess", &bytes).ok())
    }

    fn pace(
        &mut self,
        key: &AccessKey,
        params: PaceParams,
        ambiguous: bool,
    ) -> Result<(), ChipError> {
        let mut t = PaceTerminal::new(params, key);
        status("PACE MSE:Set AT", &self.send(&t.mse_set_at(ambiguous))?)?;
        let r = self.send(&t.nonce_command())?;
        status("PACE nonce", &r)?;
        let map_sk = params.curve.random_scalar().map_err(PaceError::from)?;
        let cmd = t.map_command(&r.data, map_sk)?;
        let r = self.send(&cmd)?;
        status("PACE mapping", &r)?;
        let eph_sk = params.curve.random_scalar().map_err(PaceError::from)?;
        let cmd = t.key_agreement_command(&r.data, eph_sk)?;
        let r = self.send(&cmd)?;
        status("PACE key agreement", &r)?;
        let cmd = t.token_command(&r.data)?;
        let r = self.send(&cmd)?;
        status("PACE mutual authentication", &r)?;
        self.sm = Some(t.finish(&r.data)?);
        let r = self.send(&apdu::select_aid())?;
        status("SELECT eMRTD application", &r)
    }

    fn bac(&mut self, key: &AccessKey) -> Result<(), ChipError> {
        self.sm = None;
        status("SELECT eMRTD application", &self.send(&apdu::select_aid())?)?;
        let r = self.send(&apdu::get_challenge())?;
        status("GET CHALLENGE", &r)?;
        let rnd_ic: [u8; 8] = r
            .data
            .as_slice()
            .try_into()
            .map_err(|_| ChipError::Status {
                step: "GET CHALLENGE",
                sw: r.sw,
            })?;
        let (rnd_ifd, k_ifd) = (random::<8>()?, random::<16>()?);
        let keys = bac::keys(key);
        let data = bac::terminal_cryptogram(&keys, &rnd_ifd, &rnd_ic, &k_ifd)?;
        let r = self.send(&apdu::external_authenticate(data))?;
        status("EXTERNAL AUTHENTICATE", &r)?;
        self.sm = Some(bac::terminal_finish(
            &keys, &rnd_ifd, &rnd_ic, &k_ifd, &r.data,
        )?);
        Ok(())
    }

    /// Opens the chip with PACE or BAC.
    pub fn open(&mut self, key: &AccessKey) -> Result<AccessProtocol, ChipError> {
        if self.options.access == AccessPreference::Auto
            && let Some(infos) = self.card_access()?
        {
            let offered: Vec<PaceParams> = infos
                .iter()
                .filter_map(|i| match i {
                    SecurityInfo::Pace {
                        protocol,
                        parameter_id: Some(id),
                        ..
                    } => PaceParams::from_info(protocol, *id).ok(),
                    _ => None,
                })
                .collect();
            let paces = infos
                .iter()
                .filter(|i| matches!(i, SecurityInfo::Pace { .. }))
                .count();
            if let Some(params) = offered.first().copied() {
                match self.pace(key, params, paces > 1) {
                    Ok(()) => {
                        tracing::info!(curve = ?params.curve, cipher = params.cipher.name(), "chip opened with PACE-GM");
                        return Ok(AccessProtocol::PaceGm {
                            curve: params.curve,
                            cipher: params.cipher,
                        });
                    }
                    // A chip that refuses the offered PACE set-up may still take BAC.
                    Err(ChipError::Status {
                        step: "PACE MSE:Set AT",
                        sw,
                    }) => {
                        tracing::warn!(
                            sw = format!("{sw:04X}"),
                            "PACE refused at MSE:Set AT, trying BAC"
                        );
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        self.bac(key)?;
        tracing::info!("chip opened with BAC");
        Ok(AccessProtocol::Bac)
    }

    /// Selects and reads a whole file in chunks of at most `chunk` bytes.
    fn read_file(&mut self, name: &'static str, chunk: usize) -> Result<Vec<u8>, ChipError> {
        let chunk = chunk.clamp(4, 0xFF);
        let r = self.send(&apdu::read_binary(0, 4)?)?;
        if !r.is_ok() {
            return Err(ChipError::Status {
                step: name,
                sw: r.sw,
            });
        }
        let mut data = r.data;
        let (_, header, len) = tlv::parse_header(&data)
            .map_err(|source| ChipError::FileShape { file: name, source })?;
        let total = header + len;
        if total > MAX_FILE {
            return Err(ChipError::FileTooLarge(name));
        }
        while data.len() < total {
            let want = (total - data.len()).min(chunk);
            let r = self.send(&apdu::read_binary(data.len(), want)?)?;
            if !r.is_ok() || r.data.is_empty() {
                return Err(ChipError::Status {
                    step: name,
                    sw: r.sw,
                });
            }
            data.extend_from_slice(&r.data);
        }
        data.truncate(total);
        Ok(data)
    }

    fn read_ef(
        &mut self,
        name: &'static str,
        file: u16,
        chunk: usize,
    ) -> Result<Option<Vec<u8>>, ChipError> {
        let r = self.send(&apdu::select_ef(file))?;
        if r.sw == sw::FILE_NOT_FOUND {
            return Ok(None);
        }
        status(name, &r)?;
        self.read_file(name, chunk).map(Some)
    }

    /// Reads and verifies the chip: the whole flow of the module documentation.
    pub fn read_and_verify(
        &mut self,
        key: &AccessKey,
        trust: &TrustStore,
        opts: &VerifyOptions,
    ) -> Result<ChipReport, ChipError> {
        let start = Instant::now();
        self.sm = None;
        let before = self.transport.traffic();
        let access = self.open(key)?;
        let t_access = start.elapsed();
        let chunk = opts.max_read_chunk;
        let com = self
            .read_ef("EF.COM", fid::COM, chunk)?
            .ok_or(ChipError::Status {
                step: "EF.COM",
                sw: sw::FILE_NOT_FOUND,
            })?;
        let present = lds::parse_com(&com)?;
        let dg1 = self
            .read_ef("DG1", fid::dg(1), chunk)?
            .ok_or(ChipError::Status {
                step: "DG1",
                sw: sw::FILE_NOT_FOUND,
            })?;
        let sod = self
            .read_ef("EF.SOD", fid::SOD, chunk)?
            .ok_or(ChipError::Status {
                step: "EF.SOD",
                sw: sw::FILE_NOT_FOUND,
            })?;
        let dg14 = if opts.read_dg14 && present.contains(&14) {
            self.read_ef("DG14", fid::dg(14), chunk)?
        } else {
            None
        };
        let dg15 = if opts.read_dg15 && present.contains(&15) {
            self.read_ef("DG15", fid::dg(15), chunk)?
        } else {
            None
        };
        let mrz = lds::parse_dg1(&dg1)?;
        let t_read = start.elapsed();

        let mut dgs = vec![(1u8, dg1.clone())];
        dgs.extend(dg14.iter().map(|d| (14u8, d.clone())));
        dgs.extend(dg15.iter().map(|d| (15u8, d.clone())));
        let pa_outcome = pa::passive_authentication(&sod, &dgs, trust, opts.now);
        let t_pa = start.elapsed();

        let clone_detection = self.clone_detection(dg14.as_deref(), dg15.as_deref(), opts)?;
        let t_clone = start.elapsed();
        let after = self.transport.traffic();
        let traffic = Traffic {
            apdus: after.apdus - before.apdus,
            bytes_sent: after.bytes_sent - before.bytes_sent,
            bytes_received: after.bytes_received - before.bytes_received,
            io_time: after.io_time - before.io_time,
        };
        self.sm = None;
        Ok(ChipReport {
            access,
            data_groups_read: dgs.iter().map(|(n, _)| *n).collect(),
            ef_sod: sod,
            dg1,
            dg14,
            dg15,
            mrz,
            passive_authentication: pa_outcome,
            clone_detection,
            traffic,
            timings: Timings {
                access_ms: ms(t_access),
                read_ms: ms(t_read - t_access),
                passive_authentication_ms: ms(t_pa - t_read),
                clone_detection_ms: ms(t_clone - t_pa),
                total_ms: ms(t_clone),
            },
        })
    }

    fn clone_detection(
        &mut self,
        dg14: Option<&[u8]>,
        dg15: Option<&[u8]>,
        opts: &VerifyOptions,
    ) -> Result<CloneDetection, ChipError> {
        let infos = match dg14 {
            Some(d) => lds::parse_dg14(d).unwrap_or_default(),
            None => Vec::new(),
        };
        if let Some(setup) = auth::ca_setup(&infos) {
            return self.chip_authentication(setup);
        }
        let Some(dg15) = dg15 else {
            return Ok(CloneDetection::PassiveOnly);
        };
        let challenge = match opts.aa_challenge {
            Some(c) => c,
            None => random::<8>()?,
        };
        let r = self.send(&apdu::internal_authenticate(&challenge))?;
        status("INTERNAL AUTHENTICATE", &r)?;
        let aa_alg = infos.iter().find_map(|i| match i {
            SecurityInfo::ActiveAuth {
                signature_algorithm,
            } => Some(*signature_algorithm),
            _ => None,
        });
        let (check, scheme) = match lds::parse_dg15(dg15)
            .map_err(|e| AuthError::Unsupported(e.to_string()))
            .and_then(|k| auth::verify_aa(&k, aa_alg.as_ref(), &challenge, &r.data))
        {
            Ok(scheme) => (Check::Passed, Some(scheme)),
            Err(e @ AuthError::Unsupported(_)) => (Check::Unsupported(e.to_string()), None),
            Err(e) => (Check::Failed(e.to_string()), None),
        };
        Ok(CloneDetection::ActiveAuthentication {
            check,
            scheme,
            challenge: challenge.to_vec(),
            signature: r.data,
        })
    }

    fn chip_authentication(
        &mut self,
        setup: Result<auth::CaSetup, AuthError>,
    ) -> Result<CloneDetection, ChipError> {
        let setup = match setup {
            Ok(s) => s,
            Err(e) => {
                let check = match e {
                    AuthError::Unsupported(_) | AuthError::NoChipKey => {
                        Check::Unsupported(e.to_string())
                    }
                    _ => Check::Failed(e.to_string()),
                };
                return Ok(CloneDetection::ChipAuthentication {
                    check,
                    curve: Curve::P256,
                    cipher: Cipher::Aes128,
                });
            }
        };
        let (curve, cipher) = (setup.curve, setup.cipher);
        let failed = |why: String| {
            Ok(CloneDetection::ChipAuthentication {
                check: Check::Failed(why),
                curve,
                cipher,
            })
        };
        let eph_sk = curve.random_scalar().map_err(|_| ChipError::Random)?;
        let eph_pk = curve.mul_base(&eph_sk).map_err(|_| ChipError::Random)?;
        for cmd in setup.commands(&eph_pk) {
            let r = self.send(&cmd)?;
            if r.sw != sw::OK {
                return failed(format!(
                    "chip refused Chip Authentication (status {:04X})",
                    r.sw
                ));
            }
        }
        let new_sm = match setup.session(&eph_sk) {
            Ok(s) => s,
            Err(e) => return failed(e.to_string()),
        };
        self.sm = Some(new_sm);
        // The chip proves it holds the DG14 key by answering under the new keys.
        match self
            .send(&apdu::select_ef(fid::COM))
            .and_then(|r| status("select after Chip Authentication", &r))
        {
            Ok(()) => Ok(CloneDetection::ChipAuthentication {
                check: Check::Passed,
                curve,
                cipher,
            }),
            Err(ChipError::Transport(e)) => Err(ChipError::Transport(e)),
            Err(_) => {
                self.sm = None;
                failed("chip does not hold the private key published in DG14".into())
            }
        }
    }
}
