//! An in-memory fake of SignalWire's conference participant endpoints
//! (list, retrieve, update and kick), for a quickstart that runs offline,
//! for our end-to-end tests, and for yours.
//!
//! It behaves like the real service where it matters to a client: HTTP Basic
//! auth per account (401, code 20003), other accounts' resources are 404
//! (20404), form parsing as the service does it (case-insensitive booleans),
//! GET/POST methods only (13221), absolute http(s) URLs only (21402),
//! coaching rules (16002), lists paged by
//! `PageSize` and `Page`/`PageToken` and filtered by `Muted`, `Hold` and
//! `Coaching`, a kick after which the participant is gone (404), 405 with
//! `Allow` for any other method, and the same paths with or without
//! `/api/laml` (answers then look like SignalWire's, or like Twilio's: page
//! URIs under the same prefix, `start` and `end` on Twilio's). Response bodies
//! are the spec's `Participant`, `ParticipantPage` and `Error`.
//!
//! Where the services are lenient and the spec is not, it follows the spec,
//! so that a client's mistake fails in its tests: an unknown form field or
//! query parameter, a `Muted` other than true or false, or an empty
//! `CallSidToCoach` is a 400 (code 10000) naming it, and a body that is not a
//! form is a 415. schemathesis checks every answer against the spec.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! // Keep `server`: the fake stops when it is dropped.
//! let server = signalwire_participants_fake::start("127.0.0.1:0").await?;
//! let demo = server.demo();
//! // Point any client at demo.base_url with demo.account_sid and
//! // demo.auth_token, for example signalwire-participants:
//! // Client::with_base_url(&demo.base_url, &demo.account_sid, demo.auth_token.as_str())
//! # Ok(())
//! # }
//! ```

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde::Serialize;

/// The most a request body may hold.
pub const BODY_LIMIT: usize = 16 * 1024;

/// The dates the demo participants were created, in the format SignalWire's
/// own examples use (note `Sept`).
pub const DEMO_CREATED: &str = "Mon, 24 Sept 2018 21:00:00 +0000";

/// One participant's state.
#[derive(Clone, Debug, PartialEq)]
pub struct ParticipantState {
    /// The call id (a UUID, or a Twilio-style `CA` SID).
    pub call_sid: String,
    /// A label the participant can also be addressed by.
    pub label: Option<String>,
    /// Muted.
    pub muted: bool,
    /// On hold.
    pub hold: bool,
    /// The hold music URL.
    pub hold_url: Option<String>,
    /// How the hold URL is fetched.
    pub hold_method: String,
    /// Coaching another call.
    pub coaching: bool,
    /// The call being coached.
    pub call_sid_to_coach: Option<String>,
    /// Ends the conference on leaving.
    pub end_conference_on_exit: bool,
    /// Beeps on leaving.
    pub beep_on_exit: bool,
    /// Starts the conference on entering.
    pub start_conference_on_enter: bool,
    /// The last announcement URL played.
    pub announce_url: Option<String>,
    /// The wait music URL.
    pub wait_url: Option<String>,
    /// `in-progress` or `completed`.
    pub status: String,
    /// RFC 2822.
    pub date_created: String,
    /// RFC 2822; moves on every update.
    pub date_updated: String,
}

impl ParticipantState {
    fn new(call_sid: &str, label: Option<&str>) -> Self {
        ParticipantState {
            call_sid: call_sid.into(),
            label: label.map(Into::into),
            muted: false,
            hold: false,
            hold_url: None,
            hold_method: "GET".into(),
            coaching: false,
            call_sid_to_coach: None,
            end_conference_on_exit: false,
            beep_on_exit: true,
            start_conference_on_enter: true,
            announce_url: None,
            wait_url: None,
            status: "in-progress".into(),
            date_created: DEMO_CREATED.into(),
            date_updated: DEMO_CREATED.into(),
        }
    }
}

#[derive(Clone, Debug)]
struct Conference {
    participants: Vec<ParticipantState>,
}

#[derive(Clone, Debug)]
struct Account {
    token: String,
    conferences: BTreeMap<String, Conference>,
}

