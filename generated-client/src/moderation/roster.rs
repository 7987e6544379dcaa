//! Who is in a conference, kept from its verified events
//! ([`crate::events`]) and, when wanted, a listing: see [`Roster`].

use std::collections::{BTreeMap, BTreeSet};

use crate::Error;
use crate::types::{self, ConferenceEvent, ConferenceEventName as Name};
use crate::wire::ids::parse;

/// A conference's participants and their muted, hold and coaching state,
/// folded from its status callbacks ([`apply`](Self::apply)) and seeded or
/// corrected from a listing ([`from_participants`](Self::from_participants),
/// [`mark`](Self::mark) then [`reconcile`](Self::reconcile)).
///
/// Callbacks can arrive late, out of order, or twice. The rules:
///
/// - **Order.** An event with a `SequenceNumber` changes a participant's
///   presence, `muted`, `hold` or `coaching` only if no change with a
///   higher number has been applied to that field of that participant:
///   each field keeps the number of the change that set it, so a late
///   event never undoes newer state, and still sets the fields nothing
///   newer has touched. An event without a number (SignalWire does not
///   document one) is applied in the order it arrives.
/// - **Duplicates.** An event whose `SequenceNumber` was seen before is
///   ignored.
/// - **What an event says.** `participant-join` and every other event about
///   a participant but `participant-leave` mean that they are in;
///   `participant-leave` that they are not; `conference-end` that nobody
///   is. The event's `Muted`, `Hold` and `Coaching` give those fields
///   (`participant-mute`, `-unmute`, `-hold` and `-unhold` without the field
///   give it too).
/// - **A listing against events.** A listing is dated by the [`Mark`]
///   taken just before its request was sent: `let mark = roster.mark()`,
///   list (the whole conference, no `muted`/`hold` filter), then
///   `roster.reconcile(mark, listed)`. It overrides what the events applied
///   before the mark said; it does not override a field last set by an
///   event that arrived after the mark, numbered above the mark's highest
///   number or unnumbered, and such events applied later override it. So a
///   participant who leaves while the listing is on its way stays out.
///   Whoever the listing does not show is out, unless an event after the
///   mark said they are in.
/// - **Late events after the mark.** An event that arrives after the mark
///   but is numbered below its highest number happened before an event
///   seen before the mark, so before the listing was taken: the listing
///   overrides it, and if it arrives after the reconcile it changes
///   nothing the listing set. The other way round, an event that happened
///   before the listing but arrives after the mark, unnumbered or numbered
///   above it, counts as newer (nothing tells them apart); the events that
///   follow it correct what it said.
/// - Events of another conference are ignored.
///
/// It remembers every `SequenceNumber` it has seen (8 bytes each), to know
/// a repeat; a conference's events number in the hundreds or thousands.
///
/// ```
/// use signalwire_participants::roster::{Outcome, Roster};
/// use signalwire_participants::types::{ConferenceEvent, Participant};
///
/// let event = |body: &str| ConferenceEvent::from_form(body.as_bytes()).unwrap();
/// let conference = "CF0123456789abcdef0123456789abcdef";
/// let head = format!("AccountSid=AC0123456789abcdef0123456789abcdef&ConferenceSid={conference}");
/// let alice = "CA0123456789abcdef0123456789abcdef";
/// let bob = "CA0123456789abcdef0123456789abcde0";
///
/// let mut roster = Roster::new(conference)?;
/// let join = event(&format!("{head}&StatusCallbackEvent=participant-join&CallSid={alice}&Muted=false&SequenceNumber=1"));
/// let mute = event(&format!("{head}&StatusCallbackEvent=participant-mute&CallSid={alice}&Muted=true&SequenceNumber=3"));
/// let unmute = event(&format!("{head}&StatusCallbackEvent=participant-unmute&CallSid={alice}&Muted=false&SequenceNumber=2"));
/// assert_eq!(roster.apply(&join), Outcome::Applied);
/// assert_eq!(roster.apply(&mute), Outcome::Applied);
/// // Late: number 2 arrives after number 3, and changes nothing.
/// assert_eq!(roster.apply(&unmute), Outcome::Stale);
/// assert_eq!(roster.apply(&mute), Outcome::Duplicate);
/// assert_eq!(roster.get(alice).and_then(|p| p.muted), Some(true));
///
/// // A listing: the mark before its request, the listing, then reconcile.
/// let mark = roster.mark();
/// let listed: Vec<Participant> = serde_json::from_value(serde_json::json!([
///     {"call_sid": alice, "muted": false},
///     {"call_sid": bob, "muted": false},
/// ]))?;
/// // Bob left while the listing was on its way (number 4, after the mark).
/// let leave = event(&format!("{head}&StatusCallbackEvent=participant-leave&CallSid={bob}&SequenceNumber=4"));
/// assert_eq!(roster.apply(&leave), Outcome::Applied);
/// roster.reconcile(mark, listed);
/// // The listing overrides what came before the mark, not what came after.
/// assert_eq!(roster.get(alice).and_then(|p| p.muted), Some(false));
/// assert!(roster.get(bob).is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Roster {
    conference_sid: types::ConferenceSid,
    entries: BTreeMap<String, Entry>,
    /// Every `SequenceNumber` applied (or found stale), to refuse repeats.
    seen: BTreeSet<i64>,
    /// How many events of this conference were taken in (repeats aside),
    /// to place unnumbered events and marks in arrival order.
    arrivals: u64,
    /// The date of the latest listing or `conference-end`: whoever has no
    /// entry yet was out as of then.
    floor: When,
    ended: bool,
}

