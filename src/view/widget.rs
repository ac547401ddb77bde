//! The widget's top component: holds the flow, renders the current screen, and connects it to
//! the browser: focus where the core says, drafts saved as the visitor goes, the submission
//! sent when the core asks, and a retry when the browser comes back online.

use super::done::{done, DoneProps};
use super::error_summary::{error_summary, SummaryItem};
use super::field::{field, FieldProps};
use super::progress::progress;
use super::review::{review, ReviewProps};
use super::storage::{now_ms, DraftStore};
use super::{browser, transport, State};
use crate::core::config::Config;
use crate::core::draft::Draft;
use crate::core::flow::{Action, Delivery, Flow, Focus, Screen};
use crate::core::messages::message;
use crate::core::questionnaire::Questionnaire;
use crate::core::review;
use std::rc::Rc;
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::Element;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct WidgetProps {
    pub questionnaire: Rc<Questionnaire>,
    pub config: Rc<Config>,
    /// Tells this widget's draft apart from other widgets' on the same page.
    pub slot: AttrValue,
}

/// A draft is saved again when any of these change.
fn draft_shape(flow: &Flow) -> (crate::core::answers::Answers, i64, Option<String>) {
    let screen = match &flow.screen {
        Screen::Step(i) => *i as i64,
        Screen::Review => -1,
        Screen::Done { sent, .. } => -2 - i64::from(*sent),
    };
    (
        flow.answers.clone(),
        screen,
        flow.pending.as_ref().map(|p| p.id.clone()),
    )
}

#[function_component]
pub fn Widget(props: &WidgetProps) -> Html {
    let store = use_memo(
        (props.config.draft_storage, props.slot.clone()),
        |(mode, slot)| DraftStore::new(*mode, slot),
    );
    let state = use_reducer(|| {
        let mut flow = Flow::new(Rc::clone(&props.questionnaire), Rc::clone(&props.config));
        if let Some(json) = store.load() {
            let max_age = props.config.draft_max_age_ms;
            match Draft::read(&json, &flow.draft_key(), now_ms(), max_age) {
                Some(draft) => flow.restore(draft),
                // Expired, unreadable or another questionnaire's: gone for good.
                None => store.remove(),
            }
        }
        State(flow)
    });
    let root = use_node_ref();
    let flow = &state.0;

    {
        // Saved as the visitor goes, so a reload or a crash loses nothing; removed once
        // delivered or started again (the core's `draft` says which).
        let state = state.clone();
        let store = store.clone();
        use_effect_with(draft_shape(flow), move |_| match state.0.draft(now_ms()) {
            Some(draft) => store.save(&draft.to_json()),
            None => store.remove(),
        });
    }
    {
        // One request each time the core asks for a send.
        let state = state.clone();
        use_effect_with(flow.send_round, move |round| {
            let flow = &state.0;
            if *round > 0 && flow.delivery == Delivery::Sending {
                if let (Some(endpoint), Some(summary)) =
                    (flow.config.endpoint.clone(), flow.pending_summary())
                {
                    let dispatch = state.dispatcher();
                    wasm_bindgen_futures::spawn_local(async move {
                        let outcome =
                            transport::send(&endpoint, &summary.json(), &summary.submission_id)
                                .await;
                        dispatch.dispatch(Action::Delivery(outcome));
                    });
                }
            }
        });
    }
    {
        let dispatch = state.dispatcher();
        use_effect_with((), move |_| {
            let window = web_sys::window();
            let online = Closure::<dyn Fn()>::new(move || dispatch.dispatch(Action::BackOnline));
            if let Some(w) = &window {
                let _ =
                    w.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = window {
                    let _ = w.remove_event_listener_with_callback(
                        "online",
                        online.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    {
        // Focus moves only after an action asked for it: never on first load, where it would
        // pull the visitor away from the clinic's page.
        let root = root.clone();
        let focus = flow.focus.clone();
        use_effect_with(flow.focus_round, move |round| {
            let root = root.cast::<Element>().filter(|_| *round > 0);
            let target = root.and_then(|root| match &focus {
                Focus::Heading => browser::select(&root, ".cw-heading"),
                Focus::ErrorSummary => browser::select(&root, ".cw-error-summary"),
                Focus::Alert => browser::select(&root, ".cw-alert"),
                Focus::Field(id) => browser::by_id(&root, id),
            });
            if let Some(element) = target {
                browser::focus(&element);
            }
        });
    }

    let dispatch = state.dispatcher();
    let body = match &flow.screen {
        Screen::Step(index) => step(flow, *index, &dispatch),
        Screen::Review => {
            let groups = review::groups(&flow.questionnaire, &flow.answers);
            let clinic = flow.config.clinic_name.clone();
            review(&ReviewProps {
                groups,
                delivery: flow.delivery,
                clinic,
                dispatch: dispatch.clone(),
            })
        }
        Screen::Done { summary, sent } => done(&DoneProps {
            summary: (**summary).clone(),
            copied: flow.copied,
            sent: *sent,
            delivery: flow.delivery,
            config: Rc::clone(&flow.config),
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
    let items: Vec<SummaryItem> = flow
        .errors
        .iter()
        .filter_map(|e| {
            let question = q.question(&e.question)?;
            Some(SummaryItem {
                question: e.question.clone(),
                label: question.label.clone(),
                message: message(&e.problem),
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
                error: flow.error_for(&question.id).cloned(),
                dispatch: dispatch.clone(),
            })
        });
    html! {
        <form class="cw-form" novalidate=true {onsubmit}>
            {progress(index + 1, flow.step_count())}
            if !items.is_empty() {
                {error_summary(&items)}
            }
            <h2 class="cw-heading" tabindex="-1">{&step.title}</h2>
            if let Some(intro) = &step.intro {
                <p class="cw-body">{intro}</p>
            }
            {for fields}
            <div class="cw-actions">
                <button type="submit" class="cw-button">{"Continue"}</button>
                if index > 0 {
                    <button type="button" class="cw-button cw-button--secondary" onclick={back}>{"Back"}</button>
                }
            </div>
        </form>
    }
}
