//! The clinic's settings: the raw strings from the host element's `data-` attributes, and the
//! checked configuration built from them, with a clear message for each bad setting. No DOM
//! access here: the view reads the attributes and hands over the strings.

use super::catalogue::{Catalogue, Msg};
use super::characters;
use super::validate::{email, website};
use std::fmt;

/// The names of the host element's `data-` attributes: the only place they are written, for
/// reading the settings and for naming them in messages to the site owner.
/// The page's global the embed script sets once the widget has loaded: `mount()` for widgets
/// added later (README, "single-page sites").
pub const GLOBAL: &str = "consultationForm";

pub mod attr {
    /// The attribute that marks an element to hold a widget.
    pub const MOUNT: &str = "data-consultation-form";
    pub const ENDPOINT: &str = "data-endpoint";
    pub const CLINIC_NAME: &str = "data-clinic-name";
    pub const CLINIC_EMAIL: &str = "data-clinic-email";
    pub const DRAFT_STORAGE: &str = "data-draft-storage";
    pub const DRAFT_HOURS: &str = "data-draft-hours";
    pub const QUESTIONNAIRE: &str = "data-questionnaire";
    pub const THEME_ACCENT: &str = "data-theme-accent";
    pub const THEME_FONT: &str = "data-theme-font";
    pub const THEME_RADIUS: &str = "data-theme-radius";
    /// The settings that change the widget's look: the embed script draws the build's first
    /// step, on the default look, only for a widget with none of them (src/bin/prerender.rs).
    pub const THEME: [&str; 3] = [THEME_ACCENT, THEME_FONT, THEME_RADIUS];
    pub const PASS_PARAMS: &str = "data-pass-params";
    pub const EVENT_REFERENCE: &str = "data-event-reference";
    /// The visitor's language (a BCP 47 tag), when the widget has it; otherwise the page's
    /// `<html lang>`, when the widget has that; otherwise English. Chosen by the embed script,
    /// which fetches that language's words (issue 25).
    pub const LANG: &str = "data-lang";
    /// The languages the visitor may switch between on the first step (`en es`): the widget
    /// keeps their answers (issue 25).
    pub const LANGS: &str = "data-langs";
    /// On the `consultation-form.js` script element, not the widget's: the endpoint origins
    /// the clinic allows, where content posted into the page (a CMS comment's `data-`
    /// attributes) cannot reach.
    pub const ENDPOINTS: &str = "data-endpoints";
    /// On the script element too: the addresses `data-clinic-email` may name, so a planted
    /// widget cannot offer to email the answers to a stranger.
    pub const CLINIC_EMAILS: &str = "data-clinic-emails";
    /// On the script element too: the questionnaire files `data-questionnaire` may name, so a
    /// planted widget cannot ask its own questions.
    pub const QUESTIONNAIRES: &str = "data-questionnaires";
}

/// The attribute values as the host page wrote them (`None` when absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawConfig {
    /// `data-endpoint`
    pub endpoint: Option<String>,
    /// `data-clinic-name`
    pub clinic_name: Option<String>,
    /// `data-clinic-email`
    pub clinic_email: Option<String>,
    /// `data-draft-storage`: `session` (default) or `local`
    pub draft_storage: Option<String>,
    /// `data-draft-hours`: how long a saved draft lives (default 24)
    pub draft_hours: Option<String>,
    /// `data-questionnaire`: the address of a questionnaire JSON file replacing the built-in
    /// one, already resolved against the page's address by the view
    pub questionnaire: Option<String>,
    /// `data-theme-accent`: the colour of buttons, links and ticks, `#rgb` or `#rrggbb`
    pub theme_accent: Option<String>,
    /// `data-theme-font`: a font-family list of fonts the page already has
    pub theme_font: Option<String>,
    /// `data-theme-radius`: corner radius in pixels, 0 to 24
    pub theme_radius: Option<String>,
    /// `data-pass-params`: names of page address parameters (such as `utm_source`) to pass
    /// along with the submission, separated by spaces or commas
    pub pass_params: Option<String>,
    /// `data-event-reference`: `include` puts the short reference in the host page's
    /// `submitted` and `failed` events; by default they carry no id at all
    pub event_reference: Option<String>,
    /// `data-endpoints` of the embed script (set by the view from the loader, not from the
    /// widget's element): the origins an endpoint may have, separated by spaces or commas
    pub allowed_endpoints: Option<String>,
    /// `data-clinic-emails` of the embed script (set by the view from the loader): the
    /// addresses a widget's `data-clinic-email` may be, separated by spaces or commas
    pub allowed_clinic_emails: Option<String>,
    /// `data-questionnaires` of the embed script (set by the view from the loader, which
    /// resolves each against the page's own address): the addresses a widget's `data-questionnaire` may be,
    /// separated by spaces
    pub allowed_questionnaires: Option<String>,
    /// The page's own origin (`location.origin`), set by the view: a loopback endpoint is
    /// accepted only on a page that is itself on loopback
    pub page_origin: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftStorage {
    /// Gone when the tab closes: the safer default for health answers on a shared computer.
    Session,
    /// Survives closing the browser; the clinic opts in.
    Local,
}

