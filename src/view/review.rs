//! "Check your answers": every answer grouped by step, each with a Change link, then Submit;
//! while sending, a status; after a failure, the reason and Retry, with every answer in place.

use super::{browser, State};
use crate::core::flow::{Action, Delivery};
use crate::core::messages::{failure, NOT_PROVIDED};
use crate::core::review::ReviewGroup;
use yew::prelude::*;

/// What the review is drawn from.
pub struct ReviewProps {
    pub groups: Vec<ReviewGroup>,
    pub delivery: Delivery,
    pub clinic: String,
    pub dispatch: UseReducerDispatcher<State>,
}

/// A plain function rather than a component: it holds no state (see `field`).
pub fn review(props: &ReviewProps) -> Html {
    let sending = props.delivery == Delivery::Sending;
    let change = |question: &str| {
        let dispatch = props.dispatch.clone();
        let question = question.to_owned();
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            dispatch.dispatch(Action::Change {
                question: question.clone(),
            });
        })
    };
    // The core ignores a second Submit while sending; the button also says so.
    let submit = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_| {
            dispatch.dispatch(Action::Submit {
                id: browser::random_id(),
                completed_at: browser::now_iso(),
                at_ms: super::storage::now_ms(),
            })
        })
    };
    let back = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_| dispatch.dispatch(Action::Back))
    };
    let (label, status) = match props.delivery {
        Delivery::Sending => (
            "Sending…",
            format!("Sending your answers to {}…", props.clinic),
        ),
        Delivery::Failed(_) => ("Retry", String::new()),
        Delivery::Idle => ("Submit", String::new()),
    };
    html! {
        <div class="cw-review">
            <h2 class="cw-heading" tabindex="-1">{"Check your answers"}</h2>
            { for props.groups.iter().map(|group| html! {
                <>
                    <h3 class="cw-review__group">{&group.title}</h3>
                    <dl class="cw-summary-list">
                        { for group.rows.iter().map(|row| html! {
                            <div class="cw-summary-list__row">
                                <dt class="cw-summary-list__key">{&row.label}</dt>
                                <dd dir="auto" class={if row.value.is_some() { "cw-summary-list__value" } else { "cw-summary-list__value cw-summary-list__value--empty" }}>
                                    {row.value.clone().unwrap_or_else(|| NOT_PROVIDED.to_owned())}
                                </dd>
                                <dd class="cw-summary-list__actions">
                                    <a href={format!("#{}", row.question)} onclick={change(&row.question)}>
                                        {"Change"}<span class="cw-visually-hidden">{format!(" {}", row.label)}</span>
                                    </a>
                                </dd>
                            </div>
                        }) }
                    </dl>
                </>
            }) }
            if let Delivery::Failed(f) = props.delivery {
                <div class="cw-alert" role="alert" tabindex="-1">
                    <h3 class="cw-alert__title">{"Your answers have not been sent"}</h3>
                    <p class="cw-body">{failure(f, &props.clinic)}</p>
                </div>
            } else {
                <p class="cw-body">{format!("Check that these answers are right, then submit them to {}.", props.clinic)}</p>
            }
            <p class="cw-status" role="status">{status}</p>
            <div class="cw-actions">
                <button type="button" class="cw-button" onclick={submit}
                    aria-disabled={sending.then_some("true")}>{label}</button>
                if !sending {
                    <button type="button" class="cw-button cw-button--secondary" onclick={back}>{"Back"}</button>
                }
            </div>
        </div>
    }
}
