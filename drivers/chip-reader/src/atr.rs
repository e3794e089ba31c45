//! Which interface a card answers on: contactless (ISO/IEC 14443, how ICAO eMRTD chips are
//! specified) or contact (ISO/IEC 7816-3). A PC/SC reader gives a contactless ISO 14443-4
//! card a constructed ATR (PC/SC Part 3, §3.1.3.2.3): `3B 8n 80 01`, the `n` historical bytes,
//! and the check byte TCK. Reader names carry hints too (`PICC`, `CL`, `Contactless` for the
//! contactless slot of a dual reader; `ICC`, `Contact` for the contact one).

use serde::Serialize;

/// The interface a card answered on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Interface {
    Contactless,
    Contact,
}

impl Interface {
    pub fn name(self) -> &'static str {
        match self {
            Interface::Contactless => "contactless",
            Interface::Contact => "contact",
        }
    }
}

/// The interface of a card with this ATR: contactless when it is a PC/SC constructed ATR
/// (right length, check byte sound), contact otherwise.
pub fn interface_of_atr(atr: &[u8]) -> Interface {
    let constructed = match atr {
        [0x3B, t0, 0x80, 0x01, rest @ ..] if t0 & 0xF0 == 0x80 => {
            let historical = usize::from(t0 & 0x0F);
            rest.len() == historical + 1 && atr[1..].iter().fold(0u8, |x, b| x ^ b) == 0
        }
        _ => false,
    };
    if constructed {
        Interface::Contactless
    } else {
        Interface::Contact
    }
}

/// The interface a reader's name suggests, when it says.
pub fn interface_of_name(name: &str) -> Option<Interface> {
    let lower = name.to_ascii_lowercase();
    let tokens: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    let contactless = tokens.iter().any(|t| {
        matches!(*t, "picc" | "contactless" | "cl" | "nfc" | "rfid")
            || t.strip_suffix("cl")
                .is_some_and(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit()))
    });
    if contactless {
        return Some(Interface::Contactless);
    }
    tokens
        .iter()
        .any(|t| matches!(*t, "icc" | "contact"))
        .then_some(Interface::Contact)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atrs() {
        // The card simulator's ATR: 8 historical bytes, TCK 0x7E.
        assert_eq!(
            interface_of_atr(&crate::sim::card::ATR),
            Interface::Contactless
        );
        // A German eID (nPA) on a contactless reader (PC/SC constructed ATR).
        let npa = [0x3B, 0x84, 0x80, 0x01, 0x80, 0x82, 0x90, 0x00, 0x97];
        assert_eq!(interface_of_atr(&npa), Interface::Contactless);
        // A contact card (T=1, TA1/TD1 present).
        let contact = [
            0x3B, 0xDB, 0x96, 0x00, 0x80, 0xB1, 0xFE, 0x45, 0x1F, 0x83, 0x00,
        ];
        assert_eq!(interface_of_atr(&contact), Interface::Contact);
        // The right prefix with a wrong check byte or length is not a constructed ATR.
        let mut bad = npa;
        bad[8] ^= 1;
        assert_eq!(interface_of_atr(&bad), Interface::Contact);
        assert_eq!(interface_of_atr(&npa[..8]), Interface::Contact);
        assert_eq!(interface_of_atr(&[]), Interface::Contact);
    }

    #[test]
    fn reader_names() {
        let cl = Some(Interface::Contactless);
        let ct = Some(Interface::Contact);
        for (name, want) in [
            (
                "ACS ACR1252 Dual Reader [ACR1252 Dual Reader PICC] 00 00",
                cl,
            ),
            (
                "ACS ACR1252 Dual Reader [ACR1252 Dual Reader SAM] 01 00",
                None,
            ),
            (
                "HID Global OMNIKEY 5422CL Smartcard Reader [OMNIKEY 5422CL Smartcard Reader] 01 00",
                cl,
            ),
            (
                "HID Global OMNIKEY 5422 Smartcard Reader [OMNIKEY 5422 Smartcard Reader] 00 00",
                None,
            ),
            (
                "Identiv uTrust 3700 F CL Reader [uTrust 3700 F CL Reader] 00 00",
                cl,
            ),
            (
                "SCM Microsystems Inc. SCR 3310 [CCID Interface] 00 00",
                None,
            ),
            ("Generic Contactless Reader 00 00", cl),
            ("Alcor Micro AU9540 00 00 ICC", ct),
            ("Virtual PCD 00 00", None),
        ] {
            assert_eq!(interface_of_name(name), want, "{name}");
        }
    }
}