/// What a client needs to drive the demo: printed by `cargo xtask serve`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Demo {
    /// `http://127.0.0.1:PORT/api/laml`: the base URL for the client.
    pub base_url: String,
    /// The demo project id (account SID).
    pub account_sid: String,
    /// The demo API token (a fake one; it guards only this fake).
    pub auth_token: String,
    /// The demo conference.
    pub conference_sid: String,
    /// The demo participants' call ids: alice, bob, and a Twilio-style supervisor.
    pub call_sids: Vec<String>,
    /// Their labels, in the same order.
    pub labels: Vec<String>,
    /// A second account, to show that its resources stay invisible.
    pub other_account_sid: String,
    /// The second account's token.
    pub other_auth_token: String,
}

/// The demo data: fixed ids so that scripts and docs can name them.
pub const DEMO_ACCOUNT: &str = "0b5e7f3a-7c1d-4e2b-9a6f-1d2c3b4a5e60";
/// The demo token.
pub const DEMO_TOKEN: &str = "PTfake0000demo0000token";
/// The demo conference.
pub const DEMO_CONFERENCE: &str = "6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
/// The demo participants (alice, bob, supervisor, dave). Bob's and the
/// supervisor's ids are the coach targets of the spec's update examples, so
/// that the examples run against the fake as written (schemathesis sends
/// them); dave is the one a tool can kick without breaking them.
pub const DEMO_CALLS: [&str; 4] = [
    "8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d",
    "b3877c40-da60-4998-90ad-b792e98472c0",
    "CA0123456789abcdef0123456789abcdef",
    "d4a7e1c2-9b3f-4e6d-8a5c-2f1e0d9c8b7a",
];
/// Their labels.
pub const DEMO_LABELS: [&str; 4] = ["alice", "bob", "supervisor", "dave"];
/// A second account with its own conference.
pub const OTHER_ACCOUNT: &str = "AC00000000000000000000000000000002";
/// Its token.
pub const OTHER_TOKEN: &str = "other-account-token";
/// Its conference.
pub const OTHER_CONFERENCE: &str = "CF00000000000000000000000000000002";

/// The fake's state: accounts, conferences and participants.
#[derive(Clone, Debug)]
pub struct Fake {
    accounts: Arc<Mutex<BTreeMap<String, Account>>>,
}

impl Default for Fake {
    fn default() -> Self {
        Self::demo()
    }
}

impl Fake {
    /// The seeded demo: one account with a conference of four participants,
    /// and a second account with a conference of its own.
    pub fn demo() -> Self {
        let mut accounts = BTreeMap::new();
        let participants = DEMO_CALLS
            .iter()
            .zip(DEMO_LABELS)
            .map(|(call, label)| ParticipantState::new(call, Some(label)))
            .collect();
        accounts.insert(
            DEMO_ACCOUNT.to_string(),
            Account {
                token: DEMO_TOKEN.into(),
                conferences: BTreeMap::from([(
                    DEMO_CONFERENCE.to_string(),
                    Conference { participants },
                )]),
            },
        );
        accounts.insert(
            OTHER_ACCOUNT.to_string(),
            Account {
                token: OTHER_TOKEN.into(),
                conferences: BTreeMap::from([(
                    OTHER_CONFERENCE.to_string(),
                    Conference {
                        participants: vec![ParticipantState::new(
                            "CA00000000000000000000000000000002",
                            Some("private"),
                        )],
                    },
                )]),
            },
        );
        Fake {
            accounts: Arc::new(Mutex::new(accounts)),
        }
    }

    /// A participant's state, for tests.
    pub fn participant(
        &self,
        account: &str,
        conference: &str,
        call_or_label: &str,
    ) -> Option<ParticipantState> {
        let accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        accounts
            .get(account)?
            .conferences
            .get(conference)?
            .participants
            .iter()
            .find(|p| p.call_sid == call_or_label || p.label.as_deref() == Some(call_or_label))
            .cloned()
    }

    /// Marks a participant as having left (status `completed`), for tests.
    pub fn complete(&self, account: &str, conference: &str, call: &str) {
        let mut accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(p) = accounts
            .get_mut(account)
            .and_then(|a| a.conferences.get_mut(conference))
            .and_then(|c| c.participants.iter_mut().find(|p| p.call_sid == call))
        {
            p.status = "completed".into();
        }
    }

