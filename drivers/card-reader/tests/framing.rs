use card_reader::framing::{CR, DESKO_EOD, DESKO_SOD, ETX, LF, MAX_FRAME, SOH, STX};
use card_reader::sim::specimens;
use card_reader::{FrameDecoder, FrameError, Framing, encode_frame};

const ALL: [Framing; 4] = [
    Framing::Plain,
    Framing::StxEtx,
    Framing::ThreeM,
    Framing::Desko,
];

type Out = Vec<Result<Vec<String>, FrameError>>;

fn decode(framing: Framing, chunks: &[&[u8]]) -> Out {
    let mut d = FrameDecoder::new(framing);
    let mut out = Vec::new();
    for c in chunks {
        d.push(c);
        while let Some(r) = d.next_frame() {
            out.push(r);
        }
    }
    out
}

fn refs(lines: &[String]) -> Vec<&str> {
    lines.iter().map(String::as_str).collect()
}

#[test]
fn every_framing_round_trips_every_specimen() {
    for framing in ALL {
        for (name, lines) in specimens::all() {
            let bytes = encode_frame(framing, &refs(&lines));
            assert_eq!(
                decode(framing, &[&bytes]),
                vec![Ok(lines.clone())],
                "{framing} {name}"
            );
        }
    }
}

#[test]
fn split_at_every_byte_boundary() {
    for framing in ALL {
        for lines in [
            specimens::aze_id_card(),
            specimens::aze_td2_card(),
            specimens::icao_td3(),
        ] {
            let bytes = encode_frame(framing, &refs(&lines));
            for cut in 0..=bytes.len() {
                let (a, b) = bytes.split_at(cut);
                let out = decode(framing, &[a, b]);
                assert_eq!(out, vec![Ok(lines.clone())], "{framing} cut at {cut}");
            }
            // And one byte at a time: the result comes with the frame's end marker.
            let mut d = FrameDecoder::new(framing);
            for (i, byte) in bytes.iter().enumerate() {
                d.push(std::slice::from_ref(byte));
                if let Some(r) = d.next_frame() {
                    assert_eq!(r, Ok(lines.clone()));
                    // Plain ends with CR LF, DESKO with ETX EOD: the read is
                    // complete one byte before the end.
                    let trailer = usize::from(matches!(framing, Framing::Plain | Framing::Desko));
                    assert_eq!(i + 1 + trailer, bytes.len(), "{framing}");
                }
            }
        }
    }
}

#[test]
fn noise_between_frames_is_skipped() {
    let a = specimens::aze_id_card();
    let b = specimens::foreign_passport();
    for framing in ALL {
        let mut bytes = b"\x00\xffgarbage\r\n\r\nHELLO READER v1.2\r\n".to_vec();
        bytes.extend(encode_frame(framing, &refs(&a)));
        bytes.extend(b"\x07\x7f noise \xfe\r\n");
        bytes.extend(encode_frame(framing, &refs(&b)));
        bytes.extend(b"trailing junk without end");
        let out = decode(framing, &[&bytes]);
        assert_eq!(out, vec![Ok(a.clone()), Ok(b.clone())], "{framing}");
    }
}

#[test]
fn plain_line_endings() {
    let l = specimens::icao_td1();
    for sep in ["\r", "\n", "\r\n", "\r\n\r\n"] {
        let bytes = format!("{}{sep}{}{sep}{}{sep}", l[0], l[1], l[2]);
        assert_eq!(
            decode(Framing::Plain, &[bytes.as_bytes()]),
            vec![Ok(l.clone())],
            "{sep:?}"
        );
    }
    // The last line is not complete until its terminator arrives.
    let bytes = format!("{}\r{}\r{}", l[0], l[1], l[2]);
    assert!(decode(Framing::Plain, &[bytes.as_bytes()]).is_empty());
}

#[test]
fn plain_keeps_unreadable_lines_for_the_parser() {
    let mut l = specimens::icao_td1();
    l[1] = l[1].replacen('7', "_", 1);
    let bytes = encode_frame(Framing::Plain, &refs(&l));
    assert_eq!(decode(Framing::Plain, &[&bytes]), vec![Ok(l)]);
}

#[test]
fn plain_mixed_lengths_are_incomplete() {
    let td1 = specimens::icao_td1();
    let td3 = specimens::icao_td3();
    let bytes = format!("{}\r\n{}\r\n{}\r\n", td1[0], td3[0], td3[1]);
    let out = decode(Framing::Plain, &[bytes.as_bytes()]);
    assert_eq!(
        out,
        vec![
            Err(FrameError::Incomplete {
                got: 1,
                expected: 3
            }),
            Ok(td3)
        ]
    );
}

#[test]
fn stx_frame_cut_by_next_frame() {
    let l = specimens::aze_id_card();
    let full = encode_frame(Framing::StxEtx, &refs(&l));
    let mut bytes = full[..20].to_vec();
    bytes.extend(&full);
    let out = decode(Framing::StxEtx, &[&bytes]);
    assert_eq!(out, vec![Err(FrameError::Truncated), Ok(l)]);
}

#[test]
fn empty_frames() {
    assert_eq!(
        decode(Framing::StxEtx, &[&[STX, CR, LF, ETX]]),
        vec![Err(FrameError::Empty)]
    );
    assert_eq!(
        decode(Framing::Desko, &[&[DESKO_SOD, STX, ETX, DESKO_EOD]]),
        vec![Err(FrameError::Empty)]
    );
}

