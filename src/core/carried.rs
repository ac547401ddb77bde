//! What a visitor did on the pre-rendered first step before the wasm started (README, "The
//! instant first step"), turned into the flow's own actions: the wasm reads each control's
//! state by its element id (`dom_ids`), and the flow takes the answers as if typed, so nothing
//! given in those first seconds is lost and every check runs as usual.

use super::answers::Value;
use super::dom_ids;
use super::flow::Action;
use super::questionnaire::{Kind, Questionnaire};

/// On the widget's root, set by the embed script when it drew the first step: the time it did,
/// in milliseconds since the Unix epoch (the fill time counts from then: `core::spam`). Named
/// here only: the embed script gets it from the build (src/bin/prerender.rs).
pub const SHOWN_AT: &str = "data-prerendered";
/// On the widget's root, set by the embed script when Continue was pressed before the wasm.
pub const CONTINUE_PRESSED: &str = "data-continue-pressed";

/// How the page's controls are read, by element id: what a text input or text area holds, and
/// whether a tick box or radio is ticked (`None`, `false`: no such control on the page).
pub trait Controls {
    fn text(&self, id: &str) -> Option<String>;
    fn ticked(&self, id: &str) -> bool;
}

/// The actions that give the flow what the controls of step `index` hold. Empty text and
/// unticked boxes are what a fresh flow holds already, so they make no action, and a question
/// not on the page has no control to read. The hidden field only bots see counts as well
/// (`core::spam`).
pub fn actions(questionnaire: &Questionnaire, index: usize, page: &impl Controls) -> Vec<Action> {
    let mut actions = Vec::new();
    let Some(step) = questionnaire.steps.get(index) else {
        return actions;
    };
    for question in &step.questions {
        let id = &question.id;
        let answer = |value| Action::Answer {
            question: id.clone(),
            value,
        };
        match question.kind {
            // A signature's typed name is text; the flow keeps it as the signature.
            Kind::Text
            | Kind::LongText
            | Kind::Email
            | Kind::Website
            | Kind::Phone
            | Kind::Signature => {
                if let Some(text) = page.text(&dom_ids::field(id)) {
                    if !text.is_empty() {
                        actions.push(answer(Value::Text(text)));
                    }
                }
            }
            // Not on a step drawn before the wasm (the built-in questionnaire has none).
            Kind::Photos => {}
            Kind::Confirm => {
                if page.ticked(&dom_ids::field(id)) {
                    actions.push(answer(Value::Checked(true)));
                }
            }
            Kind::Choice => {
                let chosen =
                    (0..question.options.len()).find(|&i| page.ticked(&dom_ids::option(id, i)));
                if let Some(i) = chosen {
                    actions.push(answer(Value::Text(question.options[i].value.clone())));
                }
            }
            Kind::Multi => {
                for (i, option) in question.options.iter().enumerate() {
                    if page.ticked(&dom_ids::option(id, i)) {
                        actions.push(Action::Tick {
                            question: id.clone(),
                            option: option.value.clone(),
                            on: true,
                        });
                    }
                }
            }
        }
    }
    if page
        .text(dom_ids::TRAP)
        .is_some_and(|text| !text.is_empty())
    {
        actions.push(Action::HiddenField { filled: true });
    }
    actions
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::{Config, RawConfig};
    use crate::core::flow::{Flow, Screen};
    use std::collections::HashMap;
    use std::rc::Rc;

    fn builtin() -> Questionnaire {
        Questionnaire::builtin()
    }

    /// A page's controls, as the browser would report them.
    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Control {
        Text(String),
        Ticked(bool),
    }

    impl Controls for HashMap<String, Control> {
        fn text(&self, id: &str) -> Option<String> {
            match self.get(id) {
                Some(Control::Text(t)) => Some(t.clone()),
                _ => None,
            }
        }
        fn ticked(&self, id: &str) -> bool {
            self.get(id) == Some(&Control::Ticked(true))
        }
    }

    fn page(controls: &[(&str, Control)]) -> HashMap<String, Control> {
        controls
            .iter()
            .map(|(id, c)| ((*id).to_owned(), c.clone()))
            .collect()
    }

    fn text(s: &str) -> Control {
        Control::Text(s.to_owned())
    }

    /// The built-in first step as the embed script draws it, every control empty.
    fn blank_first_step() -> HashMap<String, Control> {
        page(&[
            ("full_name", text("")),
            ("email", text("")),
            ("phone", text("")),
            ("age_confirmed", Control::Ticked(false)),
            ("contact_method", Control::Ticked(false)),
            ("contact_method.2", Control::Ticked(false)),
            ("website", text("")),
            (dom_ids::TRAP, text("")),
        ])
    }

    fn answer(question: &str, value: Value) -> Action {
        Action::Answer {
            question: question.to_owned(),
            value,
        }
    }

    /// A case's name, the controls changed from a blank step, and the actions expected.
    type Case<'a> = (&'a str, &'a [(&'a str, Control)], Vec<Action>);

    #[test]
    fn each_kind_of_control_becomes_its_answer() {
        // Issue 15's end-to-end case (typed name, ticked age box, chosen contact method), and
        // each other state the first step's controls can be in.
        let cases: &[Case] = &[
            ("nothing done", &[], vec![]),
            (
                "typed text is kept exactly, spaces too",
                &[
                    ("full_name", text(" Jane Example ")),
                    ("email", text("jane@")),
                ],
                vec![
                    answer("full_name", Value::Text(" Jane Example ".into())),
                    answer("email", Value::Text("jane@".into())),
                ],
            ),
            (
                "the age box ticked",
                &[("age_confirmed", Control::Ticked(true))],
                vec![answer("age_confirmed", Value::Checked(true))],
            ),
            (
                "the second radio chosen",
                &[("contact_method.2", Control::Ticked(true))],
                vec![answer("contact_method", Value::Text("phone".into()))],
            ),
            (
                "the trap filled: only bots see it",
                &[(dom_ids::TRAP, text("ACME"))],
                vec![Action::HiddenField { filled: true }],
            ),
        ];
        for (name, changed, expected) in cases {
            let mut controls = blank_first_step();
            controls.extend(page(changed));
            let got = actions(&builtin(), 0, &controls);
            assert_eq!(&got, expected, "{name}");
        }
    }

    #[test]
    fn missing_controls_and_steps_give_nothing() {
        assert_eq!(actions(&builtin(), 0, &page(&[])), vec![]);
        assert_eq!(actions(&builtin(), 99, &blank_first_step()), vec![]);
        // A tick box that reads as text (a page that is not the widget's) is not an answer.
        assert_eq!(
            actions(&builtin(), 0, &page(&[("age_confirmed", text("on"))])),
            vec![]
        );
    }

    #[test]
    fn the_flow_takes_the_answers_and_continues_as_usual() {
        let q = Rc::new(builtin());
        let config = Rc::new(Config::from_raw(&RawConfig::default()).unwrap());
        let mut controls = blank_first_step();
        controls.extend(page(&[
            ("full_name", text("Jane Example")),
            ("email", text("name@example.com")),
            ("age_confirmed", Control::Ticked(true)),
            ("contact_method.2", Control::Ticked(true)),
        ]));
        let mut flow = Flow::new(Rc::clone(&q), config);
        for action in actions(&q, 0, &controls) {
            flow.apply(action);
        }
        flow.apply(Action::Continue);
        assert_eq!(flow.screen, Screen::Step(1));
        assert_eq!(
            flow.answers.get("contact_method"),
            Some(&Value::Text("phone".into()))
        );
    }
}