impl DraftStorage {
    /// The values of `data-draft-storage` that name each. The embed script looks for a draft
    /// where the widget keeps it, so the build gives it `LOCAL` (src/bin/prerender.rs).
    pub const SESSION: &'static str = "session";
    pub const LOCAL: &'static str = "local";
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Where submissions are POSTed; `None` means the visitor sends the summary themselves.
    pub endpoint: Option<String>,
    pub clinic_name: String,
    pub clinic_email: Option<String>,
    pub draft_storage: DraftStorage,
    /// Draft lifetime in milliseconds.
    pub draft_max_age_ms: u64,
    /// Where to load a questionnaire from instead of the built-in one.
    pub questionnaire_url: Option<String>,
    pub theme: Theme,
    /// The page address parameters the clinic asked to pass along, by name.
    pub pass_params: Vec<String>,
    /// Their values on this page, as `(name, value)`: set by the view with `Config::context`.
    pub context: Vec<(String, String)>,
    /// Whether the host page's events carry the submission's reference.
    pub event_reference: bool,
    /// The words the visitor reads (`catalogue`): English.
    pub words: Catalogue,
    /// The languages the visitor may choose from on the first step (`data-langs`), in the
    /// order given; none: no choice. Set by the view, which has their words.
    #[cfg(languages)]
    pub languages: Vec<std::rc::Rc<Language>>,
}

/// One of the languages a widget offers (issue 25): the questionnaire in its words, the
/// widget's own words, and the consent digest of those words.
#[cfg(languages)]
#[derive(Debug, Clone, PartialEq)]
pub struct Language {
    pub questionnaire: std::rc::Rc<super::questionnaire::Questionnaire>,
    pub words: Catalogue,
    pub consent_digest: String,
}

/// The clinic's look, as CSS custom property values the view sets on the widget's root.
/// `None` keeps the widget's own default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Theme {
    pub accent: Option<String>,
    pub font: Option<String>,
    pub radius: Option<String>,
}

impl Theme {
    /// `(custom property, value)` for each setting the clinic gave.
    pub fn properties(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("--cw-accent", &self.accent),
            ("--cw-font", &self.font),
            ("--cw-radius", &self.radius),
        ]
        .into_iter()
        .filter_map(|(name, value)| Some((name, value.as_deref()?)))
    }
}

const DEFAULT_DRAFT_HOURS: u64 = 24;
/// A draft of health answers should not outlive a few weeks in any browser.
const MAX_DRAFT_HOURS: u64 = 24 * 30;
/// A page address parameter passed along: its name's and value's longest length, and how many.
const MAX_PARAM_NAME: usize = 64;
pub const MAX_PARAM_VALUE: usize = 200;
pub const MAX_PARAMS: usize = 10;
/// White text on the accent colour must stay readable: WCAG 1.4.3, 4.5:1 for normal text.
const MIN_ACCENT_CONTRAST_X10: u32 = 45;

/// A setting the widget cannot work with, worded for the site owner who wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub attribute: &'static str,
    pub problem: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.attribute, self.problem)
    }
}

fn error(attribute: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        attribute,
        problem: problem.into(),
    }
}

/// A present, non-blank attribute value, trimmed.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl RawConfig {
    /// Reads every setting by its attribute name; `lookup` gets one attribute's value.
    pub fn read(lookup: impl Fn(&str) -> Option<String>) -> RawConfig {
        RawConfig {
            endpoint: lookup(attr::ENDPOINT),
            clinic_name: lookup(attr::CLINIC_NAME),
            clinic_email: lookup(attr::CLINIC_EMAIL),
            draft_storage: lookup(attr::DRAFT_STORAGE),
            draft_hours: lookup(attr::DRAFT_HOURS),
            questionnaire: lookup(attr::QUESTIONNAIRE),
            theme_accent: lookup(attr::THEME_ACCENT),
            theme_font: lookup(attr::THEME_FONT),
            theme_radius: lookup(attr::THEME_RADIUS),
            pass_params: lookup(attr::PASS_PARAMS),
            event_reference: lookup(attr::EVENT_REFERENCE),
            allowed_endpoints: None,
            allowed_clinic_emails: None,
            allowed_questionnaires: None,
            page_origin: None,
        }
    }
}

impl Config {
    /// Whether photos go with the answers (issue 24): only to the clinic's own receiver, whose
    /// endpoint is its `/submissions` route and takes them beside the JSON (multipart). A form
    /// backend of another kind, or none, gets the answers alone, and the question says so.
    pub fn takes_photos(&self) -> bool {
        (self.endpoint.as_deref())
            .is_some_and(|e| e.trim_end_matches('/').ends_with("/submissions"))
    }