    /// The router: both `/api/laml/2010-04-01/...` and `/2010-04-01/...`.
    pub fn router(&self) -> Router {
        let fake = self.clone();
        Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Body| {
                let fake = fake.clone();
                async move { fake.handle(method, uri, headers, body).await }
            },
        )
    }

    async fn handle(&self, method: Method, uri: Uri, headers: HeaderMap, body: Body) -> Response {
        let Some(path) = parse_path(uri.path()) else {
            return error(
                StatusCode::NOT_FOUND,
                20404,
                format!("The requested resource {} was not found", uri.path()),
            );
        };
        let Some(account_sid) = authenticate(&headers, &self.accounts) else {
            return error(
                StatusCode::UNAUTHORIZED,
                20003,
                "Authentication Error - invalid username or token".into(),
            );
        };
        if account_sid != path.account {
            // Another account's resources are indistinguishable from missing ones.
            return not_found(&path);
        }
        match (method, path.call.is_some()) {
            (Method::GET, true) => self.retrieve(&path),
            (Method::POST, true) => {
                let bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
                    Ok(b) => b,
                    Err(_) => {
                        return error(
                            StatusCode::PAYLOAD_TOO_LARGE,
                            10000,
                            format!("The request body is larger than {BODY_LIMIT} bytes"),
                        );
                    }
                };
                let form = headers.get(header::CONTENT_TYPE).is_none_or(|t| {
                    let essence = t.to_str().unwrap_or_default().split(';').next();
                    essence.is_some_and(|e| {
                        e.trim()
                            .eq_ignore_ascii_case("application/x-www-form-urlencoded")
                    })
                });
                if !bytes.is_empty() && !form {
                    return error(
                        StatusCode::UNSUPPORTED_MEDIA_TYPE,
                        10000,
                        "The body must be application/x-www-form-urlencoded".into(),
                    );
                }
                match parse_update(&bytes) {
                    Ok(update) => self.update(&path, update),
                    Err(Refusal(status, code, message)) => error(status, code, message),
                }
            }
            (Method::DELETE, true) => self.kick(&path),
            (Method::GET, false) => match parse_list(uri.query().unwrap_or_default()) {
                Ok(query) => self.list(&path, &query),
                Err(Refusal(status, code, message)) => error(status, code, message),
            },
            (method, one) => {
                let allow = if one { "GET, POST, DELETE" } else { "GET" };
                let mut response = error(
                    StatusCode::METHOD_NOT_ALLOWED,
                    20004,
                    format!("Method {method} not allowed on this resource"),
                );
                // RFC 9110: a 405 says which methods the resource has.
                let allow = header::HeaderValue::from_static(allow);
                response.headers_mut().insert(header::ALLOW, allow);
                response
            }
        }
    }

    /// One page of the conference's participants (those still in it), the
    /// filters applied, with the paging URIs either provider gives.
    fn list(&self, path: &ParticipantPath, query: &ListQuery) -> Response {
        let accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        let Some(conference) = accounts
            .get(&path.account)
            .and_then(|a| a.conferences.get(&path.conference))
        else {
            return not_found(path);
        };
        let matching: Vec<&ParticipantState> = conference
            .participants
            .iter()
            .filter(|p| p.status != "completed")
            .filter(|p| query.muted.is_none_or(|m| p.muted == m))
            .filter(|p| query.hold.is_none_or(|h| p.hold == h))
            .filter(|p| query.coaching.is_none_or(|c| p.coaching == c))
            .collect();
        let size = query.page_size;
        let first = query.page.saturating_mul(size).min(matching.len());
        let on_page = &matching[first..(first + size).min(matching.len())];
        let base = format!(
            "{}/2010-04-01/Accounts/{}/Conferences/{}/Participants.json",
            path.prefix(),
            path.account,
            path.conference
        );
        // A page's URI: the filters, the size, the page, and (past the first)
        // a token naming the last participant before it, as the providers do.
        let uri = |page: usize| {
            let mut uri = format!("{base}?{}PageSize={size}&Page={page}", query.filters);
            let before = page.checked_mul(size).and_then(|n| n.checked_sub(1));
            if let Some(p) = before.and_then(|n| matching.get(n)) {
                uri.push_str(&format!("&PageToken=PA{}", p.call_sid));
            }
            uri
        };
        let more = first + size < matching.len();
        let mut page = serde_json::json!({
            "participants": on_page.iter().map(|p| to_wire(path, p)).collect::<Vec<_>>(),
            "page": query.page,
            "page_size": size,
            "uri": uri(query.page),
            "first_page_uri": uri(0),
            "next_page_uri": more.then(|| uri(query.page + 1)),
            "previous_page_uri": (query.page > 0).then(|| uri(query.page - 1)),
        });
        if !path.laml {
            // Twilio also says where the page sits in the whole list.
            page["start"] = first.into();
            page["end"] = (first + on_page.len()).saturating_sub(1).into();
        }
        json(StatusCode::OK, &page)
    }

    /// Removes the participant: retrieve, update and kick then answer 404.
    fn kick(&self, path: &ParticipantPath) -> Response {
        let mut accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        let conference = accounts
            .get_mut(&path.account)
            .and_then(|a| a.conferences.get_mut(&path.conference));
        let Some(conference) = conference else {
            return not_found(path);
        };
        let before = conference.participants.len();
        conference.participants.retain(|p| !path.is(p));
        if conference.participants.len() == before {
            return not_found(path);
        }
        StatusCode::NO_CONTENT.into_response()
    }

    fn retrieve(&self, path: &ParticipantPath) -> Response {
        let accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        match find(&accounts, path) {
            Some(p) => json(StatusCode::OK, &to_wire(path, p)),
            None => not_found(path),
        }
    }

    fn update(&self, path: &ParticipantPath, update: Update) -> Response {
        let mut accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        let Some(conference) = accounts
            .get_mut(&path.account)
            .and_then(|a| a.conferences.get_mut(&path.conference))
        else {
            return not_found(path);
        };
        let Some(index) = conference.participants.iter().position(|p| path.is(p)) else {
            return not_found(path);
        };
        if conference.participants[index].status == "completed" {
            return error(
                StatusCode::BAD_REQUEST,
                10000,
                "The participant has left the conference and can no longer be updated".into(),
            );
        }
        let coaching = update
            .coaching
            .unwrap_or(conference.participants[index].coaching);
        if let Some(target) = &update.call_sid_to_coach {
            let present = conference
                .participants
                .iter()
                .enumerate()
                .any(|(i, p)| i != index && p.status != "completed" && &p.call_sid == target);
            if !present {
                return error(
                    StatusCode::BAD_REQUEST,
                    16002,
                    format!("The participant to be coached ({target}) is not in this conference"),
                );
            }
        } else if update.coaching == Some(true)
            && conference.participants[index].call_sid_to_coach.is_none()
        {
            return error(
                StatusCode::BAD_REQUEST,
                10000,
                "CallSidToCoach is required when Coaching is true".into(),
            );
        }
        let p = &mut conference.participants[index];
        update.apply(p);
        p.coaching = coaching;
        if !coaching {
            p.call_sid_to_coach = None;
        }
        p.date_updated = chrono::Utc::now().to_rfc2822();
        json(StatusCode::OK, &to_wire(path, p))
    }
}

