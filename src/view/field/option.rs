//! One radio or tick box with its label and optional hint: the item that radios, checkboxes
//! and the confirm box are made of.

use super::{FieldProps, Wiring};
use crate::core::dom_ids;
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

/// What a radio differs from a tick box by: its input's type, and the handler it gets, made
/// from the question and the option's value (`radios::RADIO`, `checkboxes::CHECKBOX`).
pub(super) struct Item {
    pub kind: &'static str,
    pub onchange: fn(&FieldProps, &str) -> Callback<Event>,
}

/// The question's options as radios or tick boxes, all of one name, each ticked when the
/// answer holds its value. One loop for both: a second copy would cost the download.
pub(super) fn options(props: &FieldProps, wiring: &Wiring, item: Item) -> Vec<Html> {
    let Item { kind, onchange } = item;
    let q = &props.question;
    let chosen = |value: &str| props.value.as_ref().is_some_and(|v| v.matches(value));
    q.options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            Opt {
                id: dom_ids::option(&q.id, i),
                name: &wiring.id,
                kind,
                value: &o.value,
                label: &o.label,
                hint: o.hint.as_deref(),
                hint_id: dom_ids::option_hint(&q.id, i),
                checked: chosen(&o.value),
                invalid: wiring.invalid,
                onchange: onchange(props, &o.value),
            }
            .render()
        })
        .collect()
}
