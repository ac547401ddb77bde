//! One radio or tick box with its label and optional hint: the item that radios, checkboxes
//! and the confirm box are made of.

use super::{checkboxes, radios, FieldProps, Wiring};
use crate::core::dom_ids;
use crate::core::questionnaire::Kind;
use yew::prelude::*;

/// One radio or tick box with its label and optional hint.
pub(super) struct Opt<'a> {
    pub id: String,
    pub name: &'a str,
    pub kind: &'static str,
    pub value: &'a str,
    pub label: &'a str,
    pub hint: Option<&'a str>,
    /// The hint's element id (`core::dom_ids::option_hint`), used when there is a hint.
    pub hint_id: String,
    pub checked: bool,
    pub invalid: Option<&'static str>,
    pub onchange: Callback<Event>,
}

impl Opt<'_> {
    pub fn render(self) -> Html {
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

/// The question's options as radios (a choice question) or tick boxes (a multi question), all
/// of one name, each ticked when the answer holds its value, each with its kind's handler. One
/// loop for both, calling each handler by name: a second copy of the loop, or handlers reached
/// through a function pointer, cost the download more.
pub(super) fn options(props: &FieldProps, wiring: &Wiring) -> Vec<Html> {
    let multi = props.question.kind == Kind::Multi;
    let q = &props.question;
    let chosen = |value: &str| props.value.as_ref().is_some_and(|v| v.matches(value));
    q.options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            Opt {
                id: dom_ids::option(&q.id, i),
                name: &wiring.id,
                kind: if multi { "checkbox" } else { "radio" },
                value: &o.value,
                label: &o.label,
                hint: o.hint.as_deref(),
                hint_id: dom_ids::option_hint(&q.id, i),
                checked: chosen(&o.value),
                invalid: wiring.invalid,
                onchange: if multi {
                    checkboxes::onchange(props, &o.value)
                } else {
                    radios::onchange(props, &o.value)
                },
            }
            .render()
        })
        .collect()
}
