//! Every word the widget shows the visitor, looked up by key (issue 25): its message catalogue.
//! English (en-GB) is built in and is the default, word for word as the product's documents
//! have it; another language's catalogue is data, `src/core/catalogues/LANG.json` (key to text),
//! which the widget is given as it is rather than carrying every language in its first load.
//!
//! A small catalogue of the widget's own, not Fluent or MessageFormat: measured (issue 25), the
//! `fluent-bundle` reader costs the wasm far more than these few dozen messages need. What the
//! formats give that matters here is kept: named placeholders (`{clinic}`) a translator can
//! move within the sentence, and plural forms chosen by CLDR's rules (`plural`).

macro_rules! catalogue {
    ($($key:ident $name:literal $english:literal,)*) => {
        /// One message of the catalogue.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Msg { $($key,)* }

        /// The keys as catalogue files spell them, in `Msg`'s order.
        pub const KEYS: &[&str] = &[$($name,)*];

        /// English, in `Msg`'s order. A plural message holds its forms in the order of
        /// `categories("en")`, joined by `|`.
        const EN_TEXTS: &[&str] = &[$($english,)*];

        /// Every message, in order.
        #[cfg(all(languages, any(test, not(target_arch = "wasm32"))))]
        pub const ALL: &[Msg] = &[$(Msg::$key,)*];
    };
}

