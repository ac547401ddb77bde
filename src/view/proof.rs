//! The proof of work in the background (core::proof): the challenge fetched when the widget
//! starts, where its endpoint offers one (a 404 or no answer: none, and the widget sends as it
//! always has), and solved with WebCrypto in chunks between the visitor's keystrokes. At Send the solution
//! is attached if ready, after a short wait if not; it is never worth blocking a person for.

use super::storage::now_ms;
use super::transport;
use crate::core::proof;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen_futures::JsFuture;

/// Numbers tried between two yields to the page: a few milliseconds on a phone.
const CHUNK: u64 = 1_000;
/// How long Send waits for a solution still being found.
const WAIT_MS: u32 = 3_000;
/// A solution this close to its expiry is fetched afresh (the receiver would mark it).
const MARGIN_S: u64 = 60;

#[derive(Default)]
struct Held {
    /// The header and its expiry (Unix seconds).
    solved: Option<(String, u64)>,
    /// The submission that sent it: the receiver spends it for that one alone.
    used_by: Option<String>,
    working: bool,
    /// The endpoint offers no challenge: never asked again.
    none: bool,
}

#[derive(Clone, Default)]
pub struct Proof(Rc<RefCell<Held>>);

impl PartialEq for Proof {
    fn eq(&self, other: &Proof) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Until the page's next task: typing and drawing go first.
async fn pause(ms: i32) {
    let wait = js_sys::Promise::new(&mut |resolve, _| {
        let _ = gloo_utils::window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = JsFuture::from(wait).await;
}

async fn solve(endpoint: &str) -> Result<(String, u64), bool> {
    // Err(true): the endpoint has no challenge to give.
    let text = transport::challenge(endpoint).await.ok_or(true)?;
    let (c, target) = proof::read(&text).ok_or(true)?;
    // WebCrypto (core::proof says why not sha2): one digest per number, awaited.
    let subtle = gloo_utils::window().crypto().map_err(|_| false)?.subtle();
    for n in 0..=c.maxnumber {
        let digest = subtle
            .digest_with_str_and_u8_array("SHA-256", proof::attempt(&c, n).as_bytes())
            .map_err(|_| false)?;
        let digest = JsFuture::from(digest).await.map_err(|_| false)?;
        if js_sys::Uint8Array::new(&digest).to_vec() == target {
            return Ok((proof::header(&c, n), c.expires));
        }
        // A digest's promise settles as a microtask: a timer lets typing and drawing in.
        if n % CHUNK == CHUNK - 1 {
            pause(0).await;
        }
    }
    Err(false)
}

impl Proof {
    fn fresh(&self, submission_id: Option<&str>) -> Option<String> {
        let held = self.0.borrow();
        let (header, expires) = held.solved.as_ref()?;
        let mine = match (&held.used_by, submission_id) {
            (Some(user), Some(id)) => user == id,
            (Some(_), None) => false,
            (None, _) => true,
        };
        (mine && *expires > now_ms() / 1000 + MARGIN_S).then(|| header.clone())
    }

    /// Starts fetching and solving, unless under way, ready, or known to be pointless.
    pub fn prepare(&self, endpoint: &str) {
        let ready = self.fresh(None).is_some();
        {
            let mut held = self.0.borrow_mut();
            if held.working || held.none || ready {
                return;
            }
            held.working = true;
        }
        let (me, endpoint) = (self.clone(), endpoint.to_owned());
        wasm_bindgen_futures::spawn_local(async move {
            let result = solve(&endpoint).await;
            let mut held = me.0.borrow_mut();
            held.working = false;
            match result {
                Ok(solved) => {
                    held.solved = Some(solved);
                    held.used_by = None;
                }
                Err(none) => held.none = none,
            }
        });
    }

    /// The `Altcha` header for this submission: the one found, one found within `WAIT_MS`,
    /// or none.
    pub async fn for_send(&self, endpoint: &str, submission_id: &str) -> Option<String> {
        if self.fresh(Some(submission_id)).is_none() {
            self.0.borrow_mut().solved = None;
            self.prepare(endpoint);
        }
        let mut waited = 0;
        loop {
            if let Some(header) = self.fresh(Some(submission_id)) {
                self.0.borrow_mut().used_by = Some(submission_id.to_owned());
                return Some(header);
            }
            if waited >= WAIT_MS || !self.0.borrow().working {
                return None;
            }
            pause(100).await;
            waited += 100;
        }
    }
}
