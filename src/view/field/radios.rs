//! A choice question: radios, one answer of several. Short answer sets such as yes/no sit side
//! by side, as GOV.UK's inline radios do.

use super::{answer, FieldProps};
use crate::core::answers::Value;
use crate::core::questionnaire::{Kind, Question};
use yew::prelude::*;

/// Whether the question's radios sit side by side: a few short options.
pub(super) fn inline(q: &Question) -> bool {
    q.kind == Kind::Choice && q.options.len() <= 3 && q.options.iter().all(|o| o.label.len() <= 10)
}

/// Choosing a radio answers with its value (a radio is never unticked by the visitor).
pub(super) fn onchange(props: &FieldProps, value: &str) -> Callback<Event> {
    let answer = answer(props);
    let value = value.to_owned();
    Callback::from(move |_: Event| answer(Value::Text(value.clone())))
}
