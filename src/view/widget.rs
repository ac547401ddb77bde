//! The widget's top component: holds the flow, renders the current screen, and moves focus
//! where the core says it belongs.

use super::done::Done;
use super::error_summary::{ErrorSummary, SummaryItem};
use super::field::Field;
use super::progress::Progress;
use super::review::Review;
use super::{browser, State};
use crate::core::flow::{Action, Flow, Focus, Screen};
use crate::core::messages::message;
use crate::core::questionnaire::Questionnaire;
use crate::core::review;
use std::rc::Rc;
use web_sys::Element;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct WidgetProps {
    pub questionnaire: Rc<Questionnaire>,
}

#[function_component]
pub fn Widget(props: &WidgetProps) -> Html {
    let state = use_reducer(|| State(Flow::new(Rc::clone(&props.questionnaire))));
    let root = use_node_ref();
    let flow = &state.0;

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
            html! { <Review {groups} dispatch={dispatch.clone()} /> }
        }
        Screen::Done(summary) => {
            html! { <Done summary={(**summary).clone()} dispatch={dispatch.clone()} /> }
        }
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
                message: message(e.problem),
            })
        })
        .collect();
    let fields = step
        .questions
        .iter()
        .filter(|question| flow.answers.is_visible(q, question))
        .map(|question| {
            html! {
                <Field key={question.id.clone()} question={Rc::clone(question)}
                    value={flow.answers.get(&question.id).cloned()}
                    error={flow.error_for(&question.id)} dispatch={dispatch.clone()} />
            }
        });
    html! {
        <form class="cw-form" novalidate=true {onsubmit}>
            <Progress current={index + 1} total={flow.step_count()} />
            if !items.is_empty() {
                <ErrorSummary {items} />
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
