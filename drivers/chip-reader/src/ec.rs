//! The elliptic curves the driver speaks (NIST P-256/P-384, brainpoolP256r1/P384r1) and the
//! few point operations PACE Generic Mapping, Chip Authentication and ECDSA need, on
//! RustCrypto's `p256`, `p384`, `bp256` and `bp384`. Points cross this module's boundary as
//! uncompressed SEC1 bytes; every point read is validated (on the curve, not the identity).

use const_oid::ObjectIdentifier;
use elliptic_curve::group::Curve as _;
use elliptic_curve::sec1::{FromSec1Point, ToSec1Point};
use elliptic_curve::{
    AffinePoint, FieldBytes, Generate, Group, NonZeroScalar, PrimeField, ProjectivePoint, Scalar,
};
use serde::Serialize;
use zeroize::Zeroizing;

use crate::crypto::SecretBytes;

/// A supported curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Curve {
    #[serde(rename = "P-256")]
    P256,
    #[serde(rename = "P-384")]
    P384,
    #[serde(rename = "brainpoolP256r1")]
    BrainpoolP256r1,
    #[serde(rename = "brainpoolP384r1")]
    BrainpoolP384r1,
}

/// An invalid point or scalar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EcError {
    #[error("point is not a valid point of the curve")]
    BadPoint,
    #[error("scalar is zero or out of range")]
    BadScalar,
    #[error("signature is malformed")]
    BadSignature,
    #[error("no randomness from the operating system")]
    Random,
}

/// Runs `$body` with `$C` bound to the RustCrypto curve type of `$curve`.
macro_rules! with_curve {
    ($curve:expr, $C:ident => $body:expr) => {
        match $curve {
            $crate::ec::Curve::P256 => {
                type $C = p256::NistP256;
                $body
            }
            $crate::ec::Curve::P384 => {
                type $C = p384::NistP384;
                $body
            }
            $crate::ec::Curve::BrainpoolP256r1 => {
                type $C = bp256::BrainpoolP256r1;
                $body
            }
            $crate::ec::Curve::BrainpoolP384r1 => {
                type $C = bp384::BrainpoolP384r1;
                $body
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use with_curve;

pub const ALL: [Curve; 4] = [
    Curve::P256,
    Curve::P384,
    Curve::BrainpoolP256r1,
    Curve::BrainpoolP384r1,
];

impl Curve {
    /// Name for reports (`P-256`, `brainpoolP384r1`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::BrainpoolP256r1 => "brainpoolP256r1",
            Curve::BrainpoolP384r1 => "brainpoolP384r1",
        }
    }

    /// Standardized domain parameter identifier (BSI TR-03110-3 / 9303-11 §9.5.1).
    pub fn from_parameter_id(id: u32) -> Option<Curve> {
        match id {
            12 => Some(Curve::P256),
            13 => Some(Curve::BrainpoolP256r1),
            15 => Some(Curve::P384),
            16 => Some(Curve::BrainpoolP384r1),
            _ => None,
        }
    }

    pub fn parameter_id(self) -> u32 {
        match self {
            Curve::P256 => 12,
            Curve::BrainpoolP256r1 => 13,
            Curve::P384 => 15,
            Curve::BrainpoolP384r1 => 16,
        }
    }

    /// The named-curve object identifier.
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            Curve::P256 => ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7"),
            Curve::P384 => ObjectIdentifier::new_unwrap("1.3.132.0.34"),
            Curve::BrainpoolP256r1 => ObjectIdentifier::new_unwrap("1.3.36.3.3.2.8.1.1.7"),
            Curve::BrainpoolP384r1 => ObjectIdentifier::new_unwrap("1.3.36.3.3.2.8.1.1.11"),
        }
    }

    pub fn from_oid(oid: &ObjectIdentifier) -> Option<Curve> {
        ALL.into_iter().find(|c| c.oid() == *oid)
    }

    /// Identifies a curve given by explicit parameters through its base point (what many
    /// passports put in DG14 and Document Signer keys).
    pub fn from_generator(point: &[u8]) -> Option<Curve> {
        ALL.into_iter().find(|c| c.generator() == point)
    }

    /// Size of a field element (and of a scalar) in bytes.
    pub fn field_len(self) -> usize {
        match self {
            Curve::P256 | Curve::BrainpoolP256r1 => 32,
            Curve::P384 | Curve::BrainpoolP384r1 => 48,
        }
    }

    /// The base point, uncompressed.
    pub fn generator(self) -> Vec<u8> {
        with_curve!(self, C => encode::<C>(ProjectivePoint::<C>::generator()))
    }

    /// A fresh random non-zero scalar.
    pub fn random_scalar(self) -> Result<SecretBytes, EcError> {
        with_curve!(self, C => {
            let k = NonZeroScalar::<C>::try_generate().map_err(|_| EcError::Random)?;
            Ok(Zeroizing::new(k.to_repr().to_vec()))
        })
    }

    /// `k · P`.
    pub fn mul(self, point: &[u8], k: &[u8]) -> Result<Vec<u8>, EcError> {
        with_curve!(self, C => {
            let p = decode::<C>(point)?;
            let k = scalar::<C>(k)?;
            nonzero::<C>(p * k)
        })
    }

    /// `k · G`.
    pub fn mul_base(self, k: &[u8]) -> Result<Vec<u8>, EcError> {
        with_curve!(self, C => nonzero::<C>(ProjectivePoint::<C>::generator() * scalar::<C>(k)?))
    }

    /// PACE Generic Mapping: `G' = s · G + H`.
    pub fn map_generator(self, s: &[u8], h: &[u8]) -> Result<Vec<u8>, EcError> {
        with_curve!(self, C => {
            let h = decode::<C>(h)?;
            nonzero::<C>(ProjectivePoint::<C>::generator() * scalar::<C>(s)? + h)
        })
    }

    /// Checks that `point` is a valid point of the curve.
    pub fn validate(self, point: &[u8]) -> Result<(), EcError> {
        with_curve!(self, C => decode::<C>(point).map(|_| ()))
    }

    /// The x-coordinate of an uncompressed point (the ECDH shared secret).
    pub fn x_coordinate(self, point: &[u8]) -> Result<SecretBytes, EcError> {
        let n = self.field_len();
        if point.len() != 1 + 2 * n || point[0] != 0x04 {
            return Err(EcError::BadPoint);
        }
        Ok(Zeroizing::new(point[1..=n].to_vec()))
    }
}

