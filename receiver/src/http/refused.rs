//! Origins CORS refuses, told to whoever runs the receiver: a browser on a page whose origin is
//! not an `--allow-origin` is refused (it cannot read the answer, so the widget reports a
//! failure) and nothing on the server would say why. Each refused origin is logged at WARN,
//! naming the flag that would allow it, at most once an hour; never anything of the request
//! beyond its origin (no body, no query). Memory is bounded: at most `REMEMBERED` origins are
//! remembered, so a flood of made-up origins cannot grow it (past that, new ones go unlogged
//! until the hour is up, and one line says so).

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long one origin's line stands for it.
const QUIET: Duration = Duration::from_secs(60 * 60);
/// The most origins remembered at once.
const REMEMBERED: usize = 1024;
/// The longest origin kept or logged (a real one is far shorter).
const LONGEST: usize = 200;

#[derive(Clone)]
pub struct Refused {
    allowed: Arc<Vec<HeaderValue>>,
    seen: Arc<Mutex<Seen>>,
}

#[derive(Default)]
struct Seen {
    /// When each origin was last logged.
    at: HashMap<String, Instant>,
    /// When the "too many" line was last logged.
    full_at: Option<Instant>,
}

/// What to log for an origin, if anything, now.
#[derive(Debug, PartialEq, Eq)]
enum Say {
    Nothing,
    Origin,
    TooMany,
}

impl Seen {
    fn note(&mut self, origin: &str, now: Instant) -> Say {
        let fresh = |t: &Instant| now.duration_since(*t) < QUIET;
        if self.at.get(origin).is_some_and(fresh) {
            return Say::Nothing;
        }
        if self.at.len() >= REMEMBERED && !self.at.contains_key(origin) {
            self.at.retain(|_, t| fresh(t));
        }
        if self.at.len() >= REMEMBERED && !self.at.contains_key(origin) {
            if self.full_at.is_some_and(|t| fresh(&t)) {
                return Say::Nothing;
            }
            self.full_at = Some(now);
            return Say::TooMany;
        }
        self.at.insert(origin.to_owned(), now);
        Say::Origin
    }
}

impl Refused {
    pub fn new(allowed: Vec<HeaderValue>) -> Refused {
        Refused {
            allowed: Arc::new(allowed),
            seen: Arc::default(),
        }
    }

    fn check(&self, origin: &HeaderValue) {
        if self.allowed.contains(origin) {
            return;
        }
        let shown: String = String::from_utf8_lossy(origin.as_bytes())
            .chars()
            .take(LONGEST)
            .collect();
        let say = match self.seen.lock() {
            Ok(mut seen) => seen.note(&shown, Instant::now()),
            Err(_) => return,
        };
        match say {
            Say::Nothing => {}
            Say::Origin if crate::domain::origin::check_origin(&shown).is_ok() => tracing::warn!(
                origin = %shown,
                "origin refused: {shown} is not allowed; start the receiver with \
                 --allow-origin {shown} to accept its submissions"
            ),
            // `null` (a file, a sandboxed frame) and the like: no flag can allow these.
            Say::Origin => tracing::warn!(
                origin = ?shown,
                "origin refused: {shown:?} is not an origin --allow-origin can allow: the form \
                 must be on a web page served over http or https"
            ),
            Say::TooMany => tracing::warn!(
                "origins refused: more than {REMEMBERED} different ones within the hour; \
                 more are not logged until it is up"
            ),
        }
    }
}

/// The layer: requests to the intake's routes (`/submissions…`) from a browser on another
/// origin, preflights included. The inbox's own forms send their own origin, to other paths.
pub async fn log_refused(State(refused): State<Refused>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if path == "/submissions" || path.starts_with("/submissions/") {
        if let Some(origin) = req.headers().get(header::ORIGIN) {
            refused.check(origin);
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn once_an_hour_each_and_bounded() {
        let mut seen = Seen::default();
        let start = Instant::now();
        assert_eq!(seen.note("https://a.example", start), Say::Origin);
        assert_eq!(seen.note("https://a.example", start), Say::Nothing);
        let later = start + QUIET - Duration::from_secs(1);
        assert_eq!(seen.note("https://a.example", later), Say::Nothing);
        assert_eq!(seen.note("https://a.example", start + QUIET), Say::Origin);
        let t1 = start + QUIET;
        for n in 1..REMEMBERED {
            assert_eq!(seen.note(&format!("https://{n}.example"), t1), Say::Origin);
        }
        assert_eq!(seen.at.len(), REMEMBERED);
        assert_eq!(seen.note("https://flood.example", t1), Say::TooMany);
        assert_eq!(seen.note("https://flood2.example", t1), Say::Nothing);
        assert_eq!(seen.at.len(), REMEMBERED, "memory stays bounded");
        // An hour on, the old ones make room.
        assert_eq!(seen.note("https://flood.example", t1 + QUIET), Say::Origin);
        assert!(seen.at.len() < REMEMBERED);
    }
}
