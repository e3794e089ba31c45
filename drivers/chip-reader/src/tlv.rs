//! Pure BER-TLV (ISO/IEC 7816-4 / X.690 subset) reader and writer.
//!
//! Tags of up to three bytes and definite lengths of up to four bytes are accepted; every
//! length is bounded by [`MAX_LEN`] and by the input, so a garbled length never allocates
//! or panics. [`TlvError::Incomplete`] (more bytes would finish the object) is kept apart
//! from [`TlvError::Malformed`] (no amount of bytes would help), so a caller reading a file
//! in chunks knows whether to read on.

/// Largest value length accepted (16 MiB, far above any eMRTD file the reader reads).
pub const MAX_LEN: usize = 16 * 1024 * 1024;

/// Why bytes are not a TLV object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TlvError {
    /// The object is cut short: at least `needed` more bytes are required.
    #[error("TLV incomplete: {needed} more byte(s) needed")]
    Incomplete { needed: usize },
    /// The bytes can never form a valid object.
    #[error("TLV malformed: {0}")]
    Malformed(&'static str),
}

/// One decoded TLV object borrowing its value from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The tag, big-endian in its encoded bytes (e.g. `0x5F1F`, `0x7F49`).
    pub tag: u32,
    /// The value bytes.
    pub value: &'a [u8],
    /// Length of the whole encoded object (tag + length + value).
    pub encoded_len: usize,
    /// The whole encoded object.
    pub raw: &'a [u8],
}

impl<'a> Tlv<'a> {
    /// True when bit 6 of the first tag byte marks a constructed object.
    pub fn is_constructed(&self) -> bool {
        let first = if self.tag > 0xFFFF {
            self.tag >> 16
        } else if self.tag > 0xFF {
            self.tag >> 8
        } else {
            self.tag
        };
        first & 0x20 != 0
    }

    /// The objects inside this one's value.
    pub fn children(&self) -> Result<Vec<Tlv<'a>>, TlvError> {
        parse_all(self.value)
    }

    /// The first child with `tag`, if any.
    pub fn child(&self, tag: u32) -> Result<Option<Tlv<'a>>, TlvError> {
        Ok(self.children()?.into_iter().find(|t| t.tag == tag))
    }
}

/// Reads the tag at the start of `input`: (tag, bytes used).
fn read_tag(input: &[u8]) -> Result<(u32, usize), TlvError> {
    let first = *input.first().ok_or(TlvError::Incomplete { needed: 1 })?;
    if first == 0x00 || first == 0xFF {
        return Err(TlvError::Malformed("padding byte where a tag was expected"));
    }
    if first & 0x1F != 0x1F {
        return Ok((u32::from(first), 1));
    }
    let mut tag = u32::from(first);
    for i in 1..=2 {
        let b = *input.get(i).ok_or(TlvError::Incomplete { needed: 1 })?;
        tag = (tag << 8) | u32::from(b);
        if b & 0x80 == 0 {
            return Ok((tag, i + 1));
        }
    }
    Err(TlvError::Malformed("tag longer than three bytes"))
}

/// Reads the length at the start of `input`: (length, bytes used).
fn read_len(input: &[u8]) -> Result<(usize, usize), TlvError> {
    let first = *input.first().ok_or(TlvError::Incomplete { needed: 1 })?;
    if first < 0x80 {
        return Ok((usize::from(first), 1));
    }
    let n = usize::from(first & 0x7F);
    if n == 0 {
        return Err(TlvError::Malformed("indefinite length"));
    }
    if n > 4 {
        return Err(TlvError::Malformed("length field longer than four bytes"));
    }
    if input.len() < 1 + n {
        return Err(TlvError::Incomplete {
            needed: 1 + n - input.len(),
        });
    }
    let len = input[1..=n]
        .iter()
        .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
    if len > MAX_LEN {
        return Err(TlvError::Malformed("length above the accepted maximum"));
    }
    Ok((len, 1 + n))
}

/// Reads the tag and length only: (tag, header length, value length). Lets a file reader
/// learn a file's total size from its first bytes.
pub fn parse_header(input: &[u8]) -> Result<(u32, usize, usize), TlvError> {
    let (tag, tl) = read_tag(input)?;
    let (len, ll) = read_len(&input[tl..])?;
    Ok((tag, tl + ll, len))
}