catalogue! {
    // A step. The language choice (`data-langs`): its label, and each language's own name
    // for itself, which its option shows.
    Language "language" "Language",
    LanguageName "language_name" "English",
    StepOf "step_of" "Step {current} of {total}",
    Optional "optional" "{label} (optional)",
    Continue "continue" "Continue",
    Back "back" "Back",
    TrapLabel "trap_label" "Company (leave empty)",
    // Problems: the error summary and each field. The first three are the documents' own.
    ProblemTitle "problem_title" "There is a problem",
    ErrorPrefix "error_prefix" "Error:",
    Required "required" "Required field missing",
    EmailInvalid "email_invalid" "Email address invalid",
    WebsiteInvalid "website_invalid" "Website address invalid",
    PhoneInvalid "phone_invalid" "Phone number invalid",
    TooLong "too_long" "Must be {max} character or fewer|Must be {max} characters or fewer",
    DidYouMean "did_you_mean" "Did you mean {suggestion}?",
    UseSuggestion "use_suggestion" "Use {suggestion}",
    // The signature.
    DrawingName "drawing_name" "Signature drawing (optional)",
    ClearDrawing "clear_drawing" "Clear drawing",
    SignedBy "signed_by" "Signed by {name}",
    // Photos (issue 24): the two ways in, each photo's parts, what the visitor is told about
    // keeping and sending them, and why a file was not taken.
    PhotosChoose "photos_choose" "Choose photos",
    PhotosTake "photos_take" "Take a photo",
    PhotoName "photo_name" "Photo {n}",
    PhotoDescription "photo_description" "Which area is this?",
    PhotoRemove "photo_remove" "Remove",
    PhotosCount "photos_count" "{count} photo, for this consultation request only|{count} photos, for this consultation request only",
    PhotosNotKept "photos_not_kept" "Photos stay on this page only: if you leave or reload it, add them again.",
    PhotosNotSent "photos_not_sent" "Photos cannot be sent from this form. Please bring them to your consultation.",
    PhotoNotImage "photo_not_image" "{file} is not a photo: choose a JPEG, PNG or HEIC image",
    PhotoTooLarge "photo_too_large" "{file} is too large: choose a photo under 40 MB and 50 megapixels",
    PhotoUnreadable "photo_unreadable" "{file} could not be opened in this browser: choose a JPEG or PNG photo",
    PhotosTooMany "photos_too_many" "You can add {max} photo at most|You can add {max} photos at most",
    // Check your answers.
    CheckAnswers "check_answers" "Check your answers",
    Change "change" "Change",
    NotProvided "not_provided" "Not provided",
    Agreed "agreed" "Agreed",
    NotAgreed "not_agreed" "Not agreed",
    CheckThenSubmit "check_then_submit" "Check that these answers are right, then submit them to {clinic}.",
    Submit "submit" "Submit",
    Retry "retry" "Retry",
    Sending "sending" "Sending…",
    SendingTo "sending_to" "Sending your answers to {clinic}…",
    NotSentTitle "not_sent_title" "Your answers have not been sent",
    // Why the answers have not reached the clinic: each says they are kept, because they are.
    Kept "kept" "Your answers are saved on this device.",
    FailureNetwork "failure_network" "We could not reach {clinic}. Check your internet connection, then select Retry. {kept} We will also try again when you are back online.",
    FailureUnreachable "failure_unreachable" "We could not get an answer from {clinic}. Select Retry in a moment. If it still does not work, please contact {clinic} directly. {kept}",
    FailureTimeout "failure_timeout" "{clinic} took too long to answer. Select Retry to send your answers again. {kept}",
    FailureRateLimited "failure_rate_limited" "{clinic} is receiving a lot just now. Please try again shortly: select Retry in a minute. {kept}",
    FailureServer "failure_server" "Something went wrong at {clinic}'s end. Select Retry to send your answers again. {kept}",
    FailureRefused "failure_refused" "{clinic} could not accept your answers. Copy or download them below and contact {clinic} directly. {kept}",
    FailureNotSent "failure_not_sent" "Your answers have not been sent to {clinic} yet. Select Retry to send them. {kept}",
    FailureBusy "failure_busy" "{clinic} is still receiving your answers. Select Retry in a moment to make sure they arrived: they will not be sent twice. {kept}",
    FailureTooLarge "failure_too_large" "Your answers are too long to send from this page. Copy or download them below and send them to {clinic} yourself. {kept}",
    // The final screen.
    ReadyToSend "ready_to_send" "Your answers are ready to send",
    Sent "sent" "Your answers have been sent",
    // Then the reference, in bold.
    YourReference "your_reference" "Your reference is",
    WhatNext "what_next" "What happens next",
    NextNotSent "next_not_sent" "Send this summary to {clinic}, or bring it to your consultation. A practitioner will read your answers before your appointment.",
    NextSent "next_sent" "A practitioner at {clinic} will read your answers before contacting you to arrange your consultation. If anything changes before then, contact {clinic} and quote your reference.",
    EmailClinic "email_clinic" "Email this to the clinic",
    CopySummary "copy_summary" "Copy summary",
    DownloadText "download_text" "Download as text (.txt)",
    DownloadJson "download_json" "Download as data (.json)",
    SaveCopy "save_copy" "Save a copy of what you agreed (.html)",
    Copied "copied" "Summary copied",
    CopyFailed "copy_failed" "Could not copy: select the summary and copy it yourself",
    YourSummary "your_summary" "Your summary",
    StartAgain "start_again" "Start again",
    // "Save a copy of what you agreed": the visitor's own page (`core::copy`).
    CopyTitle "copy_title" "What you agreed",
    CopyAbout "copy_about" "{title}, version {version}",
    CopyReference "copy_reference" "Reference {reference}, completed {time}",
    CopyConsent "copy_consent" "Consent",
    CopyTextVersion "copy_text_version" "(text version {version})",
    CopySignature "copy_signature" "Signature",
    CopySignedAt "copy_signed_at" "Signed by {name} at {time}",
    CopyDrawn "copy_drawn" "Drawn signature",
    CopyDigest "copy_digest" "SHA-256 of the consent texts: {digest}",
    CopyAnswers "copy_answers" "Your answers",
    // When there is no form to show. The first four are the embed script's, before the wasm
    // (the build writes them into it: src/bin/prerender.rs).
    Loading "loading" "Loading the consultation form…",
    Readying "readying" "Getting the form ready…",
    LoadFailed "load_failed" "The consultation form could not load. Please refresh the page, or contact {clinic} directly.",
    LoadFailedEmail "load_failed_email" "The consultation form could not load. Please refresh the page, or contact {clinic} at {email}.",
    FormName "form_name" "Consultation form",
    TheClinic "the_clinic" "the clinic",
    SetupTitle "setup_title" "This form is not set up correctly",
    SetupFix "setup_fix" "A setting on this page needs fixing: {problem}.",
    SetupVisitor "setup_visitor" "If you are a visitor, please contact the clinic directly.",
    CrashedTitle "crashed_title" "Sorry, the form stopped working",
    CrashedSaved "crashed_saved" "Your answers so far are saved in this browser.",
    CrashedReload "crashed_reload" "Reload the page to carry on where you left off.",
    CrashedContactEmail "crashed_contact_email" "If it happens again, please contact {clinic} at {email}.",
    CrashedContact "crashed_contact" "If it happens again, please contact {clinic} directly.",
}

