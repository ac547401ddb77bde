//! A choice question: radios, one answer of several. Short answer sets such as yes/no sit side
//! by side, as GOV.UK's inline radios do.

use super::option::options;
use super::{answer, grouped, FieldProps, Wiring};
use crate::core::answers::Value;
use yew::prelude::*;

pub(super) fn field(props: &FieldProps, wiring: Wiring) -> Html {
    let q = &props.question;
    let options = options(props, &wiring, "radio", onchange);
    let inline = q.options.len() <= 3 && q.options.iter().all(|o| o.label.len() <= 10);
    grouped(props, wiring, options, inline)
}

/// Choosing a radio answers with its value (a radio is never unticked by the visitor).
fn onchange(props: &FieldProps, value: &str) -> Callback<Event> {
    let answer = answer(props);
    let value = value.to_owned();
    Callback::from(move |_: Event| answer(Value::Text(value.clone())))
}
