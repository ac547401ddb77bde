//! "Check your answers": every answer grouped by step, each with a Change link, then Submit;
//! while sending, a status; after a failure, the reason and Retry, with every answer in place.

use super::{browser, State};
use crate::core::catalogue::{Catalogue, Msg};
use crate::core::flow::{Action, Delivery};
use crate::core::messages::failure;
use crate::core::review::ReviewGroup;
use yew::prelude::*;

/// What the review is drawn from.
pub struct ReviewProps<'a> {
    pub groups: Vec<ReviewGroup>,
    pub delivery: Delivery,
    pub clinic: String,
    pub words: &'a Catalogue,
    pub dispatch: UseReducerDispatcher<State>,
}

/// A plain function rather than a component: it holds no state (see `field`).
pub fn review(props: &ReviewProps<'_>) -> Html {
    let words = props.words;
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
    let clinic = &[("clinic", &props.clinic[..])];
    let (label, status) = match props.delivery {
        Delivery::Sending => (Msg::Sending, words.fill(Msg::SendingTo, clinic)),
        Delivery::Failed(_) => (Msg::Retry, String::new()),
        Delivery::Idle => (Msg::Submit, String::new()),
    };
    html! {
        <div class="cw-review">
            <h2 class="cw-heading" tabindex="-1">{words.get(Msg::CheckAnswers)}</h2>
            { for props.groups.iter().map(|group| html! {
                <>
                    <h3 class="cw-review__group">{&group.title}</h3>
                    <dl class="cw-summary-list">
                        { for group.rows.iter().map(|row| html! {
                            <div class="cw-summary-list__row">
                                <dt class="cw-summary-list__key">{&row.label}</dt>
                                <dd dir="auto" class={if row.value.is_some() { "cw-summary-list__value" } else { "cw-summary-list__value cw-summary-list__value--empty" }}>
                                    {row.value.clone().unwrap_or_else(|| words.get(Msg::NotProvided).to_owned())}
                                </dd>
                                <dd class="cw-summary-list__actions">
                                    <a href={format!("#{}", row.question)} onclick={change(&row.question)}>
                                        {words.get(Msg::Change)}<span class="cw-visually-hidden">{format!(" {}", row.label)}</span>
                                    </a>
                                </dd>
                            </div>
                        }) }
                    </dl>
                </>
            }) }
            if let Delivery::Failed(f) = props.delivery {
                <div class="cw-alert" role="alert" tabindex="-1">
                    <h3 class="cw-alert__title">{words.get(Msg::NotSentTitle)}</h3>
                    <p class="cw-body">{failure(f, &props.clinic, words)}</p>
                </div>
            } else {
                <p class="cw-body">{words.fill(Msg::CheckThenSubmit, clinic)}</p>
            }
            <p class="cw-status" role="status">{status}</p>
            <div class="cw-actions">
                <button type="button" class="cw-button" onclick={submit}
                    aria-disabled={sending.then_some("true")}>{words.get(label)}</button>
                if !sending {
                    <button type="button" class="cw-button cw-button--secondary" onclick={back}>{words.get(Msg::Back)}</button>
                }
            </div>
        </div>
    }
}