fn decode<C>(bytes: &[u8]) -> Result<ProjectivePoint<C>, EcError>
where
    C: elliptic_curve::CurveArithmetic,
    AffinePoint<C>: FromSec1Point<C>,
    elliptic_curve::FieldBytesSize<C>: elliptic_curve::sec1::ModulusSize,
{
    let a = AffinePoint::<C>::from_sec1_bytes(bytes).map_err(|_| EcError::BadPoint)?;
    let p = ProjectivePoint::<C>::from(a);
    if bool::from(p.is_identity()) {
        return Err(EcError::BadPoint);
    }
    Ok(p)
}

fn encode<C>(p: ProjectivePoint<C>) -> Vec<u8>
where
    C: elliptic_curve::CurveArithmetic,
    AffinePoint<C>: ToSec1Point<C>,
    elliptic_curve::FieldBytesSize<C>: elliptic_curve::sec1::ModulusSize,
{
    p.to_affine().to_sec1_point(false).as_bytes().to_vec()
}

fn nonzero<C>(p: ProjectivePoint<C>) -> Result<Vec<u8>, EcError>
where
    C: elliptic_curve::CurveArithmetic,
    AffinePoint<C>: ToSec1Point<C>,
    elliptic_curve::FieldBytesSize<C>: elliptic_curve::sec1::ModulusSize,
{
    if bool::from(p.is_identity()) {
        return Err(EcError::BadPoint);
    }
    Ok(encode::<C>(p))
}

/// A scalar from big-endian bytes of at most the field size (shorter is left-padded).
fn scalar<C>(bytes: &[u8]) -> Result<Scalar<C>, EcError>
where
    C: elliptic_curve::CurveArithmetic,
{
    let mut repr = FieldBytes::<C>::default();
    let n = repr.len();
    let bytes = match bytes.iter().position(|b| *b != 0) {
        Some(i) => &bytes[i..],
        None => return Err(EcError::BadScalar),
    };
    if bytes.len() > n {
        return Err(EcError::BadScalar);
    }
    repr[n - bytes.len()..].copy_from_slice(bytes);
    Option::from(Scalar::<C>::from_repr(repr)).ok_or(EcError::BadScalar)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffie_hellman_agrees_on_every_curve() {
        for c in ALL {
            let a = c.random_scalar().unwrap();
            let b = c.random_scalar().unwrap();
            let pa = c.mul_base(&a).unwrap();
            let pb = c.mul_base(&b).unwrap();
            assert_eq!(pa.len(), 1 + 2 * c.field_len());
            assert_eq!(c.mul(&pb, &a).unwrap(), c.mul(&pa, &b).unwrap());
            assert_eq!(Curve::from_generator(&c.generator()), Some(c));
            assert_eq!(Curve::from_oid(&c.oid()), Some(c));
            assert_eq!(Curve::from_parameter_id(c.parameter_id()), Some(c));
        }
    }

    #[test]
    fn refuses_invalid_points_and_scalars() {
        let c = Curve::P256;
        let mut p = c.generator();
        p[10] ^= 1;
        assert_eq!(c.validate(&p), Err(EcError::BadPoint));
        assert_eq!(c.validate(&[4, 1, 2]), Err(EcError::BadPoint));
        assert_eq!(c.mul_base(&[0; 32]), Err(EcError::BadScalar));
        assert_eq!(c.mul_base(&[0xFF; 32]), Err(EcError::BadScalar));
        assert_eq!(c.mul_base(&[1; 33]), Err(EcError::BadScalar));
        assert_eq!(c.mul_base(&[1]).unwrap(), c.generator());
    }
}