/// The fields an update may set; `None` leaves a value alone.
#[derive(Debug, Default, PartialEq)]
struct Update {
    muted: Option<bool>,
    hold: Option<bool>,
    hold_url: Option<String>,
    hold_method: Option<String>,
    announce_url: Option<String>,
    announce_method: Option<String>,
    wait_url: Option<String>,
    wait_method: Option<String>,
    coaching: Option<bool>,
    call_sid_to_coach: Option<String>,
    beep_on_exit: Option<bool>,
    end_conference_on_exit: Option<bool>,
}

impl Update {
    fn apply(self, p: &mut ParticipantState) {
        if let Some(v) = self.muted {
            p.muted = v;
        }
        if let Some(v) = self.hold {
            p.hold = v;
        }
        if let Some(v) = self.hold_url {
            p.hold_url = Some(v);
        }
        if let Some(v) = self.hold_method {
            p.hold_method = v;
        }
        if let Some(v) = self.announce_url {
            p.announce_url = Some(v);
        }
        if let Some(v) = self.wait_url {
            p.wait_url = Some(v);
        }
        if let Some(v) = self.call_sid_to_coach {
            p.call_sid_to_coach = Some(v);
        }
        if let Some(v) = self.beep_on_exit {
            p.beep_on_exit = v;
        }
        if let Some(v) = self.end_conference_on_exit {
            p.end_conference_on_exit = v;
        }
        let _ = (self.announce_method, self.wait_method);
    }
}