/// Parses one TLV object at the start of `input`; returns it and the bytes after it.
pub fn parse(input: &[u8]) -> Result<(Tlv<'_>, &[u8]), TlvError> {
    let (tag, header, len) = parse_header(input)?;
    let end = header
        .checked_add(len)
        .ok_or(TlvError::Malformed("length overflows"))?;
    if input.len() < end {
        return Err(TlvError::Incomplete {
            needed: end - input.len(),
        });
    }
    let tlv = Tlv {
        tag,
        value: &input[header..end],
        encoded_len: end,
        raw: &input[..end],
    };
    Ok((tlv, &input[end..]))
}

/// Parses exactly one object filling all of `input` (no trailing bytes).
pub fn parse_single(input: &[u8]) -> Result<Tlv<'_>, TlvError> {
    let (tlv, rest) = parse(input)?;
    if !rest.is_empty() {
        return Err(TlvError::Malformed("trailing bytes after the object"));
    }
    Ok(tlv)
}

/// Parses a sequence of objects filling all of `input`. A value cut short inside a complete
/// parent is malformed, not incomplete.
pub fn parse_all(mut input: &[u8]) -> Result<Vec<Tlv<'_>>, TlvError> {
    let mut out = Vec::new();
    while !input.is_empty() {
        let (tlv, rest) = parse(input).map_err(|e| match e {
            TlvError::Incomplete { .. } => TlvError::Malformed("object runs past its parent"),
            other => other,
        })?;
        out.push(tlv);
        input = rest;
    }
    Ok(out)
}

/// Encodes a definite length in the shortest form.
pub fn encode_len(len: usize, out: &mut Vec<u8>) {
    if len < 0x80 {
        out.push(len as u8);
        return;
    }
    let bytes = (len as u32).to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    out.push(0x80 | (4 - skip) as u8);
    out.extend_from_slice(&bytes[skip..]);
}

/// Encodes one TLV object.
pub fn encode(tag: u32, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + 8);
    let tag_bytes = tag.to_be_bytes();
    let skip = tag_bytes.iter().take_while(|b| **b == 0).count().min(3);
    out.extend_from_slice(&tag_bytes[skip..]);
    encode_len(value.len(), &mut out);
    out.extend_from_slice(value);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_short_and_long_forms() {
        let (t, rest) = parse(&[0x5F, 0x1F, 0x02, 0xAA, 0xBB, 0x01]).unwrap();
        assert_eq!(t.tag, 0x5F1F);
        assert_eq!(t.value, &[0xAA, 0xBB]);
        assert_eq!(rest, &[0x01]);
        let mut long = vec![0x77, 0x82, 0x01, 0x00];
        long.extend(std::iter::repeat_n(7u8, 256));
        let t = parse_single(&long).unwrap();
        assert_eq!((t.tag, t.value.len(), t.encoded_len), (0x77, 256, 260));
    }

    #[test]
    fn incomplete_is_not_malformed() {
        assert_eq!(parse(&[]), Err(TlvError::Incomplete { needed: 1 }));
        assert_eq!(
            parse(&[0x61, 0x05, 1, 2]),
            Err(TlvError::Incomplete { needed: 3 })
        );
        assert_eq!(
            parse(&[0x61, 0x82, 0x01]),
            Err(TlvError::Incomplete { needed: 1 })
        );
        assert!(matches!(parse(&[0x61, 0x80]), Err(TlvError::Malformed(_))));
        assert!(matches!(
            parse(&[0x61, 0x85, 1, 1, 1, 1, 1]),
            Err(TlvError::Malformed(_))
        ));
        assert!(matches!(
            parse(&[0x61, 0x84, 0xFF, 0xFF, 0xFF, 0xFF]),
            Err(TlvError::Malformed(_))
        ));
        assert!(matches!(
            parse_all(&[0x61, 0x05, 1]),
            Err(TlvError::Malformed(_))
        ));
    }

    #[test]
    fn encode_round_trips() {
        for len in [0usize, 1, 127, 128, 255, 256, 70_000] {
            let value = vec![0x42; len];
            let enc = encode(0x7F49, &value);
            let t = parse_single(&enc).unwrap();
            assert_eq!(t.tag, 0x7F49);
            assert_eq!(t.value, &value[..]);
            assert!(t.is_constructed());
        }
        assert_eq!(encode(0x80, &[1]), vec![0x80, 0x01, 0x01]);
    }
}
