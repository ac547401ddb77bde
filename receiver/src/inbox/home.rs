//! `GET /`: a short page for whoever opens the receiver's own address in a browser (a member
//! of staff, whoever set it up): what this server is, where submissions go, and the way to the
//! staff inbox. Served with the inbox's security headers (it sits in the inbox's router).

use askama::Template;
use askama_web::WebTemplate;

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct Home;

pub async fn page() -> Home {
    Home
}
