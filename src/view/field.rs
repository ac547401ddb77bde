//! One field component for every question, driven by the question's data: its label, hint,
//! error and control, wired to the accessible form contract (ids from `core::dom_ids`:
//! `{id}`, `{id}.hint`, `{id}.error`; `aria-describedby`; `aria-invalid`; fieldsets with
//! legends for groups).

use super::State;
use crate::core::answers::Value;
use crate::core::dom_ids;
use crate::core::flow::Action;
use crate::core::messages::message;
use crate::core::questionnaire::{Kind, Question};
use crate::core::validate::Problem;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

/// What one field is drawn from.
pub struct FieldProps {
    pub question: Rc<Question>,
    pub value: Option<Value>,
    pub error: Option<Problem>,
    /// For an email question: the address it most likely meant (`Flow::suggestion`).
    pub suggestion: Option<String>,
    pub dispatch: UseReducerDispatcher<State>,
}

/// "(optional)" after the label of every question that may be left empty; no asterisks.
pub fn label_text(q: &Question) -> String {
    if q.required {
        q.label.clone()
    } else {
        format!("{} (optional)", q.label)
    }
}

/// One question's field. A plain function rather than a component: it holds no state, and
/// each component costs the download its own copy of yew's component machinery.
pub fn field(props: &FieldProps) -> Html {
    let q = &props.question;
    let id = dom_ids::field(&q.id);
    let hint_id = dom_ids::hint(&q.id);
    let error_id = dom_ids::error(&q.id);
    let described: Vec<&str> = [
        q.hint.as_ref().map(|_| hint_id.as_str()),
        props.error.as_ref().map(|_| error_id.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let describedby = (!described.is_empty()).then(|| described.join(" "));
    let invalid = props.error.as_ref().map(|_| "true");
    let hint = q
        .hint
        .as_ref()
        .map(|h| html! { <div id={hint_id.clone()} class="cw-hint">{h}</div> });
    let error = props.error.as_ref().map(|p| {
        html! {
            <p id={error_id.clone()} class="cw-error-message">
                <span class="cw-visually-hidden">{"Error: "}</span>{message(p)}
            </p>
        }
    });
    let answer = {
        let dispatch = props.dispatch.clone();
        let id = q.id.clone();
        move |value: Value| {
            // Test builds only (`--features crash-test`, tests/e2e/crash.test.mjs): a way to
            // make the wasm panic on demand. The release build has no such path.
            #[cfg(feature = "crash-test")]
            if value.as_text() == "__crash_test__" {
                panic!("crash test");
            }
            dispatch.dispatch(Action::Answer {
                question: id.clone(),
                value,
            })
        }
    };
    // Fixed class strings rather than `classes!`, which builds a set at run time and adds its
    // code to the download.
    let has_error = props.error.is_some();
    let class = if has_error {
        "cw-field cw-field--error"
    } else {
        "cw-field"
    };

    match q.kind {
        Kind::Text | Kind::Email | Kind::Website | Kind::Phone | Kind::LongText => {
            let text = props
                .value
                .as_ref()
                .map(|v| v.as_text().to_owned())
                .unwrap_or_default();
            let maxlength = q.max_length().to_string();
            let control = if q.kind == Kind::LongText {
                let oninput = Callback::from(move |e: InputEvent| {
                    answer(Value::Text(
                        e.target_unchecked_into::<HtmlTextAreaElement>().value(),
                    ))
                });
                html! {
                    <textarea class={if has_error { "cw-textarea cw-input--error" } else { "cw-textarea" }}
                        id={id.clone()} name={id.clone()} rows="4" value={text} {maxlength} dir="auto"
                        aria-describedby={describedby} aria-invalid={invalid} {oninput} />
                }
            } else {
                let oninput = Callback::from(move |e: InputEvent| {
                    answer(Value::Text(
                        e.target_unchecked_into::<HtmlInputElement>().value(),
                    ))
                });
                // Leaving an email field may bring a suggestion for a likely typo; it is
                // worked out on `change`, not on every key, so nothing is announced mid-word.
                let onchange = (q.kind == Kind::Email).then(|| {
                    let dispatch = props.dispatch.clone();
                    let question = q.id.clone();
                    Callback::from(move |_: Event| {
                        dispatch.dispatch(Action::Left {
                            question: question.clone(),
                        })
                    })
                });
                // Free text follows the direction of what is typed (Arabic, Hebrew: right to
                // left); addresses and numbers stay left to right.
                let (kind, spellcheck, dir) = match q.kind {
                    Kind::Email => ("email", Some("false"), None),
                    Kind::Website => ("url", Some("false"), None),
                    Kind::Phone => ("tel", None, None),
                    _ => ("text", None, Some("auto")),
                };
                html! {
                    <input class={if has_error { "cw-input cw-input--error" } else { "cw-input" }}
                        id={id.clone()} name={id.clone()} type={kind} value={text} {maxlength}
                        autocomplete={q.autocomplete.clone()} {spellcheck} {dir}
                        aria-describedby={describedby} aria-invalid={invalid} {oninput} {onchange} />
                }
            };
            let suggestion = (q.kind == Kind::Email).then(|| suggestion(props));
            html! {
                <div key={q.id.clone()} {class}>
                    <label class="cw-label" for={id}>{label_text(q)}</label>
                    {hint}
                    {error}
                    {control}
                    {suggestion}
                </div>
            }
        }
        Kind::Choice | Kind::Multi | Kind::Confirm => {
            let multi = q.kind == Kind::Multi;
            let chosen = |value: &str| props.value.as_ref().is_some_and(|v| v.matches(value));
            let options: Vec<Html> = if q.kind == Kind::Confirm {
                let checked = props.value == Some(Value::Checked(true));
                let onchange = Callback::from(move |e: Event| {
                    answer(Value::Checked(
                        e.target_unchecked_into::<HtmlInputElement>().checked(),
                    ))
                });
                let text = q.text.clone().unwrap_or_else(|| q.label.clone());
                let opt = Opt {
                    id: id.clone(),
                    name: &id,
                    kind: "checkbox",
                    value: "true",
                    label: &text,
                    hint: None,
                    hint_id: String::new(),
                    checked,
                    invalid,
                    onchange,
                };
                vec![opt.render()]
            } else {
                q.options
                    .iter()
                    .enumerate()
                    .map(|(i, o)| {
                        let onchange = {
                            let answer = answer.clone();
                            let dispatch = props.dispatch.clone();
                            let question = q.id.clone();
                            let value = o.value.clone();
                            Callback::from(move |e: Event| {
                                let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                                if multi {
                                    // The core works out the answer from the tick.
                                    dispatch.dispatch(Action::Tick {
                                        question: question.clone(),
                                        option: value.clone(),
                                        on,
                                    });
                                } else {
                                    answer(Value::Text(value.clone()));
                                }
                            })
                        };
                        Opt {
                            id: dom_ids::option(&q.id, i),
                            name: &id,
                            kind: if multi { "checkbox" } else { "radio" },
                            value: &o.value,
                            label: &o.label,
                            hint: o.hint.as_deref(),
                            hint_id: dom_ids::option_hint(&q.id, i),
                            checked: chosen(&o.value),
                            invalid,
                            onchange,
                        }
                        .render()
                    })
                    .collect()
            };
            // Short answer sets such as yes/no sit side by side, as GOV.UK's inline radios do.
            let inline = q.kind == Kind::Choice
                && q.options.len() <= 3
                && q.options.iter().all(|o| o.label.len() <= 10);
            html! {
                <div key={q.id.clone()} {class}>
                    <fieldset class="cw-fieldset" aria-describedby={describedby}>
                        <legend class="cw-legend">{label_text(q)}</legend>
                        {hint}
                        {error}
                        <div class={if inline { "cw-options cw-options--inline" } else { "cw-options" }}>
                            {for options}
                        </div>
                    </fieldset>
                </div>
            }
        }
    }
}

/// "Did you mean name@gmail.com?" in a polite live region that is always there (a region
/// added with its text is not announced), and beside it a button to take the address. Never
/// an error: the answer as typed is accepted too.
fn suggestion(props: &FieldProps) -> Html {
    let q = &props.question;
    let text = props
        .suggestion
        .as_ref()
        .map(|s| html! { <>{"Did you mean "}<strong>{s}</strong>{"?"}</> });
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
                {"Use "}{s}
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

/// One radio or tick box with its label and optional hint.
struct Opt<'a> {
    id: String,
    name: &'a str,
    kind: &'static str,
    value: &'a str,
    label: &'a str,
    hint: Option<&'a str>,
    /// The hint's element id (`core::dom_ids::option_hint`), used when there is a hint.
    hint_id: String,
    checked: bool,
    invalid: Option<&'static str>,
    onchange: Callback<Event>,
}

impl Opt<'_> {
    fn render(self) -> Html {
        let hint_id = self.hint_id;
        let describedby = self.hint.map(|_| hint_id.clone());
        html! {
            <div class="cw-option">
                <input class="cw-option__input" type={self.kind} id={self.id.clone()}
                    name={self.name.to_owned()} value={self.value.to_owned()} checked={self.checked}
                    aria-describedby={describedby} aria-invalid={self.invalid} onchange={self.onchange} />
                <label class="cw-option__label" for={self.id}>{self.label}</label>
                if let Some(h) = self.hint {
                    <div id={hint_id} class="cw-hint cw-option__hint">{h}</div>
                }
            </div>
        }
    }
}
