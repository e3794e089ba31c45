//! English numbers, dates and letter names in words.
//!
//! espeak-ng reads `261124` in an application number as "two hundred sixty one thousand one
//! hundred twenty four" and `24.11.2026` as three numbers; these rules spell numbers and
//! say dates the English way.

const UNITS: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];
const ORD_UNITS: [&str; 20] = [
    "",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub(super) fn digit(d: u32) -> &'static str {
    UNITS[(d % 10) as usize]
}

fn below_hundred(n: u64) -> String {
    if n < 20 {
        UNITS[n as usize].to_owned()
    } else if n.is_multiple_of(10) {
        TENS[(n / 10) as usize].to_owned()
    } else {
        format!("{}-{}", TENS[(n / 10) as usize], UNITS[(n % 10) as usize])
    }
}

fn below_thousand(n: u64, out: &mut Vec<String>) {
    let (h, rest) = (n / 100, n % 100);
    if h > 0 {
        out.push(format!("{} hundred", UNITS[h as usize]));
    }
    if rest > 0 {
        out.push(below_hundred(rest));
    }
}

pub(super) fn cardinal(n: u64) -> String {
    if n == 0 {
        return UNITS[0].to_owned();
    }
    let mut out = Vec::new();
    let mut rest = n;
    for (size, name) in [
        (1_000_000_000_000, "trillion"),
        (1_000_000_000, "billion"),
        (1_000_000, "million"),
        (1_000, "thousand"),
    ] {
        let k = rest / size;
        if k > 0 {
            below_thousand(k, &mut out);
            out.push(name.to_owned());
            rest %= size;
        }
    }
    below_thousand(rest, &mut out);
    out.join(" ")
}

fn ordinal(n: u32) -> String {
    match n {
        0..=19 => ORD_UNITS[n as usize].to_owned(),
        _ if n.is_multiple_of(10) => {
            let tens = TENS[(n / 10 % 10) as usize];
            format!("{}ieth", tens.trim_end_matches('y'))
        }
        _ => format!(
            "{}-{}",
            TENS[(n / 10 % 10) as usize],
            ORD_UNITS[(n % 10) as usize]
        ),
    }
}

/// Years as English speakers say them: 1985 "nineteen eighty-five", 2026 "twenty
/// twenty-six", 2005 "two thousand five", 1900 "nineteen hundred".
fn year(y: u64) -> String {
    let (hi, lo) = (y / 100, y % 100);
    if !(1100..=9999).contains(&y) || (2000..=2009).contains(&y) || y.is_multiple_of(1000) {
        return cardinal(y);
    }
    match lo {
        0 => format!("{} hundred", below_hundred(hi)),
        1..=9 => format!("{} oh {}", below_hundred(hi), UNITS[lo as usize]),
        _ => format!("{} {}", below_hundred(hi), below_hundred(lo)),
    }
}

/// 24.11.2026 → "the twenty-fourth of November, twenty twenty-six".
pub(super) fn date(day: u32, month: u32, y: i32) -> String {
    format!(
        "the {} of {}, {}",
        ordinal(day),
        MONTHS[(month.clamp(1, 12) - 1) as usize],
        year(u64::from(y.unsigned_abs()))
    )
}

pub(super) fn letter(c: char) -> Option<&'static str> {
    let lower: String = c.to_lowercase().collect();
    Some(match lower.as_str() {
        "a" => "ay",
        "b" => "bee",
        "c" => "see",
        "d" => "dee",
        "e" => "ee",
        "f" => "ef",
        "g" => "jee",
        "h" => "aitch",
        "i" => "eye",
        "j" => "jay",
        "k" => "kay",
        "l" => "el",
        "m" => "em",
        "n" => "en",
        "o" => "oh",
        "p" => "pee",
        "q" => "cue",
        "r" => "ar",
        "s" => "ess",
        "t" => "tee",
        "u" => "you",
        "v" => "vee",
        "w" => "double you",
        "x" => "ex",
        "y" => "why",
        "z" => "zed",
        _ => return None,
    })
}

pub(super) fn sign(c: char) -> Option<&'static str> {
    Some(match c {
        '-' => "dash",
        '+' => "plus",
        '.' => "dot",
        ',' => "comma",
        '/' => "slash",
        '*' => "star",
        ':' => "colon",
        '_' => "underscore",
        '@' => "at",
        _ => return None,
    })
}

pub(super) const CAPITAL: &str = "capital";

/// 21:05 → "twenty-one oh five"; 9:00 → "nine o'clock".
pub(super) fn time(h: u32, m: u32) -> String {
    match m {
        0 => format!("{} o'clock", cardinal(u64::from(h))),
        1..=9 => format!("{} oh {}", cardinal(u64::from(h)), UNITS[m as usize]),
        _ => format!("{} {}", cardinal(u64::from(h)), below_hundred(u64::from(m))),
    }
}

pub(super) fn word(w: &str) -> Option<&'static str> {
    Some(match w {
        "FİN" => "fin",
        "DOST" => "dost",
        "QR" => "Q R",
        "SMS" => "S M S",
        "IBAN" => "eye ban",
        "CV" => "C V",
        "AZ" => "A Z",
        _ => return None,
    })
}