/// What a [`Roster`] had seen when a listing's request was sent: take it
/// with [`Roster::mark`] just before listing, and give it to
/// [`Roster::reconcile`] with the listing, so that events applied in
/// between win over it. Only meaningful for the roster it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    /// The highest `SequenceNumber` seen.
    sequence: Option<i64>,
    /// How many events had been taken in.
    arrivals: u64,
}

/// One participant as the roster has them.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Member {
    /// The call id (the events' `CallSid`, the listing's `call_sid`).
    pub call_sid: String,
    /// The participant's label, when an event or the listing gave one.
    pub label: Option<String>,
    /// Whether they are muted (`None`: nothing said so yet).
    pub muted: Option<bool>,
    /// Whether they are on hold.
    pub hold: Option<bool>,
    /// Whether they are coaching (Twilio).
    pub coaching: Option<bool>,
}

/// What [`Roster::apply`] did with an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// It changed or confirmed at least one field.
    Applied,
    /// Every field it speaks of was set by something newer.
    Stale,
    /// Its `SequenceNumber` was seen before.
    Duplicate,
    /// It is about another conference.
    OtherConference,
    /// It says nothing about who is in or their state (`conference-start`,
    /// a recording event, a participant event without `CallSid`).
    Ignored,
}

/// Where a change sits in the numbered order: the event numbered
/// `sequence`, or (`listing`) a listing whose mark had `sequence` as its
/// highest number (`None`: no number yet, before every event). Ordered by
/// number, then a listing after the event of its number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Stamp {
    sequence: Option<i64>,
    listing: bool,
}

/// When a field was last set, as much as the rules need to know.
#[derive(Clone, Copy, Debug, Default)]
struct When {
    /// The newest numbered change (an unnumbered event leaves it as it
    /// was): a numbered event older than it changes nothing.
    order: Option<Stamp>,
    /// The arrival of the last change when it was an unnumbered event, or
    /// a listing's mark: a listing marked before it changes nothing.
    /// `None` when the last change was a numbered event, dated by `order`.
    arrival: Option<u64>,
}

impl When {
    /// The later of two dates, part by part: the floor keeps both.
    fn max(self, other: When) -> When {
        When {
            order: self.order.max(other.order),
            arrival: self.arrival.max(other.arrival),
        }
    }
}

/// What is changing a field.
#[derive(Clone, Copy, Debug)]
enum By {
    /// The event of this `SequenceNumber`.
    Numbered(i64),
    /// An event without one, the n-th taken in.
    Unnumbered(u64),
    /// A listing asked for at this mark.
    Listing(Mark),
}

