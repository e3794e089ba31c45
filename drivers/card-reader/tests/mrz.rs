use card_reader::mrz::is_valid_fin;
use card_reader::sim::specimens;
use card_reader::{DocumentFormat, MrzError, MrzErrorKind, Sex, check_digit, parse_mrz};
use chrono::NaiveDate;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn parse(lines: &[String]) -> Result<card_reader::Document, MrzError> {
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    parse_mrz(&refs, today())
}

/// Replaces the character at (line, 1-based position).
fn with_char(lines: &[String], line: usize, pos: usize, c: char) -> Vec<String> {
    let mut out = lines.to_vec();
    let mut chars: Vec<char> = out[line].chars().collect();
    chars[pos - 1] = c;
    out[line] = chars.into_iter().collect();
    out
}

/// Changes a check digit at (line, 1-based position) to another digit.
fn bump_digit(lines: &[String], line: usize, pos: usize) -> Vec<String> {
    let c = lines[line].as_bytes()[pos - 1];
    assert!(
        c.is_ascii_digit(),
        "position {pos} of line {line} is not a digit"
    );
    let next = char::from(b'0' + (c - b'0' + 1) % 10);
    with_char(lines, line, pos, next)
}

fn err(lines: &[String]) -> MrzError {
    match parse(lines) {
        Ok(_) => panic!("expected an error for {lines:?}"),
        Err(e) => e,
    }
}

#[test]
fn icao_td1_specimen() {
    let d = parse(&specimens::icao_td1()).unwrap();
    assert_eq!(d.format, DocumentFormat::Td1);
    assert_eq!(d.format.to_string(), "TD1");
    assert_eq!(d.document_code, "I");
    assert_eq!(d.issuing_state, "UTO");
    assert_eq!(d.document_number, "D23145890");
    assert_eq!(d.birth_date, date(1974, 8, 12));
    assert_eq!(d.sex, Sex::Female);
    assert_eq!(d.sex.code(), "F");
    assert_eq!(d.expiry_date, date(2012, 4, 15));
    assert!(d.is_expired(today()));
    assert!(!d.is_expired(date(2012, 4, 15)));
    assert!(d.is_expired(date(2012, 4, 16)));
    assert_eq!(d.nationality, "UTO");
    assert_eq!(d.surname, "ERIKSSON");
    assert_eq!(d.given_names, vec!["ANNA", "MARIA"]);
    assert_eq!(d.fin, None);
    assert_eq!(d.optional_data, "");
    assert!(d.is_id_card());
    assert!(!d.is_passport());
}

#[test]
fn icao_td2_specimen() {
    let d = parse(&specimens::icao_td2()).unwrap();
    assert_eq!(d.format, DocumentFormat::Td2);
    assert_eq!(d.format.to_string(), "TD2");
    assert_eq!(d.document_number, "D23145890");
    assert_eq!(d.surname, "ERIKSSON");
    assert_eq!(d.given_names, vec!["ANNA", "MARIA"]);
    assert_eq!(d.birth_date, date(1974, 8, 12));
    assert_eq!(d.expiry_date, date(2012, 4, 15));
    assert_eq!(d.fin, None);
}

#[test]
fn icao_td3_specimen() {
    let d = parse(&specimens::icao_td3()).unwrap();
    assert_eq!(d.format, DocumentFormat::Td3);
    assert_eq!(d.format.to_string(), "TD3");
    assert_eq!(d.document_code, "P");
    assert!(d.is_passport());
    assert!(!d.is_id_card());
    assert_eq!(d.document_number, "L898902C3");
    assert_eq!(d.optional_data, "ZE184226B");
    assert_eq!(d.nationality, "UTO");
    assert_eq!(d.given_names, vec!["ANNA", "MARIA"]);
}

#[test]
fn azerbaijani_td1_card() {
    let d = parse(&specimens::aze_id_card()).unwrap();
    assert_eq!(d.document_code, "ID");
    assert_eq!(d.issuing_state, "AZE");
    assert_eq!(d.nationality, "AZE");
    assert_eq!(d.document_number, "AA1234567");
    assert_eq!(d.fin.as_deref(), Some("5ZX7K2P"));
    assert_eq!(d.surname, "MAMMADOV");
    assert_eq!(d.given_names, vec!["ALI"]);
    assert_eq!(d.sex, Sex::Male);
    assert_eq!(d.birth_date, date(1990, 3, 15));
    assert_eq!(d.expiry_date, date(2034, 3, 15));
    assert!(!d.is_expired(today()));
    assert!(d.is_id_card());
}

