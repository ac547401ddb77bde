//! A long text field: a `<textarea>` for answers of more than a line, which follows the
//! direction of what is typed.

use super::{answer, FieldProps, Wiring};
use crate::core::answers::Value;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

pub(super) fn control(props: &FieldProps, wiring: &Wiring, typed: String) -> Html {
    let answer = answer(props);
    let oninput = Callback::from(move |e: InputEvent| {
        answer(Value::Text(
            e.target_unchecked_into::<HtmlTextAreaElement>().value(),
        ))
    });
    let class = if props.error.is_some() {
        "cw-textarea cw-input--error"
    } else {
        "cw-textarea"
    };
    let id = wiring.id.clone();
    html! {
        <textarea {class} id={id.clone()} name={id} rows="4" value={typed}
            maxlength={props.question.max_length().to_string()} dir="auto"
            aria-describedby={wiring.describedby.clone()} aria-invalid={wiring.invalid}
            {oninput} />
    }
}