/// The messages whose forms depend on a number, and the placeholder holding it.
pub const PLURALS: &[(Msg, &str)] = &[
    (Msg::TooLong, "max"),
    (Msg::PhotosCount, "count"),
    (Msg::PhotosTooMany, "max"),
];

/// The widget's words in one language: English unless given another language's texts. Plain
/// static text, so that every word drawn is a `&'static str`, as a literal was: a language's
/// texts are kept for the page's life once given (`new`), as the built-in English is. Without
/// `cfg(languages)` (the English-only wasm) it holds nothing, and each word is a constant.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Catalogue {
    /// A language tag (`es`); `en` for the built-in English.
    #[cfg(languages)]
    lang: &'static str,
    /// Its texts, in `Msg`'s order.
    #[cfg(languages)]
    texts: &'static [&'static str],
}

impl Default for Catalogue {
    fn default() -> Catalogue {
        Catalogue::ENGLISH
    }
}

impl Catalogue {
    /// The built-in English (en-GB).
    pub const ENGLISH: Catalogue = Catalogue {
        #[cfg(languages)]
        lang: "en",
        #[cfg(languages)]
        texts: EN_TEXTS,
    };

    /// The language's texts, in `Msg`'s order (plural forms joined by `|` in the order of
    /// `categories(lang)`), as `from_json` makes them. Kept for good (leaked): a page is given
    /// a language once, and its widgets speak it as long as the page is open.
    #[cfg(languages)]
    pub fn new(lang: &str, texts: Vec<String>) -> Result<Catalogue, String> {
        if texts.len() != KEYS.len() {
            return Err(format!(
                "{} messages where the catalogue has {}",
                texts.len(),
                KEYS.len()
            ));
        }
        let kept: Vec<&'static str> = texts
            .into_iter()
            .map(|text| &*Box::leak(text.into_boxed_str()))
            .collect();
        Ok(Catalogue {
            lang: Box::leak(lang.into()),
            texts: Box::leak(kept.into_boxed_slice()),
        })
    }

    /// The language tag: `en` for the built-in English.
    pub fn lang(&self) -> &'static str {
        #[cfg(languages)]
        return self.lang;
        #[cfg(not(languages))]
        "en"
    }

    /// The direction the language is written in, for `dir`: Arabic right to left.
    pub fn dir(&self) -> &'static str {
        #[cfg(languages)]
        if primary(self.lang) == "ar" {
            return "rtl";
        }
        "ltr"
    }

    /// Every message in `Msg`'s order, as `new` takes them: what the build hands the widget.
    #[cfg(all(languages, any(test, not(target_arch = "wasm32"))))]
    pub fn texts(&self) -> Vec<&str> {
        ALL.iter().map(|m| self.get(*m)).collect()
    }

    /// The message as written, placeholders and all.
    pub fn get(&self, msg: Msg) -> &'static str {
        #[cfg(languages)]
        return self.texts[msg as usize];
        #[cfg(not(languages))]
        EN_TEXTS[msg as usize]
    }

    /// The message with each `{name}` replaced by its value.
    pub fn fill(&self, msg: Msg, values: &[(&str, &str)]) -> String {
        fill(self.get(msg), values)
    }

    /// A plural message's form for `n` (CLDR's rule for the language), filled.
    pub fn count(&self, msg: Msg, n: u64, values: &[(&str, &str)]) -> String {
        let forms = self.get(msg);
        #[cfg(languages)]
        let index = categories(self.lang)
            .iter()
            .position(|c| *c == plural(self.lang, n))
            .unwrap_or(0);
        // English: one, other.
        #[cfg(not(languages))]
        let index = usize::from(n != 1);
        fill(forms.split('|').nth(index).unwrap_or(forms), values)
    }

    /// The text around a placeholder, for a message whose value is drawn apart (in bold, as
    /// a link): "Did you mean {suggestion}?" is ("Did you mean ", "?").
    pub fn around(&self, msg: Msg, name: &str) -> (&str, &str) {
        let text = self.get(msg);
        let mut from = 0;
        while let Some(open) = text[from..].find('{').map(|at| from + at) {
            let after = &text[open + 1..];
            if let Some(rest) = after.strip_prefix(name).and_then(|r| r.strip_prefix('}')) {
                return (&text[..open], rest);
            }
            from = open + 1;
        }
        (text, "")
    }
}

