//! Framing decoders: every framing split at every byte, 3M's block variants and
//! padding, Access-IS's other channels, DESKO's delimiters, noise and bounds.

use card_reader::framing::channel::{ChannelDelimiters, Delimiters, encode_channel, encode_ocr};
use card_reader::framing::three_m::{self, BlockEncoding, LengthCount};
use card_reader::framing::{CR, DESKO_EOD, DESKO_SOD, ETX, LF, MAX_FRAME, SOH, STX};
use card_reader::sim::specimens;
use card_reader::{DecoderConfig, FrameDecoder, FrameError, Framing, encode_frame};

type Out = Vec<Result<Vec<String>, FrameError>>;

fn decode_with(config: DecoderConfig, chunks: &[&[u8]]) -> Out {
    let mut d = FrameDecoder::with_config(config);
    let mut out = Vec::new();
    for c in chunks {
        d.push(c);
        while let Some(r) = d.next_frame() {
            out.push(r);
        }
    }
    out
}

fn decode(framing: Framing, chunks: &[&[u8]]) -> Out {
    decode_with(DecoderConfig::new(framing), chunks)
}

fn refs(lines: &[String]) -> Vec<&str> {
    lines.iter().map(String::as_str).collect()
}

/// Every way a 3M reader may lay out a block.
fn three_m_encodings() -> Vec<BlockEncoding> {
    let mut v = Vec::new();
    for length in [LengthCount::WholeBlock, LengthCount::AfterLength] {
        for bcc in [true, false] {
            v.push(BlockEncoding { length, bcc });
        }
    }
    v
}

