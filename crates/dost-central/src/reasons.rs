//! Why applications are rejected and what the citizen can do next: the reference server's
//! table of reasons (the centre's own wording in az/ru/en), used for the automatic decisions
//! and for rejections set by hand with a reason code.

use dost_api::{NextAction, Rejection, Texts};
use sha2::{Digest, Sha256};

/// One reason of the table.
struct Reason {
    code: &'static str,
    reason: [&'static str; 3],
    next_step: [&'static str; 3],
    action: NextAction,
}

const REASONS: &[Reason] = &[
    Reason {
        code: "documents_missing",
        reason: [
            "Müraciətə lazım olan sənədlər çatışmır.",
            "К заявлению не хватает необходимых документов.",
            "Documents needed for the application are missing.",
        ],
        next_step: [
            "Şəxsiyyət vəsiqənizi və arayışlarınızı DOST mərkəzinin növbə masasına gətirin və yenidən müraciət edin.",
            "Принесите удостоверение личности и справки к столу очереди центра DOST и подайте заявление снова.",
            "Bring your ID card and certificates to a DOST centre desk and apply again.",
        ],
        action: NextAction::BringDocuments,
    },
    Reason {
        code: "income_above_threshold",
        reason: [
            "Ailənin orta aylıq gəliri ehtiyac meyarından yüksəkdir.",
            "Среднемесячный доход семьи выше критерия нуждаемости.",
            "The family's average monthly income is above the need threshold.",
        ],
        next_step: [
            "Qərarla razı deyilsinizsə, 30 gün ərzində DOST mərkəzində şikayət verə bilərsiniz.",
            "Если вы не согласны с решением, подайте жалобу в центре DOST в течение 30 дней.",
            "If you disagree with the decision, you can appeal at a DOST centre within 30 days.",
        ],
        action: NextAction::Appeal,
    },
    Reason {
        code: "not_eligible_yet",
        reason: [
            "Tələb olunan yaş və ya staj hələ tamamlanmayıb.",
            "Требуемый возраст или стаж ещё не достигнут.",
            "The required age or years of service have not been reached yet.",
        ],
        next_step: [
            "Şərtlər yerinə yetdikdə yenidən müraciət edin.",
            "Подайте заявление снова, когда условия будут выполнены.",
            "Apply again once the conditions are met.",
        ],
        action: NextAction::Reapply,
    },
    Reason {
        code: "needs_assessment",
        reason: [
            "Müraciət mütəxəssisin baxışını tələb edir.",
            "Заявление требует рассмотрения специалистом.",
            "The application needs a specialist's review.",
        ],
        next_step: [
            "Kioskda növbə talonu götürün və mütəxəssislə görüşün.",
            "Возьмите талон очереди в киоске и подойдите к специалисту.",
            "Take a queue ticket at the kiosk and see a specialist.",
        ],
        action: NextAction::VisitDesk,
    },
];

fn texts(t: &[&str; 3]) -> Texts {
    Texts {
        az: t[0].to_owned(),
        ru: t[1].to_owned(),
        en: t[2].to_owned(),
    }
}

fn rejection(r: &Reason) -> Rejection {
    Rejection {
        code: r.code.to_owned(),
        reason: texts(&r.reason),
        next_step: texts(&r.next_step),
        action: r.action,
    }
}

/// The reason with this code, if the table has it.
pub fn reason(code: &str) -> Option<Rejection> {
    REASONS.iter().find(|r| r.code == code).map(rejection)
}

/// Whether the table knows `code`.
pub fn is_known(code: &str) -> bool {
    REASONS.iter().any(|r| r.code == code)
}

/// Every reason code, in table order.
pub fn codes() -> impl Iterator<Item = &'static str> {
    REASONS.iter().map(|r| r.code)
}

/// The reason of an automatic rejection: a fixed function of the application id (the second
/// byte of its SHA-256), so demos and tests can predict it.
pub fn automatic(application_id: &str) -> Rejection {
    let h = Sha256::digest(application_id.as_bytes());
    rejection(&REASONS[usize::from(h[1]) % REASONS.len()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_is_worded_in_three_languages() {
        for code in codes() {
            let r = reason(code).unwrap();
            for t in [&r.reason, &r.next_step] {
                assert!(!t.az.is_empty() && !t.ru.is_empty() && !t.en.is_empty());
            }
        }
        assert!(reason("unknown").is_none());
        assert_eq!(automatic("K-1"), automatic("K-1"));
        let spread: std::collections::BTreeSet<String> =
            (0..40).map(|i| automatic(&format!("K-{i}")).code).collect();
        assert!(spread.len() > 1);
    }
}
