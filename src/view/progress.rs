//! "Step 2 of 5" and a bar: where the visitor is in the questionnaire.

use crate::core::catalogue::{Catalogue, Msg};
use yew::prelude::*;

/// `current` is one-based. A plain function rather than a component: it holds no state, and
/// each component costs the download its own copy of yew's component machinery.
pub fn progress(current: usize, total: usize, words: &Catalogue) -> Html {
    // The text says it all for assistive technology; the bar is for the eye. A <progress>
    // element needs no inline style, which a strict Content Security Policy would block.
    html! {
        <div class="cw-progress">
            <p class="cw-progress__text">{words.fill(Msg::StepOf, &[("current", &current.to_string()), ("total", &total.to_string())])}</p>
            <progress class="cw-progress__bar" aria-hidden="true"
                max={total.to_string()} value={current.to_string()} />
        </div>
    }
}