/// Why a form was refused: status, error code, message.
struct Refusal(StatusCode, i64, String);

/// Parses a form body as the service does, but refuses what the spec
/// closes and the service may let through: an unknown field, an
/// empty `CallSidToCoach`, a `Muted` other than true or false (D25).
fn parse_update(body: &[u8]) -> Result<Update, Refusal> {
    let mut u = Update::default();
    for (key, value) in url::form_urlencoded::parse(body) {
        let value = value.into_owned();
        match key.as_ref() {
            "Muted" => u.muted = Some(boolean("Muted", &value)?),
            "Hold" => u.hold = Some(boolean("Hold", &value)?),
            "Coaching" => u.coaching = Some(boolean("Coaching", &value)?),
            "BeepOnExit" => u.beep_on_exit = Some(boolean("BeepOnExit", &value)?),
            "EndConferenceOnExit" => {
                u.end_conference_on_exit = Some(boolean("EndConferenceOnExit", &value)?)
            }
            "Beep" => {
                boolean("Beep", &value)?;
            }
            "HoldUrl" => u.hold_url = Some(absolute_url("HoldUrl", &value, false)?),
            "AnnounceUrl" => u.announce_url = Some(absolute_url("AnnounceUrl", &value, false)?),
            "WaitUrl" => u.wait_url = Some(absolute_url("WaitUrl", &value, true)?),
            "HoldMethod" => u.hold_method = Some(http_method("HoldMethod", &value)?),
            "AnnounceMethod" => u.announce_method = Some(http_method("AnnounceMethod", &value)?),
            "WaitMethod" => u.wait_method = Some(http_method("WaitMethod", &value)?),
            "CallSidToCoach" if !value.is_empty() => u.call_sid_to_coach = Some(value),
            "CallSidToCoach" => {
                let message = "Invalid value '' for CallSidToCoach: expected a call id".into();
                return Err(Refusal(StatusCode::BAD_REQUEST, 10000, message));
            }
            other => {
                let message = format!("Unknown parameter '{other}'");
                return Err(Refusal(StatusCode::BAD_REQUEST, 10000, message));
            }
        }
    }
    Ok(u)
}

/// The list's query: the three filters, the page size and the page.
struct ListQuery {
    muted: Option<bool>,
    hold: Option<bool>,
    coaching: Option<bool>,
    page_size: usize,
    page: usize,
    /// The filters as given, to repeat in the paging URIs (`Muted=true&`).
    filters: String,
}

/// Parses a list query as the service does: booleans case-insensitively,
/// `PageSize` 1 to 1000 (50 when absent), `Page` from 0. The `PageToken` is
/// accepted and not needed: the page number says where the page starts. An
/// unknown parameter is refused (D25).
fn parse_list(query: &str) -> Result<ListQuery, Refusal> {
    let mut q = ListQuery {
        muted: None,
        hold: None,
        coaching: None,
        page_size: 50,
        page: 0,
        filters: String::new(),
    };
    let number = |field: &str, value: &str, range: std::ops::RangeInclusive<usize>| {
        let digits = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
        // Too many digits for a usize: a number past any range's end.
        let n = digits.then(|| value.parse::<usize>().unwrap_or(usize::MAX));
        n.filter(|n| range.contains(n)).ok_or_else(|| {
            let message = format!(
                "Invalid value '{value}' for {field}: expected a number from {} to {}",
                range.start(),
                range.end()
            );
            Refusal(StatusCode::BAD_REQUEST, 10000, message)
        })
    };
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let filter = match key.as_ref() {
            "Muted" => &mut q.muted,
            "Hold" => &mut q.hold,
            "Coaching" => &mut q.coaching,
            "PageSize" => {
                q.page_size = number("PageSize", &value, 1..=1000)?;
                continue;
            }
            // Any page the spec allows; one past the end is empty.
            "Page" => {
                q.page = number("Page", &value, 0..=usize::MAX)?;
                continue;
            }
            "PageToken" => continue,
            other => {
                let message = format!("Unknown parameter '{other}'");
                return Err(Refusal(StatusCode::BAD_REQUEST, 10000, message));
            }
        };
        let wanted = boolean(&key, &value)?;
        *filter = Some(wanted);
        q.filters.push_str(&format!("{key}={wanted}&"));
    }
    Ok(q)
}

