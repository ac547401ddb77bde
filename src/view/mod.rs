//! The yew view: renders the core's flow and turns the visitor's clicks and keystrokes into
//! core `Action`s. It decides nothing itself.

mod browser;
pub mod consent;
mod done;
mod error_summary;
mod field;
pub mod host;
mod notice;
#[cfg(not(target_arch = "wasm32"))]
pub mod prerender;
mod progress;
mod proof;
mod review;
mod storage;
mod takeover;
mod transport;
mod widget;

pub use widget::{Widget, WidgetProps};

use crate::core::catalogue::{Catalogue, Msg};
#[cfg(languages)]
use crate::core::config::Language;
use crate::core::config::{attr, Config, RawConfig};
use crate::core::draft;
use crate::core::flow::{Action, Effects, Flow};
use crate::core::host_event::HostEvent;
use crate::core::questionnaire::Questionnaire;
#[cfg(languages)]
use crate::core::translation;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::Reducible;

/// The flow as yew state: every change goes through the core's one `apply`. Beside it, kept
/// apart from the flow's state, what the last action asked of the view and a count of actions,
/// so the view's one after-action effect runs once per action.
#[derive(PartialEq)]
pub struct State {
    pub flow: Flow,
    pub effects: Effects,
    pub revision: u32,
    /// When the draft was first saved (`None`: no draft yet), shared by every state of this
    /// widget: the view's memory of storage, which `Flow::draft` counts the draft's life from.
    pub first_saved: Rc<Cell<Option<u64>>>,
    /// Whether the widget has told the page it is ready, shared by every state of this widget:
    /// the first effect may already see a later state (an answer typed while yew yielded
    /// between its first render and its effects), so `revision == 0` cannot say it.
    pub announced: Rc<Cell<bool>>,
}

impl State {
    /// The state a widget starts in: `flow`, before any action.
    pub fn new(flow: Flow, first_saved: Option<u64>) -> State {
        State {
            flow,
            effects: Effects::default(),
            revision: 0,
            first_saved: Rc::new(Cell::new(first_saved)),
            announced: Rc::default(),
        }
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut flow = self.flow.clone();
        let effects = flow.apply(action);
        Rc::new(State {
            flow,
            effects,
            revision: self.revision.wrapping_add(1),
            first_saved: Rc::clone(&self.first_saved),
            announced: Rc::clone(&self.announced),
        })
    }
}

/// The host element's settings, as written (the core names the attributes); the
/// questionnaire's address resolved against the page's, so a clinic can write a relative one.
/// With them, what the embed script's own element allows (`pin`).
pub fn read_config(element: &Element) -> RawConfig {
    let mut raw = RawConfig::read(|name| element.get_attribute(name));
    raw.questionnaire = raw.questionnaire.map(|url| {
        let base = element.base_uri().ok().flatten().unwrap_or_default();
        resolve(url, &base)
    });
    PINNED.with(|pinned| {
        if let Ok(pinned) = pinned.try_borrow() {
            raw.allowed_endpoints.clone_from(&pinned.allowed_endpoints);
            raw.allowed_clinic_emails
                .clone_from(&pinned.allowed_clinic_emails);
            raw.allowed_questionnaires
                .clone_from(&pinned.allowed_questionnaires);
            raw.page_origin.clone_from(&pinned.page_origin);
        }
    });
    raw
}

/// `url` resolved against `base` (as written when it is no address at all).
fn resolve(url: String, base: &str) -> String {
    match web_sys::Url::new_with_base(url.trim(), base) {
        Ok(resolved) => resolved.href(),
        Err(_) => url,
    }
}

thread_local! {
    /// The lists of the embed script's own element, as `mount_all` last got them: the only
    /// endpoints, clinic email addresses and questionnaires a widget may name; and the page's
    /// origin.
    static PINNED: RefCell<RawConfig> = RefCell::default();
}

/// Keeps the lists of the embed script's own element for every widget's settings (the loader
/// has resolved the questionnaires' addresses).
fn pin(endpoints: Option<String>, clinic_emails: Option<String>, questionnaires: Option<String>) {
    let location = gloo_utils::window().location();
    PINNED.with(|pinned| {
        if let Ok(mut pinned) = pinned.try_borrow_mut() {
            pinned.allowed_endpoints = endpoints;
            pinned.allowed_clinic_emails = clinic_emails;
            pinned.allowed_questionnaires = questionnaires;
            pinned.page_origin = location.origin().ok();
        }
    });
}

/// Calls `f` with each element of the page marked for a widget, and its place in document
/// order.
fn each_host(mut f: impl FnMut(u32, Element)) {
    let Ok(nodes) = gloo_utils::document().query_selector_all(&format!("[{}]", attr::MOUNT)) else {
        return;
    };
    for i in 0..nodes.length() {
        if let Some(host) = nodes.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
            f(i, host);
        }
    }
}

