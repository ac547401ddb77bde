//! A browser of one for the staff inbox (its own cookie, the forms' tokens), and staff added
//! with the command line: for every area that signs in, among them the several-instance tests
//! (a session made on one receiver, used on another).

use super::Receiver;

pub const PASSWORD: &str = "correct horse battery staple";

/// A staff member of `role` added with `PASSWORD` (no two-factor) and signed in.
pub async fn signed_in(r: &Receiver, email: &str, role: &str) -> Web {
    add_staff(r, email, role);
    let mut web = Web::new(r);
    assert_eq!(web.sign_in(email, PASSWORD, "").await.location, "/inbox");
    web
}

/// `consultation-receiver staff add` on the receiver's database, with `PASSWORD`; the
/// two-factor enrolment code it prints.
pub fn add_staff(r: &Receiver, email: &str, role: &str) -> String {
    let out = r.cli(
        &["staff", "add", "--email", email, "--role", role],
        &format!("{PASSWORD}\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    enrolment_code(&String::from_utf8_lossy(&out.stdout))
}

/// The enrolment code in what `staff add` or `staff reset-two-factor` printed.
pub fn enrolment_code(stdout: &str) -> String {
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("Two-factor enrolment code (shown once, valid 7 days): "))
        .expect("an enrolment code printed")
        .trim()
        .to_owned()
}

/// Now, in Unix seconds (for TOTP codes).
pub fn now_s() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// RFC 6238 TOTP (SHA-1, 6 digits, 30 s) computed here with totp-rs from the setup key shown.
pub fn code(secret_grouped: &str, at: u64) -> String {
    let secret: String = secret_grouped.split_whitespace().collect();
    let bytes = totp_rs::Secret::Encoded(secret).to_bytes().unwrap();
    totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes)
        .unwrap()
        .generate(at)
}

/// The text of a page between two markers (panics naming the first when it is missing).
pub fn text_between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let a = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} in page"))
        + start.len();
    let b = html[a..].find(end).unwrap() + a;
    &html[a..b]
}

/// A browser of one: its own cookie, no automatic redirects.
pub struct Web {
    pub url: String,
    pub client: reqwest::Client,
    pub cookies: Vec<(String, String)>,
    pub last_set_cookie: Vec<String>,
}

pub struct Page {
    pub status: u16,
    pub location: String,
    pub body: String,
    pub headers: reqwest::header::HeaderMap,
}

pub fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    html[at..at + 64].to_owned()
}

impl Web {
    pub fn new(r: &Receiver) -> Web {
        Web::at(&r.url)
    }
    /// A browser of one for the receiver at `url` (for tasks that cannot borrow the Receiver).
    pub fn at(url: &str) -> Web {
        Web {
            url: url.to_owned(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: vec![],
            last_set_cookie: vec![],
        }
    }
    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
    pub fn keep(&mut self, res: &reqwest::Response) {
        self.last_set_cookie.clear();
        for v in res.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap().to_owned();
            self.last_set_cookie.push(v.clone());
            let pair = v.split(';').next().unwrap();
            let (k, val) = pair.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != k);
            if !val.is_empty() {
                self.cookies.push((k.into(), val.into()));
            }
        }
    }
    pub async fn page(&mut self, res: reqwest::Response) -> Page {
        self.keep(&res);
        Page {
            status: res.status().as_u16(),
            location: res
                .headers()
                .get("location")
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default(),
            headers: res.headers().clone(),
            body: res.text().await.unwrap(),
        }
    }
    /// `GET path` with the session's cookies, as sent.
    async fn send_get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.url))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap()
    }
    pub async fn get(&mut self, path: &str) -> Page {
        let res = self.send_get(path).await;
        self.page(res).await
    }
    /// `GET path` for a download: the status, the headers and the body's bytes as sent.
    pub async fn get_bytes(&mut self, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
        let res = self.send_get(path).await;
        self.keep(&res);
        let (status, headers) = (res.status().as_u16(), res.headers().clone());
        (status, headers, res.bytes().await.unwrap().to_vec())
    }
    pub async fn post_raw(
        &mut self,
        path: &str,
        origin: Option<&str>,
        fields: &[(&str, &str)],
    ) -> Page {
        let mut req = self
            .client
            .post(format!("{}{path}", self.url))
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(fields).unwrap());
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        let res = req.send().await.unwrap();
        self.page(res).await
    }
    /// A form post as the inbox's own pages make it: this origin, the session's token.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = csrf_of(&self.get("/inbox/account").await.body);
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        let origin = self.url.clone();
        self.post_raw(path, Some(&origin), &all).await
    }
    /// Deletes submission `id` as its confirmation page's button does.
    pub async fn delete_submission(&mut self, id: &str) -> Page {
        self.post(
            &format!("/inbox/submissions/{id}/delete"),
            &[("confirm", "yes")],
        )
        .await
    }
    pub async fn sign_in(&mut self, email: &str, password: &str, code: &str) -> Page {
        let page = self.get("/inbox/sign-in").await;
        let csrf = csrf_of(&page.body);
        let origin = self.url.clone();
        self.post_raw(
            "/inbox/sign-in",
            Some(&origin),
            &[
                ("csrf", &csrf),
                ("email", email),
                ("password", password),
                ("code", code),
            ],
        )
        .await
    }
}
