//! A multi question: tick boxes, any number of answers.

use super::option::options;
use super::{grouped, FieldProps, Wiring};
use crate::core::flow::Action;
use web_sys::HtmlInputElement;
use yew::prelude::*;

pub(super) fn field(props: &FieldProps, wiring: Wiring) -> Html {
    let options = options(props, &wiring, "checkbox", onchange);
    grouped(props, wiring, options, false)
}

/// Each tick or untick goes to the core, which works out the answer from it.
fn onchange(props: &FieldProps, value: &str) -> Callback<Event> {
    let dispatch = props.dispatch.clone();
    let question = props.question.id.clone();
    let value = value.to_owned();
    Callback::from(move |e: Event| {
        dispatch.dispatch(Action::Tick {
            question: question.clone(),
            option: value.clone(),
            on: e.target_unchecked_into::<HtmlInputElement>().checked(),
        })
    })
}
