//! The widget's top component: holds the flow, renders the current screen, and connects it to
//! the browser: focus where the core says, drafts saved as the visitor goes, the submission
//! sent when the core asks, and a retry when the browser comes back online.

use super::done::{done, DoneProps};
use super::error_summary::{error_summary, SummaryItem};
use super::field::{field, repaint, FieldProps};
use super::progress::progress;
use super::review::{review, ReviewProps};
use super::storage::{now_ms, DraftStore};
use super::takeover::Carried;
use super::{browser, host, transport, State};
use crate::core::catalogue::Msg;
use crate::core::config::Config;
use crate::core::dom_ids;
use crate::core::draft::Draft;
use crate::core::flow::{Action, Flow, Focus, Screen};
use crate::core::messages::message;
use crate::core::questionnaire::Questionnaire;
use crate::core::review;
use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use std::rc::Rc;
use web_sys::Element;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct WidgetProps {
    pub questionnaire: Rc<Questionnaire>,
    pub config: Rc<Config>,
    /// Tells this widget's draft apart from other widgets' on the same page.
    pub slot: AttrValue,
    /// The clinic's element, where the widget's events are dispatched.
    pub host: Element,
    /// What the visitor did on the first step the embed script drew before the wasm started.
    pub carried: Option<Rc<Carried>>,
    /// The digest of the questionnaire's consent words (`super::consent`), known before the
    /// widget mounts: no submission can be prepared without it.
    pub consent_digest: String,
}

#[function_component]
pub fn Widget(props: &WidgetProps) -> Html {
    // Made afresh each render: a string format is cheaper than a memo hook's code.
    let store = DraftStore::new(props.config.draft_storage, &props.slot);
    let state = use_reducer(|| first_state(props, &store));
    let root = use_node_ref();
    let flow = &state.flow;
    // Solved in the background while the visitor types; one per widget.
    let proof = (*use_memo((), |_| super::proof::Proof::default())).clone();

    {
        // After each action, once it is drawn: save the draft, move focus and send if the action
        // asked for it, and listen for the browser coming back online. One effect rather than
        // four: each costs download size.
        let state = state.clone();
        let root = root.clone();
        let store = store.clone();
        let host = props.host.clone();
        let carried = props.carried.clone();
        let proof = proof.clone();
        use_effect_with(state.revision, move |_| {
            let (flow, effects) = (&state.flow, &state.effects);
            // The host page hears the widget is ready once drawn, then what each action did:
            // on the first run of this effect, whatever the revision (`State::announced`).
            if !state.announced.replace(true) {
                host::emit(&host, &flow.ready());
                if let Some(endpoint) = &flow.config.endpoint {
                    proof.prepare(endpoint);
                }
                // Taking over the step drawn ahead of the wasm: the embed script put focus back
                // the moment the step was drawn; a Continue pressed meanwhile is carried out now.
                if carried.is_some_and(|c| c.continue_pressed) {
                    state.dispatcher().dispatch(Action::Continue);
                }
            }
            for event in &effects.events {
                host::emit(&host, event);
            }
            let expiry = keep_draft(&state, &store);
            // Focus moves only when an action asked for it: never on first load, where it
            // would pull the visitor away from the clinic's page.
            if let Some(focus) = &effects.focus {
                move_focus(&root, focus);
            }
            if let Some(root) = root.cast::<Element>() {
                repaint(&root, flow);
                // The language the visitor reads, which they may have chosen (`Action::Speak`):
                // the widget's root says it, and its direction.
                #[cfg(languages)]
                if let Some(parent) = root.parent_element() {
                    let _ = parent.set_attribute("lang", flow.questionnaire.language());
                    let _ = parent.set_attribute("dir", flow.config.words.dir());
                }
            }
            // One request each time the core asks for a send.
            if effects.send {
                if let (Some(endpoint), Some(summary)) = (
                    flow.config.endpoint.clone(),
                    flow.pending_summary().cloned(),
                ) {
                    let dispatch = state.dispatcher();
                    let proof = proof.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        let id = &summary.submission_id;
                        let altcha = proof.for_send(&endpoint, id).await;
                        let photos = sent_photos(&summary);
                        let body = summary.json();
                        let outcome =
                            transport::send(&endpoint, &body, &photos, id, altcha.as_deref()).await;
                        dispatch.dispatch(Action::Delivery(outcome));
                    });
                }
            }
            // A failed send is retried when the browser is back online. Listening from here,
            // and stopping in the clean-up (before the next action's run, or when the widget
            // goes), spares a second effect in the download and leaks nothing.
            let dispatch = state.dispatcher();
            let online = EventListener::new(&gloo_utils::window(), "online", move |_| {
                dispatch.dispatch(Action::BackOnline)
            });
            // Dropping the listener removes it; dropping the timer cancels it.
            move || drop((online, expiry))
        });
    }
    frame(flow, &state.dispatcher(), root)
}