#[test]
fn azerbaijani_td2_card() {
    let d = parse(&specimens::aze_td2_card()).unwrap();
    assert_eq!(d.format, DocumentFormat::Td2);
    assert_eq!(d.fin.as_deref(), Some("2AB4C6D"));
    assert_eq!(d.document_number, "AZE175346");
    assert_eq!(d.surname, "HASANOVA");
    assert_eq!(d.given_names, vec!["LEYLA", "NIGAR"]);
    assert_eq!(d.sex, Sex::Female);
    assert_eq!(d.expiry_date, date(2028, 6, 15));
}

#[test]
fn expired_azerbaijani_card_still_parses() {
    let d = parse(&specimens::aze_expired_card()).unwrap();
    assert_eq!(d.expiry_date, date(2024, 1, 1));
    assert!(d.is_expired(today()));
    assert_eq!(d.birth_date, date(1972, 2, 29));
    assert_eq!(d.fin.as_deref(), Some("7HJ9KL3"));
}

#[test]
fn foreign_passport() {
    let d = parse(&specimens::foreign_passport()).unwrap();
    assert_eq!(d.issuing_state, "TUR");
    assert_eq!(d.fin, None);
    assert_eq!(d.given_names, vec!["MEHMET", "EMRE"]);
    assert_eq!(d.optional_data, "12345678901");
}

#[test]
fn long_document_number() {
    let d = parse(&specimens::long_document_number()).unwrap();
    assert_eq!(d.document_number, "D23145890AB11");
    assert_eq!(d.optional_data, "");
    // Its check digit (line 1 position 20) is checked.
    let e = err(&bump_digit(&specimens::long_document_number(), 0, 20));
    assert_eq!(
        (e.field(), e.kind()),
        ("document_number", MrzErrorKind::CheckDigit)
    );
}

#[test]
fn long_document_number_without_continuation() {
    // ICAO specimen with its document-number check digit replaced by '<':
    // no continuation follows.
    let e = err(&with_char(&specimens::icao_td1(), 0, 15, '<'));
    assert_eq!(
        (e.field(), e.kind()),
        ("document_number", MrzErrorKind::Format)
    );
}

#[test]
fn every_specimen_parses() {
    for (name, lines) in specimens::all() {
        assert!(parse(&lines).is_ok(), "{name}");
    }
}