impl By {
    /// The date it gives what it changes.
    fn when(self) -> When {
        match self {
            By::Numbered(n) => When {
                order: Some(Stamp {
                    sequence: Some(n),
                    listing: false,
                }),
                arrival: None,
            },
            By::Unnumbered(n) => When {
                order: None,
                arrival: Some(n),
            },
            By::Listing(mark) => When {
                order: Some(Stamp {
                    sequence: mark.sequence,
                    listing: true,
                }),
                arrival: Some(mark.arrivals),
            },
        }
    }

    /// The field's date once this changes it, or `None` if something newer
    /// set it (see the rules on [`Roster`]).
    fn over(self, old: When) -> Option<When> {
        let new = self.when();
        match self {
            // Numbered events are ordered by number alone.
            By::Numbered(_) => (old.order <= new.order).then_some(new),
            // Unnumbered ones apply as they arrive, and leave the numbered
            // order as it was for the numbered events that follow.
            By::Unnumbered(_) => Some(When {
                order: old.order,
                ..new
            }),
            // A listing loses to a numbered event above its mark's number,
            // and to an unnumbered event or a listing after its mark.
            By::Listing(_) => {
                let older = old.order <= new.order && old.arrival <= new.arrival;
                older.then_some(new)
            }
        }
    }
}

#[derive(Clone, Debug)]
struct Entry {
    member: Member,
    present: bool,
    /// The dates of presence, muted, hold and coaching.
    stamps: [When; 4],
}

const PRESENT: usize = 0;
const MUTED: usize = 1;
const HOLD: usize = 2;
const COACHING: usize = 3;

impl Entry {
    fn new(call_sid: &str, floor: When) -> Self {
        Entry {
            member: Member {
                call_sid: call_sid.to_string(),
                label: None,
                muted: None,
                hold: None,
                coaching: None,
            },
            present: false,
            stamps: [floor; 4],
        }
    }

    /// Sets field `which` to `value` unless something newer set it (see
    /// [`By::over`]). Whether it applied.
    fn set(&mut self, which: usize, value: bool, by: By) -> bool {
        let Some(when) = by.over(self.stamps[which]) else {
            return false;
        };
        self.stamps[which] = when;
        let m = &mut self.member;
        match which {
            PRESENT => self.present = value,
            MUTED => m.muted = Some(value),
            HOLD => m.hold = Some(value),
            _ => m.coaching = Some(value),
        }
        true
    }
}

impl Roster {
    /// An empty roster of one conference (its id as the events give it).
    pub fn new(conference_sid: &str) -> Result<Self, Error> {
        Ok(Roster {
            conference_sid: parse(conference_sid)?,
            entries: BTreeMap::new(),
            seen: BTreeSet::new(),
            arrivals: 0,
            floor: When::default(),
            ended: false,
        })
    }

    /// A roster seeded from a whole listing of the conference (every page:
    /// `client.participants(id)?.stream().try_collect()`) fetched before
    /// any event is applied to it: every event applied afterwards counts as
    /// newer than the listing. When events are applied while the app lists
    /// (a callback handler sharing the roster), use [`new`](Self::new),
    /// then [`mark`](Self::mark) before listing and
    /// [`reconcile`](Self::reconcile).
    pub fn from_participants(
        conference_sid: &str,
        listed: impl IntoIterator<Item = types::Participant>,
    ) -> Result<Self, Error> {
        let mut roster = Roster::new(conference_sid)?;
        let mark = roster.mark();
        roster.reconcile(mark, listed);
        Ok(roster)
    }

    /// What has been seen so far, to take just before a listing's request
    /// is sent and give to [`reconcile`](Self::reconcile) with that
    /// listing: events applied after it win over the listing.
    pub fn mark(&self) -> Mark {
        Mark {
            sequence: self.seen.last().copied(),
            arrivals: self.arrivals,
        }
    }