/// `text` with each `{name}` replaced by its value. Scanned for `{` by hand: `str::replace`
/// with a string pattern brings the two-way string searcher into the wasm, for every visitor.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let (_, value) = values.iter().find(|(name, _)| *name == &after[..close])?;
            Some((value, close))
        });
        match value {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// CLDR's plural categories for a language, in the order its catalogue gives the forms
/// (CLDR 46, `plurals.xml`, cardinal rules). Only the built-in languages; any other language
/// counts as English does.
#[cfg(languages)]
pub fn categories(lang: &str) -> &'static [&'static str] {
    match primary(lang) {
        "es" | "fr" => &["one", "many", "other"],
        "ar" => &["zero", "one", "two", "few", "many", "other"],
        _ => &["one", "other"],
    }
}

/// The CLDR cardinal plural category of the whole number `n` in `lang` (CLDR 46,
/// `plurals.xml`; for whole numbers the rules' `v = 0` and `e = 0`).
#[cfg(languages)]
pub fn plural(lang: &str, n: u64) -> &'static str {
    let million = n != 0 && n % 1_000_000 == 0;
    match primary(lang) {
        // es: one: n = 1; many: e = 0 and i != 0 and i % 1000000 = 0 and v = 0.
        "es" if n == 1 => "one",
        // fr: one: i = 0,1; many: as Spanish.
        "fr" if n <= 1 => "one",
        "es" | "fr" if million => "many",
        "es" | "fr" => "other",
        // ar: zero: n = 0; one: n = 1; two: n = 2; few: n % 100 = 3..10; many: n % 100 = 11..99.
        "ar" => match (n, n % 100) {
            (0, _) => "zero",
            (1, _) => "one",
            (2, _) => "two",
            (_, 3..=10) => "few",
            (_, 11..=99) => "many",
            _ => "other",
        },
        // en, de: one: i = 1 and v = 0.
        _ if n == 1 => "one",
        _ => "other",
    }
}

#[cfg(languages)]
fn primary(lang: &str) -> &str {
    lang.split(['-', '_']).next().unwrap_or(lang)
}