    pub fn from_raw(raw: &RawConfig) -> Result<Config, ConfigError> {
        let endpoint = given(&raw.endpoint).map(|e| endpoint(e, raw)).transpose()?;
        let event_reference = match given(&raw.event_reference) {
            None | Some("none") => false,
            Some("include") => true,
            Some(other) => {
                return Err(error(
                    attr::EVENT_REFERENCE,
                    format!("\"{other}\" must be \"include\" or \"none\""),
                ))
            }
        };
        let clinic_email = match given(&raw.clinic_email) {
            Some(e) if !email::is_valid(e) => {
                return Err(error(
                    attr::CLINIC_EMAIL,
                    format!("\"{e}\" is not a valid email address"),
                ))
            }
            // Addresses are compared without case: no mail system tells such two apart.
            Some(e)
                if !listed(&raw.allowed_clinic_emails, SEPARATORS, |a| {
                    a.eq_ignore_ascii_case(e)
                }) =>
            {
                return Err(not_listed(
                    attr::CLINIC_EMAIL,
                    e,
                    "a clinic email",
                    e,
                    attr::CLINIC_EMAILS,
                ))
            }
            e => e.map(str::to_owned),
        };
        let draft_storage = match given(&raw.draft_storage) {
            None | Some(DraftStorage::SESSION) => DraftStorage::Session,
            Some(DraftStorage::LOCAL) => DraftStorage::Local,
            // The message spells the two values out: as format arguments they cost the wasm 23
            // bytes gzip (measured), for a message that says the same.
            Some(other) => {
                return Err(error(
                    attr::DRAFT_STORAGE,
                    format!("\"{other}\" must be \"session\" or \"local\""),
                ))
            }
        };
        let hours = match given(&raw.draft_hours) {
            None => DEFAULT_DRAFT_HOURS,
            // Whole hours: parsing fractions would bring float parsing into the download.
            Some(h) => match h.parse::<u64>() {
                Ok(n) if (1..=MAX_DRAFT_HOURS).contains(&n) => n,
                _ => {
                    return Err(error(
                        attr::DRAFT_HOURS,
                        format!(
                            "\"{h}\" must be a whole number of hours from 1 to {MAX_DRAFT_HOURS}"
                        ),
                    ))
                }
            },
        };
        let questionnaire_url = given(&raw.questionnaire)
            .map(|u| questionnaire(u, raw))
            .transpose()?;
        let theme = Theme {
            accent: given(&raw.theme_accent).map(accent).transpose()?,
            font: given(&raw.theme_font).map(font).transpose()?,
            radius: given(&raw.theme_radius).map(radius).transpose()?,
        };
        let pass_params = given(&raw.pass_params)
            .map(param_names)
            .transpose()?
            .unwrap_or_default();
        // Until a clinic names itself, the message says "the clinic", in the visitor's words.
        let words = Catalogue::default();
        Ok(Config {
            endpoint,
            clinic_name: given(&raw.clinic_name)
                .unwrap_or(words.get(Msg::TheClinic))
                .to_owned(),
            clinic_email,
            draft_storage,
            draft_max_age_ms: hours * 3_600_000,
            questionnaire_url,
            theme,
            pass_params,
            context: Vec::new(),
            event_reference,
            words,
            #[cfg(languages)]
            languages: Vec::new(),
        })
    }

    /// The widget in the visitor's language (`words`): "the clinic" in it too, where the
    /// clinic gave no name (its own name is kept as written).
    #[cfg(languages)]
    pub fn in_language(&mut self, words: Catalogue) {
        if self.clinic_name == self.words.get(Msg::TheClinic) {
            self.clinic_name = words.get(Msg::TheClinic).to_owned();
        }
        self.words = words;
    }

    /// Keeps the values of the allowed page parameters (`lookup` reads one by name from the
    /// page's address), each on one line and at most `MAX_PARAM_VALUE` characters: they reach
    /// staff as text, so nothing in a link can add lines to the summary.
    pub fn context(&mut self, lookup: impl Fn(&str) -> Option<String>) {
        self.context = self
            .pass_params
            .iter()
            .filter_map(|name| {
                let value: String = lookup(name)?
                    .chars()
                    .filter(|&c| {
                        !c.is_control() && !characters::reorders(c) && !characters::is_hidden(c)
                    })
                    .take(MAX_PARAM_VALUE)
                    .collect();
                let value = value.trim();
                (!value.is_empty()).then(|| (name.clone(), value.to_owned()))
            })
            .collect();
    }
}

/// `#rgb` or `#rrggbb`, dark enough for white text on it.
fn accent(raw: &str) -> Result<String, ConfigError> {
    let problem = |p: String| error(attr::THEME_ACCENT, format!("\"{raw}\" {p}"));
    let hex = raw.strip_prefix('#').unwrap_or("");
    let digits: Vec<u32> = hex.chars().filter_map(|c| c.to_digit(16)).collect();
    let rgb = match (hex.len(), digits.len()) {
        (3, 3) => [digits[0] * 17, digits[1] * 17, digits[2] * 17],
        (6, 6) => [
            digits[0] * 16 + digits[1],
            digits[2] * 16 + digits[3],
            digits[4] * 16 + digits[5],
        ],
        _ => {
            return Err(problem(
                "must be a colour written as #rgb or #rrggbb, such as #1a5c5a".into(),
            ))
        }
    };
    let ratio = contrast_with_white_x10(rgb);
    if ratio < MIN_ACCENT_CONTRAST_X10 {
        return Err(problem(format!(
            "is too light: white text on it has a contrast of {}.{}:1, and needs at least 4.5:1 \
             (WCAG 1.4.3); choose a darker colour",
            ratio / 10,
            ratio % 10
        )));
    }
    Ok(raw.to_ascii_lowercase())
}