#[test]
fn every_framing_round_trips_every_specimen() {
    for framing in Framing::ALL {
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

/// The byte at which a read is complete: the end marker (plain: the CR of CR LF).
fn complete_at(framing: Framing, bytes: &[u8]) -> usize {
    match framing {
        Framing::Plain => bytes.len() - 1,
        _ => bytes.len(),
    }
}

fn check_splits(framing: Framing, config: DecoderConfig, bytes: &[u8], lines: &[String]) {
    for cut in 0..=bytes.len() {
        let (a, b) = bytes.split_at(cut);
        assert_eq!(
            decode_with(config, &[a, b]),
            vec![Ok(lines.to_vec())],
            "{framing} cut at {cut}"
        );
    }
    // One byte at a time: the read comes with its end marker, not before.
    let mut d = FrameDecoder::with_config(config);
    for (i, byte) in bytes.iter().enumerate() {
        d.push(std::slice::from_ref(byte));
        if let Some(r) = d.next_frame() {
            assert_eq!(r, Ok(lines.to_vec()), "{framing}");
            assert_eq!(i + 1, complete_at(framing, bytes), "{framing}");
        }
    }
}

#[test]
fn every_framing_split_at_every_byte_position() {
    for framing in Framing::ALL {
        for lines in [
            specimens::aze_id_card(),
            specimens::aze_td2_card(),
            specimens::icao_td3(),
        ] {
            let bytes = encode_frame(framing, &refs(&lines));
            check_splits(framing, DecoderConfig::new(framing), &bytes, &lines);
        }
    }
}

#[test]
fn three_m_both_length_readings_with_and_without_bcc_split_everywhere() {
    let config = DecoderConfig::new(Framing::ThreeM);
    for enc in three_m_encodings() {
        for lines in [specimens::aze_id_card(), specimens::icao_td3()] {
            let bytes = three_m::encode_read(&refs(&lines), None, enc);
            check_splits(Framing::ThreeM, config, &bytes, &lines);
        }
    }
}

#[test]
fn three_m_length_word_counts_as_documented() {
    let lines = specimens::icao_td1();
    let whole = three_m::encode_read(&refs(&lines), None, BlockEncoding::default());
    assert_eq!(whole[0], SOH);
    assert_eq!(
        usize::from(u16::from_le_bytes([whole[1], whole[2]])),
        whole.len()
    );
    assert_eq!(&whole[3..7], b"OU\x020");
    assert_eq!(whole[whole.len() - 2], ETX);
    let bcc = whole[1..whole.len() - 1].iter().fold(0, |a, b| a ^ b);
    assert_eq!(bcc, whole[whole.len() - 1]);
    let after = three_m::encode_read(
        &refs(&lines),
        None,
        BlockEncoding {
            length: LengthCount::AfterLength,
            bcc: false,
        },
    );
    assert_eq!(usize::from(after[1]), after.len() - 3);
    assert_eq!(after[after.len() - 1], ETX);
    // The upper two bits of the length word are not part of the length.
    let mut flagged = whole.clone();
    flagged[2] |= 0xC0;
    let n = flagged.len();
    flagged[n - 1] = flagged[1..n - 1].iter().fold(0, |a, b| a ^ b);
    assert_eq!(decode(Framing::ThreeM, &[&flagged]), vec![Ok(lines)]);
}

#[test]
fn three_m_two_line_documents_come_as_lines_two_and_three() {
    for lines in [specimens::icao_td3(), specimens::aze_td2_card()] {
        let bytes = encode_frame(Framing::ThreeM, &refs(&lines));
        // Empty first line: the data start with a bare CR.
        assert_eq!(bytes[7], CR);
        assert_eq!(bytes.iter().filter(|&&b| b == CR).count(), 3);
        assert_eq!(decode(Framing::ThreeM, &[&bytes]), vec![Ok(lines)]);
    }
}

#[test]
fn three_m_underscore_padding_is_padding_not_an_error() {
    // TD2 padded to 44.
    let td2 = specimens::aze_td2_card();
    for enc in three_m_encodings() {
        let bytes = three_m::encode_read(&refs(&td2), Some(44), enc);
        assert!(bytes.windows(8).any(|w| w == b"________"));
        assert_eq!(decode(Framing::ThreeM, &[&bytes]), vec![Ok(td2.clone())]);
    }
    // TD1 padded to 30 (already 30) and TD3 to 44: unchanged.
    for lines in [specimens::aze_id_card(), specimens::foreign_passport()] {
        let pad = lines[0].len();
        let bytes = three_m::encode_read(&refs(&lines), Some(pad), BlockEncoding::default());
        assert_eq!(decode(Framing::ThreeM, &[&bytes]), vec![Ok(lines)]);
    }
    // A TD1 line read one character short arrives padded to 30: the `_` stays for the
    // parser to report as unreadable.
    let mut short = specimens::aze_id_card();
    short[1].pop();
    let bytes = three_m::encode_read(&refs(&short), Some(30), BlockEncoding::default());
    let out = decode(Framing::ThreeM, &[&bytes]);
    let Ok(lines) = &out[0] else {
        panic!("{out:?}")
    };
    assert!(lines[1].len() == 30 && lines[1].ends_with('_'));
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
    // A length fitting neither reading.
    let mut bad = good.clone();
    bad[1] = bad[1].wrapping_add(5);
    assert!(matches!(
        decode(Framing::ThreeM, &[&bad])[..],
        [Err(FrameError::Length { .. })]
    ));
    // A well-formed block of another type (a reply to a host command) is no read.
    let reply = three_m::encode_block(*b"OA", b"0", BlockEncoding::default());
    assert_eq!(
        decode(Framing::ThreeM, &[&reply, &good]),
        vec![Ok(l.clone())]
    );
    // A corrupted header is caught by the BCC.
    let mut bad = good.clone();
    bad[3] = b'X';
    assert!(matches!(
        decode(Framing::ThreeM, &[&bad])[..],
        [Err(FrameError::Checksum { .. })]
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
fn three_m_enable_command_is_an_rte_block() {
    let cmd = three_m::encode_block(*b"IE", b"1", BlockEncoding::default());
    assert_eq!(cmd[0], SOH);
    assert_eq!(&cmd[3..6], b"IE\x02");
    assert_eq!(usize::from(cmd[1]), cmd.len());
    assert_eq!(cmd[cmd.len() - 2], ETX);
}

#[test]
fn access_is_ignores_magnetic_stripe_and_barcode_channels() {
    let d = ChannelDelimiters::ACCESS_IS;
    let card = specimens::aze_id_card();
    let mrz_text = card.join("\r");
    // Other channels carrying MRZ text, an OCR start sequence, GS1 separators (0x1D,
    // the OCR end byte) and a stray ETX.
    let mut tricky = b"\x1c\x02".to_vec();
    tricky.extend(mrz_text.as_bytes());
    tricky.extend(b"\x1d01\x03x");
    let mut bytes = encode_channel(d.msr, mrz_text.as_bytes());
    bytes.extend(encode_channel(d.barcode, &tricky));
    bytes.extend(encode_channel(d.barcode, b"\x1d0104600000000001"));
    bytes.extend(encode_ocr(&d, &refs(&card)));
    assert_eq!(bytes[0], 0x0E);
    for cut in 0..=bytes.len() {
        let (a, b) = bytes.split_at(cut);
        assert_eq!(
            decode(Framing::AccessIs, &[a, b]),
            vec![Ok(card.clone())],
            "cut at {cut}"
        );
    }
    // Only other channels: nothing at all.
    let only = [
        encode_channel(d.msr, mrz_text.as_bytes()),
        encode_channel(d.barcode, mrz_text.as_bytes()),
    ]
    .concat();
    assert!(decode(Framing::AccessIs, &[&only]).is_empty());
}

#[test]
fn desko_delimiters_are_configurable_and_default_to_access_is() {
    let l = specimens::aze_td2_card();
    let bytes = encode_frame(Framing::Desko, &refs(&l));
    assert_eq!(bytes[..2], [DESKO_SOD, STX]);
    assert_eq!(bytes[bytes.len() - 2..], [ETX, DESKO_EOD]);
    let custom = ChannelDelimiters {
        ocr: Delimiters {
            open: 0x11,
            close: 0x12,
        },
        ..ChannelDelimiters::ACCESS_IS
    };
    let config = DecoderConfig {
        desko: custom,
        ..DecoderConfig::new(Framing::Desko)
    };
    let custom_bytes = encode_ocr(&custom, &refs(&l));
    assert_eq!(custom_bytes[0], 0x11);
    assert_eq!(decode_with(config, &[&custom_bytes]), vec![Ok(l.clone())]);
    // With custom delimiters, frames with the default ones are not OCR data.
    assert!(decode_with(config, &[&bytes]).is_empty());
    check_splits(Framing::Desko, config, &custom_bytes, &l);
}

#[test]
fn channel_framings_take_lines_of_7_to_44_and_no_absent_third_line() {
    let d = ChannelDelimiters::ACCESS_IS;
    // Two-line documents: exactly two CR-terminated lines, no empty third.
    let td3 = specimens::icao_td3();
    let bytes = encode_ocr(&d, &refs(&td3));
    assert_eq!(bytes.iter().filter(|&&b| b == CR).count(), 2);
    for framing in [Framing::AccessIs, Framing::Desko] {
        assert_eq!(decode(framing, &[&bytes]), vec![Ok(td3.clone())]);
        let seven = encode_ocr(&d, &["ABC<123", "1234567"]);
        assert_eq!(
            decode(framing, &[&seven]),
            vec![Ok(vec!["ABC<123".to_string(), "1234567".to_string()])]
        );
        let six = encode_ocr(&d, &["ABC<12"]);
        assert_eq!(
            decode(framing, &[&six]),
            vec![Err(FrameError::LineLength { len: 6 })]
        );
        let long = "<".repeat(45);
        assert_eq!(
            decode(framing, &[&encode_ocr(&d, &[&long])]),
            vec![Err(FrameError::LineLength { len: 45 })]
        );
    }
    // An OCR frame whose ETX is not followed by the end byte is malformed.
    let mut bad = encode_ocr(&d, &refs(&td3));
    let n = bad.len();
    bad[n - 1] = b'x';
    assert!(matches!(
        decode(Framing::AccessIs, &[&bad])[..],
        [Err(FrameError::Malformed(_))]
    ));
}

#[test]
fn access_is_hid_reports() {
    use card_reader::framing::channel::{hid_enable_ocr, hid_report_payload};
    assert_eq!(
        hid_report_payload(&[0x83, b'A', b'B', b'C', 0, 0]),
        Some(&b"ABC"[..])
    );
    assert_eq!(
        hid_report_payload(&[0x03, b'A', b'B', b'C']),
        Some(&b"ABC"[..])
    );
    assert_eq!(hid_report_payload(&[0x05, b'A']), None);
    assert_eq!(hid_report_payload(&[]), None);
    assert_eq!(hid_enable_ocr(2), [2, 0x80]);
}

#[test]
fn noise_between_frames_is_skipped() {
    let a = specimens::aze_id_card();
    let b = specimens::foreign_passport();
    for framing in Framing::ALL {
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
    // The last line is not complete until its terminator arrives (or the input ends).
    let bytes = format!("{}\r{}\r{}", l[0], l[1], l[2]);
    assert!(decode(Framing::Plain, &[bytes.as_bytes()]).is_empty());
    let mut d = FrameDecoder::new(Framing::Plain);
    d.push(bytes.as_bytes());
    d.finish();
    assert_eq!(d.next_frame(), Some(Ok(l)));
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
fn plain_line_a_character_short_is_one_error_and_the_next_card_reads() {
    let good = specimens::aze_id_card();
    for damaged_line in 0..3 {
        let mut short = good.clone();
        short[damaged_line].pop();
        let mut bytes = encode_frame(Framing::Plain, &refs(&short));
        bytes.extend(encode_frame(Framing::Plain, &refs(&good)));
        assert_eq!(
            decode(Framing::Plain, &[&bytes]),
            vec![Err(FrameError::LineLength { len: 29 }), Ok(good.clone())],
            "line {damaged_line} short"
        );
    }
    // A TD3 line a character long.
    let mut long = specimens::icao_td3();
    long[0].push('<');
    let bytes = encode_frame(Framing::Plain, &refs(&long));
    assert_eq!(
        decode(Framing::Plain, &[&bytes]),
        vec![Err(FrameError::LineLength { len: 45 })]
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
    for framing in [Framing::Desko, Framing::AccessIs] {
        assert_eq!(
            decode(framing, &[&[DESKO_SOD, STX, ETX, DESKO_EOD]]),
            vec![Err(FrameError::Empty)]
        );
    }
}

#[test]
fn oversized_frames_are_dropped_and_decoding_recovers() {
    let l = specimens::icao_td1();
    for framing in [
        Framing::StxEtx,
        Framing::Desko,
        Framing::AccessIs,
        Framing::ThreeM,
    ] {
        let (start, end): (Vec<u8>, Vec<u8>) = match framing {
            Framing::ThreeM => (vec![SOH, 0, 0, b'O', b'U', STX, b'0'], vec![ETX, 0]),
            Framing::StxEtx => (vec![STX], vec![ETX, 0]),
            _ => (vec![DESKO_SOD, STX], vec![ETX, DESKO_EOD]),
        };
        let mut bytes = start;
        bytes.extend(std::iter::repeat_n(b'A', MAX_FRAME * 4));
        bytes.extend(end);
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
fn framing_names() {
    let want = [
        (Framing::Plain, "plain"),
        (Framing::StxEtx, "stx-etx"),
        (Framing::ThreeM, "3m"),
        (Framing::Desko, "desko"),
        (Framing::AccessIs, "access-is"),
    ];
    assert_eq!(Framing::ALL.len(), want.len());
    for ((f, s), listed) in want.into_iter().zip(Framing::ALL) {
        assert_eq!(f, listed);
        assert_eq!(serde_json::to_string(&f).unwrap(), format!("\"{s}\""));
        assert_eq!(
            serde_json::from_str::<Framing>(&format!("\"{s}\"")).unwrap(),
            f
        );
        assert_eq!(s.parse::<Framing>().unwrap(), f);
        assert_eq!(f.to_string(), s);
        assert!(Framing::names().contains(s));
    }
    assert!("xmodem".parse::<Framing>().is_err());
}