/// Mounts a widget into every marked element of the page, each with its own settings.
/// The three lists come from the embed script's own element (`data-endpoints`,
/// `data-clinic-emails`, `data-questionnaires`), where content posted into the page cannot
/// reach; the page's origin decides whether a loopback endpoint may be used. Called again, it
/// mounts only elements added since.
///
/// `languages`: the build's data for each language the embed script gave its widgets
/// (`language`).
pub fn mount_all(
    endpoints: Option<String>,
    clinic_emails: Option<String>,
    questionnaires: Option<String>,
    languages: Option<String>,
) {
    pin(endpoints, clinic_emails, questionnaires);
    #[cfg(not(languages))]
    let _ = languages;
    let search = gloo_utils::window().location().search().unwrap_or_default();
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok();
    let builtin = Rc::new(Questionnaire::builtin());
    each_host(|i, host| {
        let Some(root) = host::mount_point(&host) else {
            return;
        };
        // Already holding a widget: the embed script was added twice.
        if root.has_attribute("data-mounted") {
            return;
        }
        let _ = root.set_attribute("data-mounted", "");
        let mut config = match Config::from_raw(&read_config(&host)) {
            Ok(config) => config,
            Err(problem) => {
                cannot_start(
                    &host,
                    &root,
                    "settings",
                    &problem.to_string(),
                    &Catalogue::ENGLISH,
                );
                return;
            }
        };
        config.context(|name| params.as_ref()?.get(name));
        host::apply_theme(&root, &config.theme);
        // English, or the language the embed script chose (the root's `lang`), with the
        // built-in questionnaire in it (a questionnaire file is in its own words); and those
        // the visitor may switch between (`data-langs`, as the embed script resolved them).
        #[cfg(languages)]
        let (questionnaire, digest) = {
            let records = languages.as_deref().unwrap_or("");
            let speak = |tag: &str| language(&builtin, records, tag);
            config.languages = root
                .get_attribute(attr::LANGS)
                .unwrap_or_default()
                .split_whitespace()
                .filter_map(speak)
                .collect();
            // Among those offered (the embed script lists it first), read once.
            let chosen = root.get_attribute("lang").and_then(|tag| {
                let offered = config
                    .languages
                    .iter()
                    .find(|l| l.questionnaire.language() == tag);
                offered.cloned().or_else(|| speak(&tag))
            });
            match chosen {
                Some(chosen) => {
                    config.in_language(chosen.words);
                    (
                        Rc::clone(&chosen.questionnaire),
                        chosen.consent_digest.clone(),
                    )
                }
                None => (Rc::clone(&builtin), consent::BUILTIN.into()),
            }
        };
        // The English-only wasm (no `languages`): the loader gives it no language.
        #[cfg(not(languages))]
        let (questionnaire, digest) = (Rc::clone(&builtin), consent::BUILTIN.to_owned());
        let config = Rc::new(config);
        match config.questionnaire_url.clone() {
            None => {
                mount(host, questionnaire, config, i, digest);
            }
            // The loading message stays until the file arrives, passes every check and its
            // consent words are hashed.
            #[cfg(feature = "questionnaire-files")]
            Some(url) => wasm_bindgen_futures::spawn_local(async move {
                let loaded = transport::get(&url).await.and_then(|text| {
                    Questionnaire::from_json(&text).map_err(|e| format!("\"{url}\": {e}"))
                });
                #[cfg(languages)]
                let loaded = match loaded {
                    Ok(q) => translated(q, &url, config.words.lang()).await,
                    problem => problem,
                };
                match loaded {
                    Ok(q) => {
                        let digest = consent::hash(&q).await;
                        mount(host, Rc::new(q), config, i, digest);
                    }
                    Err(problem) => {
                        let problem = format!("{}: {problem}", attr::QUESTIONNAIRE);
                        cannot_start(&host, &root, "questionnaire", &problem, &config.words);
                    }
                }
            }),
            // The built-in-only wasm, which the loader picks when its script lists no
            // questionnaire files (so no widget may name one): it has no reader to load one.
            #[cfg(not(feature = "questionnaire-files"))]
            Some(_) => {
                let problem = format!(
                    "{}: this build of the widget reads no questionnaire files",
                    attr::QUESTIONNAIRE
                );
                cannot_start(&host, &root, "questionnaire", &problem, &config.words);
            }
        }
    });
}

/// A questionnaire file in the visitor's language `lang`, where it lists that language (as
/// written, or by its first part): its translation beside it (`hair.json`'s Spanish is
/// `hair.es.json`, as the clinic's receiver reads it), which must then be there and whole
/// (`core::translation`), or the widget says which file is wrong. Otherwise as written.
#[cfg(all(languages, feature = "questionnaire-files"))]
async fn translated(q: Questionnaire, url: &str, lang: &str) -> Result<Questionnaire, String> {
    let primary = |tag: &str| tag.split('-').next().unwrap_or(tag).to_ascii_lowercase();
    let others = &q.languages[1.min(q.languages.len())..];
    let Some(tag) = others
        .iter()
        .find(|t| t.eq_ignore_ascii_case(lang))
        .or_else(|| others.iter().find(|t| primary(t) == primary(lang)))
    else {
        return Ok(q);
    };
    // Beside it: the same address up to its query or fragment, `.json` becoming `.es.json`
    // (by hand: `web_sys::Url`'s setters would give this wasm a glue of its own).
    let (path, rest) = url.split_at(url.find(['?', '#']).unwrap_or(url.len()));
    let file = format!(
        "{}.{tag}.json{rest}",
        path.strip_suffix(".json").unwrap_or(path)
    );
    let text = transport::get(&file).await?;
    translation::Translation::from_json(&text)
        .and_then(|t| translation::translate(&q, &t))
        .map_err(|e| format!("\"{file}\": {e}"))
}