/// The contrast ratio of white on an sRGB colour, times ten and rounded down (WCAG 2.2,
/// "relative luminance" and "contrast ratio"). Integer arithmetic in millionths keeps float
/// formatting and `powf` (libm) out of the download.
fn contrast_with_white_x10(rgb: [u32; 3]) -> u32 {
    // Luminance weights in millionths (WCAG: 0.2126, 0.7152, 0.0722).
    let weights = [212_600u64, 715_200, 72_200];
    let luminance: u64 = rgb
        .iter()
        .zip(weights)
        .map(|(&c, w)| linear_millionths(c) * w / 1_000_000)
        .sum();
    // (1 + 0.05) / (L + 0.05), times ten.
    (10 * 1_050_000 / (luminance + 50_000)) as u32
}

/// An sRGB channel (0–255) in linear light, in millionths: c/12.92 below the knee, otherwise
/// ((c + 0.055) / 1.055)^2.4, with x^2.4 = x^2 * x^0.4 and x^0.4 found by bisection on
/// x^2 = y^5 (y = x^0.4), all in integers.
fn linear_millionths(channel: u32) -> u64 {
    let c = u64::from(channel) * 1_000_000 / 255;
    if c <= 40_450 {
        return c * 1_000_000 / 12_920_000;
    }
    let x = (c + 55_000) * 1_000_000 / 1_055_000; // millionths, in (0, 1]
    let (mut lo, mut hi) = (0u64, 1_000_000u64);
    let pow5 = |y: u64| (0..4).fold(y, |acc, _| acc * y / 1_000_000);
    let x2 = x * x / 1_000_000;
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if pow5(mid) <= x2 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    x2 * lo / 1_000_000
}

/// A font-family list of names and generic families: letters, digits, spaces, hyphens,
/// quotes and commas only, so the value can never close the declaration or load anything.
fn font(raw: &str) -> Result<String, ConfigError> {
    let plain = raw.len() <= 200
        && raw
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | ',' | '"' | '\'' | '_'));
    if !plain {
        return Err(error(
            attr::THEME_FONT,
            format!(
                "\"{raw}\" must be a list of font names such as \"Lato, sans-serif\" \
                 (letters, digits, spaces, hyphens, quotes and commas; fonts the page already loads)"
            ),
        ));
    }
    Ok(raw.to_owned())
}

/// Whole pixels from 0 to 24, written `8` or `8px`.
fn radius(raw: &str) -> Result<String, ConfigError> {
    let number = raw.strip_suffix("px").unwrap_or(raw);
    match number.parse::<u8>() {
        Ok(n) if n <= 24 && number.bytes().all(|b| b.is_ascii_digit()) => Ok(format!("{n}px")),
        _ => Err(error(
            attr::THEME_RADIUS,
            format!("\"{raw}\" must be a whole number of pixels from 0 to 24, such as 6px"),
        )),
    }
}

