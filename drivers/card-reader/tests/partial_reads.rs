//! A read that starts and does not end becomes one "could not read" error after the
//! inter-byte timeout, in every framing and at every cut, and nothing of it is glued
//! to the next card's lines. Time is given to the pure decoder from outside.

use std::time::{Duration, Instant};

use card_reader::framing::INTER_BYTE_TIMEOUT;
use card_reader::sim::specimens;
use card_reader::{FrameDecoder, FrameError, Framing, ReadPipeline, ReaderEvent, encode_frame};
use chrono::NaiveDate;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

fn refs(lines: &[String]) -> Vec<&str> {
    lines.iter().map(String::as_str).collect()
}

fn drain(d: &mut FrameDecoder) -> Vec<Result<Vec<String>, FrameError>> {
    std::iter::from_fn(|| d.next_frame()).collect()
}

/// Bytes after which a read counts as started: plain needs a run of MRZ characters,
/// the framed formats their first byte.
fn started_after(framing: Framing) -> usize {
    if framing == Framing::Plain { 5 } else { 1 }
}

#[test]
fn every_framing_every_cut_ends_in_one_error_and_the_next_card_reads() {
    let ms = Duration::from_millis;
    for framing in Framing::ALL {
        for (card, next) in [
            (specimens::aze_id_card(), specimens::foreign_passport()),
            (specimens::icao_td3(), specimens::aze_td2_card()),
        ] {
            let bytes = encode_frame(framing, &refs(&card));
            let following = encode_frame(framing, &refs(&next));
            for cut in 1..bytes.len() {
                let t0 = Instant::now();
                let mut d = FrameDecoder::new(framing);
                d.push_at(&bytes[..cut], t0);
                let mut got = drain(&mut d);
                // Still waiting just before the timeout.
                d.poll(t0 + INTER_BYTE_TIMEOUT - ms(1));
                assert!(d.next_frame().is_none(), "{framing} cut {cut}: early");
                // Within a second of the last byte the read is over.
                d.poll(t0 + ms(1000));
                got.extend(drain(&mut d));
                assert!(!d.in_progress(), "{framing} cut {cut}");
                if cut >= started_after(framing) {
                    assert_eq!(got.len(), 1, "{framing} cut {cut}: {got:?}");
                    // Plain is complete at the CR before the final LF.
                    if got[0].is_ok() {
                        assert_eq!(got[0], Ok(card.clone()));
                        assert!(framing == Framing::Plain && cut == bytes.len() - 1);
                    }
                } else {
                    assert!(got.is_empty(), "{framing} cut {cut}: {got:?}");
                }
                // The next document, inserted later, reads on its own.
                d.push_at(&following, t0 + ms(2500));
                assert_eq!(
                    drain(&mut d),
                    vec![Ok(next.clone())],
                    "{framing} cut {cut}: glued to the next read"
                );
            }
        }
    }
}

#[test]
fn a_silent_gap_ends_the_read_before_new_bytes_are_decoded() {
    // Without a poll in between: the next push notices the gap itself.
    let td1 = specimens::aze_id_card();
    let two_lines = format!("{}\r\n{}\r\n", td1[0], td1[1]);
    let t0 = Instant::now();
    let mut d = FrameDecoder::new(Framing::Plain);
    d.push_at(two_lines.as_bytes(), t0);
    d.push_at(
        &encode_frame(Framing::Plain, &refs(&td1)),
        t0 + Duration::from_secs(3),
    );
    assert_eq!(
        drain(&mut d),
        vec![
            Err(FrameError::Incomplete {
                got: 2,
                expected: 3
            }),
            Ok(td1)
        ]
    );
}

#[test]
fn bytes_arriving_slowly_but_within_the_timeout_still_make_one_read() {
    for framing in Framing::ALL {
        let card = specimens::aze_td2_card();
        let bytes = encode_frame(framing, &refs(&card));
        let mut t = Instant::now();
        let mut d = FrameDecoder::new(framing);
        for b in &bytes {
            t += INTER_BYTE_TIMEOUT - Duration::from_millis(50);
            d.push_at(std::slice::from_ref(b), t);
            d.poll(t);
        }
        assert_eq!(drain(&mut d), vec![Ok(card)], "{framing}");
    }
}

#[test]
fn partial_reads_become_rejections_that_say_insert_again() {
    let td1 = specimens::aze_id_card();
    let t0 = Instant::now();
    let mut p = ReadPipeline::new(Framing::Plain, today);
    let first_two = format!("{}\r\n{}\r\n", td1[0], td1[1]);
    assert!(p.push_at(first_two.as_bytes(), t0).is_empty());
    assert!(
        p.deadline()
            .is_some_and(|d| d <= t0 + Duration::from_secs(1))
    );
    let events = p.poll(t0 + Duration::from_secs(1));
    match &events[..] {
        [ReaderEvent::CardRejected(r)] => {
            assert!(r.is_partial_read(), "{r:?}");
            assert_eq!(r.field, "frame");
        }
        other => panic!("{other:?}"),
    }
    // Every later card of the same format reads (the old decoder glued the leftover
    // lines to them and refused them all).
    for i in 0..3u64 {
        let at = t0 + Duration::from_secs(2 + 2 * i);
        let events = p.push_at(&encode_frame(Framing::Plain, &refs(&td1)), at);
        assert!(
            matches!(&events[..], [ReaderEvent::CardRead(d)] if d.fin.as_deref() == Some("5ZX7K2P")),
            "{events:?}"
        );
    }
}

#[test]
fn finish_ends_a_pending_read_at_the_end_of_input() {
    for framing in Framing::ALL {
        let bytes = encode_frame(framing, &refs(&specimens::icao_td1()));
        let mut p = ReadPipeline::new(framing, today);
        assert!(p.push(&bytes[..bytes.len() - 8]).is_empty());
        let events = p.finish();
        assert!(
            matches!(&events[..], [ReaderEvent::CardRejected(r)] if r.is_partial_read()),
            "{framing}: {events:?}"
        );
    }
}
