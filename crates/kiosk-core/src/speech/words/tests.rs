use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_else(|| panic!("{y}-{m}-{day}"))
}

#[test]
fn azerbaijani_cardinals() {
    let cases = [
        (0, "sıfır"),
        (7, "yeddi"),
        (10, "on"),
        (11, "on bir"),
        (45, "qırx beş"),
        (100, "yüz"),
        (123, "yüz iyirmi üç"),
        (300, "üç yüz"),
        (994, "doqquz yüz doxsan dörd"),
        (1000, "min"),
        (1985, "min doqquz yüz səksən beş"),
        (2026, "iki min iyirmi altı"),
        (45_000, "qırx beş min"),
        (1_000_000, "bir milyon"),
        (2_500_000, "iki milyon beş yüz min"),
    ];
    for (n, words) in cases {
        assert_eq!(cardinal(Lang::Az, n), words, "{n}");
    }
}

#[test]
fn azerbaijani_ordinals_follow_vowel_harmony() {
    // Each suffix as Azerbaijani grammar has it: -ıncı/-inci/-uncu/-üncü, -ncı after a vowel.
    let cases = [
        ("bir", "birinci"),
        ("iki", "ikinci"),
        ("üç", "üçüncü"),
        ("dörd", "dördüncü"),
        ("beş", "beşinci"),
        ("altı", "altıncı"),
        ("yeddi", "yeddinci"),
        ("səkkiz", "səkkizinci"),
        ("doqquz", "doqquzuncu"),
        ("on", "onuncu"),
        ("iyirmi", "iyirminci"),
        ("otuz", "otuzuncu"),
        ("qırx", "qırxıncı"),
        ("əlli", "əllinci"),
        ("altmış", "altmışıncı"),
        ("yetmiş", "yetmişinci"),
        ("səksən", "səksəninci"),
        ("doxsan", "doxsanıncı"),
        ("yüz", "yüzüncü"),
        ("min", "mininci"),
    ];
    for (word, ordinal) in cases {
        assert_eq!(az::ordinal_word(word), ordinal);
    }
}

#[test]
fn dates_in_each_language() {
    assert_eq!(
        date(Lang::Az, d(2026, 11, 24)),
        "iyirmi dörd noyabr, iki min iyirmi altıncı il"
    );
    assert_eq!(
        date(Lang::Az, d(1985, 3, 1)),
        "bir mart, min doqquz yüz səksən beşinci il"
    );
    assert_eq!(
        date(Lang::Az, d(2000, 1, 9)),
        "doqquz yanvar, iki mininci il"
    );
    assert_eq!(
        date(Lang::Ru, d(2026, 11, 24)),
        "двадцать четвёртое ноября две тысячи двадцать шестого года"
    );
    assert_eq!(
        date(Lang::Ru, d(1985, 3, 1)),
        "первое марта тысяча девятьсот восемьдесят пятого года"
    );
    assert_eq!(
        date(Lang::Ru, d(2000, 5, 30)),
        "тридцатое мая двухтысячного года"
    );
    assert_eq!(
        date(Lang::Ru, d(1900, 12, 31)),
        "тридцать первое декабря тысяча девятисотого года"
    );
    assert_eq!(
        date(Lang::Ru, d(2010, 2, 3)),
        "третье февраля две тысячи десятого года"
    );
    assert_eq!(
        date(Lang::Ru, d(2040, 2, 3)),
        "третье февраля две тысячи сорокового года"
    );
    assert_eq!(
        date(Lang::En, d(2026, 11, 24)),
        "the twenty-fourth of November, twenty twenty-six"
    );
    assert_eq!(
        date(Lang::En, d(1985, 3, 1)),
        "the first of March, nineteen eighty-five"
    );
    assert_eq!(
        date(Lang::En, d(2005, 7, 30)),
        "the thirtieth of July, two thousand five"
    );
    assert_eq!(
        date(Lang::En, d(1905, 7, 12)),
        "the twelfth of July, nineteen oh five"
    );
}

#[test]
fn russian_cardinals_agree_in_gender_and_number() {
    let cases = [
        (1, "один"),
        (21, "двадцать один"),
        (1000, "одна тысяча"),
        (2000, "две тысячи"),
        (5000, "пять тысяч"),
        (11_000, "одиннадцать тысяч"),
        (22_000, "двадцать две тысячи"),
        (2026, "две тысячи двадцать шесть"),
        (994, "девятьсот девяносто четыре"),
        (2_000_000, "два миллиона"),
    ];
    for (n, words) in cases {
        assert_eq!(cardinal(Lang::Ru, n), words, "{n}");
    }
}

#[test]
fn english_cardinals() {
    assert_eq!(cardinal(Lang::En, 994), "nine hundred ninety-four");
    assert_eq!(cardinal(Lang::En, 2026), "two thousand twenty-six");
    assert_eq!(cardinal(Lang::En, 40), "forty");
    assert_eq!(cardinal(Lang::En, 1_000_001), "one million one");
}

