//! Pure ISO/IEC 7816-4 short APDUs: command encoding, response parsing, and the commands an
//! eMRTD reader sends. Only short APDUs (at most 255 data bytes, at most 256 expected) are
//! built, since some combined document readers take at most ~270-byte messages.

/// Application identifier of the eMRTD (LDS1) application.
pub const EMRTD_AID: [u8; 7] = [0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01];

/// File identifiers of the elementary files the reader knows.
pub mod fid {
    pub const CARD_ACCESS: u16 = 0x011C;
    pub const COM: u16 = 0x011E;
    pub const SOD: u16 = 0x011D;
    /// Data group N has file identifier 0x0100 + N.
    pub const fn dg(n: u8) -> u16 {
        0x0100 + n as u16
    }
}

/// Status words the reader tells apart.
pub mod sw {
    pub const OK: u16 = 0x9000;
    pub const END_OF_FILE: u16 = 0x6282;
    pub const WRONG_LENGTH: u16 = 0x6700;
    pub const SECURITY_NOT_SATISFIED: u16 = 0x6982;
    pub const AUTH_FAILED: u16 = 0x6300;
    pub const SM_OBJECTS_MISSING: u16 = 0x6987;
    pub const SM_OBJECTS_INCORRECT: u16 = 0x6988;
    pub const CONDITIONS_NOT_SATISFIED: u16 = 0x6985;
    pub const FILE_NOT_FOUND: u16 = 0x6A82;
    pub const WRONG_P1P2: u16 = 0x6B00;
    pub const INS_NOT_SUPPORTED: u16 = 0x6D00;
    pub const CLA_NOT_SUPPORTED: u16 = 0x6E00;
    pub const WRONG_DATA: u16 = 0x6A80;
    pub const REF_NOT_FOUND: u16 = 0x6A88;
}

/// Largest offset a plain READ BINARY (INS B0, P1 bit 8 clear) can address.
pub const MAX_READ_OFFSET: usize = 0x7FFF;

/// Why an APDU could not be built or parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApduError {
    #[error("command data of {0} bytes does not fit a short APDU")]
    DataTooLong(usize),
    #[error("expected length {0} does not fit a short APDU")]
    LeTooLong(usize),
    #[error("response of {0} bytes has no status word")]
    ResponseTooShort(usize),
    #[error("command APDU is malformed: {0}")]
    Malformed(&'static str),
}

/// A command APDU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub cla: u8,
    pub ins: u8,
    pub p1: u8,
    pub p2: u8,
    pub data: Vec<u8>,
    /// Expected response length; `Some(256)` is encoded as `00`.
    pub le: Option<usize>,
}

impl Command {
    pub fn new(cla: u8, ins: u8, p1: u8, p2: u8) -> Self {
        Command {
            cla,
            ins,
            p1,
            p2,
            data: Vec::new(),
            le: None,
        }
    }

    pub fn with_data(mut self, data: impl Into<Vec<u8>>) -> Self {
        self.data = data.into();
        self
    }

    pub fn with_le(mut self, le: usize) -> Self {
        self.le = Some(le);
        self
    }

    /// Short-APDU encoding (cases 1–4).
    pub fn to_bytes(&self) -> Result<Vec<u8>, ApduError> {
        if self.data.len() > 255 {
            return Err(ApduError::DataTooLong(self.data.len()));
        }
        let mut out = vec![self.cla, self.ins, self.p1, self.p2];
        if !self.data.is_empty() {
            out.push(self.data.len() as u8);
            out.extend_from_slice(&self.data);
        }
        if let Some(le) = self.le {
            if le > 256 {
                return Err(ApduError::LeTooLong(le));
            }
            out.push(if le == 256 { 0 } else { le as u8 });
        }
        Ok(out)
    }

    /// Parses a short command APDU (used by the card simulator).
    pub fn parse(bytes: &[u8]) -> Result<Command, ApduError> {
        if bytes.len() < 4 {
            return Err(ApduError::Malformed("shorter than a header"));
        }
        let mut cmd = Command::new(bytes[0], bytes[1], bytes[2], bytes[3]);
        let body = &bytes[4..];
        let le_of = |b: u8| if b == 0 { 256 } else { usize::from(b) };
        match body.len() {
            0 => {}
            1 => cmd.le = Some(le_of(body[0])),
            _ => {
                let lc = usize::from(body[0]);
                if lc == 0 {
                    return Err(ApduError::Malformed("extended APDUs are not supported"));
                }
                match body.len() - 1 {
                    n if n == lc => {}
                    n if n == lc + 1 => cmd.le = Some(le_of(body[lc + 1])),
                    _ => return Err(ApduError::Malformed("Lc does not match the body")),
                }
                cmd.data = body[1..=lc].to_vec();
            }
        }
        Ok(cmd)
    }
}

/// A response APDU: data and status word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub data: Vec<u8>,
    pub sw: u16,
}

