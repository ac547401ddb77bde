//! A confirm question: one tick box, its sentence beside it (the question's `text`, or its
//! label), in a fieldset whose legend is the label, as the other tick boxes.

use super::option::Opt;
use super::{answer, FieldProps, Wiring};
use crate::core::answers::Value;
use web_sys::HtmlInputElement;
use yew::prelude::*;

pub(super) fn tick(props: &FieldProps, wiring: &Wiring) -> Html {
    let q = &props.question;
    let answer = answer(props);
    let onchange = Callback::from(move |e: Event| {
        answer(Value::Checked(
            e.target_unchecked_into::<HtmlInputElement>().checked(),
        ))
    });
    let text = q.text.clone().unwrap_or_else(|| q.label.clone());
    // The box takes the field's own id: the error summary links to it.
    Opt {
        id: wiring.id.clone(),
        name: &wiring.id,
        kind: "checkbox",
        value: "true",
        label: &text,
        hint: None,
        hint_id: String::new(),
        checked: props.value == Some(Value::Checked(true)),
        invalid: wiring.invalid,
        onchange,
    }
    .render()
}
