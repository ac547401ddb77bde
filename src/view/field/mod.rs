//! A question's field, one file per kind of question, as GOV.UK Frontend gives each component
//! its own folder: `text` (single-line inputs, and the email suggestion), `long_text`,
//! `radios` (choice), `checkboxes` (multi), `confirm` (one tick box) and `signature` (the typed
//! name's drawing box), with `option` the radio or tick box they are made of. Each draws its
//! control; this file puts around it what every kind shares: the label or legend, hint and error
//! message, wired to the accessible form contract (ids from `core::dom_ids`: `{id}`,
//! `{id}.hint`, `{id}.error`; `aria-describedby`; `aria-invalid`; fieldsets with legends for
//! groups).

mod checkboxes;
mod confirm;
mod long_text;
mod option;
mod photos;
mod radios;
mod signature;
mod text;

pub use photos::images;
pub use signature::repaint;

use super::State;
use crate::core::answers::Value;
use crate::core::catalogue::{Catalogue, Msg};
use crate::core::dom_ids;
use crate::core::flow::Action;
use crate::core::messages::message;
use crate::core::questionnaire::{Kind, Question};
use crate::core::validate::Problem;
use std::rc::Rc;
use yew::prelude::*;

/// What one field is drawn from.
pub struct FieldProps<'a> {
    pub question: Rc<Question>,
    pub value: Option<Value>,
    pub error: Option<Problem>,
    /// For an email question: the address it most likely meant (`Flow::suggestion`).
    pub suggestion: Option<String>,
    /// Whether photos can be sent where this form sends (`Config::takes_photos`).
    pub takes_photos: bool,
    pub words: &'a Catalogue,
    pub dispatch: UseReducerDispatcher<State>,
}

/// "(optional)" after the label of every question that may be left empty; no asterisks.
pub fn label_text(q: &Question, words: &Catalogue) -> String {
    if q.required {
        q.label.clone()
    } else {
        words.fill(Msg::Optional, &[("label", &q.label)])
    }
}

/// One question's field: its kind's control in the shared wrapper. Plain functions rather than
/// components: they hold no state, and each component costs the download its own copy of yew's
/// component machinery.
pub fn field(props: &FieldProps) -> Html {
    let wiring = Wiring::new(props);
    // Each wrapper, the typed text and the options loop are reached from one place here: in the
    // release build a function called from one place is merged into its caller, and one called
    // from two is kept apart, which cost this split about 300 bytes gzip before it was so.
    match props.question.kind {
        // A signature is its typed name, the drawing box below it.
        Kind::Text
        | Kind::Email
        | Kind::Website
        | Kind::Phone
        | Kind::LongText
        | Kind::Signature => {
            let typed = props.value.as_ref().map(|v| v.as_text().to_owned());
            let typed = typed.unwrap_or_default();
            let (control, after) = match props.question.kind {
                Kind::LongText => (long_text::control(props, &wiring, typed), None),
                _ => text::control(props, &wiring, typed),
            };
            let after = match props.question.kind {
                Kind::Signature => Some(signature::drawing(props)),
                _ => after,
            };
            labelled(props, wiring, control, after)
        }
        // Photos: two file inputs and the photos taken, in a group the legend names.
        Kind::Choice | Kind::Multi | Kind::Confirm | Kind::Photos => {
            let options = match props.question.kind {
                Kind::Confirm => vec![confirm::tick(props, &wiring)],
                Kind::Photos => vec![photos::control(props, &wiring)],
                _ => option::options(props, &wiring),
            };
            grouped(props, wiring, options, radios::inline(&props.question))
        }
    }
}

/// What ties a field's parts together: the control's id, and its hint and error message with
/// the `aria-describedby` and `aria-invalid` that point screen readers to them.
struct Wiring {
    /// The control's id (`core::dom_ids::field`): the label's `for`, the error summary's link.
    id: String,
    describedby: Option<String>,
    invalid: Option<&'static str>,
    hint: Option<Html>,
    error: Option<Html>,
}

impl Wiring {
    fn new(props: &FieldProps) -> Wiring {
        let q = &props.question;
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
        let hint = q
            .hint
            .as_ref()
            .map(|h| html! { <div id={hint_id.clone()} class="cw-hint">{h}</div> });
        let error = props.error.as_ref().map(|p| {
            html! {
                <p id={error_id.clone()} class="cw-error-message">
                    <span class="cw-visually-hidden">{props.words.get(Msg::ErrorPrefix)}{" "}</span>{message(p, props.words)}
                </p>
            }
        });
        Wiring {
            id: dom_ids::field(&q.id),
            describedby,
            invalid: props.error.as_ref().map(|_| "true"),
            hint,
            error,
        }
    }
}

/// The field's box. Fixed class strings rather than `classes!`, which builds a set at run time
/// and adds its code to the download.
fn box_class(props: &FieldProps) -> &'static str {
    if props.error.is_some() {
        "cw-field cw-field--error"
    } else {
        "cw-field"
    }
}

/// A field of one control (text, long text): a `<label>` names it. `after` goes below the
/// control (the email suggestion).
fn labelled(props: &FieldProps, wiring: Wiring, control: Html, after: Option<Html>) -> Html {
    let q = &props.question;
    html! {
        <div key={q.id.clone()} class={box_class(props)}>
            <label class="cw-label" for={wiring.id}>{label_text(q, props.words)}</label>
            {wiring.hint}
            {wiring.error}
            {control}
            {after}
        </div>
    }
}

/// A field of radios or tick boxes: a `<fieldset>` whose `<legend>` names the group, described
/// by the hint and error as a whole (each option's own hint is on that option).
fn grouped(props: &FieldProps, wiring: Wiring, options: Vec<Html>, inline: bool) -> Html {
    let q = &props.question;
    html! {
        <div key={q.id.clone()} class={box_class(props)}>
            <fieldset class="cw-fieldset" aria-describedby={wiring.describedby}>
                <legend class="cw-legend">{label_text(q, props.words)}</legend>
                {wiring.hint}
                {wiring.error}
                <div class={if inline { "cw-options cw-options--inline" } else { "cw-options" }}>
                    {for options}
                </div>
            </fieldset>
        </div>
    }
}

/// Records the visitor's answer to this field's question.
fn answer(props: &FieldProps) -> impl Fn(Value) + Clone {
    let dispatch = props.dispatch.clone();
    let id = props.question.id.clone();
    move |value: Value| {
        // Test builds only (`--features crash-test`, tests/e2e/crash.test.mjs): a way to make
        // the wasm panic on demand. The release build has no such path.
        #[cfg(feature = "crash-test")]
        if value.as_text() == "__crash_test__" {
            panic!("crash test");
        }
        dispatch.dispatch(Action::Answer {
            question: id.clone(),
            value,
        })
    }
}