/// A page parameter's name: 1 to `MAX_PARAM_NAME` letters, digits, `_`, `-` and `.`.
pub fn is_param_name(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= MAX_PARAM_NAME
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Parameter names, up to `MAX_PARAMS` of them.
fn param_names(raw: &str) -> Result<Vec<String>, ConfigError> {
    let names: Vec<String> = raw
        .split([' ', ',', '\t', '\n'])
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect();
    let bad = names.iter().find(|n| !is_param_name(n));
    if let Some(bad) = bad {
        return Err(error(
            attr::PASS_PARAMS,
            format!(
                "\"{bad}\" is not a parameter name: use letters, digits, _, - and . only, \
                 such as utm_source"
            ),
        ));
    }
    if names.len() > MAX_PARAMS {
        return Err(error(
            attr::PASS_PARAMS,
            format!(
                "lists {} names; at most {MAX_PARAMS} are passed along",
                names.len()
            ),
        ));
    }
    Ok(names)
}

impl Default for Config {
    fn default() -> Config {
        match Config::from_raw(&RawConfig::default()) {
            Ok(config) => config,
            Err(e) => panic!("the default settings are invalid: {e}"),
        }
    }
}

/// The endpoint: a web address (`address`), on a loopback host only when the page is too (a
/// page on the internet must not post health answers to the visitor's own computer), and of
/// an origin the embed script allows (`attr::ENDPOINTS`).
fn endpoint(raw: &str, settings: &RawConfig) -> Result<String, ConfigError> {
    let endpoint = address(attr::ENDPOINT, raw)?;
    let problem = |p: String| error(attr::ENDPOINT, format!("\"{raw}\" {p}"));
    let target = origin(&endpoint);
    let page_on_loopback = given(&settings.page_origin).is_some_and(|o| is_loopback(&origin(o)));
    if is_loopback(&target) && !page_on_loopback {
        return Err(problem(
            "is on this computer (localhost), which only a page on this computer may send to"
                .to_owned(),
        ));
    }
    if !listed(&settings.allowed_endpoints, SEPARATORS, |o| {
        origin(o) == target
    }) {
        return Err(not_listed(
            attr::ENDPOINT,
            raw,
            "an endpoint",
            &target,
            attr::ENDPOINTS,
        ));
    }
    Ok(endpoint)
}

/// A questionnaire's address (`address`), listed on the embed script (`attr::QUESTIONNAIRES`).
/// Only whitespace separates that list: a web address may hold a comma.
fn questionnaire(raw: &str, settings: &RawConfig) -> Result<String, ConfigError> {
    let url = address(attr::QUESTIONNAIRE, raw)?;
    if !listed(&settings.allowed_questionnaires, &[' ', '\t', '\n'], |q| {
        q == url
    }) {
        return Err(not_listed(
            attr::QUESTIONNAIRE,
            raw,
            "a questionnaire",
            &url,
            attr::QUESTIONNAIRES,
        ));
    }
    Ok(url)
}

/// What separates the entries of the embed script's `data-endpoints` and `data-clinic-emails`.
const SEPARATORS: &[char] = &[' ', ',', '\t', '\n'];

/// Whether one entry of a list on the embed script (absent: an empty list) passes `matches`.
fn listed(list: &Option<String>, separators: &[char], matches: impl Fn(&str) -> bool) -> bool {
    given(list)
        .unwrap_or_default()
        .split(separators)
        .any(|entry| !entry.is_empty() && matches(entry))
}

/// A widget's setting that the embed script's `list` does not allow: content posted into the
/// page (a CMS comment's `data-` attributes) can plant a widget, but cannot reach the script.
fn not_listed(
    attribute: &'static str,
    raw: &str,
    what: &str,
    entry: &str,
    list: &'static str,
) -> ConfigError {
    error(
        attribute,
        format!(
            "\"{raw}\" is not {what} this page allows: list {entry} in {list} on the \
             consultation-form.js script"
        ),
    )
}

/// `scheme://host[:port]` of an address, lower-cased, without a default port.
fn origin(address: &str) -> String {
    let lower = address.trim().to_ascii_lowercase();
    let (scheme, rest) = lower.split_once("://").unwrap_or(("", &lower));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = match (scheme, authority.rsplit_once(':')) {
        ("https", Some((host, "443"))) | ("http", Some((host, "80"))) => host,
        _ => authority,
    };
    format!("{scheme}://{authority}")
}

/// Whether an origin's host is this computer: `localhost` (and its subdomains, RFC 6761
/// §6.3), 127.0.0.0/8 or `[::1]`.
fn is_loopback(origin: &str) -> bool {
    let authority = origin.split_once("://").map_or(origin, |(_, a)| a);
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => host,
        _ => authority,
    };
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "[::1]"
        || (host.starts_with("127.") && host.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// An endpoint (or a questionnaire's address) must be `https://`, or plain `http://` on this
/// computer only (for a local receiver during development): health answers never cross a
/// network unencrypted, and a questionnaire cannot be altered on the way.
fn address(attribute: &'static str, raw: &str) -> Result<String, ConfigError> {
    let problem = |p: &str| error(attribute, format!("\"{raw}\" {p}"));
    let lower = raw.to_ascii_lowercase();
    let Some(rest) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    else {
        return Err(problem("must start with https://"));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(problem("must not contain a user name or password"));
    }
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => host,
        _ => authority,
    };
    let local = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
    if lower.starts_with("http://") && !local {
        return Err(problem(
            "must use https:// (http:// is allowed only for localhost and 127.0.0.1)",
        ));
    }
    if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(problem("must not contain spaces"));
    }
    // The host must be one a browser can reach: the website rule, or this computer.
    if !local && website::normalise(raw).is_none() {
        return Err(problem("is not a valid web address"));
    }
    Ok(raw.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `e` as the endpoint on a page on this computer whose embed script allows its origin.
    fn with_endpoint(e: &str) -> Result<Option<String>, String> {
        let raw = RawConfig {
            endpoint: Some(e.to_owned()),
            allowed_endpoints: Some(origin(e)),
            page_origin: Some("http://127.0.0.1:8080".into()),
            ..RawConfig::default()
        };
        Config::from_raw(&raw)
            .map(|c| c.endpoint)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn endpoints() {
        // Issue 3: https://, or http:// on localhost/127.0.0.1 only; anything else is an error.
        let ok = [
            "https://formspree.io/f/abcd1234",
            "https://clinic.example/api/consultations?x=1",
            "http://127.0.0.1:8787/submissions",
            "http://localhost:3000/",
            "http://[::1]:8080/in",
            "https://localhost:8443/in",
        ];
        for e in ok {
            assert_eq!(with_endpoint(e), Ok(Some(e.to_owned())), "{e}");
        }
        // Issue 24: photos go to the receiver's own route only (receiver/src/http/mod.rs).
        let takes = |e: &str| {
            let raw = RawConfig {
                endpoint: Some(e.to_owned()),
                allowed_endpoints: Some(origin(e)),
                page_origin: Some("http://127.0.0.1:8080".into()),
                ..RawConfig::default()
            };
            Config::from_raw(&raw).unwrap().takes_photos()
        };
        assert!(takes("https://clinic.example/submissions"));
        assert!(takes("https://clinic.example/intake/submissions/"));
        assert!(!takes("https://formspree.io/f/abcd1234"));
        assert!(!takes("https://clinic.example/submissions?form=1"));
        assert!(!takes("https://clinic.example/submissions-old"));
        assert!(!Config::from_raw(&RawConfig::default())
            .unwrap()
            .takes_photos());
        let bad = [
            ("http://clinic.example/in", "must use https://"),
            ("http://127.0.0.1.evil.example/", "must use https://"),
            ("http://localhost@evil.example/", "user name"),
            ("https://user:pw@clinic.example/", "user name"),
            ("ftp://clinic.example/", "must start with https://"),
            ("javascript:alert(1)", "must start with https://"),
            ("/relative/path", "must start with https://"),
            ("https://", "not a valid web address"),
            ("https://clinic", "not a valid web address"),
            ("https://clinic.example/a b", "spaces"),
        ];
        for (e, why) in bad {
            let err = with_endpoint(e).expect_err(e);
            assert!(
                err.starts_with("data-endpoint: ") && err.contains(why),
                "{e}: {err}"
            );
        }
        assert_eq!(with_endpoint("  "), Ok(None), "blank means none");

        // Issue 14: the embed script's data-endpoints pins the origins; a planted element
        // naming another endpoint is refused, and so is a loopback endpoint on a page that is
        // not on loopback itself.
        let on = |endpoint: &str, allowed: Option<&str>, page: &str| {
            let raw = RawConfig {
                endpoint: Some(endpoint.into()),
                allowed_endpoints: allowed.map(str::to_owned),
                page_origin: Some(page.into()),
                ..RawConfig::default()
            };
            Config::from_raw(&raw)
                .map(|c| c.endpoint.unwrap_or_default())
                .map_err(|e| e.to_string())
        };
        let clinic = "https://clinic.example";
        let page = "https://www.clinic.example";
        /// The endpoint, the script's data-endpoints, the page's origin, and what is expected.
        type Case<'a> = (&'a str, Option<&'a str>, &'a str, Result<(), &'a str>);
        let cases: [Case; 9] = [
            ("https://clinic.example/in", Some(clinic), page, Ok(())),
            (
                "https://CLINIC.example:443/in",
                Some("https://clinic.example/"),
                page,
                Ok(()),
            ),
            (
                "https://clinic.example/in",
                Some("https://other.example, https://clinic.example"),
                page,
                Ok(()),
            ),
            (
                "https://evil.example/in",
                Some(clinic),
                page,
                Err("list https://evil.example in data-endpoints"),
            ),
            (
                "https://clinic.example:8443/in",
                Some(clinic),
                page,
                Err("not an endpoint this page allows"),
            ),
            (
                "https://clinic.example/in",
                None,
                page,
                Err("not an endpoint this page allows"),
            ),
            (
                "http://127.0.0.1:8787/in",
                Some("http://127.0.0.1:8787"),
                page,
                Err("only a page on this computer"),
            ),
            (
                "https://localhost/in",
                Some("https://localhost"),
                "http://clinic.test:8080",
                Err("only a page on this computer"),
            ),
            (
                "http://localhost:8787/in",
                Some("http://localhost:8787"),
                "http://localhost:8080",
                Ok(()),
            ),
        ];
        for (endpoint, allowed, page, want) in cases {
            match (on(endpoint, allowed, page), want) {
                (Ok(got), Ok(())) => assert_eq!(got, endpoint),
                (Err(e), Err(why)) => assert!(e.contains(why), "{endpoint}: {e}"),
                (got, _) => panic!("{endpoint} on {page} with {allowed:?}: {got:?}"),
            }
        }
        // The questionnaire's address follows the same rule, named by its own attribute.
        let raw = RawConfig {
            questionnaire: Some("http://clinic.example/q.json".into()),
            ..RawConfig::default()
        };
        let err = Config::from_raw(&raw).unwrap_err();
        assert_eq!(err.attribute, "data-questionnaire");
        assert!(err.problem.contains("must use https://"), "{err}");
    }

    #[test]
    fn clinic_emails_and_questionnaires_are_pinned() {
        // Issue 19: like data-endpoints, the embed script lists the clinic's email addresses
        // and questionnaire files; a planted widget naming others is refused, and without the
        // list none is trusted. A bad value keeps its own message, checked first.
        let email = |value: &str, allowed: Option<&str>| {
            let raw = RawConfig {
                clinic_email: Some(value.into()),
                allowed_clinic_emails: allowed.map(str::to_owned),
                ..RawConfig::default()
            };
            Config::from_raw(&raw)
                .map(|c| c.clinic_email.unwrap_or_default())
                .map_err(|e| e.to_string())
        };
        let clinic = Some("bookings@glow.example");
        /// The widget's data-clinic-email, the script's data-clinic-emails, what is expected.
        type EmailCase<'a> = (&'a str, Option<&'a str>, Result<&'a str, &'a str>);
        let cases: [EmailCase; 8] = [
            ("bookings@glow.example", clinic, Ok("bookings@glow.example")),
            (
                " Bookings@Glow.Example ",
                clinic,
                Ok("Bookings@Glow.Example"),
            ),
            (
                "info@glow.example",
                Some("bookings@glow.example, info@glow.example"),
                Ok("info@glow.example"),
            ),
            (
                "x@evil.example",
                clinic,
                Err(
                    "data-clinic-email: \"x@evil.example\" is not a clinic email this page \
                     allows: list x@evil.example in data-clinic-emails on the \
                     consultation-form.js script",
                ),
            ),
            (
                "bookings@glow.example.evil.example",
                clinic,
                Err("not a clinic email this page allows"),
            ),
            (
                "bookings@glow.example",
                None,
                Err("not a clinic email this page allows"),
            ),
            (
                "bookings@glow.example",
                Some(" , "),
                Err("not a clinic email this page allows"),
            ),
            (
                "bookings@",
                clinic,
                Err("\"bookings@\" is not a valid email address"),
            ),
        ];
        for (value, allowed, want) in cases {
            match (email(value, allowed), want) {
                (Ok(got), Ok(w)) => assert_eq!(got, w),
                (Err(e), Err(why)) => assert!(e.contains(why), "{value}: {e}"),
                (got, _) => panic!("{value} with {allowed:?}: {got:?}"),
            }
        }
        assert_eq!(email("  ", None), Ok(String::new()), "blank means none");

        let questionnaire = |value: &str, allowed: Option<&str>| {
            let raw = RawConfig {
                questionnaire: Some(value.into()),
                allowed_questionnaires: allowed.map(str::to_owned),
                ..RawConfig::default()
            };
            Config::from_raw(&raw)
                .map(|c| c.questionnaire_url.unwrap_or_default())
                .map_err(|e| e.to_string())
        };
        let peel = "https://clinic.example/forms/peel.json";
        let two = "https://clinic.example/forms/peel.json https://clinic.example/q?a=1,2";
        /// The widget's data-questionnaire, the script's data-questionnaires, what is expected.
        type QuestionnaireCase<'a> = (&'a str, Option<&'a str>, Result<(), &'a str>);
        let cases: [QuestionnaireCase; 8] = [
            (peel, Some(peel), Ok(())),
            (peel, Some(two), Ok(())),
            // A comma belongs to the address: that list is separated by spaces only.
            ("https://clinic.example/q?a=1,2", Some(two), Ok(())),
            (
                "https://evil.example/q.json",
                Some(peel),
                Err(
                    "data-questionnaire: \"https://evil.example/q.json\" is not a questionnaire \
                     this page allows: list https://evil.example/q.json in data-questionnaires \
                     on the consultation-form.js script",
                ),
            ),
            (
                "https://clinic.example/forms/peel.json?v=2",
                Some(peel),
                Err("not a questionnaire this page allows"),
            ),
            (
                "https://clinic.example/q?a=1",
                Some(two),
                Err("not a questionnaire this page allows"),
            ),
            (peel, None, Err("not a questionnaire this page allows")),
            (
                "http://clinic.example/q.json",
                Some("http://clinic.example/q.json"),
                Err("must use https://"),
            ),
        ];
        for (value, allowed, want) in cases {
            match (questionnaire(value, allowed), want) {
                (Ok(got), Ok(())) => assert_eq!(got, value),
                (Err(e), Err(why)) => assert!(e.contains(why), "{value}: {e}"),
                (got, _) => panic!("{value} with {allowed:?}: {got:?}"),
            }
        }
    }

    fn theme(accent: &str, font: &str, radius: &str) -> Result<Theme, String> {
        let some = |v: &str| (!v.is_empty()).then(|| v.to_owned());
        let raw = RawConfig {
            theme_accent: some(accent),
            theme_font: some(font),
            theme_radius: some(radius),
            ..RawConfig::default()
        };
        Config::from_raw(&raw)
            .map(|c| c.theme)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn contrast_ratios_match_wcag() {
        // WCAG 2.2 "contrast ratio" with white; reference values from the WebAIM contrast
        // checker (and the formula in floating point): #767676 is the lightest grey passing
        // 4.5:1, #777777 fails it.
        let cases = [
            ([0x00, 0x00, 0x00], 210),
            ([0xff, 0xff, 0xff], 10),
            ([0x76, 0x76, 0x76], 45),
            ([0x77, 0x77, 0x77], 44),
            ([0x1a, 0x5c, 0x5a], 77),
            ([0xb3, 0x26, 0x1e], 65),
            ([0x00, 0x00, 0xff], 85),
            ([0xff, 0x00, 0x00], 39),
        ];
        for (rgb, x10) in cases {
            assert_eq!(contrast_with_white_x10(rgb), x10, "{rgb:x?}");
        }
    }

    #[test]
    fn theme_settings() {
        assert_eq!(theme("", "", ""), Ok(Theme::default()));
        let t = theme("#6B2D5C", "Lato, \"Open Sans\", sans-serif", "12").unwrap();
        assert_eq!(
            t.properties().collect::<Vec<_>>(),
            [
                ("--cw-accent", "#6b2d5c"),
                ("--cw-font", "Lato, \"Open Sans\", sans-serif"),
                ("--cw-radius", "12px"),
            ]
        );
        assert_eq!(
            theme("#000", "", "0px").unwrap().radius.as_deref(),
            Some("0px")
        );
        let bad = [
            (
                theme("teal", "", ""),
                "data-theme-accent",
                "#rgb or #rrggbb",
            ),
            (
                theme("#12345", "", ""),
                "data-theme-accent",
                "#rgb or #rrggbb",
            ),
            (
                theme("#ggg", "", ""),
                "data-theme-accent",
                "#rgb or #rrggbb",
            ),
            (theme("#ffcc00", "", ""), "data-theme-accent", "too light"),
            (theme("#777777", "", ""), "data-theme-accent", "4.4:1"),
            (
                theme("", "Lato; color: red", ""),
                "data-theme-font",
                "font names",
            ),
            (theme("", "x{}", ""), "data-theme-font", "font names"),
            (
                theme("", "url(https://fonts.example/a.woff)", ""),
                "data-theme-font",
                "font names",
            ),
            (theme("", "", "25"), "data-theme-radius", "0 to 24"),
            (theme("", "", "1em"), "data-theme-radius", "0 to 24"),
            (theme("", "", "-1"), "data-theme-radius", "0 to 24"),
            (theme("", "", "+4"), "data-theme-radius", "0 to 24"),
        ];
        for (result, attribute, why) in bad {
            let err = result.unwrap_err();
            assert!(err.starts_with(attribute) && err.contains(why), "{err}");
        }
    }

    #[test]
    fn page_parameters_passed_along() {
        let raw = |v: &str| RawConfig {
            pass_params: Some(v.into()),
            ..RawConfig::default()
        };
        let mut c = Config::from_raw(&raw("utm_source, utm_campaign gclid")).unwrap();
        assert_eq!(c.pass_params, ["utm_source", "utm_campaign", "gclid"]);
        // Only named parameters, one line each, bidi controls dropped, long values cut.
        let long = "x".repeat(500);
        c.context(|name| match name {
            "utm_source" => Some("news\nletter\u{202e}".into()),
            "utm_campaign" => Some(long.clone()),
            "gclid" => Some("  ".into()),
            _ => Some("never asked".into()),
        });
        assert_eq!(
            c.context,
            [
                ("utm_source".to_owned(), "newsletter".to_owned()),
                ("utm_campaign".to_owned(), "x".repeat(MAX_PARAM_VALUE)),
            ]
        );
        for (value, why) in [
            ("utm source=1", "not a parameter name"),
            ("a;b", "not a parameter name"),
            ("a b c d e f g h i j k", "at most 10"),
        ] {
            let err = Config::from_raw(&raw(value)).unwrap_err();
            assert!(
                err.attribute == "data-pass-params" && err.problem.contains(why),
                "{err}"
            );
        }
    }

    #[test]
    fn settings_are_read_by_their_attribute_names() {
        // Each attribute the README documents reaches its own setting.
        let raw = RawConfig::read(|name| Some(format!("{name}!")));
        let want = [
            (&raw.endpoint, "data-endpoint"),
            (&raw.clinic_name, "data-clinic-name"),
            (&raw.clinic_email, "data-clinic-email"),
            (&raw.draft_storage, "data-draft-storage"),
            (&raw.draft_hours, "data-draft-hours"),
            (&raw.questionnaire, "data-questionnaire"),
            (&raw.theme_accent, "data-theme-accent"),
            (&raw.theme_font, "data-theme-font"),
            (&raw.theme_radius, "data-theme-radius"),
            (&raw.pass_params, "data-pass-params"),
        ];
        for (value, name) in want {
            assert_eq!(value.as_deref(), Some(format!("{name}!").as_str()));
        }
    }

    #[test]
    fn other_settings() {
        let c = Config::default();
        assert_eq!(c.endpoint, None);
        assert_eq!(c.clinic_name, "the clinic");
        assert_eq!(c.draft_storage, DraftStorage::Session);
        assert_eq!(c.draft_max_age_ms, 24 * 3_600_000);

        let raw = RawConfig {
            clinic_name: Some(" Glow Clinic ".into()),
            clinic_email: Some("info@glow.clinic".into()),
            allowed_clinic_emails: Some("info@glow.clinic".into()),
            draft_storage: Some("local".into()),
            draft_hours: Some("2".into()),
            ..RawConfig::default()
        };
        let c = Config::from_raw(&raw).unwrap();
        assert_eq!(c.clinic_name, "Glow Clinic");
        assert_eq!(c.clinic_email.as_deref(), Some("info@glow.clinic"));
        assert_eq!(c.draft_storage, DraftStorage::Local);
        assert_eq!(c.draft_max_age_ms, 7_200_000);

        let email = |v: &str| RawConfig {
            clinic_email: Some(v.into()),
            ..RawConfig::default()
        };
        let storage = |v: &str| RawConfig {
            draft_storage: Some(v.into()),
            ..RawConfig::default()
        };
        let hours = |v: &str| RawConfig {
            draft_hours: Some(v.into()),
            ..RawConfig::default()
        };
        let bad = [
            (email("info@"), "data-clinic-email"),
            (storage("cookie"), "data-draft-storage"),
            (hours("0"), "data-draft-hours"),
            (hours("a day"), "data-draft-hours"),
            (hours("100000"), "data-draft-hours"),
            (hours("1.5"), "data-draft-hours"),
            (hours("-3"), "data-draft-hours"),
        ];
        for (raw, attribute) in bad {
            assert_eq!(
                Config::from_raw(&raw).unwrap_err().attribute,
                attribute,
                "{raw:?}"
            );
        }
    }
}
