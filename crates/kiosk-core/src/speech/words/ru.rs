//! Russian numbers, dates and letter names in words.
//!
//! espeak-ng 1.51 reads `24.11.2026` as "двадцать четыре точка одиннадцать точка две тысячи
//! двадцать шесть", and Latin letters (`YAS01`, a FİN) with its English voice in the middle of
//! Russian speech. These rules write dates as Russians say them (ordinal day, month in the
//! genitive, ordinal year) and Latin letters by their Russian names.

const UNITS: [&str; 20] = [
    "ноль",
    "один",
    "два",
    "три",
    "четыре",
    "пять",
    "шесть",
    "семь",
    "восемь",
    "девять",
    "десять",
    "одиннадцать",
    "двенадцать",
    "тринадцать",
    "четырнадцать",
    "пятнадцать",
    "шестнадцать",
    "семнадцать",
    "восемнадцать",
    "девятнадцать",
];
const TENS: [&str; 10] = [
    "",
    "",
    "двадцать",
    "тридцать",
    "сорок",
    "пятьдесят",
    "шестьдесят",
    "семьдесят",
    "восемьдесят",
    "девяносто",
];
const HUNDREDS: [&str; 10] = [
    "",
    "сто",
    "двести",
    "триста",
    "четыреста",
    "пятьсот",
    "шестьсот",
    "семьсот",
    "восемьсот",
    "девятьсот",
];
/// Genitive masculine ordinals ("… года"): units and teens.
const ORD_UNITS: [&str; 20] = [
    "",
    "первого",
    "второго",
    "третьего",
    "четвёртого",
    "пятого",
    "шестого",
    "седьмого",
    "восьмого",
    "девятого",
    "десятого",
    "одиннадцатого",
    "двенадцатого",
    "тринадцатого",
    "четырнадцатого",
    "пятнадцатого",
    "шестнадцатого",
    "семнадцатого",
    "восемнадцатого",
    "девятнадцатого",
];
const ORD_TENS: [&str; 10] = [
    "",
    "",
    "двадцатого",
    "тридцатого",
    "сорокового",
    "пятидесятого",
    "шестидесятого",
    "семидесятого",
    "восьмидесятого",
    "девяностого",
];
const ORD_HUNDREDS: [&str; 10] = [
    "",
    "сотого",
    "двухсотого",
    "трёхсотого",
    "четырёхсотого",
    "пятисотого",
    "шестисотого",
    "семисотого",
    "восьмисотого",
    "девятисотого",
];
/// Neuter nominative ordinals of the days 1–31 ("двадцать четвёртое").
const DAY_UNITS: [&str; 20] = [
    "",
    "первое",
    "второе",
    "третье",
    "четвёртое",
    "пятое",
    "шестое",
    "седьмое",
    "восьмое",
    "девятое",
    "десятое",
    "одиннадцатое",
    "двенадцатое",
    "тринадцатое",
    "четырнадцатое",
    "пятнадцатое",
    "шестнадцатое",
    "семнадцатое",
    "восемнадцатое",
    "девятнадцатое",
];
const MONTHS: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

pub(super) fn digit(d: u32) -> &'static str {
    UNITS[(d % 10) as usize]
}

/// Below a thousand; `feminine` for thousands ("одна", "две").
fn below_thousand(n: u64, feminine: bool, out: &mut Vec<String>) {
    let (h, rest) = (n / 100, n % 100);
    if h > 0 {
        out.push(HUNDREDS[h as usize].to_owned());
    }
    let unit = |u: u64| -> String {
        match (u, feminine) {
            (1, true) => "одна".to_owned(),
            (2, true) => "две".to_owned(),
            _ => UNITS[u as usize].to_owned(),
        }
    };
    if rest >= 20 {
        out.push(TENS[(rest / 10) as usize].to_owned());
        if rest % 10 > 0 {
            out.push(unit(rest % 10));
        }
    } else if rest > 0 {
        out.push(unit(rest));
    }
}

/// The form of a noun after `n`: 1 тысяча, 2–4 тысячи, 5–20 тысяч (11–14 тысяч).
fn plural<'a>(n: u64, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    let (m10, m100) = (n % 10, n % 100);
    if (11..=14).contains(&m100) {
        many
    } else if m10 == 1 {
        one
    } else if (2..=4).contains(&m10) {
        few
    } else {
        many
    }
}

pub(super) fn cardinal(n: u64) -> String {
    if n == 0 {
        return UNITS[0].to_owned();
    }
    let mut out = Vec::new();
    let scales: [(u64, bool, [&str; 3]); 4] = [
        (
            1_000_000_000_000,
            false,
            ["триллион", "триллиона", "триллионов"],
        ),
        (
            1_000_000_000,
            false,
            ["миллиард", "миллиарда", "миллиардов"],
        ),
        (1_000_000, false, ["миллион", "миллиона", "миллионов"]),
        (1_000, true, ["тысяча", "тысячи", "тысяч"]),
    ];
    let mut rest = n;
    for (size, feminine, [one, few, many]) in scales {
        let k = rest / size;
        if k > 0 {
            below_thousand(k, feminine, &mut out);
            out.push(plural(k, one, few, many).to_owned());
            rest %= size;
        }
    }
    below_thousand(rest, false, &mut out);
    out.join(" ")
}

