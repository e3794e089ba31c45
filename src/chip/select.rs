//! Which PC/SC readers the kiosk reads chips from: the one the configuration names, or with
//! `auto` every reader whose name does not say it is the other interface. Pure.

use chip_reader::interface_of_name;

use crate::config::chip::ChipInterface;

/// Why no reader can be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectError {
    #[error("no PC/SC reader is connected")]
    NoReaders,
    #[error("no PC/SC reader's name contains \"{0}\" (see `dost-kiosk chip readers`)")]
    NotFound(String),
}

/// The readers to wait for a card in, in pcscd's order.
pub fn candidates(
    readers: &[String],
    name: Option<&str>,
    interface: ChipInterface,
) -> Result<Vec<String>, SelectError> {
    if readers.is_empty() {
        return Err(SelectError::NoReaders);
    }
    if let Some(want) = name {
        let want = want.to_lowercase();
        let found: Vec<String> = readers
            .iter()
            .filter(|r| r.to_lowercase().contains(&want))
            .cloned()
            .collect();
        return if found.is_empty() {
            Err(SelectError::NotFound(want))
        } else {
            Ok(found)
        };
    }
    let fitting: Vec<String> = readers
        .iter()
        .filter(|r| interface_of_name(r).is_none_or(|i| interface.admits(i)))
        .cloned()
        .collect();
    Ok(if fitting.is_empty() {
        readers.to_vec()
    } else {
        fitting
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn auto_prefers_the_interface_and_names_win() {
        let dual = names(&[
            "ACS ACR1252 Dual Reader [ACR1252 Dual Reader PICC] 00 00",
            "Alcor Micro AU9540 00 00 ICC",
            "Virtual PCD 00 00",
        ]);
        assert_eq!(
            candidates(&dual, None, ChipInterface::Contactless),
            Ok(names(&[
                "ACS ACR1252 Dual Reader [ACR1252 Dual Reader PICC] 00 00",
                "Virtual PCD 00 00"
            ]))
        );
        assert_eq!(
            candidates(&dual, None, ChipInterface::Contact),
            Ok(names(&[
                "Alcor Micro AU9540 00 00 ICC",
                "Virtual PCD 00 00"
            ]))
        );
        assert_eq!(
            candidates(&dual, None, ChipInterface::Any).map(|v| v.len()),
            Ok(3)
        );
        assert_eq!(
            candidates(&dual, Some("virtual pcd"), ChipInterface::Contact),
            Ok(names(&["Virtual PCD 00 00"]))
        );
        assert_eq!(
            candidates(&dual, Some("OMNIKEY"), ChipInterface::Any),
            Err(SelectError::NotFound("omnikey".into()))
        );
        assert_eq!(
            candidates(&[], None, ChipInterface::Any),
            Err(SelectError::NoReaders)
        );
        // Only readers of the other interface: they are tried rather than none.
        let only_contact = names(&["Alcor Micro AU9540 00 00 ICC"]);
        assert_eq!(
            candidates(&only_contact, None, ChipInterface::Contactless),
            Ok(only_contact.clone())
        );
    }
}