fn boolean(field: &str, value: &str) -> Result<bool, Refusal> {
    if value.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if value.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(Refusal(
            StatusCode::BAD_REQUEST,
            10000,
            format!("Invalid value '{value}' for {field}: expected true or false"),
        ))
    }
}

fn http_method(field: &str, value: &str) -> Result<String, Refusal> {
    match value.to_ascii_uppercase().as_str() {
        m @ ("GET" | "POST") => Ok(m.to_string()),
        _ => Err(Refusal(
            StatusCode::BAD_REQUEST,
            13221,
            format!("Invalid HTTP method '{value}' for {field}: use GET or POST"),
        )),
    }
}

fn absolute_url(field: &str, value: &str, empty_ok: bool) -> Result<String, Refusal> {
    if value.is_empty() && empty_ok {
        return Ok(String::new());
    }
    match url::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => Ok(value.to_string()),
        _ => Err(Refusal(
            StatusCode::BAD_REQUEST,
            21402,
            format!("{field} '{value}' is not a valid, fully qualified http(s) URL"),
        )),
    }
}

/// A request's target: a conference's participant list (`call` is `None`)
/// or one participant, and whether it came under SignalWire's `/api/laml`
/// prefix (answers then look like SignalWire's, otherwise like Twilio's).
#[derive(Debug)]
struct ParticipantPath {
    account: String,
    conference: String,
    call: Option<String>,
    laml: bool,
}

impl ParticipantPath {
    fn call(&self) -> &str {
        self.call.as_deref().unwrap_or_default()
    }

    /// The path prefix answers use: `/api/laml` or nothing.
    fn prefix(&self) -> &'static str {
        if self.laml { "/api/laml" } else { "" }
    }

    fn is(&self, p: &ParticipantState) -> bool {
        p.call_sid == self.call() || p.label.as_deref() == Some(self.call())
    }
}

/// `[/api/laml]/2010-04-01/Accounts/{A}/Conferences/{C}/Participants[/{P}][.json]`,
/// with each segment percent-decoded.
fn parse_path(path: &str) -> Option<ParticipantPath> {
    let laml = path.starts_with("/api/laml/");
    let rest = path.strip_prefix("/api/laml").unwrap_or(path);
    let segments: Vec<&str> = rest.strip_prefix('/')?.split('/').collect();
    let decode = |s: &str| {
        let s = s.strip_suffix(".json").unwrap_or(s);
        percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .ok()
            .map(|c| c.into_owned())
    };
    let (account, conference, last, call) = match segments.as_slice() {
        ["2010-04-01", "Accounts", a, "Conferences", c, last] => (a, c, *last, None),
        [
            "2010-04-01",
            "Accounts",
            a,
            "Conferences",
            c,
            "Participants",
            p,
        ] => (a, c, "Participants", Some(decode(p)?)),
        _ => return None,
    };
    if last.strip_suffix(".json").unwrap_or(last) != "Participants" {
        return None;
    }
    Some(ParticipantPath {
        account: decode(account)?,
        conference: decode(conference)?,
        call,
        laml,
    })
}

/// The account whose credentials the request carries, if they are right.
fn authenticate(
    headers: &HeaderMap,
    accounts: &Mutex<BTreeMap<String, Account>>,
) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    let accounts = accounts.lock().unwrap_or_else(|p| p.into_inner());
    let account = accounts.get(user)?;
    // Compare without an early exit, so timing says nothing about the token.
    let (a, b) = (account.token.as_bytes(), password.as_bytes());
    let same = a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0;
    same.then(|| user.to_string())
}

