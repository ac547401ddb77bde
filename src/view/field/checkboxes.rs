//! A multi question: tick boxes, any number of answers.

use super::option::Item;
use super::FieldProps;
use crate::core::flow::Action;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The question's options as tick boxes.
pub(super) const CHECKBOX: Item = Item {
    kind: "checkbox",
    onchange,
};

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