/// The images of the photos a submission names, in its order (`field::images`). One no longer
/// in the page is left out, and the receiver then refuses the submission by its question.
fn sent_photos(summary: &crate::core::summary::Summary) -> Vec<(String, web_sys::Blob)> {
    super::field::images(summary.photos().map(|(_, photo)| photo))
}

/// The state the widget starts in: a restored draft's, or the answers given on the step the
/// embed script drew, or a fresh one.
fn first_state(props: &WidgetProps, store: &DraftStore) -> State {
    let mut flow = Flow::new(Rc::clone(&props.questionnaire), Rc::clone(&props.config));
    // Before a restored draft's pending submission is prepared again with it.
    flow.consent_digest.clone_from(&props.consent_digest);
    // The fill time counts from here, or from the start a restored draft remembers.
    flow.started_ms = now_ms();
    let mut first_saved = None;
    if let Some(json) = store.load() {
        let max_age = props.config.draft_max_age_ms;
        match Draft::read(&json, &flow.questionnaire, now_ms(), max_age) {
            Some(draft) => {
                first_saved = Some(draft.first_saved);
                flow.restore(draft);
            }
            // Expired, unreadable or another questionnaire's: gone for good.
            None => store.remove(),
        }
    }
    // The embed script draws the first step only where no draft waits; a draft restored
    // all the same (another tab saved one meanwhile) wins over it.
    if let (Some(carried), None) = (&props.carried, first_saved) {
        for action in carried.actions.iter().cloned() {
            flow.apply(action);
        }
        flow.started_ms = carried.shown_ms.unwrap_or(flow.started_ms);
    }
    State::new(flow, first_saved)
}

/// Saved as the visitor goes, so a reload or a crash loses nothing; removed on the final
/// screen, on Start again and on expiry (the core's `draft` says which). Its life counts from
/// its first save, and it is removed the moment that life ends, even if the page just stays
/// open: by the timer returned, which the next action's clean-up drops (cancels).
fn keep_draft(state: &State, store: &DraftStore) -> Option<Timeout> {
    let flow = &state.flow;
    let now = now_ms();
    match flow.draft(now, state.first_saved.get()) {
        Some(draft) => {
            state.first_saved.set(Some(draft.first_saved));
            store.save(&draft.to_json());
            let end = draft.expires(flow.config.draft_max_age_ms).unwrap_or(now);
            let store = store.clone();
            let left = u32::try_from(end.saturating_sub(now)).unwrap_or(u32::MAX);
            Some(Timeout::new(left, move || store.remove()))
        }
        None => {
            state.first_saved.set(None);
            store.remove();
            None
        }
    }
}

/// Moves focus where the core asked, within the widget's box.
fn move_focus(root: &NodeRef, focus: &Focus) {
    let target = root.cast::<Element>().and_then(|root| match focus {
        Focus::Heading => browser::select(&root, ".cw-heading"),
        Focus::ErrorSummary => browser::select(&root, ".cw-error-summary"),
        Focus::Alert => browser::select(&root, ".cw-alert"),
        Focus::Field(id) => browser::by_id(&root, &dom_ids::field(id)),
    });
    if let Some(element) = target {
        browser::focus(&element);
    }
}

/// The widget's box with the screen the flow is on. What `Widget` draws each time, and what the
/// build draws ahead of the wasm (`super::prerender`, yew's server-side rendering): one
/// function, so the two cannot differ.
pub fn frame(flow: &Flow, dispatch: &UseReducerDispatcher<State>, root: NodeRef) -> Html {
    let body = match &flow.screen {
        Screen::Step(index) => step(flow, *index, dispatch),
        Screen::Review => {
            let groups = review::groups(&flow.questionnaire, &flow.answers, &flow.config.words);
            let clinic = flow.config.clinic_name.clone();
            review(&ReviewProps {
                groups,
                delivery: flow.delivery,
                clinic,
                words: &flow.config.words,
                dispatch: dispatch.clone(),
            })
        }
        Screen::Done { summary, sent } => done(&DoneProps {
            summary,
            questionnaire: &flow.questionnaire,
            copied: flow.copied,
            sent: *sent,
            delivery: flow.delivery,
            config: &flow.config,
            dispatch: dispatch.clone(),
        }),
    };
    html! {
        <section class="cw" ref={root} aria-label={flow.questionnaire.title.clone()}>
            {body}
        </section>
    }
}

