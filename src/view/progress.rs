//! "Step 2 of 5" and a bar: where the visitor is in the questionnaire.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ProgressProps {
    /// One-based.
    pub current: usize,
    pub total: usize,
}

#[function_component]
pub fn Progress(props: &ProgressProps) -> Html {
    // The text says it all for assistive technology; the bar is for the eye. A <progress>
    // element needs no inline style, which a strict Content Security Policy would block.
    html! {
        <div class="cw-progress">
            <p class="cw-progress__text">{format!("Step {} of {}", props.current, props.total)}</p>
            <progress class="cw-progress__bar" aria-hidden="true"
                max={props.total.to_string()} value={props.current.to_string()} />
        </div>
    }
}
