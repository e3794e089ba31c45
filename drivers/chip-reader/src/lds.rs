//! Pure parsers and encoders of the LDS files the reader needs (ICAO 9303-10): EF.COM,
//! DG1 (MRZ), DG14 and EF.CardAccess (SecurityInfos), DG15 (Active Authentication key) and
//! the LDS security object inside EF.SOD. Every parser works on untrusted bytes and returns
//! [`LdsError`] instead of panicking.

use const_oid::ObjectIdentifier;
use der::asn1::{OctetString, PrintableString};
use der::{Decode, Encode, Sequence};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use crate::tlv::{self, TlvError};

/// `id-icao-mrtd-security-ldsSecurityObject`.
pub const LDS_SECURITY_OBJECT: &str = "2.23.136.1.1.1";
/// `id-icao-cscaMasterList`.
pub const CSCA_MASTER_LIST: &str = "2.23.136.1.1.2";
/// `id-PACE` arc.
pub const ID_PACE: &str = "0.4.0.127.0.7.2.2.4";
/// `id-CA-ECDH` arc (`.1` 3DES, `.2` AES-128, `.3` AES-192, `.4` AES-256).
pub const ID_CA_ECDH: &str = "0.4.0.127.0.7.2.2.3.2";
/// `id-PK-ECDH`.
pub const ID_PK_ECDH: &str = "0.4.0.127.0.7.2.2.1.2";
/// `id-AA` (ActiveAuthenticationInfo).
pub const ID_AA: &str = "2.23.136.1.1.5";

/// Why an LDS file is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LdsError {
    #[error("{file}: {source}")]
    Tlv {
        file: &'static str,
        #[source]
        source: TlvError,
    },
    #[error("{file}: expected tag {expected:#x}, found {found:#x}")]
    Tag {
        file: &'static str,
        expected: u32,
        found: u32,
    },
    #[error("{file}: {detail}")]
    Malformed {
        file: &'static str,
        detail: &'static str,
    },
    #[error("{file}: ASN.1: {source}")]
    Der {
        file: &'static str,
        #[source]
        source: der::Error,
    },
}

fn tlv_err(file: &'static str) -> impl Fn(TlvError) -> LdsError {
    move |source| LdsError::Tlv { file, source }
}

/// The one outer object of an LDS file, checked against `tag`; returns its value.
pub fn unwrap_file<'a>(
    file: &'static str,
    bytes: &'a [u8],
    tag: u32,
) -> Result<&'a [u8], LdsError> {
    let t = tlv::parse(bytes).map_err(tlv_err(file))?.0;
    if t.tag != tag {
        return Err(LdsError::Tag {
            file,
            expected: tag,
            found: t.tag,
        });
    }
    Ok(t.value)
}

/// EF.COM: the data groups present (from the tag list `5C`).
pub fn parse_com(bytes: &[u8]) -> Result<Vec<u8>, LdsError> {
    let value = unwrap_file("EF.COM", bytes, 0x60)?;
    let tags = tlv::parse_all(value)
        .map_err(tlv_err("EF.COM"))?
        .into_iter()
        .find(|t| t.tag == 0x5C)
        .ok_or(LdsError::Malformed {
            file: "EF.COM",
            detail: "no tag list",
        })?;
    let mut dgs = Vec::new();
    let mut i = 0;
    while i < tags.value.len() {
        let (tag, used) = match tags.value[i] {
            0x5F | 0x7F => (
                u32::from(tags.value[i]) << 8 | u32::from(*tags.value.get(i + 1).unwrap_or(&0)),
                2,
            ),
            b => (u32::from(b), 1),
        };
        if let Some(n) = dg_of_tag(tag) {
            dgs.push(n);
        }
        i += used;
    }
    Ok(dgs)
}

/// Data group number of an LDS file tag (DG1 `61` … DG16 `70`).
pub fn dg_of_tag(tag: u32) -> Option<u8> {
    Some(match tag {
        0x61 => 1,
        0x75 => 2,
        0x63 => 3,
        0x76 => 4,
        0x65..=0x70 => (tag - 0x65 + 5) as u8,
        _ => return None,
    })
}

/// The file tag of data group `n`.
pub fn tag_of_dg(n: u8) -> Option<u32> {
    Some(match n {
        1 => 0x61,
        2 => 0x75,
        3 => 0x63,
        4 => 0x76,
        5..=16 => 0x65 + u32::from(n) - 5,
        _ => return None,
    })
}

/// EF.COM for LDS 1.7 with the given data groups.
pub fn encode_com(dgs: &[u8]) -> Vec<u8> {
    let mut v = tlv::encode(0x5F01, b"0107");
    v.extend_from_slice(&tlv::encode(0x5F36, b"040000"));
    let tags: Vec<u8> = dgs
        .iter()
        .filter_map(|d| tag_of_dg(*d))
        .map(|t| t as u8)
        .collect();
    v.extend_from_slice(&tlv::encode(0x5C, &tags));
    tlv::encode(0x60, &v)
}

