//! The workspace's cross-crate tests, one binary with a module each. Every
//! HTTP server here listens on 127.0.0.1 (or another 127.x address):
//! `servers` has the recording server the client tests talk to.
//!
//! - `wire`: exact requests, refusals before sending, every kind of answer;
//! - `shapes`: the insta snapshots in `tests/snapshots/` (`cargo xtask regen`);
//! - `list`: listing, paging and kicking;
//! - `redirect`: no redirect is ever followed;
//! - `retries`: retries and the tracing spans;
//! - `spec_decides`: what the spec decides for the hand-written layer;
//! - `e2e`: the client and raw requests against the fake server;
//! - `create`: dialing participants in (Twilio only) against the fake, and
//!   the body sent against twilio-python's;
//! - `events`: the fake's conference events, taken by an axum app;
//! - `delivery`: the fake's production-like delivery of them (unnumbered,
//!   shuffled, repeated), seeded;
//! - `ending`: how a conference ends on the fake (`EndConferenceOnExit`,
//!   the last one out);
//! - `fake_conferences`: the fake's conferences and recordings: filters
//!   (the date bounds), paging, each provider's shapes, ending one through
//!   the API, announcing, a recording's states, deleting one;
//! - `roster`: a roster folded from the fake's events, shuffled and
//!   repeated; a listing a leave overtakes, through a proxy that holds its
//!   answer back; and its ordering rules;
//! - `fanout`: whole-conference actions, on the fake and on a server that
//!   counts the calls in flight and throttles;
//! - `fuzz_replay`: every kept fuzz input, on stable;
//! - `verbs`: every verb both ways, against the fake;
//! - `limits`: the response size limit, against servers that send 64 MiB.

mod conferences;
mod create;
mod delivery;
mod e2e;
mod ending;
mod events;
mod fake_conferences;
mod fanout;
mod fuzz_replay;
mod limits;
mod list;
mod redirect;
mod retries;
mod roster;
mod servers;
mod shapes;
mod spec_decides;
mod verbs;
mod wire;
