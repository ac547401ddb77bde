//! What the widget's box shows when the host page's settings are wrong: a plain sentence for
//! the site owner, never a blank box.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ConfigProblemProps {
    pub problem: String,
}

#[function_component]
pub fn ConfigProblem(props: &ConfigProblemProps) -> Html {
    html! {
        <section class="cw" aria-label="Consultation form">
            <div class="cw-alert" role="alert">
                <h2 class="cw-alert__title">{"This form is not set up correctly"}</h2>
                <p class="cw-body">{format!("A setting on this page needs fixing: {}.", props.problem)}</p>
                <p class="cw-body">{"If you are a visitor, please contact the clinic directly."}</p>
            </div>
        </section>
    }
}
