//! The step flow: where the visitor is, what they have answered, which problems are shown, and
//! the one `apply` through which every change of state goes.

use super::answers::{Answers, Value};
use super::config::Config;
#[cfg(languages)]
use super::config::Language;
use super::delivery::{Failure, Outcome, MAX_PAYLOAD_BYTES};
use super::draft::{Draft, Pending, DRAFT_VERSION};
use super::host_event::{reason, HostEvent, Place};
use super::photos::Photo;
use super::questionnaire::{Kind, Questionnaire};
use super::signature::{self, Signature, Stroke};
use super::spam;
use super::suggest;
use super::summary::Summary;
use super::validate::{check, Problem};
use std::rc::Rc;

#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    /// A question step, by index.
    Step(usize),
    /// "Check your answers", where the submission is also sent from.
    Review,
    /// The end: the summary was delivered to the clinic (`sent`), or, with no endpoint or after
    /// a refusal, is ready for the visitor to send themselves.
    Done { summary: Rc<Summary>, sent: bool },
}

/// The state of sending the prepared submission to the clinic's endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Idle,
    Sending,
    Failed(Failure),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub question: String,
    pub problem: Problem,
}

/// Where keyboard focus belongs after an action, so that screen-reader and keyboard users land
/// where sighted users look (GOV.UK Design System, error summary: "move keyboard focus to the
/// error summary"; a new step: its heading; a failed send: the message saying so).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Focus {
    Heading,
    ErrorSummary,
    Field(String),
    Alert,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Answer {
        question: String,
        value: Value,
    },
    /// One option of a `multi` question ticked (`on`) or unticked: the flow works out the
    /// answer, in the questionnaire's order of options.
    Tick {
        question: String,
        option: String,
        on: bool,
    },
    Continue,
    Back,
    /// From the review: edit one answer, then come back.
    Change {
        question: String,
    },
    /// From the review: prepare the submission and send it (or, with no endpoint, show it).
    /// The id and time come from the browser; a retry keeps the first ones.
    Submit {
        id: String,
        completed_at: String,
        /// The browser's clock in milliseconds, for the fill time (`core::spam`).
        at_ms: u64,
    },
    /// The visitor finished editing a typed answer (the browser's `change`): an email
    /// address may now get a suggestion (`core::suggest`).
    Left {
        question: String,
    },
    /// The visitor chose the suggested address: it becomes the answer, and focus goes back to
    /// the field (the suggestion's button goes away).
    UseSuggestion {
        question: String,
    },
    /// The hidden field that only bots see was filled in (or emptied).
    HiddenField {
        filled: bool,
    },
    /// The clinic's server answered, or the request failed.
    Delivery(Outcome),
    /// The browser is online again: a send that failed for want of a network is retried.
    BackOnline,
    /// The browser copied the summary to the clipboard, or refused to.
    Copied {
        ok: bool,
    },
    StartAgain,
    /// The visitor drew on a `signature` question, or cleared it (no strokes): the typed name
    /// stays. Strokes beyond `core::signature`'s bounds are not taken.
    Draw {
        question: String,
        strokes: Vec<Stroke>,
    },
    /// A photo taken for a `photos` question (its image kept by the view): added after those
    /// already there, unless the question has all it takes (then refused as one too many).
    AddPhoto {
        question: String,
        photo: Photo,
    },
    /// A file the visitor chose for a `photos` question was not taken (`Problem::Photo`), or
    /// would be one too many: shown on the field and in the error summary, as a Continue's
    /// problems are, until they choose again or go on.
    Refuse {
        question: String,
        problem: Problem,
    },
    /// The visitor chose another of the widget's languages (`data-langs`), on the first step:
    /// every answer kept, the words changed.
    #[cfg(languages)]
    Speak(Rc<Language>),
}

/// What one action asks of the view once it is drawn. Returned by `apply` and never kept in
/// the flow, which holds state only.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Effects {
    /// Move keyboard focus here.
    pub focus: Option<Focus>,
    /// Send the pending submission (`Flow::pending_summary`) to the endpoint.
    pub send: bool,
    /// What to tell the host page: a new screen, submitted, failed.
    pub events: Vec<HostEvent>,
}

/// A submission prepared on Submit: what the draft keeps of it, and the summary built once
/// from the answers (they cannot change while it is pending: any edit drops it).
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub pending: Pending,
    pub summary: Rc<Summary>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    pub questionnaire: Rc<Questionnaire>,
    pub config: Rc<Config>,
    pub answers: Answers,
    pub screen: Screen,
    /// After a failed Continue the step is re-checked as the visitor fixes it: its problems
    /// are shown (`errors`).
    pub checking: bool,
    /// Set by Change: Continue returns to the review.
    pub returning: bool,
    /// Field errors from the clinic's server, until the visitor edits those answers.
    pub rejected: Vec<FieldError>,
    /// The submission prepared but not yet confirmed delivered; a retry sends it again.
    pub prepared: Option<Prepared>,
    pub delivery: Delivery,
    /// Whether copying the summary worked, once the visitor has tried.
    pub copied: Option<bool>,
    /// When the visitor started (the browser's clock, milliseconds), kept by the draft.
    pub started_ms: u64,
    /// Whether the hidden field only bots see holds anything.
    pub hidden_field_filled: bool,
    /// The typed answer the visitor last finished editing, until it is edited again: its
    /// suggestion, if any, is shown then and not while typing.
    pub left: Option<String>,
    /// The SHA-256 of the consent words shown (`core::consent`): set by the view before a
    /// draft is restored, so every prepared submission carries it (src/view/consent.rs).
    pub consent_digest: String,
}

impl Flow {
    pub fn new(questionnaire: Rc<Questionnaire>, config: Rc<Config>) -> Flow {
        Flow {
            questionnaire,
            config,
            answers: Answers::default(),
            screen: Screen::Step(0),
            checking: false,
            returning: false,
            rejected: Vec::new(),
            prepared: None,
            delivery: Delivery::Idle,
            copied: None,
            started_ms: 0,
            hidden_field_filled: false,
            left: None,
            consent_digest: String::new(),
        }
    }

    /// Where the visitor is, as the host page hears it.
    pub fn place(&self) -> Place {
        let of = self.step_count();
        match &self.screen {
            Screen::Step(i) => Place::Step {
                number: i + 1,
                of,
                id: self.questionnaire.steps[*i].id.clone(),
            },
            Screen::Review => Place::Review { of },
            Screen::Done { sent, .. } => Place::Done { of, sent: *sent },
        }
    }

    /// The address an email answer most likely meant, once the visitor has left the field
    /// (`core::suggest`); never an error, never blocking.
    pub fn suggestion(&self, question: &str) -> Option<String> {
        let q = self.questionnaire.question(question)?;
        if q.kind != Kind::Email || self.left.as_deref() != Some(question) {
            return None;
        }
        suggest::email(self.answers.get(question)?.as_text())
    }

    /// The event telling the host page the widget is ready, and where it starts.
    pub fn ready(&self) -> HostEvent {
        HostEvent::Ready {
            questionnaire: self.questionnaire.id.clone(),
            version: self.questionnaire.version.clone(),
            screen: self.place(),
        }
    }

    pub fn step_count(&self) -> usize {
        self.questionnaire.steps.len()
    }

    /// The problems shown on the current step, in question order: none until a Continue
    /// fails there, then re-checked as the visitor fixes them (GOV.UK: validate on Continue).
    pub fn errors(&self) -> Vec<FieldError> {
        match self.screen {
            Screen::Step(step) if self.checking => self.problems(step),
            _ => Vec::new(),
        }
    }