/// DG1: the MRZ split into its lines (TD1 3×30, TD2 2×36, TD3 2×44).
pub fn parse_dg1(bytes: &[u8]) -> Result<Vec<String>, LdsError> {
    let value = unwrap_file("DG1", bytes, 0x61)?;
    let mrz = tlv::parse_all(value)
        .map_err(tlv_err("DG1"))?
        .into_iter()
        .find(|t| t.tag == 0x5F1F)
        .ok_or(LdsError::Malformed {
            file: "DG1",
            detail: "no MRZ data object",
        })?;
    let line_len = match mrz.value.len() {
        90 => 30,
        72 => 36,
        88 => 44,
        _ => {
            return Err(LdsError::Malformed {
                file: "DG1",
                detail: "MRZ length is not TD1, TD2 or TD3",
            });
        }
    };
    if !mrz
        .value
        .iter()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'<')
    {
        return Err(LdsError::Malformed {
            file: "DG1",
            detail: "MRZ has characters outside 0-9 A-Z <",
        });
    }
    Ok(mrz
        .value
        .chunks(line_len)
        .map(|l| String::from_utf8_lossy(l).into_owned())
        .collect())
}

/// DG1 holding the given MRZ lines.
pub fn encode_dg1(lines: &[&str]) -> Vec<u8> {
    tlv::encode(0x61, &tlv::encode(0x5F1F, lines.concat().as_bytes()))
}

/// One SecurityInfo of EF.CardAccess or DG14 the reader understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityInfo {
    /// PACEInfo: protocol, version, standardized domain parameter id.
    Pace {
        protocol: ObjectIdentifier,
        version: u32,
        parameter_id: Option<u32>,
    },
    /// ChipAuthenticationInfo: protocol, version, key id.
    ChipAuth {
        protocol: ObjectIdentifier,
        version: u32,
        key_id: Option<u32>,
    },
    /// ChipAuthenticationPublicKeyInfo (id-PK-ECDH).
    ChipAuthKey {
        key: SubjectPublicKeyInfoOwned,
        key_id: Option<u32>,
    },
    /// ActiveAuthenticationInfo: the signature algorithm.
    ActiveAuth {
        signature_algorithm: ObjectIdentifier,
    },
    /// Anything else (kept for completeness, ignored by the reader).
    Other { protocol: ObjectIdentifier },
}

fn small_int(file: &'static str, t: &tlv::Tlv<'_>) -> Result<u32, LdsError> {
    if t.tag != 0x02 || t.value.is_empty() || t.value.len() > 4 {
        return Err(LdsError::Malformed {
            file,
            detail: "integer field",
        });
    }
    Ok(t.value.iter().fold(0u32, |a, b| (a << 8) | u32::from(*b)))
}

fn oid_of(file: &'static str, t: &tlv::Tlv<'_>) -> Result<ObjectIdentifier, LdsError> {
    if t.tag != 0x06 {
        return Err(LdsError::Malformed {
            file,
            detail: "object identifier expected",
        });
    }
    ObjectIdentifier::from_bytes(t.value).map_err(|_| LdsError::Malformed {
        file,
        detail: "object identifier",
    })
}

fn parse_info(file: &'static str, seq: &tlv::Tlv<'_>) -> Result<SecurityInfo, LdsError> {
    let f = seq.children().map_err(tlv_err(file))?;
    let protocol = oid_of(
        file,
        f.first().ok_or(LdsError::Malformed {
            file,
            detail: "empty SecurityInfo",
        })?,
    )?;
    let p = protocol.to_string();
    let second = f.get(1).ok_or(LdsError::Malformed {
        file,
        detail: "SecurityInfo without data",
    })?;
    let third = f.get(2);
    if p.starts_with(&format!("{ID_PACE}.")) {
        let parameter_id = third.map(|t| small_int(file, t)).transpose()?;
        return Ok(SecurityInfo::Pace {
            protocol,
            version: small_int(file, second)?,
            parameter_id,
        });
    }
    if p.starts_with(&format!("{ID_CA_ECDH}.")) {
        let key_id = third.map(|t| small_int(file, t)).transpose()?;
        return Ok(SecurityInfo::ChipAuth {
            protocol,
            version: small_int(file, second)?,
            key_id,
        });
    }
    if p == ID_PK_ECDH {
        let key = SubjectPublicKeyInfoOwned::from_der(second.raw)
            .map_err(|source| LdsError::Der { file, source })?;
        let key_id = third.map(|t| small_int(file, t)).transpose()?;
        return Ok(SecurityInfo::ChipAuthKey { key, key_id });
    }
    if p == ID_AA {
        let alg = third.ok_or(LdsError::Malformed {
            file,
            detail: "ActiveAuthenticationInfo without algorithm",
        })?;
        return Ok(SecurityInfo::ActiveAuth {
            signature_algorithm: oid_of(file, alg)?,
        });
    }
    Ok(SecurityInfo::Other { protocol })
}

