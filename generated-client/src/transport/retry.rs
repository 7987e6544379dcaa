//! The one retry policy, for a single call and for every call of a
//! whole-conference action alike: how a try failed, whether it may be made
//! again, how long to wait (the server's `Retry-After`, capped, or one
//! backoff schedule), the attempts and the time budget, and whether an
//! earlier try may have been applied. The request hook runs the only retry
//! loop; a whole-conference action adds its shared pause ([`Gate`])
//! through [`Scope`].

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use backon::BackoffBuilder as _;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use tokio::time::Instant;

use crate::Retries;

/// The longest wait a `Retry-After` can ask for (a day): a larger one, a
/// date further ahead, or a number too large for any clock, is taken as
/// this. A wait longer than the retry budget left gives up at once anyway.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// The backoff between tries when the server names no wait: exponential
/// from 100 ms, doubling, up to 5 s, with jitter.
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// How one try failed, as the retry policy sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// An answer with this status (a success is never retried).
    Status(u16),
    /// No connection could be made: nothing was sent.
    Unsent,
    /// Sent, and no whole answer came back: a timeout, a connection reset
    /// or cut mid-answer. The server may have acted on it.
    Lost,
    /// Anything else (a request that could not be built...).
    Other,
}

impl Failure {
    /// What a failed exchange was.
    pub(crate) fn of(e: &reqwest::Error) -> Self {
        if e.is_connect() {
            Failure::Unsent
        } else if e.is_timeout() || e.is_request() || e.is_body() || e.is_decode() {
            // reqwest reports a body read that failed (cut short, timed
            // out) as a decoding error: this client has no decoder.
            Failure::Lost
        } else {
            Failure::Other
        }
    }

    /// Whether a try that failed so may be made again (the README's retry
    /// table, which a test reads). A 429 was not processed (Twilio's error
    /// 20429) and `Unsent` sent nothing, so any operation may repeat them.
    /// 408, 500, 502, 503, 504 (Twilio's retry guidance, D31) and `Lost`
    /// may have been applied: only an operation that is safe to repeat is
    /// tried again.
    pub(crate) fn retryable(self, idempotent: bool) -> bool {
        match self {
            Failure::Status(429) | Failure::Unsent => true,
            Failure::Status(408 | 500 | 502 | 503 | 504) | Failure::Lost => idempotent,
            Failure::Status(_) | Failure::Other => false,
        }
    }

    /// Whether the server may have acted on the try (a 5xx may come from a
    /// proxy after the service did; a 408 or 429 was never processed).
    pub(crate) fn maybe_applied(self) -> bool {
        matches!(self, Failure::Status(500 | 502 | 503 | 504) | Failure::Lost)
    }
}

/// The wait an answer's `Retry-After` asks for: seconds, or an HTTP date
/// (one already past asks for none), at most [`MAX_RETRY_AFTER`]. `None`
/// for no header, or one that is neither.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Digits past u64 are a wait longer than the cap.
        let seconds = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(seconds).min(MAX_RETRY_AFTER));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    let wait = at.duration_since(SystemTime::now()).unwrap_or_default();
    Some(wait.min(MAX_RETRY_AFTER))
}

/// One call's tries under a [`Retries`] policy: what it has used, and
/// whether an earlier try may have been applied.
#[derive(Debug)]
pub(crate) struct Tries {
    policy: Retries,
    started: Instant,
    made: u32,
    backoff: backon::ExponentialBackoff,
    maybe_applied: bool,
}

impl Tries {
    /// The first try is about to be made.
    pub(crate) fn new(policy: Retries) -> Self {
        let backoff = backon::ExponentialBuilder::default()
            .with_min_delay(FIRST_BACKOFF)
            .with_max_delay(MAX_BACKOFF)
            .with_jitter()
            .without_max_times()
            .build();
        Tries {
            policy,
            started: Instant::now(),
            made: 0,
            backoff,
            maybe_applied: false,
        }
    }

    /// After a try that failed so (with the answer's `Retry-After`, if
    /// any): the wait before the next try, or `None` to give up. A try is
    /// made again only if the failure is retryable for the operation,
    /// attempts remain, and the wait ends within the budget: a wait past
    /// it gives up at once, with this try's error.
    pub(crate) fn next(
        &mut self,
        failure: Failure,
        retry_after: Option<Duration>,
        idempotent: bool,
    ) -> Option<Duration> {
        self.made += 1;
        if !failure.retryable(idempotent) || self.made >= self.policy.attempts {
            return None;
        }
        let wait = retry_after.or_else(|| self.backoff.next())?;
        let left = self.policy.budget.checked_sub(self.started.elapsed())?;
        if wait > left {
            return None;
        }
        self.maybe_applied |= failure.maybe_applied();
        Some(wait)
    }

    /// How many tries were made.
    pub(crate) fn made(&self) -> u32 {
        self.made.max(1)
    }

    /// Whether a try before the last may have been applied.
    pub(crate) fn maybe_applied(&self) -> bool {
        self.maybe_applied
    }
}