fn step(flow: &Flow, index: usize, dispatch: &UseReducerDispatcher<State>) -> Html {
    let q = &flow.questionnaire;
    let step = &q.steps[index];
    let onsubmit = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            dispatch.dispatch(Action::Continue);
        })
    };
    let back = {
        let dispatch = dispatch.clone();
        Callback::from(move |_| dispatch.dispatch(Action::Back))
    };
    let hidden_field = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            let filled = e
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .is_some_and(|i| !i.value().is_empty());
            dispatch.dispatch(Action::HiddenField { filled });
        })
    };
    let words = &flow.config.words;
    let errors = flow.errors();
    let items: Vec<SummaryItem> = errors
        .iter()
        .filter_map(|e| {
            let question = q.question(&e.question)?;
            Some(SummaryItem {
                question: e.question.clone(),
                label: question.label.clone(),
                message: message(&e.problem, words),
            })
        })
        .collect();
    let fields = step
        .questions
        .iter()
        .filter(|question| flow.answers.is_visible(q, question))
        .map(|question| {
            field(&FieldProps {
                question: Rc::clone(question),
                value: flow.answers.get(&question.id).cloned(),
                error: errors
                    .iter()
                    .find(|e| e.question == question.id)
                    .map(|e| e.problem.clone()),
                suggestion: flow.suggestion(&question.id),
                takes_photos: flow.config.takes_photos(),
                words,
                dispatch: dispatch.clone(),
            })
        });
    #[cfg(languages)]
    let choice =
        (index == 0 && flow.config.languages.len() > 1).then(|| language_choice(flow, dispatch));
    #[cfg(not(languages))]
    let choice: Option<Html> = None;
    html! {
        <form class="cw-form" novalidate=true {onsubmit}>
            {progress(index + 1, flow.step_count(), words)}
            {choice}
            if !items.is_empty() {
                {error_summary(&items, words)}
            }
            <h2 class="cw-heading" tabindex="-1">{&step.title}</h2>
            if let Some(intro) = &step.intro {
                <p class="cw-body">{intro}</p>
            }
            {for fields}
            // Only bots fill this in (core::spam): it is off-screen, out of the tab order and
            // hidden from assistive technology. Its id has a colon, which no question id has.
            <div class="cw-trap" aria-hidden="true">
                <label for={dom_ids::TRAP}>{words.get(Msg::TrapLabel)}</label>
                <input id={dom_ids::TRAP} name="company" type="text" tabindex="-1"
                    autocomplete="off" oninput={hidden_field} />
            </div>
            <div class="cw-actions">
                <button type="submit" class="cw-button">{words.get(Msg::Continue)}</button>
                if index > 0 {
                    <button type="button" class="cw-button cw-button--secondary" onclick={back}>{words.get(Msg::Back)}</button>
                }
            </div>
        </form>
    }
}

/// The languages the widget offers (`data-langs`), on the first step: a native, labelled
/// select, each option its language's own name for itself. Choosing one keeps every answer.
#[cfg(languages)]
fn language_choice(flow: &Flow, dispatch: &UseReducerDispatcher<State>) -> Html {
    let current = flow.questionnaire.language();
    let languages = flow.config.languages.clone();
    let options = languages.iter().map(|language| {
        let tag = language.questionnaire.language();
        html! {
            <option selected={tag == current} lang={tag.to_owned()} value={tag.to_owned()}>
                {language.words.get(Msg::LanguageName)}
            </option>
        }
    });
    let options: Vec<Html> = options.collect();
    let onchange = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            // `value` read as a plain property, which a select has as an input does.
            let tag = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .value();
            if let Some(language) = languages.iter().find(|l| l.questionnaire.language() == tag) {
                dispatch.dispatch(Action::Speak(Rc::clone(language)));
            }
        })
    };
    html! {
        <div class="cw-field">
            <label class="cw-label" for={dom_ids::LANGUAGE}>{flow.config.words.get(Msg::Language)}</label>
            <select id={dom_ids::LANGUAGE} class="cw-input" {onchange}>{for options}</select>
        </div>
    }
}