/// Reads a catalogue file (`src/core/catalogues/LANG.json`): an object from every key to its
/// text, or, for a plural message, to an object from each of the language's CLDR categories to
/// its form. Every key, every category and every placeholder English has, and nothing else.
#[cfg(all(languages, any(test, not(target_arch = "wasm32"))))]
pub fn from_json(lang: &str, json: &str) -> Result<Catalogue, String> {
    use serde_json::Value;
    let file: serde_json::Map<String, Value> =
        serde_json::from_str(json).map_err(|e| format!("{lang}: {e}"))?;
    if let Some(extra) = file.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(format!(
            "{lang}: \"{extra}\" is not a message of the catalogue"
        ));
    }
    let english = Catalogue::default();
    let mut texts = Vec::with_capacity(KEYS.len());
    for (i, key) in KEYS.iter().enumerate() {
        let at = |problem: &str| format!("{lang}: \"{key}\": {problem}");
        let value = file.get(*key).ok_or_else(|| at("missing"))?;
        let plural = PLURALS.iter().find(|(m, _)| *m as usize == i);
        let text = match (plural, value) {
            (None, Value::String(text)) => text.clone(),
            (Some(_), Value::Object(forms)) => {
                let cats = categories(lang);
                if let Some(extra) = forms.keys().find(|c| !cats.contains(&c.as_str())) {
                    return Err(at(&format!(
                        "\"{extra}\" is not a plural category of {lang}"
                    )));
                }
                let mut joined = Vec::new();
                for cat in cats {
                    match forms.get(*cat) {
                        Some(Value::String(form)) => joined.push(form.clone()),
                        _ => return Err(at(&format!("no \"{cat}\" form"))),
                    }
                }
                joined.join("|")
            }
            (None, _) => return Err(at("must be text")),
            (Some(_), _) => return Err(at("must hold a form for each plural category")),
        };
        if text.trim().is_empty() {
            return Err(at("empty"));
        }
        // The same placeholders as English; a plural form may leave its number out (Arabic
        // says "one character" and "two characters" in words).
        let wanted = placeholders(english.get(ALL[i]));
        for form in text.split('|') {
            let has = placeholders(form);
            let fits = match plural {
                None => has == wanted,
                Some(_) => has.iter().all(|name| wanted.contains(name)),
            };
            if !fits {
                return Err(at(&format!("uses {has:?}, where English uses {wanted:?}")));
            }
        }
        texts.push(text);
    }
    Catalogue::new(lang, texts)
}

/// The `{name}`s a text uses, sorted.
#[cfg(all(languages, any(test, not(target_arch = "wasm32"))))]
fn placeholders(text: &str) -> Vec<&str> {
    let mut names: Vec<&str> = text
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The built-in catalogues other than English, by language tag: what a test checks, and what
/// the build publishes beside the widget (`src/core/catalogues/LANG.json`).
#[cfg(all(languages, any(test, not(target_arch = "wasm32"))))]
pub fn builtin_json(lang: &str) -> Option<&'static str> {
    match lang {
        "es" => Some(include_str!("catalogues/es.json")),
        "fr" => Some(include_str!("catalogues/fr.json")),
        "de" => Some(include_str!("catalogues/de.json")),
        "ar" => Some(include_str!("catalogues/ar.json")),
        _ => None,
    }
}

#[cfg(all(test, languages))]
mod tests {
    use super::*;
    use crate::core::questionnaire::Questionnaire;

    const EN: Catalogue = Catalogue::ENGLISH;

    /// A change made to a catalogue file's object.
    type Change = dyn Fn(&mut serde_json::Map<String, serde_json::Value>);