/// Whether a wait should pause every call of a whole-conference action,
/// not only the one that got it: an answer that names a wait, or a 429
/// (the account's limit, which every call shares).
pub(crate) fn pauses_everyone(failure: Failure, retry_after: Option<Duration>) -> bool {
    retry_after.is_some() || failure == Failure::Status(429)
}

/// The pause every call of one whole-conference action waits out: closed
/// until an instant, by whichever answer asked for the latest.
#[derive(Debug, Default)]
pub(crate) struct Gate {
    state: Mutex<(Option<Instant>, usize)>,
}

impl Gate {
    fn lock(&self) -> std::sync::MutexGuard<'_, (Option<Instant>, usize)> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Returns once the gate is open (it may close again while waiting).
    pub(crate) async fn pass(&self) {
        loop {
            let until = self.lock().0;
            match until {
                Some(until) if until > Instant::now() => tokio::time::sleep_until(until).await,
                _ => return,
            }
        }
    }

    /// Closes the gate for `wait` from now, unless it already is for longer.
    /// A wait past what the clock can hold closes it as far as it can.
    pub(crate) fn close_for(&self, wait: Duration) {
        let now = Instant::now();
        let until = now.checked_add(wait).unwrap_or(now + MAX_RETRY_AFTER);
        let mut state = self.lock();
        state.0 = Some(state.0.map_or(until, |t| t.max(until)));
        state.1 += 1;
    }

    /// How many answers closed it.
    pub(crate) fn pauses(&self) -> usize {
        self.lock().1
    }
}

/// What a whole-conference action sets for the calls made inside it: its
/// retry policy, and the pause they all share.
#[derive(Clone, Debug)]
pub(crate) struct Scope {
    pub(crate) policy: Retries,
    pub(crate) gate: Arc<Gate>,
}

tokio::task_local! {
    /// The scope of the whole-conference action the current call is part
    /// of: the generated builders take no context, so it travels with the
    /// task.
    static SCOPE: Scope;
}

impl Scope {
    /// Runs `call` with this scope in force for every request it makes.
    pub(crate) async fn run<F: Future>(self, call: F) -> F::Output {
        SCOPE.scope(self, call).await
    }

    /// The scope in force, if the current call is part of an action.
    pub(crate) fn current() -> Option<Scope> {
        SCOPE.try_with(Clone::clone).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parsed(value: &str) -> Option<Duration> {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, value.parse().ok()?);
        retry_after(&headers)
    }

    #[test]
    fn retry_after_is_capped_and_never_panics() {
        assert_eq!(parsed("0"), Some(Duration::ZERO));
        assert_eq!(parsed(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(parsed("18446744073709551615"), Some(MAX_RETRY_AFTER));
        assert_eq!(parsed("99999999999999999999999999"), Some(MAX_RETRY_AFTER));
        assert_eq!(parsed("31536000"), Some(MAX_RETRY_AFTER));
        assert_eq!(
            parsed("Fri, 31 Dec 9999 23:59:59 GMT"),
            Some(MAX_RETRY_AFTER)
        );
        assert_eq!(
            parsed("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        for garbage in ["", "-1", "1.5", "soon", "1e9", "+3"] {
            assert_eq!(parsed(garbage), None, "{garbage:?}");
        }
    }

    proptest! {
        /// Any header value: a wait within the cap, or none; never a panic.
        #[test]
        fn any_retry_after_is_within_the_cap(value in "\\PC{0,40}|[0-9]{1,40}") {
            if let Some(wait) = parsed(&value) {
                prop_assert!(wait <= MAX_RETRY_AFTER);
            }
        }

        /// Whatever the wait, closing the gate never panics.
        #[test]
        fn the_gate_takes_any_wait(secs in any::<u64>(), nanos in 0u32..1_000_000_000) {
            let gate = Gate::default();
            gate.close_for(Duration::new(secs, nanos));
            prop_assert_eq!(gate.pauses(), 1);
        }
    }

    #[test]
    fn a_wait_past_the_budget_gives_up_at_once() {
        let policy = Retries {
            attempts: 10,
            budget: Duration::from_secs(10),
        };
        let mut tries = Tries::new(policy);
        let wait = tries.next(Failure::Status(429), Some(Duration::from_secs(3)), true);
        assert_eq!(wait, Some(Duration::from_secs(3)));
        assert_eq!(
            tries.next(Failure::Status(429), Some(MAX_RETRY_AFTER), true),
            None
        );
        let mut tries = Tries::new(policy);
        assert_eq!(tries.next(Failure::Status(404), None, true), None);
        let mut tries = Tries::new(policy);
        assert_eq!(tries.next(Failure::Status(502), None, false), None);
        assert!(tries.next(Failure::Status(502), None, true).is_some());
        assert!(tries.maybe_applied());
    }

    #[test]
    fn attempts_count_the_first_try() {
        let policy = Retries {
            attempts: 2,
            budget: Duration::from_secs(60),
        };
        let mut tries = Tries::new(policy);
        assert!(tries.next(Failure::Unsent, None, true).is_some());
        assert_eq!(tries.next(Failure::Unsent, None, true), None);
        assert_eq!(tries.made(), 2);
    }
}