impl Response {
    pub fn parse(bytes: &[u8]) -> Result<Response, ApduError> {
        if bytes.len() < 2 {
            return Err(ApduError::ResponseTooShort(bytes.len()));
        }
        let (data, sw) = bytes.split_at(bytes.len() - 2);
        Ok(Response {
            data: data.to_vec(),
            sw: u16::from_be_bytes([sw[0], sw[1]]),
        })
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.data.clone();
        out.extend_from_slice(&self.sw.to_be_bytes());
        out
    }

    pub fn status(sw: u16) -> Response {
        Response {
            data: Vec::new(),
            sw,
        }
    }

    pub fn ok(data: Vec<u8>) -> Response {
        Response { data, sw: sw::OK }
    }

    pub fn is_ok(&self) -> bool {
        self.sw == sw::OK || self.sw == sw::END_OF_FILE
    }
}

/// SELECT the eMRTD application by AID (no response data).
pub fn select_aid() -> Command {
    Command::new(0x00, 0xA4, 0x04, 0x0C).with_data(EMRTD_AID.to_vec())
}

/// SELECT an elementary file by identifier under the current DF (no response data).
pub fn select_ef(fid: u16) -> Command {
    Command::new(0x00, 0xA4, 0x02, 0x0C).with_data(fid.to_be_bytes().to_vec())
}

/// SELECT the master file (for EF.CardAccess before the application is selected).
pub fn select_mf() -> Command {
    Command::new(0x00, 0xA4, 0x00, 0x0C)
}

/// READ BINARY of `le` bytes at `offset` (at most [`MAX_READ_OFFSET`]).
pub fn read_binary(offset: usize, le: usize) -> Result<Command, ApduError> {
    if offset > MAX_READ_OFFSET {
        return Err(ApduError::Malformed("READ BINARY offset above 32767"));
    }
    let [hi, lo] = (offset as u16).to_be_bytes();
    Ok(Command::new(0x00, 0xB0, hi, lo).with_le(le))
}

/// GET CHALLENGE for 8 bytes.
pub fn get_challenge() -> Command {
    Command::new(0x00, 0x84, 0x00, 0x00).with_le(8)
}

/// EXTERNAL AUTHENTICATE with the BAC cryptogram (Le 40).
pub fn external_authenticate(data: Vec<u8>) -> Command {
    Command::new(0x00, 0x82, 0x00, 0x00)
        .with_data(data)
        .with_le(40)
}

/// INTERNAL AUTHENTICATE (Active Authentication) with an 8-byte challenge.
pub fn internal_authenticate(challenge: &[u8; 8]) -> Command {
    Command::new(0x00, 0x88, 0x00, 0x00)
        .with_data(challenge.to_vec())
        .with_le(256)
}

/// MSE:Set AT; `p1p2` is `C1A4` for PACE and `41A4` for Chip Authentication.
pub fn mse_set_at(p1: u8, p2: u8, data: Vec<u8>) -> Command {
    Command::new(0x00, 0x22, p1, p2).with_data(data)
}

/// GENERAL AUTHENTICATE with dynamic authentication data; `chained` sets CLA bit 5.
pub fn general_authenticate(data: Vec<u8>, chained: bool) -> Command {
    let cla = if chained { 0x10 } else { 0x00 };
    Command::new(cla, 0x86, 0x00, 0x00)
        .with_data(crate::tlv::encode(0x7C, &data))
        .with_le(256)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_the_four_cases() {
        assert_eq!(
            select_mf().to_bytes().unwrap(),
            vec![0x00, 0xA4, 0x00, 0x0C]
        );
        assert_eq!(get_challenge().to_bytes().unwrap(), vec![0, 0x84, 0, 0, 8]);
        assert_eq!(
            select_ef(fid::COM).to_bytes().unwrap(),
            vec![0x00, 0xA4, 0x02, 0x0C, 0x02, 0x01, 0x1E]
        );
        assert_eq!(
            general_authenticate(vec![], true).to_bytes().unwrap(),
            vec![0x10, 0x86, 0, 0, 0x02, 0x7C, 0x00, 0x00]
        );
        assert!(read_binary(0x8000, 4).is_err());
        assert_eq!(
            Command::new(0, 0, 0, 0).with_data(vec![0; 256]).to_bytes(),
            Err(ApduError::DataTooLong(256))
        );
    }

    #[test]
    fn parse_inverts_encoding() {
        for cmd in [
            select_mf(),
            get_challenge(),
            select_ef(0x0101),
            general_authenticate(vec![0x80, 0x01, 0x02], false),
            read_binary(300, 256).unwrap(),
        ] {
            assert_eq!(Command::parse(&cmd.to_bytes().unwrap()).unwrap(), cmd);
        }
        assert!(Command::parse(&[0, 0xA4, 0, 0, 5, 1]).is_err());
        assert!(Response::parse(&[0x90]).is_err());
        let r = Response::parse(&[1, 2, 0x90, 0x00]).unwrap();
        assert_eq!((r.data, r.sw), (vec![1, 2], 0x9000));
    }
}