/// (specimen, line index, 1-based position, field)
type CheckCase = (fn() -> Vec<String>, usize, usize, &'static str);

#[test]
fn every_check_digit_is_checked() {
    // (specimen, line, position, field)
    let cases: &[CheckCase] = &[
        (specimens::icao_td1, 0, 15, "document_number"),
        (specimens::icao_td1, 1, 7, "birth_date"),
        (specimens::icao_td1, 1, 15, "expiry_date"),
        (specimens::icao_td1, 1, 30, "composite"),
        (specimens::icao_td2, 1, 10, "document_number"),
        (specimens::icao_td2, 1, 20, "birth_date"),
        (specimens::icao_td2, 1, 28, "expiry_date"),
        (specimens::icao_td2, 1, 36, "composite"),
        (specimens::icao_td3, 1, 10, "document_number"),
        (specimens::icao_td3, 1, 20, "birth_date"),
        (specimens::icao_td3, 1, 28, "expiry_date"),
        (specimens::icao_td3, 1, 43, "optional_data"),
        (specimens::icao_td3, 1, 44, "composite"),
        (specimens::aze_id_card, 1, 30, "composite"),
        (specimens::aze_td2_card, 1, 36, "composite"),
    ];
    for (spec, line, pos, field) in cases {
        let e = err(&bump_digit(&spec(), *line, *pos));
        assert_eq!(
            e.kind(),
            MrzErrorKind::CheckDigit,
            "{field} at {line}/{pos}: {e}"
        );
        assert_eq!(e.field(), *field, "{e}");
        assert!(!e.reason().is_empty());
        assert!(e.to_string().contains(field));
    }
}

#[test]
fn data_changes_break_check_digits() {
    // Document number, birth date, expiry and optional data of TD1 changed.
    for (line, pos, field) in [
        (0, 9, "document_number"),
        (1, 2, "birth_date"),
        (1, 12, "expiry_date"),
    ] {
        let e = err(&bump_digit(&specimens::icao_td1(), line, pos));
        assert_eq!((e.field(), e.kind()), (field, MrzErrorKind::CheckDigit));
    }
    // The FİN is only covered by the composite.
    let e = err(&with_char(&specimens::aze_id_card(), 0, 16, '6'));
    assert_eq!(
        (e.field(), e.kind()),
        ("composite", MrzErrorKind::CheckDigit)
    );
    // Sex is not under any check digit: an invalid value is a format error.
    let e = err(&with_char(&specimens::icao_td1(), 1, 8, 'Q'));
    assert_eq!((e.field(), e.kind()), ("sex", MrzErrorKind::Format));
}

#[test]
fn wrong_lengths_and_counts() {
    let td1 = specimens::icao_td1();
    let mut short = td1.clone();
    short[1].pop();
    let mut long = td1.clone();
    long[2].push('<');
    for lines in [
        short,
        long,
        td1[..2].to_vec(),
        vec![],
        vec![String::new()],
        {
            let mut four = td1.clone();
            four.push(td1[2].clone());
            four
        },
    ] {
        let e = err(&lines);
        assert_eq!(
            (e.field(), e.kind()),
            ("format", MrzErrorKind::Format),
            "{lines:?}"
        );
    }
    // TD3 line with a TD2 line.
    let e = err(&[
        specimens::icao_td3()[0].clone(),
        specimens::icao_td2()[1].clone(),
    ]);
    assert_eq!(e.kind(), MrzErrorKind::Format);
}

#[test]
fn surrounding_whitespace_is_ignored() {
    let lines: Vec<String> = specimens::icao_td1()
        .iter()
        .map(|l| format!(" {l}\r\n"))
        .collect();
    assert!(parse(&lines).is_ok());
}

#[test]
fn unreadable_and_bad_characters() {
    for (c, line, pos, field) in [
        ('_', 0, 7, "document_number"),
        ('_', 1, 3, "birth_date"),
        ('_', 1, 7, "birth_date"),
        ('_', 1, 30, "composite"),
        ('_', 2, 4, "name"),
        ('a', 2, 4, "name"),
        ('é', 0, 4, "issuing_state"),
        (' ', 0, 20, "optional_data"),
        ('?', 1, 11, "expiry_date"),
    ] {
        let e = err(&with_char(&specimens::icao_td1(), line, pos, c));
        assert_eq!(
            (e.field(), e.kind()),
            (field, MrzErrorKind::Unreadable),
            "{c:?}: {e}"
        );
    }
}

#[test]
fn bad_dates() {
    // Month 13 in the birth date, with check digits recomputed so that only
    // the date is at fault.
    let l1 = "I<UTOD231458907<<<<<<<<<<<<<<<";
    let mk = |birth: &str, expiry: &str| {
        let l2 = format!(
            "{birth}{}F{expiry}{}UTO<<<<<<<<<<<",
            check_digit(birth).unwrap(),
            check_digit(expiry).unwrap()
        );
        let composite = format!("{}{}{}{}", &l1[5..30], &l2[0..7], &l2[8..15], &l2[18..29]);
        let l2 = format!("{l2}{}", check_digit(&composite).unwrap());
        vec![
            l1.to_string(),
            l2,
            "ERIKSSON<<ANNA<<<<<<<<<<<<<<<<".to_string(),
        ]
    };
    assert!(parse(&mk("740812", "120415")).is_ok());
    for (birth, expiry, field) in [
        ("741312", "120415", "birth_date"),
        ("740832", "120415", "birth_date"),
        ("750229", "120415", "birth_date"),
        ("7408<<", "120415", "birth_date"),
        ("740812", "120431", "expiry_date"),
        ("740812", "230229", "expiry_date"),
        ("740812", "120015", "expiry_date"),
    ] {
        let e = err(&mk(birth, expiry));
        assert_eq!(
            (e.field(), e.kind()),
            (field, MrzErrorKind::Date),
            "{birth} {expiry}"
        );
    }
}

/// Azerbaijani TD1 with `fin` in line 1 positions 16–22, check digits
/// recomputed.
fn aze_with_fin(fin: &str) -> Vec<String> {
    let l1 = format!("IDAZEAA12345678{fin:<<8}");
    let l1 = format!("{l1:<<30}");
    let l2 = "9003152M3403152AZE<<<<<<<<<<<";
    let composite = format!("{}{}{}{}", &l1[5..30], &l2[0..7], &l2[8..15], &l2[18..29]);
    let l2 = format!("{l2}{}", check_digit(&composite).unwrap());
    vec![l1, l2, "MAMMADOV<<ALI<<<<<<<<<<<<<<<<<".to_string()]
}

#[test]
fn bad_fin() {
    assert_eq!(
        parse(&aze_with_fin("5ZX7K2P")).unwrap().fin.as_deref(),
        Some("5ZX7K2P")
    );
    for fin in ["5ZXOK2P", "5ZX7K2<", "<<<<<<<", "5ZX7K"] {
        let lines = aze_with_fin(fin);
        let e = err(&lines);
        assert_eq!(
            (e.field(), e.kind()),
            ("fin", MrzErrorKind::Fin),
            "{fin}: {e}"
        );
        // The reason never repeats the FİN itself.
        assert!(!e.to_string().contains(fin.trim_end_matches('<')) || fin.starts_with('<'));
    }
    // The letter O in another state's optional data is no FİN problem.
    let mut l = aze_with_fin("5ZXOK2P");
    l[0] = l[0].replacen("AZE", "UTO", 1);
    let composite = format!(
        "{}{}{}{}",
        &l[0][5..30],
        &l[1][0..7],
        &l[1][8..15],
        &l[1][18..29]
    );
    l[1] = format!("{}{}", &l[1][..29], check_digit(&composite).unwrap());
    let d = parse(&l).unwrap();
    assert_eq!(d.fin, None);
    assert_eq!(d.optional_data, "5ZXOK2P");
}

#[test]
fn bad_fin_td2() {
    // 'O' in the TD2 FİN (line 2 positions 29–35), composite recomputed.
    let mut l = specimens::aze_td2_card();
    let body = format!("{}O{}", &l[1][..28], &l[1][29..35]);
    let composite = format!("{}{}{}", &body[0..10], &body[13..20], &body[21..35]);
    l[1] = format!("{body}{}", check_digit(&composite).unwrap());
    let e = err(&l);
    assert_eq!((e.field(), e.kind()), ("fin", MrzErrorKind::Fin));
}

#[test]
fn fin_rules() {
    assert!(is_valid_fin("5ZX7K2P"));
    assert!(is_valid_fin("0000000"));
    assert!(!is_valid_fin("5ZXOK2P"));
    assert!(!is_valid_fin("5zx7k2p"));
    assert!(!is_valid_fin("5ZX7K2PP"));
    assert!(!is_valid_fin("5ZX7K2"));
}

#[test]
fn wrong_document_codes() {
    // A TD1 whose code is P (passport code on an ID-card size).
    let e = err(&with_char(&specimens::icao_td1(), 0, 1, 'P'));
    assert_eq!(
        (e.field(), e.kind()),
        ("document_code", MrzErrorKind::Format)
    );
    let e = err(&with_char(&specimens::icao_td3(), 0, 1, 'V'));
    assert_eq!(
        (e.field(), e.kind()),
        ("document_code", MrzErrorKind::Format)
    );
}

#[test]
fn names() {
    // Surname only, and a surname of several parts.
    let mut l = specimens::icao_td1();
    l[2] = format!("{:<<30}", "VAN<DER<BERG<<ANNA");
    let d = parse(&l).unwrap();
    assert_eq!(d.surname, "VAN DER BERG");
    assert_eq!(d.given_names, vec!["ANNA"]);
    l[2] = format!("{:<<30}", "ERIKSSON");
    let d = parse(&l).unwrap();
    assert_eq!(d.surname, "ERIKSSON");
    assert!(d.given_names.is_empty());
    l[2] = "<".repeat(30);
    let e = err(&l);
    assert_eq!((e.field(), e.kind()), ("name", MrzErrorKind::Format));
}

#[test]
fn unspecified_sex() {
    let mut l = specimens::icao_td1();
    l = with_char(&l, 1, 8, '<');
    assert_eq!(parse(&l).unwrap().sex, Sex::Unspecified);
    assert_eq!(Sex::Unspecified.code(), "X");
    assert_eq!(Sex::Male.code(), "M");
}

#[test]
fn birth_date_century_follows_today() {
    // Born "26-11-25": one day after today → 1926; on today → 2026.
    let d = parse(&specimens::icao_td1()).unwrap();
    assert_eq!(d.birth_date, date(1974, 8, 12));
    let d = parse_mrz(
        &specimens::icao_td1()
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        date(1980, 1, 1),
    )
    .unwrap();
    assert_eq!(d.birth_date, date(1974, 8, 12));
    let d = parse_mrz(
        &specimens::icao_td1()
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        date(2074, 8, 12),
    )
    .unwrap();
    assert_eq!(d.birth_date, date(2074, 8, 12));
}
