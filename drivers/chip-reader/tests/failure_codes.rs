//! `PaFailure::code()` is the JSON `reason` of every refusal (the kiosk's audit log and the
//! centre's answers use the code; `chip verify --json` the serialization).

use chip_reader::pa::{PaFailure, PaOutcome};

#[test]
fn codes_are_the_json_reasons() {
    let all = [
        PaFailure::MalformedSod("x".into()),
        PaFailure::UnsupportedAlgorithm("1.2.3".into()),
        PaFailure::WrongContentType,
        PaFailure::NoDocumentSigner,
        PaFailure::ContentDigestMismatch,
        PaFailure::BadSignature,
        PaFailure::UnknownCsca,
        PaFailure::DsExpired,
        PaFailure::DsNotYetValid,
        PaFailure::CscaNotValid,
        PaFailure::Revoked,
        PaFailure::CrlInvalid,
        PaFailure::TamperedDataGroup(1),
        PaFailure::DataGroupNotInSod(15),
    ];
    let mut seen = std::collections::HashSet::new();
    for f in all {
        let json = serde_json::to_value(PaOutcome::Invalid(f.clone())).unwrap();
        assert_eq!(json["passive_authentication"], "invalid");
        assert_eq!(json["reason"], f.code(), "{f:?}");
        assert!(seen.insert(f.code()), "{} twice", f.code());
    }
}