#[test]
fn desko_layout_and_tolerance() {
    let l = specimens::aze_td2_card();
    let bytes = encode_frame(Framing::Desko, &refs(&l));
    assert_eq!(bytes[0], DESKO_SOD);
    assert_eq!(bytes[1], STX);
    assert_eq!(bytes[bytes.len() - 2], ETX);
    assert_eq!(bytes[bytes.len() - 1], DESKO_EOD);
    // Other SOD/EOD bytes, or none, still decode.
    let inner = &bytes[1..bytes.len() - 1];
    assert_eq!(decode(Framing::Desko, &[inner]), vec![Ok(l.clone())]);
    let mut other = vec![0x0B];
    other.extend(inner);
    other.push(0x0C);
    assert_eq!(decode(Framing::Desko, &[&other]), vec![Ok(l)]);
}

#[test]
fn three_m_checks() {
    let l = specimens::aze_id_card();
    let good = encode_frame(Framing::ThreeM, &refs(&l));
    // Corrupt one data byte: BCC mismatch.
    let mut bad = good.clone();
    bad[10] ^= 0x01;
    assert!(matches!(
        decode(Framing::ThreeM, &[&bad])[..],
        [Err(FrameError::Checksum { .. })]
    ));
    // Wrong device/type bytes, BCC fixed up.
    let mut bad = good.clone();
    bad[3] = b'X';
    let n = bad.len();
    bad[n - 1] = bad[1..n - 1].iter().fold(0, |a, b| a ^ b);
    assert!(matches!(
        decode(Framing::ThreeM, &[&bad])[..],
        [Err(FrameError::Malformed(_))]
    ));
    // A frame cut off by a new SOH, then the good frame.
    let mut bytes = good[..25].to_vec();
    bytes.extend(&good);
    assert_eq!(
        decode(Framing::ThreeM, &[&bytes]),
        vec![Err(FrameError::Truncated), Ok(l.clone())]
    );
    // Control bytes in the length word and flag positions are data there.
    let mut odd = vec![SOH, 0, 0, b'O', b'U', STX, ETX];
    for line in &l {
        odd.extend(line.as_bytes());
        odd.push(CR);
    }
    odd.push(ETX);
    let total = odd.len() + 1;
    odd[1] = u8::try_from(total).unwrap();
    odd.push(odd[1..].iter().fold(0, |a, b| a ^ b));
    assert_eq!(decode(Framing::ThreeM, &[&odd]), vec![Ok(l)]);
}

#[test]
fn three_m_two_line_reads() {
    // Two-line documents come after an empty first line.
    let l = specimens::icao_td3();
    let bytes = encode_frame(Framing::ThreeM, &refs(&l));
    assert_eq!(&bytes[7..8], &[CR]);
    assert_eq!(decode(Framing::ThreeM, &[&bytes]), vec![Ok(l)]);
    // TD2 padded with '_' to 44 characters is cut back to 36.
    let td2 = specimens::aze_td2_card();
    let padded: Vec<String> = td2.iter().map(|s| format!("{s}________")).collect();
    let bytes = encode_frame(Framing::ThreeM, &refs(&padded));
    assert_eq!(decode(Framing::ThreeM, &[&bytes]), vec![Ok(td2)]);
}

#[test]
fn oversized_frames_are_dropped_and_decoding_recovers() {
    let l = specimens::icao_td1();
    for framing in [Framing::StxEtx, Framing::Desko, Framing::ThreeM] {
        let start = if framing == Framing::ThreeM {
            vec![SOH, 0, 0, b'O', b'U', STX, b'0']
        } else {
            vec![STX]
        };
        let mut bytes = start;
        bytes.extend(std::iter::repeat_n(b'A', MAX_FRAME * 4));
        bytes.push(ETX);
        bytes.push(0);
        bytes.extend(encode_frame(framing, &refs(&l)));
        let out = decode(framing, &[&bytes]);
        assert_eq!(
            out,
            vec![
                Err(FrameError::Oversized { limit: MAX_FRAME }),
                Ok(l.clone())
            ],
            "{framing}"
        );
    }
    // Plain: an endless line is noise.
    let mut bytes = vec![b'A'; 100_000];
    bytes.push(CR);
    bytes.extend(encode_frame(Framing::Plain, &refs(&l)));
    assert_eq!(decode(Framing::Plain, &[&bytes]), vec![Ok(l)]);
}

#[test]
fn results_are_bounded_when_never_taken() {
    let l = specimens::icao_td1();
    let frame = encode_frame(Framing::StxEtx, &refs(&l));
    let mut d = FrameDecoder::new(Framing::StxEtx);
    for _ in 0..1000 {
        d.push(&frame);
    }
    let taken = std::iter::from_fn(|| d.next_frame()).count();
    assert_eq!(taken, card_reader::framing::MAX_PENDING_RESULTS);
    assert_eq!(d.dropped_results(), 1000 - taken as u64);
}

#[test]
fn framing_serde_names() {
    for (f, s) in [
        (Framing::Plain, "\"plain\""),
        (Framing::StxEtx, "\"stx-etx\""),
        (Framing::ThreeM, "\"3m\""),
        (Framing::Desko, "\"desko\""),
    ] {
        assert_eq!(serde_json::to_string(&f).unwrap(), s);
        assert_eq!(serde_json::from_str::<Framing>(s).unwrap(), f);
        assert_eq!(s.trim_matches('"').parse::<Framing>().unwrap(), f);
        assert_eq!(f.to_string(), s.trim_matches('"'));
    }
}