/// The widget in the language `tag`: the built-in questionnaire's own (English), or one the
/// embed script fetched the build's file for (src/bin/prerender.rs, `language`), checked by its
/// digest, with its catalogue, the questionnaire's texts in it and their consent digest.
/// `records` holds one record per language, split by U+001E, each the tag, the digest, the
/// catalogue's texts and the questionnaire's, split by U+001F (characters no text has: the
/// build checks): plain text, so the wasm needs no reader for it, and the English-only wasm's
/// glue stays the full one's. `None`: a language the page was not given.
#[cfg(languages)]
fn language(builtin: &Rc<Questionnaire>, records: &str, tag: &str) -> Option<Rc<Language>> {
    if tag == builtin.language() {
        return Some(Rc::new(Language {
            questionnaire: Rc::clone(builtin),
            words: Catalogue::ENGLISH,
            consent_digest: consent::BUILTIN.into(),
        }));
    }
    let record = records
        .split('\u{1e}')
        .find(|record| record.split('\u{1f}').next() == Some(tag))?;
    let mut fields = record.split('\u{1f}').skip(1).map(str::to_owned);
    let consent_digest = fields.next()?;
    let catalogue = fields
        .by_ref()
        .take(crate::core::catalogue::KEYS.len())
        .collect();
    let words = Catalogue::new(tag, catalogue).ok()?;
    let questionnaire = Rc::new(translation::with_texts(builtin, tag, fields.collect())?);
    Some(Rc::new(Language {
        questionnaire,
        words,
        consent_digest,
    }))
}

/// After a panic, in every widget: a calm message that the answers are kept and how to reach
/// the clinic, in place of a form that can no longer respond. Plain DOM calls only, and the
/// host's attributes read as written: nothing that could panic again. Called by the panic hook
/// where panics run one, and by the embed script when the wasm traps (the release build's
/// panics abort at once, running no hook: docs/size-notes.md, issue 22); once only, whichever
/// comes first.
pub fn crashed() {
    static DONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if DONE.swap(true, std::sync::atomic::Ordering::Relaxed) {
        return;
    }
    gloo_console::error!(
        "Consultation form: stopped by an internal error; the visitor's answers are kept in \
         this browser's draft."
    );
    each_host(|_, host| {
        let Some(root) = host::mount_point(&host) else {
            return;
        };
        let clinic = host.get_attribute(attr::CLINIC_NAME);
        let clinic = clinic.as_deref().map(str::trim).filter(|c| !c.is_empty());
        // Only an address the embed script lists: a planted widget names no stranger's.
        let email = Config::from_raw(&read_config(&host))
            .ok()
            .and_then(|c| c.clinic_email);
        // (English until the widget reads the visitor's language: issue 25.)
        let words = Catalogue::ENGLISH;
        let clinic = clinic.unwrap_or(words.get(Msg::TheClinic));
        notice::crashed(&root, clinic, email.as_deref(), &words);
        let event = HostEvent::Failed {
            reference: None,
            reason: "crash",
            message: None,
        };
        host::emit(&host, &event);
    });
}

/// Says why the widget cannot start: in its box and the console for the site owner, and as a
/// `failed` event for the page.
/// In the visitor's words where they are known (`words`): the settings' own problems come
/// before them, in English.
fn cannot_start(
    host: &Element,
    root: &Element,
    reason: &'static str,
    problem: &str,
    words: &Catalogue,
) {
    gloo_console::error!(format!("Consultation form: {problem}"));
    notice::problem(root, problem, words);
    let event = HostEvent::Failed {
        reference: None,
        reason,
        message: Some(problem.to_owned()),
    };
    host::emit(host, &event);
}

/// Mounts one widget into `host`'s shadow root, replacing what it held (the loading message).
/// Drafts are kept per widget: by the host element's id, or its place on the page.
/// `consent_digest`: the questionnaire's (`consent`).
pub fn mount(
    host: Element,
    questionnaire: Rc<Questionnaire>,
    config: Rc<Config>,
    place: u32,
    consent_digest: String,
) -> Option<yew::AppHandle<Widget>> {
    let root = host::mount_point(&host)?;
    let slot = draft::slot(&host.id(), &questionnaire.id, place);
    // What the visitor did on the step the embed script drew, read before it is replaced.
    let carried = takeover::read(&root, &questionnaire).map(Rc::new);
    root.set_inner_html("");
    let props = WidgetProps {
        questionnaire,
        config,
        slot: slot.into(),
        host,
        carried,
        consent_digest,
    };
    Some(yew::Renderer::<Widget>::with_root_and_props(root.into(), props).render())
}