    #[test]
    fn every_language_of_the_built_in_questionnaire_has_a_complete_catalogue() {
        // Issue 25: a catalogue without a key English has, with a key English lacks, a plural
        // category missing or a placeholder lost fails here, naming it.
        let q = Questionnaire::builtin();
        for lang in q.languages.iter().skip(1) {
            let json = builtin_json(lang).unwrap_or_else(|| panic!("no catalogue for {lang}"));
            let words = from_json(lang, json).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(words.lang(), lang);
            for (i, key) in KEYS.iter().enumerate() {
                let text = words.get(ALL[i]);
                assert!(
                    !text
                        .chars()
                        .any(|c| matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')),
                    "{lang} {key}: no bidi controls; the widget sets dir"
                );
            }
        }
        assert_eq!(KEYS.len(), ALL.len());
        assert_eq!(EN_TEXTS.len(), ALL.len());
    }

    #[test]
    fn a_catalogue_lacking_anything_english_has_is_refused_naming_it() {
        let es: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(builtin_json("es").unwrap()).unwrap();
        let with = |change: &Change| {
            let mut file = es.clone();
            change(&mut file);
            from_json("es", &serde_json::to_string(&file).unwrap()).map(|_| ())
        };
        let cases: [(&str, &Change); 7] = [
            ("es: \"continue\": missing", &|f| {
                f.remove("continue");
            }),
            ("es: \"shout\" is not a message of the catalogue", &|f| {
                f.insert("shout".into(), "¡Hola!".into());
            }),
            (
                "es: \"sending_to\": uses [], where English uses [\"clinic\"]",
                &|f| {
                    f.insert("sending_to".into(), "Enviando…".into());
                },
            ),
            (
                "es: \"back\": uses [\"clinic\"], where English uses []",
                &|f| {
                    f.insert("back".into(), "Volver a {clinic}".into());
                },
            ),
            ("es: \"too_long\": no \"many\" form", &|f| {
                f.insert(
                    "too_long".into(),
                    serde_json::json!({"one": "a", "other": "b"}),
                );
            }),
            (
                "es: \"too_long\": \"two\" is not a plural category of es",
                &|f| {
                    f.insert(
                        "too_long".into(),
                        serde_json::json!({"one": "a", "two": "b", "many": "c", "other": "d"}),
                    );
                },
            ),
            ("es: \"submit\": empty", &|f| {
                f.insert("submit".into(), " ".into());
            }),
        ];
        for (expected, change) in cases {
            assert_eq!(with(change), Err(expected.to_owned()));
        }
        assert_eq!(with(&|_| {}), Ok(()));
    }

    #[test]
    fn cldr_plural_categories() {
        // CLDR 46, common/supplemental/plurals.xml, cardinal rules and their @integer samples.
        let table: &[(&str, &[u64], &str)] = &[
            ("en", &[1], "one"),
            ("en", &[0, 2, 16, 100, 1000, 1_000_000], "other"),
            ("de", &[1], "one"),
            ("de", &[0, 2, 16, 100], "other"),
            ("es", &[1], "one"),
            ("es", &[1_000_000, 2_000_000], "many"),
            ("es", &[0, 2, 16, 100, 1000, 10_000, 1_000_001], "other"),
            ("fr", &[0, 1], "one"),
            ("fr", &[1_000_000], "many"),
            ("fr", &[2, 16, 100, 1000], "other"),
            ("ar", &[0], "zero"),
            ("ar", &[1], "one"),
            ("ar", &[2], "two"),
            ("ar", &[3, 10, 103, 110, 1003], "few"),
            ("ar", &[11, 26, 99, 111, 1011], "many"),
            ("ar", &[100, 102, 200, 202, 1000], "other"),
            ("es-MX", &[1_000_000], "many"),
            ("en-GB", &[1], "one"),
        ];
        for (lang, numbers, category) in table {
            for n in *numbers {
                assert_eq!(plural(lang, *n), *category, "{lang} {n}");
                assert!(categories(lang).contains(category));
            }
        }
    }

    #[test]
    fn placeholders_filled_and_plural_forms_chosen() {
        assert_eq!(
            EN.fill(Msg::StepOf, &[("current", "2"), ("total", "5")]),
            "Step 2 of 5"
        );
        assert_eq!(
            EN.around(Msg::DidYouMean, "suggestion"),
            ("Did you mean ", "?")
        );
        assert_eq!((EN.lang(), EN.dir()), ("en", "ltr"));
        // A name not given, or no name at all, stays as written.
        assert_eq!(fill("{a}, {b} {} {a", &[("a", "x{b}")]), "x{b}, {b} {} {a");
        let ar = from_json("ar", builtin_json("ar").unwrap()).unwrap();
        assert_eq!(ar.dir(), "rtl");
        let forms: Vec<String> = [0, 1, 2, 3, 11, 100]
            .iter()
            .map(|n| ar.count(Msg::TooLong, *n, &[("max", &n.to_string())]))
            .collect();
        let distinct: std::collections::BTreeSet<&String> = forms.iter().collect();
        assert_eq!(distinct.len(), 6, "six Arabic forms: {forms:?}");
        let fr = from_json("fr", builtin_json("fr").unwrap()).unwrap();
        assert_eq!(
            fr.count(Msg::TooLong, 0, &[("max", "0")]),
            fr.count(Msg::TooLong, 1, &[("max", "0")]),
            "French counts 0 as one"
        );
    }
}