    /// Takes a whole listing, asked for at `mark`, as the state as of
    /// then (see the rules on [`Roster`]): it overrides what the events
    /// before the mark said and late ones numbered at or below its highest
    /// number, not what the events after it said. Participants without a
    /// `call_sid` are skipped.
    pub fn reconcile(&mut self, mark: Mark, listed: impl IntoIterator<Item = types::Participant>) {
        let by = By::Listing(mark);
        self.floor = self.floor.max(by.when());
        let mut shown = BTreeSet::new();
        for p in listed {
            let Some(call) = p.call_sid else { continue };
            let entry = self.entry(&call);
            entry.set(PRESENT, true, by);
            let fields = [(MUTED, p.muted), (HOLD, p.hold), (COACHING, p.coaching)];
            for (which, value) in fields {
                if let Some(value) = value {
                    entry.set(which, value, by);
                }
            }
            if p.label.is_some() {
                entry.member.label = p.label;
            }
            shown.insert(call);
        }
        for (call, entry) in &mut self.entries {
            if !shown.contains(call) {
                entry.set(PRESENT, false, by);
            }
        }
    }

    /// Folds one verified event in (see the rules on [`Roster`]).
    pub fn apply(&mut self, event: &ConferenceEvent) -> Outcome {
        if event.conference_sid != self.conference_sid {
            return Outcome::OtherConference;
        }
        if let Some(n) = event.sequence_number
            && !self.seen.insert(n)
        {
            return Outcome::Duplicate;
        }
        self.arrivals = self.arrivals.saturating_add(1);
        let by = match event.sequence_number {
            Some(n) => By::Numbered(n),
            None => By::Unnumbered(self.arrivals),
        };
        let name = &event.status_callback_event;
        if *name == Name::ConferenceEnd {
            self.ended = true;
            self.floor = self.floor.max(by.when());
            let mut applied = false;
            for entry in self.entries.values_mut() {
                applied |= entry.set(PRESENT, false, by);
            }
            // Nobody was in: the end still applied.
            return match applied || self.entries.is_empty() {
                true => Outcome::Applied,
                false => Outcome::Stale,
            };
        }
        let Some(call) = event.call_sid.as_deref() else {
            return Outcome::Ignored;
        };
        let muted = event.muted.or(match name {
            Name::ParticipantMute => Some(true),
            Name::ParticipantUnmute => Some(false),
            _ => None,
        });
        let hold = event.hold.or(match name {
            Name::ParticipantHold => Some(true),
            Name::ParticipantUnhold => Some(false),
            _ => None,
        });
        let present = *name != Name::ParticipantLeave;
        let entry = self.entry(call);
        let mut applied = entry.set(PRESENT, present, by);
        let fields = [(MUTED, muted), (HOLD, hold), (COACHING, event.coaching)];
        for (which, value) in fields {
            if let Some(value) = value {
                applied |= entry.set(which, value, by);
            }
        }
        if let Some(label) = &event.participant_label {
            entry.member.label = Some(label.clone());
        }
        match applied {
            true => Outcome::Applied,
            false => Outcome::Stale,
        }
    }

    fn entry(&mut self, call_sid: &str) -> &mut Entry {
        let floor = self.floor;
        self.entries
            .entry(call_sid.to_string())
            .or_insert_with(|| Entry::new(call_sid, floor))
    }

    /// The conference this roster is of.
    pub fn conference_sid(&self) -> &str {
        &self.conference_sid
    }

    /// Who is in the conference, by call id.
    pub fn participants(&self) -> impl Iterator<Item = &Member> {
        self.entries
            .values()
            .filter(|e| e.present)
            .map(|e| &e.member)
    }

    /// One participant who is in, by call id or label.
    pub fn get(&self, call_sid_or_label: &str) -> Option<&Member> {
        self.participants().find(|m| {
            m.call_sid == call_sid_or_label || m.label.as_deref() == Some(call_sid_or_label)
        })
    }

    /// How many are in.
    pub fn len(&self) -> usize {
        self.participants().count()
    }

    /// Whether nobody is in.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether a `conference-end` was applied.
    pub fn ended(&self) -> bool {
        self.ended
    }

    /// The highest `SequenceNumber` seen.
    pub fn last_sequence(&self) -> Option<i64> {
        self.seen.last().copied()
    }
}
