//! The step flow: where the visitor is, what they have answered, which problems are shown, and
//! the one `apply` through which every change of state goes.

use super::answers::{Answers, Value};
use super::questionnaire::Questionnaire;
use super::summary::Summary;
use super::validate::{check, Problem};
use std::rc::Rc;

#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    /// A question step, by index.
    Step(usize),
    /// "Check your answers".
    Review,
    /// The prepared summary, ready to send.
    Done(Box<Summary>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub question: String,
    pub problem: Problem,
}

/// Where keyboard focus belongs after an action, so that screen-reader and keyboard users land
/// where sighted users look (GOV.UK Design System, error summary: "move keyboard focus to the
/// error summary"; a new step: its heading).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Focus {
    Heading,
    ErrorSummary,
    Field(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Answer {
        question: String,
        value: Value,
    },
    Continue,
    Back,
    /// From the review: edit one answer, then come back.
    Change {
        question: String,
    },
    /// From the review: prepare the summary. The id and time come from the browser.
    Submit {
        id: String,
        completed_at: String,
    },
    StartAgain,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    pub questionnaire: Rc<Questionnaire>,
    pub answers: Answers,
    pub screen: Screen,
    /// The problems shown on the current step, in question order.
    pub errors: Vec<FieldError>,
    /// After a failed Continue the step is re-checked as the visitor fixes it.
    pub checking: bool,
    /// Set by Change: Continue returns to the review.
    pub returning: bool,
    pub focus: Focus,
    /// Counts focus moves, so the view moves focus again even when the target is the same.
    pub focus_round: u32,
}

impl Flow {
    pub fn new(questionnaire: Rc<Questionnaire>) -> Flow {
        Flow {
            questionnaire,
            answers: Answers::default(),
            screen: Screen::Step(0),
            errors: Vec::new(),
            checking: false,
            returning: false,
            focus: Focus::Heading,
            focus_round: 0,
        }
    }

    pub fn step_count(&self) -> usize {
        self.questionnaire.steps.len()
    }

    pub fn error_for(&self, question: &str) -> Option<Problem> {
        self.errors
            .iter()
            .find(|e| e.question == question)
            .map(|e| e.problem)
    }

    /// The problems of one step's visible questions.
    pub fn problems(&self, step: usize) -> Vec<FieldError> {
        let q = &self.questionnaire;
        q.steps[step]
            .questions
            .iter()
            .filter(|question| self.answers.is_visible(q, question))
            .filter_map(|question| {
                let problem = check(question, self.answers.get(&question.id)).err()?;
                Some(FieldError {
                    question: question.id.clone(),
                    problem,
                })
            })
            .collect()
    }

    fn first_step_with_problems(&self, from: usize) -> Option<usize> {
        (from..self.step_count()).find(|&s| !self.problems(s).is_empty())
    }

    fn go(&mut self, screen: Screen, focus: Focus) {
        self.screen = screen;
        self.errors.clear();
        self.checking = false;
        self.move_focus(focus);
    }

    fn move_focus(&mut self, focus: Focus) {
        self.focus = focus;
        self.focus_round = self.focus_round.wrapping_add(1);
    }

    fn show_problems_on(&mut self, step: usize) {
        self.screen = Screen::Step(step);
        self.errors = self.problems(step);
        self.checking = true;
        self.move_focus(Focus::ErrorSummary);
    }

