//! A multi question: tick boxes, any number of answers.

use super::FieldProps;
use crate::core::flow::Action;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Each tick or untick goes to the core, which works out the answer from it.
pub(super) fn onchange(props: &FieldProps, value: &str) -> Callback<Event> {
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
