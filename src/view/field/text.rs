//! A single-line text field: free text, email, website or phone, each an `<input>` of its own
//! type; under an email field, the suggestion for a likely typo.

use super::{answer, FieldProps, Wiring};
use crate::core::answers::Value;
use crate::core::catalogue::Msg;
use crate::core::dom_ids;
use crate::core::flow::Action;
use crate::core::questionnaire::Kind;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The `<input>`, and under an email field its suggestion.
pub(super) fn control(props: &FieldProps, wiring: &Wiring, typed: String) -> (Html, Option<Html>) {
    let q = &props.question;
    let answer = answer(props);
    let oninput = Callback::from(move |e: InputEvent| {
        answer(Value::Text(
            e.target_unchecked_into::<HtmlInputElement>().value(),
        ))
    });
    let email = q.kind == Kind::Email;
    // Leaving an email field may bring a suggestion for a likely typo; it is worked out on
    // `change`, not on every key, so nothing is announced mid-word.
    let onchange = email.then(|| {
        let dispatch = props.dispatch.clone();
        let question = q.id.clone();
        Callback::from(move |_: Event| {
            dispatch.dispatch(Action::Left {
                question: question.clone(),
            })
        })
    });
    // Free text follows the direction of what is typed (Arabic, Hebrew: right to left);
    // addresses and numbers stay left to right.
    let (kind, spellcheck, dir) = match q.kind {
        Kind::Email => ("email", Some("false"), None),
        Kind::Website => ("url", Some("false"), None),
        Kind::Phone => ("tel", None, None),
        _ => ("text", None, Some("auto")),
    };
    let class = if props.error.is_some() {
        "cw-input cw-input--error"
    } else {
        "cw-input"
    };
    let id = wiring.id.clone();
    let control = html! {
        <input {class} id={id.clone()} name={id} type={kind} value={typed}
            maxlength={q.max_length().to_string()} autocomplete={q.autocomplete.clone()}
            {spellcheck} {dir} aria-describedby={wiring.describedby.clone()}
            aria-invalid={wiring.invalid} {oninput} {onchange} />
    };
    (control, email.then(|| suggestion(props)))
}

/// "Did you mean name@gmail.com?" in a polite live region that is always there (a region
/// added with its text is not announced), and beside it a button to take the address. Never
/// an error: the answer as typed is accepted too.
fn suggestion(props: &FieldProps) -> Html {
    let q = &props.question;
    let text = props.suggestion.as_ref().map(|s| {
        let (before, after) = props.words.around(Msg::DidYouMean, "suggestion");
        html! { <>{before}<strong>{s}</strong>{after}</> }
    });
    let button = props.suggestion.as_ref().map(|s| {
        let dispatch = props.dispatch.clone();
        let question = q.id.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            dispatch.dispatch(Action::UseSuggestion {
                question: question.clone(),
            })
        });
        html! {
            <button type="button" class="cw-button cw-button--secondary cw-suggestion__use" {onclick}>
                {props.words.fill(Msg::UseSuggestion, &[("suggestion", s)])}
            </button>
        }
    });
    html! {
        <div class="cw-suggestion">
            <p id={dom_ids::suggestion(&q.id)} class="cw-suggestion__text" aria-live="polite">{text}</p>
            {button}
        </div>
    }
}