fn find<'a>(
    accounts: &'a BTreeMap<String, Account>,
    path: &ParticipantPath,
) -> Option<&'a ParticipantState> {
    accounts
        .get(&path.account)?
        .conferences
        .get(&path.conference)?
        .participants
        .iter()
        .find(|p| path.is(p))
}

/// The participant as the service answers it (the spec's `Participant`;
/// the end-to-end tests check every answer against the spec's schema).
fn to_wire(path: &ParticipantPath, p: &ParticipantState) -> serde_json::Value {
    serde_json::json!({
        "account_sid": path.account,
        "call_sid": p.call_sid,
        "call_sid_to_coach": p.call_sid_to_coach,
        "coaching": p.coaching,
        "conference_sid": path.conference,
        "date_created": p.date_created,
        "date_updated": p.date_updated,
        "end_conference_on_exit": p.end_conference_on_exit,
        "hold": p.hold,
        "hold_url": p.hold_url.clone().filter(|_| p.hold),
        "label": p.label,
        "muted": p.muted,
        "start_conference_on_enter": p.start_conference_on_enter,
        "status": p.status,
        "uri": format!(
            "{}/2010-04-01/Accounts/{}/Conferences/{}/Participants/{}.json",
            path.prefix(),
            path.account,
            path.conference,
            p.call_sid
        ),
    })
}

fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response()
}

fn error(status: StatusCode, code: i64, message: String) -> Response {
    let body = serde_json::json!({
        "code": code,
        "message": message,
        "more_info": format!("https://www.twilio.com/docs/errors/{code}"),
        "status": status.as_u16(),
    });
    json(status, &body)
}

fn not_found(path: &ParticipantPath) -> Response {
    let what = match &path.call {
        Some(call) => format!("Participants/{call}.json"),
        None => "Participants.json".into(),
    };
    error(
        StatusCode::NOT_FOUND,
        20404,
        format!(
            "The requested resource /2010-04-01/Accounts/{}/Conferences/{}/{what} was not found",
            path.account, path.conference
        ),
    )
}

/// A running fake server. It stops when this value is dropped: keep it
/// for as long as clients talk to it.
#[must_use = "the fake stops when this value is dropped; keep it in a variable"]
pub struct RunningFake {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// Its state, to inspect or change in tests.
    pub fake: Fake,
    task: tokio::task::JoinHandle<()>,
}

impl RunningFake {
    /// How to reach the demo data.
    pub fn demo(&self) -> Demo {
        Demo {
            base_url: format!("http://{}/api/laml", self.addr),
            account_sid: DEMO_ACCOUNT.into(),
            auth_token: DEMO_TOKEN.into(),
            conference_sid: DEMO_CONFERENCE.into(),
            call_sids: DEMO_CALLS.iter().map(|s| s.to_string()).collect(),
            labels: DEMO_LABELS.iter().map(|s| s.to_string()).collect(),
            other_account_sid: OTHER_ACCOUNT.into(),
            other_auth_token: OTHER_TOKEN.into(),
        }
    }

    /// Waits until the server stops (it runs until the process ends).
    pub async fn wait(mut self) {
        let _ = (&mut self.task).await;
    }
}

impl Drop for RunningFake {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the seeded demo on `addr` (use port 0 for any free port). Only
/// loopback addresses are accepted: this is a test double, not a service.
pub async fn start(addr: &str) -> std::io::Result<RunningFake> {
    start_with(addr, Fake::demo()).await
}

/// Starts a server over the given state.
pub async fn start_with(addr: &str, fake: Fake) -> std::io::Result<RunningFake> {
    let wanted: SocketAddr = addr.parse().map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("invalid address {addr}: {e}"),
        )
    })?;
    if !wanted.ip().is_loopback() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("the fake listens on loopback only (127.0.0.1 or [::1]), not {addr}"),
        ));
    }
    let listener = tokio::net::TcpListener::bind(wanted).await?;
    let bound = listener.local_addr()?;
    let router = fake.router();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Ok(RunningFake {
        addr: bound,
        fake,
        task,
    })
}