/// SecurityInfos (a DER SET) as found in EF.CardAccess.
pub fn parse_security_infos(
    file: &'static str,
    bytes: &[u8],
) -> Result<Vec<SecurityInfo>, LdsError> {
    let set = unwrap_file(file, bytes, 0x31)?;
    tlv::parse_all(set)
        .map_err(tlv_err(file))?
        .iter()
        .filter(|t| t.tag == 0x30)
        .map(|t| parse_info(file, t))
        .collect()
}

/// DG14: SecurityInfos inside tag `6E`.
pub fn parse_dg14(bytes: &[u8]) -> Result<Vec<SecurityInfo>, LdsError> {
    let value = unwrap_file("DG14", bytes, 0x6E)?;
    parse_security_infos("DG14", value)
}

/// DG15: the Active Authentication public key.
pub fn parse_dg15(bytes: &[u8]) -> Result<SubjectPublicKeyInfoOwned, LdsError> {
    let value = unwrap_file("DG15", bytes, 0x6F)?;
    SubjectPublicKeyInfoOwned::from_der(value).map_err(|source| LdsError::Der {
        file: "DG15",
        source,
    })
}

/// LDSSecurityObject (9303-10 §4.6.2.2).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct LdsSecurityObject {
    pub version: u32,
    pub hash_algorithm: AlgorithmIdentifierOwned,
    pub data_group_hash_values: Vec<DataGroupHash>,
    pub lds_version_info: Option<LdsVersionInfo>,
}

/// One data group's hash.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct DataGroupHash {
    pub data_group_number: u32,
    pub data_group_hash_value: OctetString,
}

/// LDS and Unicode versions (LDS 1.8 security objects).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct LdsVersionInfo {
    pub lds_version: PrintableString,
    pub unicode_version: PrintableString,
}

impl LdsSecurityObject {
    pub fn from_der_bytes(bytes: &[u8]) -> Result<Self, LdsError> {
        LdsSecurityObject::from_der(bytes).map_err(|source| LdsError::Der {
            file: "EF.SOD",
            source,
        })
    }

    pub fn to_der_bytes(&self) -> Result<Vec<u8>, LdsError> {
        self.to_der().map_err(|source| LdsError::Der {
            file: "EF.SOD",
            source,
        })
    }

    /// The stored hash of data group `n`.
    pub fn hash_of(&self, n: u8) -> Option<&[u8]> {
        self.data_group_hash_values
            .iter()
            .find(|d| d.data_group_number == u32::from(n))
            .map(|d| d.data_group_hash_value.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn com_of_9303_11_d4_lists_dg1_and_dg2() {
        // EF.COM read in 9303-11 Appendix D.4.
        let com = hex::decode("60145F0104303130365F36063034303030305C026175").unwrap();
        assert_eq!(parse_com(&com).unwrap(), vec![1, 2]);
        assert_eq!(
            parse_com(&encode_com(&[1, 14, 15])).unwrap(),
            vec![1, 14, 15]
        );
    }

    #[test]
    fn dg1_round_trips_and_refuses_garbage() {
        let lines = [
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C<3UTO6908061F9406236ZE184226B<<<<<10",
        ];
        assert_eq!(parse_dg1(&encode_dg1(&lines)).unwrap(), lines);
        assert!(parse_dg1(&encode_dg1(&["ABC"])).is_err());
        assert!(parse_dg1(&[0x61, 0x03, 0x5F, 0x1F]).is_err());
        assert!(matches!(
            parse_dg1(&[0x62, 0x00]),
            Err(LdsError::Tag { .. })
        ));
    }

    #[test]
    fn card_access_of_the_icao_pace_example() {
        let ca = hex::decode("31143012060A04007F0007020204020202010202010D").unwrap();
        let infos = parse_security_infos("EF.CardAccess", &ca).unwrap();
        assert_eq!(
            infos,
            vec![SecurityInfo::Pace {
                protocol: ObjectIdentifier::new_unwrap("0.4.0.127.0.7.2.2.4.2.2"),
                version: 2,
                parameter_id: Some(13)
            }]
        );
        assert_eq!(tag_of_dg(14), Some(0x6E));
        assert_eq!(tag_of_dg(15), Some(0x6F));
        assert_eq!(tag_of_dg(1), Some(0x61));
    }
}
