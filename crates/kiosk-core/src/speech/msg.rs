//! Every fixed text the kiosk speaks or names a focused element by, as a typed key with its
//! English msgid. Each msgid is an `@tr()` text of a `.slint` file (so it is shown on the
//! screen) with az/ru/en entries in `ui/translations` (checked by the tests).

macro_rules! messages {
    ($($(#[$doc:meta])* $name:ident = $id:literal,)*) => {
        /// A fixed text of the screens (its msgid is the English `@tr()` source text).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Msg {
            $($(#[$doc])* $name,)*
        }

        impl Msg {
            /// Every message.
            pub const ALL: &[Msg] = &[$(Msg::$name,)*];

            /// The English source text: the msgid in the `.po` catalogues.
            pub fn msgid(self) -> &'static str {
                match self {
                    $(Msg::$name => $id,)*
                }
            }
        }
    };
}

messages! {
    // Buttons and switches (their accessible labels).
    InsertDemoCard = "Insert demo card",
    NewApplication = "New application",
    MyApplications = "My applications",
    FinishAndTakeCard = "Finish and take my card",
    Back = "‹ Back",
    Finish = "Finish",
    StartApplication = "Start application",
    Next = "Next ›",
    Edit = "‹ Edit",
    SubmitApplication = "Submit application",
    BackToStart = "Back to start",
    Skip = "Skip",
    YesContinue = "Yes, continue",
    LargeText = "Large text",
    HighContrast = "High contrast",
    Shift = "Shift",
    Backspace = "Backspace",
    Space = "Space",
    Yes = "Yes",
    No = "No",
    RatingOf5 = "Rating {0} of 5",
    VeryBad = "Very bad",
    Bad = "Bad",
    Okay = "Okay",
    Good = "Good",
    Excellent = "Excellent",
    // Attract, card, welcome.
    WelcomeToDost = "Welcome to DOST",
    AttractSubtitle = "Labour, employment, pensions and social assistance in one place",
    InsertYourCard = "Insert your ID card",
    InsertCardHow = "Put your ID card into the reader below the screen, photo side up. Your data is used only for your applications.",
    ChooseLanguage = "Choose your language",
    PrinterNotWorking = "The receipt printer is not working right now. You can still apply: your application number will be shown on the screen.",
    ReadingCard = "Reading your card…",
    DoNotTakeCard = "Please do not take the card out.",
    CardUnreadable = "We could not read your card",
    CardExpired = "Your ID card has expired",
    CardNotAccepted = "This document cannot be used here",
    CardNotVerified = "We could not verify your document",
    CardUnreadableHow = "Take the card out and insert it again, photo side up. Make sure it is clean and not bent.",
    CardExpiredHow = "The kiosk accepts only valid documents. Please take your card and ask a DOST employee for help.",
    CardNotAcceptedHow = "Please take this document out and insert your Azerbaijani ID card or passport.",
    CardNotVerifiedHow = "The centre could not confirm your document. Please take your card and ask a DOST employee at the information desk.",
    Hello = "Hello,",
    FinIs = "FİN: {0}",
    WhatToDo = "What would you like to do?",
    NewApplicationHint = "Apply for a service: employment, pensions, social assistance and more",
    MyApplicationsHint = "See the status of the applications you have made",
    // Catalog, service information, form, review.
    ChooseService = "Choose a service",
    ChooseServiceHow = "Touch a service to start your application.",
    WhatYouNeed = "What you need",
    HowLong = "How long it takes",
    FormTakes = "The form takes a few minutes. You can check every answer before you submit.",
    StepOf = "Step {0} of {1}",
    Required = "required",
    OnScreenKeyboard = "On-screen keyboard",
    ErrRequired = "Please fill in this field.",
    ErrPhone = "Enter a mobile number: operator code and 7 digits, e.g. 50 123 45 67.",
    ErrTooLong = "This answer is too long.",
    ErrTooShort = "This answer is too short.",
    ErrNotANumber = "Enter digits only.",
    ErrOutOfRange = "This number is outside the allowed range.",
    ErrDate = "Enter the date as DD.MM.YYYY.",
    ErrIbanFormat = "An IBAN starts with AZ and has 28 characters.",
    ErrIbanChecksum = "This IBAN is not valid. Please check it.",
    ErrUrl = "Enter an address that starts with https:// (plain http:// only to this machine).",
    ErrId = "Capital letters A–Z, digits, - and _, up to 64 characters.",
    ErrCode = "2 to 8 characters: capital letters A–Z and digits.",
    ErrSamePort = "The card reader already uses this port.",
    CheckApplication = "Check your application",
    SubmitConfirms = "By submitting you confirm that the information is correct. You will get a receipt with your application number.",
    NotSaved = "Your application could not be saved, nothing was sent. Please try again; if it happens again, ask a DOST employee.",
    Saving = "Saving your application…",
    SavingWait = "This takes only a few seconds. Please wait.",
    // Done, applications, rating.
    Accepted = "Your application has been accepted",
    ApplicationNumber = "Application number",
    PrintingReceipt = "Printing your receipt…",
    ReceiptPrinted = "Your receipt has been printed. Please take it and keep it.",
    ReceiptNotAvailable = "A receipt cannot be printed right now. Please write down the number or scan the QR code.",
    WhatHappensNext = "What happens next",
    ReceiptWhere = "The receipt comes out of the printer slot on the front of the kiosk.",
    CentreOffline = "The centre cannot be reached right now. You see the last known status of each application.",
    CheckingStatus = "Checking the latest status…",
    NoApplications = "You have no applications yet.",
    NotYetSent = "Not yet sent to the centre",
    StatusAsOf = "Status as of {0}",
    StateSubmitted = "Submitted",
    StateReceived = "Received",
    StateInReview = "In review",
    StateApproved = "Approved",
    StateRejected = "Rejected",
    Application = "Application",
    History = "History",
    HowWasVisit = "How was your visit?",
    TouchAFace = "Touch a face. Your answer is anonymous and helps us improve DOST.",
    OutOfService = "This kiosk is temporarily out of service",
    CannotSave = "The kiosk cannot save applications at the moment.",
    ReaderBroken = "The card reader is not working at the moment.",
    UseAnotherKiosk = "Please use another kiosk or ask a DOST employee at the information desk. We apologise for the inconvenience.",
    StillThere = "Are you still there?",
    SessionEndsIn = "For your privacy the session ends in {0} s and your data is cleared from the screen.",
    // Keypad and audio guidance (shown in the keypad bar).
    AudioOn = "Audio guidance is on.",
    AudioOff = "Audio guidance is off.",
    KeysHelp = "Up and down move between items. Enter selects. Back goes back. Help explains the keys. Repeat says the screen again. The volume and speed keys change how speech sounds.",
    ScreenBlanked = "The screen is off for privacy. Press the screen key again to show it.",
    ScreenShown = "The screen is on.",
    VolumePercent = "Volume {0}%",
    SpeedPercent = "Speed {0}%",
    PositionOf = "{0} of {1}",
    HintButton = "Button. Press Enter to select it.",
    HintField = "Text box. Press Enter to open the keyboard, or type digits on the keypad.",
    HintOption = "Answer. Press Enter to choose it.",
    HintKey = "Keyboard key. Press Enter to type it. Left and right move along the row, up and down between rows. Back closes the keyboard.",
    HintSwitch = "Switch. Press Enter to turn it on or off.",
    HintIdle = "Press any key to continue.",
    Selected = "selected",
    NotSelected = "not selected",
    SwitchOn = "on",
    SwitchOff = "off",
    Empty = "empty",
    NotAvailable = "This key does nothing here.",
    PageHasMistakes = "Some answers on this page need to be corrected.",
    KeyboardClosed = "Keyboard closed.",
}