    pub fn apply(&mut self, action: Action) {
        match (action, self.screen.clone()) {
            (Action::Answer { question, value }, Screen::Step(step)) => {
                self.answers.set(&question, value);
                if self.checking {
                    self.errors = self.problems(step);
                }
            }
            (Action::Continue, Screen::Step(step)) => {
                if !self.problems(step).is_empty() {
                    self.show_problems_on(step);
                } else if self.returning {
                    // A change may reveal a required question on a later step.
                    match self.first_step_with_problems(0) {
                        Some(s) => self.show_problems_on(s),
                        None => {
                            self.returning = false;
                            self.go(Screen::Review, Focus::Heading);
                        }
                    }
                } else if step + 1 < self.step_count() {
                    self.go(Screen::Step(step + 1), Focus::Heading);
                } else {
                    self.go(Screen::Review, Focus::Heading);
                }
            }
            (Action::Back, Screen::Step(step)) if step > 0 => {
                self.returning = false;
                self.go(Screen::Step(step - 1), Focus::Heading);
            }
            (Action::Back, Screen::Review) => {
                let last = self.step_count() - 1;
                self.go(Screen::Step(last), Focus::Heading);
            }
            (Action::Change { question }, Screen::Review) => {
                if let Some(step) = self.questionnaire.step_of(&question) {
                    self.returning = true;
                    self.go(Screen::Step(step), Focus::Field(question));
                }
            }
            (Action::Submit { id, completed_at }, Screen::Review) => {
                match self.first_step_with_problems(0) {
                    Some(s) => self.show_problems_on(s),
                    None => {
                        let summary =
                            Summary::build(&self.questionnaire, &self.answers, id, completed_at);
                        self.go(Screen::Done(Box::new(summary)), Focus::Heading);
                    }
                }
            }
            (Action::StartAgain, _) => {
                *self = Flow::new(Rc::clone(&self.questionnaire));
                self.move_focus(Focus::Heading);
            }
            // Anything else (Continue on the review, a stale click) changes nothing.
            _ => {}
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn text(question: &str, value: &str) -> Action {
        Action::Answer {
            question: question.into(),
            value: Value::Text(value.into()),
        }
    }
    fn many(question: &str, values: &[&str]) -> Action {
        let value = Value::Many(values.iter().map(|v| v.to_string()).collect());
        Action::Answer {
            question: question.into(),
            value,
        }
    }
    fn tick(question: &str) -> Action {
        Action::Answer {
            question: question.into(),
            value: Value::Checked(true),
        }
    }
    fn ids(flow: &Flow) -> Vec<(&str, Problem)> {
        flow.errors
            .iter()
            .map(|e| (e.question.as_str(), e.problem))
            .collect()
    }

    /// A visitor's minimal valid answers, step by step (shared/questionnaire-brief.md).
    pub(crate) fn minimal_answers() -> Vec<Vec<Action>> {
        vec![
            vec![
                text("full_name", "Jane Example"),
                text("email", "name@example.com"),
                tick("age_confirmed"),
            ],
            vec![many("areas", &["face"]), many("concerns", &["acne_scars"])],
            vec![],
            vec![],
            vec![
                tick("risks_acknowledged"),
                tick("aftercare_acknowledged"),
                tick("information_accurate"),
                tick("data_consent"),
            ],
        ]
    }

    #[test]
    fn continue_on_an_empty_first_step_lists_every_required_problem() {
        let mut flow = Flow::new(Rc::new(Questionnaire::builtin()));
        flow.apply(Action::Continue);
        assert_eq!(flow.screen, Screen::Step(0));
        assert_eq!(
            ids(&flow),
            [
                ("full_name", Problem::Missing),
                ("email", Problem::Missing),
                ("age_confirmed", Problem::Missing)
            ]
        );
        assert_eq!(flow.focus, Focus::ErrorSummary);
        let round = flow.focus_round;
        // Re-checked as the visitor fixes, without moving focus.
        flow.apply(text("email", "name@"));
        assert_eq!(flow.error_for("email"), Some(Problem::Email));
        flow.apply(text("email", "name@example.com"));
        flow.apply(text("full_name", "Jane"));
        assert_eq!(ids(&flow), [("age_confirmed", Problem::Missing)]);
        assert_eq!(flow.focus_round, round);
        // An optional website that is filled in must be valid.
        flow.apply(text("website", "javascript:alert(1)"));
        assert_eq!(flow.error_for("website"), Some(Problem::Website));
        // Another failed Continue moves focus to the summary again.
        flow.apply(Action::Continue);
        assert_eq!(flow.focus_round, round + 1);
    }

    #[test]
    fn the_whole_flow_by_actions() {
        let mut flow = Flow::new(Rc::new(Questionnaire::builtin()));
        for (step, actions) in minimal_answers().into_iter().enumerate() {
            assert_eq!(flow.screen, Screen::Step(step));
            for a in actions {
                flow.apply(a);
            }
            flow.apply(Action::Continue);
            assert!(flow.errors.is_empty(), "step {step}: {:?}", flow.errors);
        }
        assert_eq!(flow.screen, Screen::Review);
        // Back from the review keeps every answer.
        flow.apply(Action::Back);
        assert_eq!(flow.screen, Screen::Step(4));
        flow.apply(Action::Back);
        flow.apply(Action::Back);
        assert_eq!(flow.screen, Screen::Step(2));
        flow.apply(Action::Continue);
        flow.apply(Action::Continue);
        flow.apply(Action::Continue);
        assert_eq!(flow.screen, Screen::Review);
        assert_eq!(
            flow.answers.get("full_name"),
            Some(&Value::Text("Jane Example".into()))
        );
        // Change returns to the review after the edit.
        flow.apply(Action::Change {
            question: "email".into(),
        });
        assert_eq!(flow.screen, Screen::Step(0));
        assert_eq!(flow.focus, Focus::Field("email".into()));
        flow.apply(text("email", "jane+skin@gmail.com"));
        flow.apply(Action::Continue);
        assert_eq!(flow.screen, Screen::Review);
        flow.apply(Action::Submit {
            id: "0f3a9c1b2d4e5f60".into(),
            completed_at: "2026-11-21T10:00:00Z".into(),
        });
        let Screen::Done(summary) = &flow.screen else {
            panic!("not done: {:?}", flow.screen)
        };
        assert!(summary.text().contains("jane+skin@gmail.com"));
        flow.apply(Action::StartAgain);
        assert_eq!(flow.screen, Screen::Step(0));
        assert_eq!(flow.answers, Answers::default());
    }

    #[test]
    fn a_change_that_reveals_a_required_question_is_asked_before_the_review() {
        let mut flow = Flow::new(Rc::new(Questionnaire::builtin()));
        for actions in minimal_answers() {
            for a in actions {
                flow.apply(a);
            }
            flow.apply(Action::Continue);
        }
        flow.apply(Action::Change {
            question: "concerns".into(),
        });
        assert_eq!(flow.screen, Screen::Step(1));
        flow.apply(many("concerns", &["acne_scars", "other"]));
        flow.apply(Action::Continue);
        assert_eq!(flow.screen, Screen::Step(1));
        assert_eq!(ids(&flow), [("concerns_other", Problem::Missing)]);
        flow.apply(text("concerns_other", "Redness"));
        flow.apply(Action::Continue);
        assert_eq!(flow.screen, Screen::Review);
    }

    #[test]
    fn hidden_questions_are_not_validated() {
        let mut flow = Flow::new(Rc::new(Questionnaire::builtin()));
        flow.screen = Screen::Step(3);
        flow.apply(text("allergies", "yes"));
        flow.apply(Action::Continue);
        assert_eq!(ids(&flow), [("allergies_detail", Problem::Missing)]);
        // Answering "no" hides the detail, and its problem goes with it.
        flow.apply(text("allergies", "no"));
        assert!(flow.errors.is_empty());
        flow.apply(Action::Continue);
        assert_eq!(flow.screen, Screen::Step(4));
    }

    #[test]
    fn actions_out_of_place_change_nothing() {
        let mut flow = Flow::new(Rc::new(Questionnaire::builtin()));
        let before = flow.clone();
        for action in [
            Action::Back,
            Action::Change {
                question: "email".into(),
            },
            Action::Submit {
                id: "x".into(),
                completed_at: "t".into(),
            },
        ] {
            flow.apply(action);
            assert_eq!(flow, before);
        }
    }
}
