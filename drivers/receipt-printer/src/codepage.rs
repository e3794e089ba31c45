//! Code page tables: PC857 (Turkish) for Azerbaijani letters, PC866 for Cyrillic, and the
//! two user-defined positions for ə/Ə. Which number selects a page depends on the model
//! (`ESC t 13` on Epson, 8 on Citizen, …: see [`crate::models`]).

/// A single-byte code page the driver prints with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodePage {
    Pc857,
    Pc866,
}

const PAGE_PC857: CodePage = CodePage::Pc857;
const PAGE_PC866: CodePage = CodePage::Pc866;
/// User-defined code position holding Ə.
pub const UDC_SCHWA_UPPER: u8 = 0x7D;
/// User-defined code position holding ə.
pub const UDC_SCHWA_LOWER: u8 = 0x7E;

/// How one character reaches the paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharCode {
    /// Printable ASCII, the same on every page.
    Ascii(u8),
    /// A byte on a specific code page.
    Paged { page: CodePage, byte: u8 },
    /// ə (false) or Ə (true): not on any single-byte page.
    Schwa { upper: bool },
    /// Nothing prints it as such; the encoder substitutes.
    Unsupported,
}

const PC857_HIGH: [(char, u8); 20] = [
    ('Ç', 0x80),
    ('ü', 0x81),
    ('é', 0x82),
    ('ä', 0x84),
    ('ç', 0x87),
    ('ı', 0x8D),
    ('Ä', 0x8E),
    ('É', 0x90),
    ('ö', 0x94),
    ('İ', 0x98),
    ('Ö', 0x99),
    ('Ü', 0x9A),
    ('Ş', 0x9E),
    ('ş', 0x9F),
    ('Ğ', 0xA6),
    ('ğ', 0xA7),
    ('«', 0xAE),
    ('»', 0xAF),
    ('·', 0xFA),
    ('°', 0xF8),
];

/// Map a character to its printer code.
pub fn char_code(ch: char) -> CharCode {
    match ch {
        ' '..='~' => CharCode::Ascii(ch as u8),
        'ə' => CharCode::Schwa { upper: false },
        'Ə' => CharCode::Schwa { upper: true },
        'А'..='п' => CharCode::Paged {
            page: PAGE_PC866,
            byte: 0x80 + (ch as u32 - 'А' as u32) as u8,
        },
        'р'..='я' => CharCode::Paged {
            page: PAGE_PC866,
            byte: 0xE0 + (ch as u32 - 'р' as u32) as u8,
        },
        'Ё' => CharCode::Paged {
            page: PAGE_PC866,
            byte: 0xF0,
        },
        'ё' => CharCode::Paged {
            page: PAGE_PC866,
            byte: 0xF1,
        },
        '№' => CharCode::Paged {
            page: PAGE_PC866,
            byte: 0xFC,
        },
        _ => PC857_HIGH
            .iter()
            .find(|(c, _)| *c == ch)
            .map_or(CharCode::Unsupported, |(_, b)| CharCode::Paged {
                page: PAGE_PC857,
                byte: *b,
            }),
    }
}

/// ASCII stand-ins for common typographic characters with no code on our pages.
pub fn ascii_substitute(ch: char) -> Option<&'static str> {
    Some(match ch {
        '–' | '—' | '‐' | '−' => "-",
        '“' | '”' | '„' => "\"",
        '‘' | '’' => "'",
        '…' => "...",
        '\u{a0}' | '\t' => " ",
        '₼' => "AZN",
        '€' => "EUR",
        _ => return None,
    })
}

/// Decode a byte printed on `page` (bytes ≥ 0x80); `None` if we do not know it.
pub fn decode_byte(page: Option<CodePage>, byte: u8) -> Option<char> {
    if byte < 0x80 {
        return Some(byte as char);
    }
    match page? {
        CodePage::Pc866 => match byte {
            0x80..=0xAF => char::from_u32('А' as u32 + u32::from(byte - 0x80)),
            0xE0..=0xEF => char::from_u32('р' as u32 + u32::from(byte - 0xE0)),
            0xF0 => Some('Ё'),
            0xF1 => Some('ё'),
            0xFC => Some('№'),
            _ => None,
        },
        CodePage::Pc857 => PC857_HIGH.iter().find(|(_, b)| *b == byte).map(|(c, _)| *c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_letter_has_a_printable_code_that_decodes_back() {
        for ch in crate::AZ_LETTERS.chars().chain(crate::RU_LETTERS.chars()) {
            match char_code(ch) {
                CharCode::Ascii(b) => assert_eq!(b as char, ch),
                CharCode::Paged { page, byte } => {
                    assert_eq!(decode_byte(Some(page), byte), Some(ch))
                }
                CharCode::Schwa { .. } => assert!(ch == 'ə' || ch == 'Ə'),
                CharCode::Unsupported => panic!("{ch} unsupported"),
            }
        }
    }

    #[test]
    fn azerbaijani_uses_pc857_and_russian_pc866() {
        assert_eq!(
            char_code('ş'),
            CharCode::Paged {
                page: CodePage::Pc857,
                byte: 0x9F
            }
        );
        assert_eq!(
            char_code('İ'),
            CharCode::Paged {
                page: CodePage::Pc857,
                byte: 0x98
            }
        );
        assert_eq!(
            char_code('ı'),
            CharCode::Paged {
                page: CodePage::Pc857,
                byte: 0x8D
            }
        );
        assert_eq!(
            char_code('Я'),
            CharCode::Paged {
                page: CodePage::Pc866,
                byte: 0x9F
            }
        );
        assert_eq!(
            char_code('я'),
            CharCode::Paged {
                page: CodePage::Pc866,
                byte: 0xEF
            }
        );
        assert_eq!(char_code('ə'), CharCode::Schwa { upper: false });
    }
}