#[test]
fn application_numbers_are_spelt_character_by_character() {
    let id = "YAS01-261124-0007";
    assert_eq!(
        spell(Lang::Az, id),
        "ye a es sıfır bir, defis, iki altı bir bir iki dörd, defis, sıfır sıfır sıfır yeddi"
    );
    assert_eq!(
        spell(Lang::Ru, id),
        "игрек а эс ноль один, дефис, два шесть один один два четыре, дефис, ноль ноль ноль семь"
    );
    assert_eq!(
        spell(Lang::En, id),
        "why ay ess zero one, dash, two six one one two four, dash, zero zero zero seven"
    );
}

#[test]
fn fin_characters_are_named_in_each_language() {
    // A FİN: digits and capitals without O; the masked one shows stars.
    assert_eq!(spell(Lang::Az, "5ZX8K2M"), "beş ze xe səkkiz ka iki em");
    assert_eq!(spell(Lang::Ru, "5ZX8K2M"), "пять зэт икс восемь ка два эм");
    assert_eq!(spell(Lang::En, "5ZX8K2M"), "five zed ex eight kay two em");
    assert_eq!(
        spell(Lang::Az, "5ZX****"),
        "beş ze xe ulduz ulduz ulduz ulduz"
    );
    // Every letter a FİN may hold has a name (no raw letter reaches the engine).
    for lang in Lang::ALL {
        for c in "ABCDEFGHIJKLMNPQRSTUVWXYZ0123456789".chars() {
            let name = char_name(lang, c);
            assert_ne!(name, c.to_string(), "{lang:?} {c}");
        }
    }
}

#[test]
fn azerbaijani_letters_and_keyboard_keys() {
    for (c, name) in [
        ('ə', "ə"),
        ('ğ', "ğe"),
        ('ı', "ı"),
        ('İ', "i"),
        ('q', "qe"),
        ('x', "xe"),
    ] {
        assert_eq!(char_name(Lang::Az, c), name, "{c}");
    }
    assert_eq!(key_name(Lang::Az, 'Ş'), "böyük şe");
    assert_eq!(key_name(Lang::Az, 'ş'), "şe");
    assert_eq!(key_name(Lang::Ru, 'й'), "и краткое");
    assert_eq!(key_name(Lang::En, 'Q'), "capital cue");
    assert_eq!(key_name(Lang::Az, ','), "vergül");
}

#[test]
fn free_text_numbers_dates_phones() {
    // A phone: each group is its own number (espeak-ng would join "50 123" into 50123).
    assert_eq!(
        normalise(Lang::Az, "+994 50 123 45 67"),
        "plyus doqquz yüz doxsan dörd, əlli, yüz iyirmi üç, qırx beş, altmış yeddi"
    );
    assert_eq!(
        normalise(Lang::En, "+994 50 123 45 67"),
        "plus nine hundred ninety-four, fifty, one hundred twenty-three, forty-five, sixty-seven"
    );
    assert_eq!(
        normalise(Lang::Az, "Status: 24.11.2026 21:05"),
        "Status: iyirmi dörd noyabr, iki min iyirmi altıncı il, iyirmi bir sıfır beş"
    );
    assert_eq!(normalise(Lang::Az, "10 iş günü"), "on iş günü");
    assert_eq!(normalise(Lang::Ru, "Шаг 1 из 2"), "Шаг один из два");
    assert_eq!(normalise(Lang::Az, "Addım 1 / 2"), "Addım bir, iki");
    assert_eq!(
        normalise(Lang::Ru, "Громкость 80%"),
        "Громкость восемьдесят процентов"
    );
    assert_eq!(normalise(Lang::Ru, "21%"), "двадцать один процент");
    assert_eq!(normalise(Lang::Az, "Səs 70%"), "Səs yetmiş faiz");
    assert_eq!(normalise(Lang::Az, "‹ Geri"), "Geri");
    assert_eq!(normalise(Lang::Ru, "FİN: {0}"), "фин: {0}");
    assert_eq!(normalise(Lang::En, "Step {0} of {1}"), "Step {0} of {1}");
    // Leading zeros: a code, digit by digit.
    assert_eq!(
        normalise(Lang::En, "code 0007"),
        "code zero zero zero seven"
    );
    // Not a date: left as numbers.
    assert_eq!(
        normalise(Lang::En, "31.02.2026"),
        "thirty-one.zero two.two thousand twenty-six"
    );
}

#[test]
fn times() {
    assert_eq!(time(Lang::En, 9, 0), "nine o'clock");
    assert_eq!(time(Lang::Ru, 21, 5), "двадцать один ноль пять");
    assert_eq!(time(Lang::Az, 10, 30), "on otuz");
}