    /// The reference the host page's events may carry: only when the clinic opted in.
    fn event_reference(&self) -> Option<String> {
        let id = self.pending_id().filter(|_| self.config.event_reference)?;
        Some(super::summary::reference(id))
    }

    /// The id of the submission being prepared or sent.
    pub fn pending_id(&self) -> Option<&str> {
        self.prepared.as_ref().map(|p| p.pending.id.as_str())
    }

    /// The problems of one step's visible questions: the rules' own, then any the clinic's
    /// server reported for answers not edited since.
    pub fn problems(&self, step: usize) -> Vec<FieldError> {
        let q = &self.questionnaire;
        q.steps[step]
            .questions
            .iter()
            .filter(|question| self.answers.is_visible(q, question))
            // Photos that cannot be sent (`Config::takes_photos`) are never asked for.
            .filter(|question| question.kind != Kind::Photos || self.config.takes_photos())
            .filter_map(|question| {
                let problem = check(question, self.answers.get(&question.id))
                    .err()
                    .or_else(|| {
                        let rejected = self.rejected.iter().find(|r| r.question == question.id)?;
                        Some(rejected.problem.clone())
                    })?;
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

    /// The submission as prepared on Submit.
    pub fn pending_summary(&self) -> Option<&Rc<Summary>> {
        self.prepared.as_ref().map(|p| &p.summary)
    }

    /// Builds the summary of a prepared submission, once.
    fn prepare(&self, pending: Pending) -> Prepared {
        let summary = Summary::build(
            &self.questionnaire,
            &self.answers,
            &self.config.clinic_name,
            pending.id.clone(),
            pending.completed_at.clone(),
        )
        .annotated(&self.config.context, &pending.spam)
        .with_consent_digest(&self.consent_digest);
        Prepared {
            pending,
            summary: Rc::new(summary),
        }
    }

    fn go(&mut self, screen: Screen, focus: Focus, fx: &mut Effects) {
        self.enter(screen, fx);
        self.checking = false;
        fx.focus = Some(focus);
    }

    /// Changes screen, telling the host page when it is a different one.
    fn enter(&mut self, screen: Screen, fx: &mut Effects) {
        let moved = self.screen != screen;
        self.screen = screen;
        if moved {
            fx.events.push(HostEvent::Step(self.place()));
        }
    }

    fn show_problems_on(&mut self, step: usize, fx: &mut Effects) {
        self.enter(Screen::Step(step), fx);
        self.checking = true;
        fx.focus = Some(Focus::ErrorSummary);
    }

    fn send(&mut self, fx: &mut Effects) {
        self.delivery = Delivery::Sending;
        fx.send = true;
    }

    fn finish(&mut self, sent: bool, fx: &mut Effects) {
        if let Some(summary) = self.pending_summary().cloned() {
            if sent {
                self.prepared = None;
            }
            self.go(Screen::Done { summary, sent }, Focus::Heading, fx);
        }
    }

    fn delivered(&mut self, outcome: Outcome, fx: &mut Effects) {
        match outcome {
            Outcome::Delivered => {
                self.delivery = Delivery::Idle;
                if self.prepared.is_some() {
                    fx.events.push(HostEvent::Submitted {
                        reference: self.event_reference(),
                    });
                }
                self.finish(true, fx);
            }
            Outcome::Rejected(status, fields) => {
                let q = Rc::clone(&self.questionnaire);
                self.rejected = fields
                    .into_iter()
                    .filter(|(id, _)| {
                        q.question(id)
                            .is_some_and(|x| self.answers.is_visible(&q, x))
                    })
                    .map(|(question, message)| FieldError {
                        question,
                        problem: Problem::Rejected(message),
                    })
                    .collect();
                match self.first_step_with_problems(0) {
                    Some(step) if !self.rejected.is_empty() => {
                        // The answers will change, so the next Submit is a new submission.
                        self.prepared = None;
                        self.delivery = Delivery::Idle;
                        self.returning = true;
                        self.show_problems_on(step, fx);
                    }
                    // Errors about fields the visitor cannot see cannot be fixed by them.
                    _ => self.delivered(Outcome::Failed(Failure::Refused(status)), fx),
                }
            }
            Outcome::Failed(failure) => {
                self.delivery = Delivery::Failed(failure);
                fx.events.push(HostEvent::Failed {
                    reference: self.event_reference(),
                    reason: reason(failure),
                    message: None,
                });
                if failure.retryable() {
                    fx.focus = Some(Focus::Alert);
                } else {
                    self.finish(false, fx);
                }
            }
        }
    }

    /// The one way state changes. Returns what the view must do once the action is drawn:
    /// move focus, send, tell the host page.
    pub fn apply(&mut self, action: Action) -> Effects {
        let mut fx = Effects::default();
        self.reduce(action, &mut fx);
        fx
    }

    /// The answer a tick or untick makes: the ticked options in the questionnaire's order.
    fn ticked(&self, question: &str, option: &str, on: bool) -> Option<Value> {
        let q = self.questionnaire.question(question)?;
        let was = |v: &str| self.answers.get(question).is_some_and(|a| a.matches(v));
        let values = q
            .options
            .iter()
            .filter(|o| if o.value == option { on } else { was(&o.value) })
            .map(|o| o.value.clone());
        Some(Value::Many(values.collect()))
    }

    /// A typed name on a `signature` question signs it, keeping what was drawn.
    fn signed(&self, question: &str, value: Value) -> Value {
        let is_signature = self
            .questionnaire
            .question(question)
            .is_some_and(|q| q.kind == Kind::Signature);
        match value {
            Value::Text(name) if is_signature => {
                let strokes = match self.answers.get(question) {
                    Some(Value::Signed(s)) => s.strokes.clone(),
                    _ => Vec::new(),
                };
                Value::Signed(Signature { name, strokes })
            }
            value => value,
        }
    }

    fn reduce(&mut self, action: Action, fx: &mut Effects) {
        let sending = self.delivery == Delivery::Sending;
        match (action, self.screen.clone()) {
            (
                Action::Tick {
                    question,
                    option,
                    on,
                },
                Screen::Step(_),
            ) => {
                if let Some(value) = self.ticked(&question, &option, on) {
                    self.reduce(Action::Answer { question, value }, fx);
                }
            }
            (Action::Draw { question, strokes }, Screen::Step(_))
                if signature::check(&strokes).is_ok() =>
            {
                let name = self.answers.get(&question).map(|v| v.as_text().to_owned());
                let name = name.unwrap_or_default();
                let value = Value::Signed(Signature { name, strokes });
                self.reduce(Action::Answer { question, value }, fx);
            }
            (Action::Answer { question, value }, Screen::Step(_)) => {
                let value = self.signed(&question, value);
                if self.answers.get(&question) != Some(&value) {
                    // Different answers make a different submission, with a new id.
                    self.prepared = None;
                    self.delivery = Delivery::Idle;
                }
                self.rejected.retain(|r| r.question != question);
                if self.left.as_deref() == Some(question.as_str()) {
                    self.left = None;
                }
                self.answers.set(&question, value);
            }
            (Action::Left { question }, Screen::Step(_)) => self.left = Some(question),
            (Action::UseSuggestion { question }, Screen::Step(_)) => {
                if let Some(address) = self.suggestion(&question) {
                    let value = Value::Text(address);
                    self.reduce(
                        Action::Answer {
                            question: question.clone(),
                            value,
                        },
                        fx,
                    );
                    fx.focus = Some(Focus::Field(question));
                }
            }
            (Action::AddPhoto { question, photo }, Screen::Step(_)) => {
                let mut photos = match self.answers.get(&question) {
                    Some(Value::Photos(p)) => p.clone(),
                    _ => Vec::new(),
                };
                let max = self
                    .questionnaire
                    .question(&question)
                    .map(|q| q.max_photos());
                if let Some(max) = max.filter(|&max| photos.len() >= max) {
                    let problem = Problem::TooManyPhotos { max };
                    return self.reduce(Action::Refuse { question, problem }, fx);
                }
                photos.push(photo);
                let value = Value::Photos(photos);
                self.reduce(Action::Answer { question, value }, fx);
            }
            (Action::Refuse { question, problem }, Screen::Step(step)) => {
                self.rejected.retain(|r| r.question != question);
                self.rejected.push(FieldError { question, problem });
                self.show_problems_on(step, fx);
            }
            (Action::Continue, Screen::Step(step)) => {
                // A file not taken is not an answer to fix: told once, it does not hold the
                // visitor back (what they did add is checked as any answer is).
                self.rejected.retain(|r| {
                    !matches!(
                        r.problem,
                        Problem::Photo(..) | Problem::TooManyPhotos { .. }
                    )
                });
                if !self.problems(step).is_empty() {
                    self.show_problems_on(step, fx);
                } else if self.returning {
                    // A change may reveal a required question on a later step.
                    match self.first_step_with_problems(0) {
                        Some(s) => self.show_problems_on(s, fx),
                        None => {
                            self.returning = false;
                            self.go(Screen::Review, Focus::Heading, fx);
                        }
                    }
                } else if step + 1 < self.step_count() {
                    self.go(Screen::Step(step + 1), Focus::Heading, fx);
                } else {
                    self.go(Screen::Review, Focus::Heading, fx);
                }
            }
            (Action::Back, Screen::Step(step)) if step > 0 => {
                self.returning = false;
                self.go(Screen::Step(step - 1), Focus::Heading, fx);
            }
            (Action::Back, Screen::Review) if !sending => {
                let last = self.step_count() - 1;
                self.go(Screen::Step(last), Focus::Heading, fx);
            }
            (Action::Change { question }, Screen::Review) if !sending => {
                if let Some(step) = self.questionnaire.step_of(&question) {
                    self.returning = true;
                    self.go(Screen::Step(step), Focus::Field(question), fx);
                }
            }
            // Sending already: a second click or Enter sends nothing more.
            (
                Action::Submit {
                    id,
                    completed_at,
                    at_ms,
                },
                Screen::Review,
            ) if !sending => {
                if let Some(step) = self.first_step_with_problems(0) {
                    self.show_problems_on(step, fx);
                    return;
                }
                if self.prepared.is_none() {
                    let spam = spam::reasons(self.hidden_field_filled, self.started_ms, at_ms);
                    let pending = Pending {
                        id,
                        completed_at,
                        spam,
                    };
                    self.prepared = Some(self.prepare(pending));
                }
                let too_large = self
                    .pending_summary()
                    .is_some_and(|s| s.json().len() > MAX_PAYLOAD_BYTES);
                match self.config.endpoint {
                    None => self.finish(false, fx),
                    // Larger than any endpoint should be asked to take: never sent, and offered
                    // to the visitor to send by hand.
                    Some(_) if too_large => self.delivered(Outcome::Failed(Failure::TooLarge), fx),
                    Some(_) => self.send(fx),
                }
            }
            (Action::Delivery(outcome), Screen::Review) if sending => self.delivered(outcome, fx),
            (Action::BackOnline, Screen::Review) => {
                if let (Delivery::Failed(f), Some(_)) = (self.delivery, &self.prepared) {
                    if f.retryable() {
                        self.send(fx);
                    }
                }
            }
            (Action::Copied { ok }, Screen::Done { .. }) => self.copied = Some(ok),
            (Action::HiddenField { filled }, _) => self.hidden_field_filled = filled,
            // Only on the first step: a language chosen there is the one the visitor reads on.
            #[cfg(languages)]
            (Action::Speak(language), Screen::Step(0)) => {
                self.questionnaire = Rc::clone(&language.questionnaire);
                let mut config = (*self.config).clone();
                config.in_language(language.words);
                self.config = Rc::new(config);
                self.consent_digest.clone_from(&language.consent_digest);
            }
            (Action::StartAgain, _) => {
                let was = self.place();
                let started_ms = self.started_ms;
                let digest = std::mem::take(&mut self.consent_digest);
                *self = Flow::new(Rc::clone(&self.questionnaire), Rc::clone(&self.config));
                self.started_ms = started_ms;
                self.consent_digest = digest;
                if was != self.place() {
                    fx.events.push(HostEvent::Step(self.place()));
                }
                fx.focus = Some(Focus::Heading);
            }
            // Anything else (Continue on the review, a stale click, a late answer) changes
            // nothing.
            _ => {}
        }
    }

    /// What to save so a reload loses nothing: `None` once there is nothing worth keeping
    /// (nothing answered yet), once the final screen shows (sent, or ready to send by hand:
    /// the answers are then in the visitor's hands, issue 14), and once the draft first saved
    /// at `first_saved` has outlived `data-draft-hours`. The caller then removes any draft.
    pub fn draft(&self, now: u64, first_saved: Option<u64>) -> Option<Draft> {
        let step = match &self.screen {
            Screen::Step(i) => Some(*i),
            Screen::Review => None,
            Screen::Done { .. } => return None,
        };
        let first_saved = first_saved.unwrap_or(now);
        let expired = now > first_saved.saturating_add(self.config.draft_max_age_ms);
        if self.answers == Answers::default() || expired {
            return None;
        }
        let answers = self.answers.without_photos();
        Some(Draft {
            version: DRAFT_VERSION,
            questionnaire: self.draft_key(),
            saved_at: now,
            first_saved,
            started_at: self.started_ms,
            step,
            // A submission with photos cannot be sent again as it was after a reload (the
            // images are gone): the answers left are a new submission, not a retry of it.
            pending: (answers == self.answers)
                .then(|| self.prepared.as_ref().map(|p| p.pending.clone()))
                .flatten(),
            answers,
            // Only where the visitor had a choice: otherwise the page's language applies.
            #[cfg(languages)]
            lang: (!self.config.languages.is_empty()).then(|| self.config.words.lang().to_owned()),
        })
    }

    /// Names the questionnaire a draft belongs to, so a new version never reads old answers.
    pub fn draft_key(&self) -> String {
        super::draft::key(&self.questionnaire)
    }

    /// Picks up where a saved draft left off. A submission that had not been confirmed waits on
    /// the review with a Retry, and keeps its id.
    pub fn restore(&mut self, draft: Draft) {
        self.answers = draft.answers;
        if draft.started_at > 0 {
            self.started_ms = draft.started_at;
        }
        self.screen = match draft.step {
            Some(i) if i < self.step_count() => Screen::Step(i),
            _ => Screen::Review,
        };
        self.prepared = draft.pending.map(|p| self.prepare(p));
        if self.prepared.is_some() {
            self.screen = Screen::Review;
            if self.config.endpoint.is_some() {
                self.delivery = Delivery::Failed(Failure::NotSent);
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn flow() -> Flow {
        Flow::new(
            Rc::new(Questionnaire::builtin()),
            Rc::new(Config::default()),
        )
    }

    fn sending_flow() -> Flow {
        let config = Config {
            endpoint: Some("https://clinic.example/in".into()),
            ..Config::default()
        };
        let mut flow = Flow::new(Rc::new(Questionnaire::builtin()), Rc::new(config));
        to_review(&mut flow);
        flow
    }

    /// Answers every step minimally and continues to "Check your answers": the effects of
    /// that last Continue.
    fn to_review(flow: &mut Flow) -> Effects {
        let mut last = Effects::default();
        for actions in minimal_answers() {
            for a in actions {
                flow.apply(a);
            }
            last = flow.apply(Action::Continue);
        }
        assert_eq!(flow.screen, Screen::Review);
        last
    }

    /// Issue 24: a flow sending to a receiver's `/submissions`, on Your skin, where the
    /// built-in questionnaire asks for up to 4 photos (`core::photos::DEFAULT_MAX`).
    fn on_your_skin(endpoint: &str) -> Flow {
        let config = Config {
            endpoint: Some(endpoint.into()),
            ..Config::default()
        };
        let mut flow = Flow::new(Rc::new(Questionnaire::builtin()), Rc::new(config));
        minimal_answers()[0]
            .iter()
            .for_each(|a| drop(flow.apply(a.clone())));
        flow.apply(Action::Continue);
        assert_eq!(flow.screen, Screen::Step(1));
        flow
    }

    fn add_photo(n: u8) -> Action {
        Action::AddPhoto {
            question: "skin_photos".into(),
            photo: Photo {
                photo: format!("0f3a9c1b-2d4e-4f60-8a1b-2c3d4e5f6a{n:02}"),
                description: String::new(),
            },
        }
    }

    fn photos_kept(flow: &Flow) -> usize {
        match flow.answers.get("skin_photos") {
            Some(Value::Photos(p)) => p.len(),
            _ => 0,
        }
    }

    #[test]
    fn photos_are_added_up_to_the_question_s_number_then_refused_as_one_too_many() {
        let mut flow = on_your_skin("https://clinic.example/submissions");
        (0..4).for_each(|n| drop(flow.apply(add_photo(n))));
        assert_eq!((photos_kept(&flow), flow.errors()), (4, vec![]));
        let fx = flow.apply(add_photo(4));
        assert_eq!(photos_kept(&flow), 4);
        let too_many = Problem::TooManyPhotos { max: 4 };
        assert_eq!(error_for(&flow, "skin_photos"), Some(too_many));
        assert_eq!(
            fx.focus,
            Some(Focus::ErrorSummary),
            "through the error summary"
        );
    }

    #[test]
    fn a_file_not_taken_is_told_and_does_not_hold_the_visitor_back() {
        let mut flow = on_your_skin("https://clinic.example/submissions");
        let refused = Problem::Photo(super::super::photos::Refusal::NotImage, "notes.txt".into());
        let fx = flow.apply(Action::Refuse {
            question: "skin_photos".into(),
            problem: refused.clone(),
        });
        assert_eq!(error_for(&flow, "skin_photos"), Some(refused));
        assert_eq!(fx.focus, Some(Focus::ErrorSummary));
        // A photo taken after it clears it, as an edited answer clears a server's refusal.
        flow.apply(add_photo(1));
        assert_eq!(error_for(&flow, "skin_photos"), None);
        flow.apply(Action::Refuse {
            question: "skin_photos".into(),
            problem: Problem::TooManyPhotos { max: 4 },
        });
        minimal_answers()[1]
            .iter()
            .for_each(|a| drop(flow.apply(a.clone())));
        flow.apply(Action::Continue);
        assert_eq!(flow.screen, Screen::Step(2), "Continue goes on");
        assert_eq!(photos_kept(&flow), 1);
    }

    #[test]
    fn a_draft_keeps_no_photos_and_no_submission_naming_them() {
        // Issue 24, item 4: the images live in the page alone, so a reload must not bring back
        // photos it cannot send, nor a pending submission whose photos are gone.
        let mut flow = on_your_skin("https://clinic.example/submissions");
        flow.apply(add_photo(1));
        let draft = flow.draft(1_000, None).expect("a draft");
        assert_eq!(draft.answers.get("skin_photos"), None);
        assert!(draft.answers.get("full_name").is_some());
        minimal_answers()[1..].iter().for_each(|step| {
            step.iter().for_each(|a| drop(flow.apply(a.clone())));
            flow.apply(Action::Continue);
        });
        assert_eq!(flow.screen, Screen::Review);
        flow.apply(submit("0f3a9c1b-2d4e-4f60-8a1b-2c3d4e5f6a7b"));
        assert!(flow.pending_summary().is_some());
        assert_eq!(
            flow.draft(2_000, Some(1_000)).expect("a draft").pending,
            None
        );
    }

    #[test]
    fn photos_that_cannot_be_sent_are_never_asked_for() {
        // A form backend of another kind, or none, gets no photos (`Config::takes_photos`): a
        // required photos question does not hold the visitor there.
        let q = Questionnaire::from_json(
            r#"{"id": "p", "version": "1", "title": "T", "steps": [{"id": "s", "title": "S",
                "questions": [{"id": "skin_photos", "kind": "photos", "label": "Photos",
                "required": true}]}]}"#,
        )
        .expect("a questionnaire");
        for (endpoint, held) in [
            (Some("https://clinic.example/submissions"), true),
            (Some("https://formspree.io/f/abcd1234"), false),
            (None, false),
        ] {
            let config = Config {
                endpoint: endpoint.map(str::to_owned),
                ..Config::default()
            };
            let mut flow = Flow::new(Rc::new(q.clone()), Rc::new(config));
            flow.apply(Action::Continue);
            assert_eq!(flow.screen == Screen::Step(0), held, "{endpoint:?}");
        }
    }

    fn submit(id: &str) -> Action {
        Action::Submit {
            id: id.into(),
            completed_at: "2026-11-21T10:00:00Z".into(),
            at_ms: 600_000,
        }
    }

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
    fn ids(flow: &Flow) -> Vec<(String, Problem)> {
        flow.errors()
            .into_iter()
            .map(|e| (e.question, e.problem))
            .collect()
    }

    fn error_for(flow: &Flow, question: &str) -> Option<Problem> {
        let errors = flow.errors().into_iter();
        errors
            .filter(|e| e.question == question)
            .map(|e| e.problem)
            .next()
    }

    /// `[(question, problem)]` as `ids` returns it, from string literals.
    fn want(pairs: &[(&str, Problem)]) -> Vec<(String, Problem)> {
        pairs
            .iter()
            .map(|(q, p)| (q.to_string(), p.clone()))
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
            // Every screening question needs an answer (issue 20): "no" to each.
            Questionnaire::builtin().steps[3]
                .questions
                .iter()
                .filter(|q| q.flag_if.is_some())
                .map(|q| text(&q.id, "no"))
                .collect(),
            vec![
                tick("risks_acknowledged"),
                tick("aftercare_acknowledged"),
                tick("information_accurate"),
                tick("data_consent"),
                // Issue 23: signed by typing, the accessible way that is always there.
                text("signature", "Jane Example"),
            ],
        ]
    }

    #[test]
    fn a_restored_submission_carries_the_digest() {
        // Issue 23: a reloaded page restores a pending submission at start; the view sets the
        // digest first, so the submission prepared again carries it (the receiver refuses
        // one without).
        let mut flow = sending_flow();
        flow.apply(Action::Submit {
            id: "0f3a9c1b-2d4e-4f60-8a1b-2c3d4e5f6a7b".into(),
            completed_at: "2026-12-07T10:00:00Z".into(),
            at_ms: 1,
        });
        let draft = flow.draft(2, Some(1)).expect("pending is kept");
        let mut restored = sending_flow();
        restored.consent_digest = "ab".repeat(32);
        restored.restore(draft);
        let digest = |f: &Flow| {
            f.pending_summary()
                .unwrap()
                .signature
                .clone()
                .unwrap()
                .consent_digest
        };
        assert_eq!(digest(&restored), "ab".repeat(32));
        // Start again keeps it for the next visitor on this page.
        restored.apply(Action::StartAgain);
        assert_eq!(restored.consent_digest, "ab".repeat(32));
    }

    #[test]
    #[cfg(languages)]
    fn another_language_on_the_first_step_keeps_every_answer() {
        // Issue 25: a widget offering languages (data-langs) lets the visitor switch on the
        // first step; what they typed stays, the words and the consent digest change.
        use crate::core::catalogue::{self, Msg};
        use crate::core::translation::{self, Translation};
        let q = Questionnaire::builtin();
        let t = Translation::from_json(translation::builtin_json("es").unwrap()).unwrap();
        let spanish = Rc::new(Language {
            questionnaire: Rc::new(translation::translate(&q, &t).unwrap()),
            words: catalogue::from_json("es", catalogue::builtin_json("es").unwrap()).unwrap(),
            consent_digest: "es".repeat(32),
        });
        let mut flow = flow();
        flow.apply(text("full_name", "Jane Example"));
        flow.apply(Action::Speak(Rc::clone(&spanish)));
        assert_eq!(flow.questionnaire.language(), "es");
        assert_eq!(flow.config.words.lang(), "es");
        assert_eq!(flow.config.clinic_name, spanish.words.get(Msg::TheClinic));
        assert_eq!(flow.consent_digest, "es".repeat(32));
        assert_eq!(
            flow.answers.get("full_name"),
            Some(&Value::Text("Jane Example".into()))
        );
        // Past the first step the language stays.
        flow.screen = Screen::Step(1);
        let english = Rc::new(Language {
            questionnaire: Rc::new(q),
            words: catalogue::Catalogue::ENGLISH,
            consent_digest: String::new(),
        });
        flow.apply(Action::Speak(Rc::clone(&english)));
        assert_eq!(flow.config.words.lang(), "es");
        // The draft keeps the visitor's choice where they had one (data-langs), so a reload
        // comes back in it; without a choice the page's language applies again.
        assert_eq!(flow.draft(10, None).unwrap().lang, None);
        let mut config = (*flow.config).clone();
        config.languages = vec![english, spanish];
        flow.config = Rc::new(config);
        assert_eq!(flow.draft(10, None).unwrap().lang.as_deref(), Some("es"));
    }

    #[test]
    fn typing_and_drawing_make_one_signature() {
        // Issue 23: the typed name signs; drawing adds strokes and keeps the name; Clear (no
        // strokes) keeps the name; strokes beyond the bounds are not taken.
        let mut flow = flow();
        flow.screen = Screen::Step(4);
        let signed = |name: &str, strokes: Vec<Stroke>| {
            Some(Value::Signed(Signature {
                name: name.into(),
                strokes,
            }))
        };
        let draw = |strokes: Vec<Stroke>| Action::Draw {
            question: "signature".into(),
            strokes,
        };
        flow.apply(draw(vec![vec![1, 2, 3, 4]]));
        assert_eq!(
            flow.answers.get("signature").cloned(),
            signed("", vec![vec![1, 2, 3, 4]])
        );
        assert_eq!(
            flow.problems(4)
                .iter()
                .find(|e| e.question == "signature")
                .map(|e| &e.problem),
            Some(&Problem::Missing),
            "drawing alone is not signing"
        );
        flow.apply(text("signature", "Jane Example"));
        assert_eq!(
            flow.answers.get("signature").cloned(),
            signed("Jane Example", vec![vec![1, 2, 3, 4]])
        );
        flow.apply(draw(vec![vec![0; 2 * (signature::MAX_POINTS + 1)]]));
        assert_eq!(
            flow.answers.get("signature").cloned(),
            signed("Jane Example", vec![vec![1, 2, 3, 4]]),
            "over the bound: not taken"
        );
        flow.apply(draw(vec![]));
        assert_eq!(
            flow.answers.get("signature").cloned(),
            signed("Jane Example", vec![])
        );
        assert!(flow.problems(4).iter().all(|e| e.question != "signature"));
    }

    #[test]
    fn continue_on_an_empty_first_step_lists_every_required_problem() {
        let mut flow = flow();
        let fx = flow.apply(Action::Continue);
        assert_eq!(flow.screen, Screen::Step(0));
        assert_eq!(
            ids(&flow),
            want(&[
                ("full_name", Problem::Missing),
                ("email", Problem::Missing),
                ("age_confirmed", Problem::Missing)
            ])
        );
        assert_eq!(fx.focus, Some(Focus::ErrorSummary));
        // Re-checked as the visitor fixes, without moving focus.
        flow.apply(text("email", "name@"));
        assert_eq!(error_for(&flow, "email"), Some(Problem::Email));
        flow.apply(text("email", "name@example.com"));
        let fx = flow.apply(text("full_name", "Jane"));
        assert_eq!(ids(&flow), want(&[("age_confirmed", Problem::Missing)]));
        assert_eq!(fx.focus, None, "typing never moves focus");
        // An optional website that is filled in must be valid.
        flow.apply(text("website", "javascript:alert(1)"));
        assert_eq!(error_for(&flow, "website"), Some(Problem::Website));
        // Another failed Continue moves focus to the summary again.
        let fx = flow.apply(Action::Continue);
        assert_eq!(fx.focus, Some(Focus::ErrorSummary));
    }

    #[test]
    fn the_whole_flow_by_actions() {
        let mut flow = flow();
        for (step, actions) in minimal_answers().into_iter().enumerate() {
            assert_eq!(flow.screen, Screen::Step(step));
            for a in actions {
                flow.apply(a);
            }
            flow.apply(Action::Continue);
            assert!(flow.errors().is_empty(), "step {step}: {:?}", flow.errors());
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
        let fx = flow.apply(Action::Change {
            question: "email".into(),
        });
        assert_eq!(flow.screen, Screen::Step(0));
        assert_eq!(fx.focus, Some(Focus::Field("email".into())));
        flow.apply(text("email", "jane+skin@gmail.com"));
        flow.apply(Action::Continue);
        assert_eq!(flow.screen, Screen::Review);
        flow.apply(Action::Submit {
            id: "0f3a9c1b2d4e5f60".into(),
            completed_at: "2026-11-21T10:00:00Z".into(),
            at_ms: 600_000,
        });
        let Screen::Done {
            summary,
            sent: false,
        } = &flow.screen
        else {
            panic!("not done: {:?}", flow.screen)
        };
        assert!(summary.text().contains("jane+skin@gmail.com"));
        flow.apply(Action::StartAgain);
        assert_eq!(flow.screen, Screen::Step(0));
        assert_eq!(flow.answers, Answers::default());
    }

    #[test]
    fn ticking_options_keeps_the_questionnaire_order() {
        // Issue 10: ticking a box of a `multi` question is a core action.
        let mut flow = flow();
        flow.apply(Action::Continue);
        flow.screen = Screen::Step(1);
        let tick = |option: &str, on: bool| Action::Tick {
            question: "areas".into(),
            option: option.into(),
            on,
        };
        for action in [tick("neck", true), tick("face", true), tick("hands", true)] {
            flow.apply(action);
        }
        flow.apply(tick("neck", false));
        let want = Value::Many(vec!["face".into(), "hands".into()]);
        assert_eq!(flow.answers.get("areas"), Some(&want));
        // An option the question does not have, or a question that is not there: nothing.
        let before = flow.clone();
        flow.apply(tick("elbows", true));
        flow.apply(Action::Tick {
            question: "nope".into(),
            option: "x".into(),
            on: true,
        });
        assert_eq!(flow.answers, before.answers);
    }

    #[test]
    fn a_change_that_reveals_a_required_question_is_asked_before_the_review() {
        let mut flow = flow();
        to_review(&mut flow);
        flow.apply(Action::Change {
            question: "concerns".into(),
        });
        assert_eq!(flow.screen, Screen::Step(1));
        flow.apply(many("concerns", &["acne_scars", "other"]));
        flow.apply(Action::Continue);
        assert_eq!(flow.screen, Screen::Step(1));
        assert_eq!(ids(&flow), want(&[("concerns_other", Problem::Missing)]));
        flow.apply(text("concerns_other", "Redness"));
        flow.apply(Action::Continue);
        assert_eq!(flow.screen, Screen::Review);
    }

    #[test]
    fn an_email_typo_gets_a_suggestion_once_left_never_an_error() {
        // Issue 20: `@gmail` and `@gmial.com` are valid (WHATWG) and stay so; the visitor is
        // offered the likely address after leaving the field, and may take it or not.
        let mut flow = flow();
        flow.apply(text("email", "amelia.hart@gmail"));
        assert_eq!(flow.suggestion("email"), None, "not while typing");
        flow.apply(Action::Left {
            question: "email".into(),
        });
        assert_eq!(
            flow.suggestion("email").as_deref(),
            Some("amelia.hart@gmail.com")
        );
        assert_eq!(error_for(&flow, "email"), None);
        // Typing again hides it until the field is left again.
        flow.apply(text("email", "amelia.hart@gmial.com"));
        assert_eq!(flow.suggestion("email"), None);
        flow.apply(Action::Left {
            question: "email".into(),
        });
        let fx = flow.apply(Action::UseSuggestion {
            question: "email".into(),
        });
        assert_eq!(
            flow.answers.get("email").unwrap().as_text(),
            "amelia.hart@gmail.com"
        );
        assert_eq!(fx.focus, Some(Focus::Field("email".into())));
        assert_eq!(flow.suggestion("email"), None);
        // Not taking it never blocks: Continue checks the address as typed.
        flow.apply(text("email", "amelia.hart@gmail"));
        flow.apply(text("full_name", "Amelia Hart"));
        flow.apply(tick("age_confirmed"));
        flow.apply(Action::Continue);
        assert_eq!(flow.screen, Screen::Step(1));
        // Only email questions get one.
        flow.apply(Action::Left {
            question: "full_name".into(),
        });
        assert_eq!(flow.suggestion("full_name"), None);
    }

    #[test]
    fn every_screening_question_needs_an_answer() {
        // Issue 20: an empty Continue on "Health screening" moved on to Consent. Each Yes/No
        // now needs an answer; a Yes still never blocks.
        let mut flow = flow();
        flow.screen = Screen::Step(3);
        flow.apply(Action::Continue);
        assert_eq!(flow.screen, Screen::Step(3));
        let q = Rc::clone(&flow.questionnaire);
        let screening: Vec<&str> = q.steps[3]
            .questions
            .iter()
            .filter(|q| q.flag_if.is_some())
            .map(|q| q.id.as_str())
            .collect();
        assert_eq!(screening.len(), 12);
        let missing: Vec<(&str, Problem)> =
            screening.iter().map(|id| (*id, Problem::Missing)).collect();
        assert_eq!(ids(&flow), want(&missing));
        for id in screening {
            flow.apply(text(id, "yes"));
        }
        flow.apply(text("allergies_detail", "Latex"));
        flow.apply(Action::Continue);
        assert_eq!(flow.screen, Screen::Step(4));
    }

    #[test]
    fn a_phone_answer_must_look_like_a_number() {
        // Issue 20: "call me maybe!!" was accepted; the phone question is optional, so empty
        // is still fine.
        let mut flow = flow();
        for a in minimal_answers().swap_remove(0) {
            flow.apply(a);
        }
        flow.apply(text("phone", "call me maybe!!"));
        flow.apply(Action::Continue);
        assert_eq!(ids(&flow), want(&[("phone", Problem::Phone)]));
        flow.apply(text("phone", "+44 1632 960001"));
        assert!(flow.errors().is_empty());
        flow.apply(text("phone", ""));
        flow.apply(Action::Continue);
        assert_eq!(flow.screen, Screen::Step(1));
    }

    #[test]
    fn hidden_questions_are_not_validated() {
        let mut flow = flow();
        flow.screen = Screen::Step(3);
        for actions in minimal_answers().swap_remove(3) {
            flow.apply(actions);
        }
        flow.apply(text("allergies", "yes"));
        flow.apply(Action::Continue);
        assert_eq!(ids(&flow), want(&[("allergies_detail", Problem::Missing)]));
        // Answering "no" hides the detail, and its problem goes with it.
        flow.apply(text("allergies", "no"));
        assert!(flow.errors().is_empty());
        flow.apply(Action::Continue);
        assert_eq!(flow.screen, Screen::Step(4));
    }

    #[test]
    fn actions_out_of_place_change_nothing() {
        let mut flow = flow();
        let before = flow.clone();
        for action in [
            Action::Back,
            Action::Change {
                question: "email".into(),
            },
            Action::Submit {
                id: "x".into(),
                completed_at: "t".into(),
                at_ms: 0,
            },
            Action::Delivery(Outcome::Delivered),
        ] {
            assert_eq!(flow.apply(action), Effects::default());
            assert_eq!(flow, before);
        }
    }

    #[test]
    fn the_host_page_hears_of_each_new_screen_and_each_send() {
        // Issue 4, "Host events": step changes, submitted with the id, failed; never answers.
        let config = Config {
            endpoint: Some("https://clinic.example/in".into()),
            ..Config::default()
        };
        let mut flow = Flow::new(Rc::new(Questionnaire::builtin()), Rc::new(config));
        let fx = to_review(&mut flow);
        assert_eq!(fx.events, [HostEvent::Step(Place::Review { of: 5 })]);
        let ready = flow.ready();
        assert_eq!(ready.name(), "consultation-form:ready");
        let fx = flow.apply(Action::Back);
        let step5 = Place::Step {
            number: 5,
            of: 5,
            id: "consent".into(),
        };
        assert_eq!(fx.events, [HostEvent::Step(step5)]);
        let fx = flow.apply(text("full_name", "Jane Example"));
        assert_eq!(fx.events, [], "an answer is not an event");
        flow.apply(Action::Continue);
        let fx = flow.apply(submit("first"));
        assert_eq!(fx.events, [], "sending is not yet submitted");
        let fx = flow.apply(Action::Delivery(Outcome::Failed(Failure::Timeout)));
        let failed = HostEvent::Failed {
            reference: None,
            reason: "timeout",
            message: None,
        };
        assert_eq!(fx.events, [failed]);
        flow.apply(submit("retry"));
        let fx = flow.apply(Action::Delivery(Outcome::Delivered));
        // No submission id by default (issue 14): analytics cannot join it to a record.
        let submitted = HostEvent::Submitted { reference: None };
        let done = HostEvent::Step(Place::Done { of: 5, sent: true });
        assert_eq!(fx.events, [submitted, done]);
        let details: String = fx.events.iter().map(HostEvent::detail).collect();
        assert!(!details.contains("Jane"), "{details}");
        let fx = flow.apply(Action::StartAgain);
        let first = Place::Step {
            number: 1,
            of: 5,
            id: "about_you".into(),
        };
        assert_eq!(fx.events, [HostEvent::Step(first)]);
    }

    #[test]
    fn events_carry_the_reference_only_when_the_clinic_opts_in() {
        // Issue 14, "Events": never the submission id; the reference on request.
        let config = Config {
            endpoint: Some("https://clinic.example/in".into()),
            event_reference: true,
            ..Config::default()
        };
        let mut flow = Flow::new(Rc::new(Questionnaire::builtin()), Rc::new(config));
        to_review(&mut flow);
        flow.apply(submit("first"));
        let fx = flow.apply(Action::Delivery(Outcome::Failed(Failure::Timeout)));
        assert_eq!(
            fx.events,
            [HostEvent::Failed {
                reference: Some("FIRS-T".into()),
                reason: "timeout",
                message: None
            }]
        );
        flow.apply(submit("retry"));
        let fx = flow.apply(Action::Delivery(Outcome::Delivered));
        assert_eq!(
            fx.events[0],
            HostEvent::Submitted {
                reference: Some("FIRS-T".into())
            }
        );
        let details: String = fx.events.iter().map(HostEvent::detail).collect();
        assert!(!details.contains("first"), "never the id: {details}");
    }

    #[test]
    fn likely_spam_is_marked_and_still_sent() {
        // Issue 5, "Spam": a hidden field and a minimum fill time mark the submission; it is
        // sent all the same, and a retry keeps the mark.
        let mut flow = sending_flow();
        flow.started_ms = 598_000;
        flow.apply(Action::HiddenField { filled: true });
        let fx = flow.apply(submit("bot"));
        assert!(fx.send, "never silently dropped");
        let summary = flow.pending_summary().unwrap();
        assert_eq!(summary.spam, [spam::HIDDEN_FIELD, spam::TOO_FAST]);
        assert!(summary
            .text()
            .starts_with("LIKELY SPAM (hidden-field-filled, completed-too-fast)\n"));
        let draft = flow.draft(600_001, None).unwrap();
        assert_eq!(draft.started_at, 598_000);
        assert_eq!(draft.pending.unwrap().spam.len(), 2);
        // A person: minutes to fill, nothing in the hidden field.
        let mut person = sending_flow();
        person.started_ms = 1_000;
        person.apply(submit("person"));
        assert!(person.pending_summary().unwrap().spam.is_empty());
    }

    #[test]
    fn no_answer_can_make_the_built_in_submission_too_large_but_a_larger_one_is_kept() {
        // Issue 5, "Limits": every field at its limit, in four-byte characters that JSON
        // escapes least well, stays under the payload limit.
        let mut flow = sending_flow();
        let q = Rc::clone(&flow.questionnaire);
        let free_text = |x: &&crate::core::questionnaire::Question| {
            matches!(x.kind, Kind::Text | Kind::LongText | Kind::Phone)
        };
        for question in q.questions().filter(free_text) {
            let mut worst = "\u{1f600}".repeat(question.max_length());
            if question.kind == Kind::Phone {
                // A phone answer is digits and separators (issue 20): the longest valid one.
                worst = format!("{}1234567", "-".repeat(question.max_length() - 7));
            }
            flow.answers.set(&question.id, Value::Text(worst));
        }
        flow.apply(submit("big"));
        let size = flow.pending_summary().unwrap().json().len();
        assert!(size <= MAX_PAYLOAD_BYTES, "{size}");
        // A clinic's questionnaire with many long questions can exceed it: nothing is sent,
        // and the visitor gets the summary to send by hand, every answer kept.
        let questions: Vec<String> = (0..80)
            .map(|i| {
                format!(r#"{{"id":"q{i}","kind":"long_text","label":"Q{i}","max_length":1000}}"#)
            })
            .collect();
        let long = format!(
            r#"{{"id":"long","version":"1","title":"Long","steps":[{{"id":"s","title":"S","questions":[{}]}}]}}"#,
            questions.join(",")
        );
        let config = Config {
            endpoint: Some("https://clinic.example/in".into()),
            ..Config::default()
        };
        let mut big = Flow::new(
            Rc::new(Questionnaire::from_json(&long).unwrap()),
            Rc::new(config),
        );
        for i in 0..80 {
            big.apply(text(&format!("q{i}"), &"\u{1f600}".repeat(1000)));
        }
        big.apply(Action::Continue);
        let fx = big.apply(submit("too-big"));
        assert!(!fx.send);
        assert_eq!(big.delivery, Delivery::Failed(Failure::TooLarge));
        // Its own reason and words: nobody refused it, as it was never sent (issue 10).
        assert!(fx.events.iter().any(|e| matches!(
            e,
            HostEvent::Failed {
                reason: "too-large",
                ..
            }
        )));
        let words = crate::core::messages::failure(
            Failure::TooLarge,
            "Glow Clinic",
            &crate::core::catalogue::Catalogue::ENGLISH,
        );
        assert!(words.contains("too long to send") && !words.contains("could not accept"));
        assert!(matches!(big.screen, Screen::Done { sent: false, .. }));
        assert_eq!(
            big.answers.get("q79").map(Value::as_text).map(str::len),
            Some(4000)
        );
    }

    #[test]
    fn sending_once_then_delivered() {
        let mut flow = sending_flow();
        let fx = flow.apply(submit("first"));
        assert_eq!(flow.delivery, Delivery::Sending);
        assert!(fx.send && fx.focus.is_none());
        // Double click, Enter twice: nothing more is sent, and the review stays put.
        let email = Action::Change {
            question: "email".into(),
        };
        for action in [submit("second"), email, Action::Back] {
            let fx = flow.apply(action);
            assert!(!fx.send, "a second press asks for nothing");
            assert_eq!(flow.screen, Screen::Review);
        }
        flow.apply(Action::Delivery(Outcome::Delivered));
        let Screen::Done {
            summary,
            sent: true,
        } = &flow.screen
        else {
            panic!("{:?}", flow.screen)
        };
        assert_eq!(summary.submission_id, "first");
        assert_eq!(flow.prepared, None);
        assert_eq!(
            flow.draft(0, None),
            None,
            "nothing kept after a successful send"
        );
        // A late duplicate answer changes nothing.
        let done = flow.clone();
        assert_eq!(
            flow.apply(Action::Delivery(Outcome::Delivered)),
            Effects::default()
        );
        assert_eq!(flow, done);
    }

    #[test]
    fn a_failure_keeps_everything_and_a_retry_is_the_same_submission() {
        for failure in [
            Failure::Network,
            Failure::Timeout,
            Failure::Server(500),
            Failure::Server(429),
        ] {
            let mut flow = sending_flow();
            let answers = flow.answers.clone();
            flow.apply(submit("first"));
            let fx = flow.apply(Action::Delivery(Outcome::Failed(failure)));
            assert_eq!(flow.delivery, Delivery::Failed(failure));
            assert_eq!(fx.focus, Some(Focus::Alert));
            assert_eq!(flow.screen, Screen::Review);
            assert_eq!(flow.answers, answers);
            let fx = flow.apply(submit("retry"));
            assert!(fx.send);
            assert_eq!(flow.delivery, Delivery::Sending);
            assert_eq!(flow.pending_summary().unwrap().submission_id, "first");
            // Coming back online retries a failed send, and only that.
            flow.apply(Action::Delivery(Outcome::Failed(failure)));
            let fx = flow.apply(Action::BackOnline);
            assert_eq!((flow.delivery, fx.send), (Delivery::Sending, true));
            let fx = flow.apply(Action::BackOnline);
            assert!(!fx.send, "not while sending");
        }
    }

    #[test]
    fn coming_online_never_submits_by_itself() {
        let mut flow = sending_flow();
        let fx = flow.apply(Action::BackOnline);
        assert_eq!((flow.delivery, fx.send), (Delivery::Idle, false));
    }

    #[test]
    fn a_refusal_offers_the_summary_to_send_by_hand() {
        let mut flow = sending_flow();
        flow.apply(submit("first"));
        flow.apply(Action::Delivery(Outcome::Failed(Failure::Refused(403))));
        assert!(matches!(flow.screen, Screen::Done { sent: false, .. }));
        assert_eq!(flow.delivery, Delivery::Failed(Failure::Refused(403)));
        // Field errors about questions the visitor cannot see or fix are a refusal too.
        let mut flow = sending_flow();
        flow.apply(submit("first"));
        let unknown = vec![("no_such_question".to_owned(), "Bad".to_owned())];
        flow.apply(Action::Delivery(Outcome::Rejected(400, unknown)));
        assert!(matches!(flow.screen, Screen::Done { sent: false, .. }));
        // The server's own status, not a made-up one (issue 10).
        assert_eq!(flow.delivery, Delivery::Failed(Failure::Refused(400)));
    }

    #[test]
    fn a_409_waits_and_sends_the_same_submission_again() {
        // The Idempotency-Key draft: 409 means the first request with this key is still in
        // progress; the client may retry it. Never a refusal.
        let mut flow = sending_flow();
        flow.apply(submit("first"));
        let fx = flow.apply(Action::Delivery(crate::core::delivery::classify(409, "")));
        assert_eq!(flow.delivery, Delivery::Failed(Failure::Busy));
        assert_eq!(flow.screen, Screen::Review);
        assert_eq!(fx.focus, Some(Focus::Alert));
        let fx = flow.apply(submit("second"));
        assert!(fx.send);
        assert_eq!(flow.pending_id(), Some("first"));
    }

    #[test]
    fn field_errors_from_the_server_appear_on_their_fields() {
        let mut flow = sending_flow();
        flow.apply(submit("first"));
        let fields = vec![
            ("concerns_other".to_owned(), "Hidden: ignored".to_owned()),
            ("email".to_owned(), "This address bounced".to_owned()),
            (
                "full_name".to_owned(),
                "Please give your full name".to_owned(),
            ),
        ];
        let fx = flow.apply(Action::Delivery(Outcome::Rejected(422, fields)));
        assert_eq!(flow.screen, Screen::Step(0));
        assert_eq!(
            ids(&flow),
            want(&[
                (
                    "full_name",
                    Problem::Rejected("Please give your full name".into())
                ),
                ("email", Problem::Rejected("This address bounced".into())),
            ])
        );
        assert_eq!(fx.focus, Some(Focus::ErrorSummary));
        assert_eq!(flow.delivery, Delivery::Idle);
        // Still there after a Continue with nothing changed; gone once the answer is edited.
        flow.apply(Action::Continue);
        assert_eq!(flow.errors().len(), 2);
        flow.apply(text("email", "other@example.com"));
        flow.apply(text("full_name", "Jane Q Example"));
        assert!(flow.errors().is_empty());
        flow.apply(Action::Continue);
        assert_eq!(
            flow.screen,
            Screen::Review,
            "back to the review, as after a Change"
        );
        // The answers changed, so this is a new submission with a new id.
        flow.apply(submit("second"));
        assert_eq!(flow.pending_summary().unwrap().submission_id, "second");
    }

    #[test]
    fn without_an_endpoint_submit_shows_the_summary_to_send() {
        let mut flow = flow();
        to_review(&mut flow);
        let fx = flow.apply(submit("first"));
        assert!(matches!(flow.screen, Screen::Done { sent: false, .. }));
        assert!(!fx.send, "nothing is sent");
        // Issue 14: the answers are now in the visitor's hands; no draft stays behind.
        assert_eq!(flow.draft(0, None), None);
    }

    #[test]
    fn the_copy_result_is_kept_on_the_final_screen_only() {
        let mut flow = flow();
        flow.apply(Action::Copied { ok: true });
        assert_eq!(flow.copied, None, "nothing to copy before the end");
        to_review(&mut flow);
        flow.apply(submit("first"));
        flow.apply(Action::Copied { ok: false });
        assert_eq!(flow.copied, Some(false));
        flow.apply(Action::Copied { ok: true });
        assert_eq!(flow.copied, Some(true));
        flow.apply(Action::StartAgain);
        assert_eq!(flow.copied, None);
    }

    #[test]
    fn drafts_restore_where_the_visitor_was() {
        let mut flow = flow();
        assert_eq!(
            flow.draft(5, None),
            None,
            "nothing to keep before the first answer"
        );
        flow.apply(text("full_name", "Zoë 😀"));
        flow.apply(text("email", "zoe@example.com"));
        flow.apply(tick("age_confirmed"));
        flow.apply(Action::Continue);
        let draft = flow.draft(5, None).unwrap();
        assert_eq!(
            (draft.step, draft.saved_at, draft.first_saved),
            (Some(1), 5, 5)
        );
        // Saved again later, it keeps its first save; past data-draft-hours it is not kept.
        let later = flow.draft(7, Some(5)).unwrap();
        assert_eq!((later.saved_at, later.first_saved), (7, 5));
        let day = flow.config.draft_max_age_ms;
        assert!(flow.draft(5 + day, Some(5)).is_some());
        assert_eq!(flow.draft(6 + day, Some(5)), None, "expired: removed");
        let mut restored = super::tests::flow();
        restored.restore(draft);
        assert_eq!(restored.screen, Screen::Step(1));
        assert_eq!(restored.answers, flow.answers);

        // A submission that failed: after a reload it waits on the review, same id.
        let mut flow = sending_flow();
        flow.apply(submit("first"));
        flow.apply(Action::Delivery(Outcome::Failed(Failure::Network)));
        let draft = flow.draft(9, None).unwrap();
        let mut restored = Flow::new(Rc::clone(&flow.questionnaire), Rc::clone(&flow.config));
        restored.restore(draft);
        assert_eq!(restored.screen, Screen::Review);
        assert_eq!(restored.delivery, Delivery::Failed(Failure::NotSent));
        restored.apply(submit("after-reload"));
        assert_eq!(restored.pending_summary().unwrap().submission_id, "first");

        // Start again forgets everything, and takes focus to the first heading.
        let fx = restored.apply(Action::StartAgain);
        assert_eq!(restored.draft(10, None), None);
        assert_eq!(fx.focus, Some(Focus::Heading));
    }
}