/// The year as in "… года": 2026 → "две тысячи двадцать шестого".
pub(super) fn year_genitive(y: u64) -> String {
    let (thousands, rest) = (y / 1000, y % 1000);
    if rest == 0 {
        // 1000 → "тысячного", 2000 → "двухтысячного".
        let prefix = [
            "",
            "",
            "двух",
            "трёх",
            "четырёх",
            "пяти",
            "шести",
            "семи",
            "восьми",
            "девяти",
        ];
        return format!("{}тысячного", prefix[(thousands % 10) as usize]);
    }
    let mut out = Vec::new();
    match thousands {
        0 => {}
        // "тысяча девятьсот…", not "одна тысяча девятьсот…".
        1 => out.push("тысяча".to_owned()),
        k => out.push(cardinal(k * 1000)),
    }
    let (h, t) = (rest / 100, rest % 100);
    if t == 0 {
        out.push(ORD_HUNDREDS[h as usize].to_owned());
    } else {
        if h > 0 {
            out.push(HUNDREDS[h as usize].to_owned());
        }
        if t < 20 {
            out.push(ORD_UNITS[t as usize].to_owned());
        } else if t % 10 == 0 {
            out.push(ORD_TENS[(t / 10) as usize].to_owned());
        } else {
            out.push(TENS[(t / 10) as usize].to_owned());
            out.push(ORD_UNITS[(t % 10) as usize].to_owned());
        }
    }
    out.join(" ")
}

fn day_ordinal(d: u32) -> String {
    match d {
        1..=19 => DAY_UNITS[d as usize].to_owned(),
        20 => "двадцатое".to_owned(),
        30 => "тридцатое".to_owned(),
        21..=29 => format!("двадцать {}", DAY_UNITS[(d - 20) as usize]),
        31 => "тридцать первое".to_owned(),
        _ => cardinal(u64::from(d)),
    }
}

/// 24.11.2026 → "двадцать четвёртое ноября две тысячи двадцать шестого года".
pub(super) fn date(day: u32, month: u32, year: i32) -> String {
    format!(
        "{} {} {} года",
        day_ordinal(day),
        MONTHS[(month.clamp(1, 12) - 1) as usize],
        year_genitive(u64::from(year.unsigned_abs()))
    )
}

/// Latin letters by their Russian names; Cyrillic letters by theirs.
pub(super) fn letter(c: char) -> Option<&'static str> {
    let lower: String = c.to_lowercase().collect();
    Some(match lower.as_str() {
        "a" => "а",
        "b" => "бэ",
        "c" => "цэ",
        "d" => "дэ",
        "e" => "е",
        "f" => "эф",
        "g" => "гэ",
        "h" => "аш",
        "i" => "и",
        "j" => "йот",
        "k" => "ка",
        "l" => "эль",
        "m" => "эм",
        "n" => "эн",
        "o" => "о",
        "p" => "пэ",
        "q" => "ку",
        "r" => "эр",
        "s" => "эс",
        "t" => "тэ",
        "u" => "у",
        "v" => "вэ",
        "w" => "дубль-вэ",
        "x" => "икс",
        "y" => "игрек",
        "z" => "зэт",
        "а" => "а",
        "б" => "бэ",
        "в" => "вэ",
        "г" => "гэ",
        "д" => "дэ",
        "е" => "е",
        "ё" => "ё",
        "ж" => "жэ",
        "з" => "зэ",
        "и" => "и",
        "й" => "и краткое",
        "к" => "ка",
        "л" => "эль",
        "м" => "эм",
        "н" => "эн",
        "о" => "о",
        "п" => "пэ",
        "р" => "эр",
        "с" => "эс",
        "т" => "тэ",
        "у" => "у",
        "ф" => "эф",
        "х" => "ха",
        "ц" => "цэ",
        "ч" => "че",
        "ш" => "ша",
        "щ" => "ща",
        "ъ" => "твёрдый знак",
        "ы" => "ы",
        "ь" => "мягкий знак",
        "э" => "э",
        "ю" => "ю",
        "я" => "я",
        _ => return None,
    })
}

pub(super) fn sign(c: char) -> Option<&'static str> {
    Some(match c {
        '-' => "дефис",
        '+' => "плюс",
        '.' => "точка",
        ',' => "запятая",
        '/' => "косая черта",
        '*' => "звёздочка",
        ':' => "двоеточие",
        '_' => "подчёркивание",
        '@' => "собака",
        _ => return None,
    })
}

pub(super) const CAPITAL: &str = "заглавная";

/// 21:05 → "двадцать один ноль пять".
pub(super) fn time(h: u32, m: u32) -> String {
    let minutes = if m < 10 {
        format!("{} {}", UNITS[0], UNITS[m as usize])
    } else {
        cardinal(u64::from(m))
    };
    format!("{} {minutes}", cardinal(u64::from(h)))
}

/// Latin words in Russian text that the Russian voice would hand to English.
pub(super) fn word(w: &str) -> Option<&'static str> {
    Some(match w {
        "FİN" => "фин",
        "DOST" => "дост",
        "QR" => "кью ар",
        "SMS" => "эс эм эс",
        "IBAN" => "ибан",
        "CV" => "си ви",
        "AZ" => "а зэт",
        _ => return None,
    })
}
