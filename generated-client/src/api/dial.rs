//! Dialing a participant in (Twilio only, D32): the common options of a
//! create as methods, every other field through the generated body builder.

use std::fmt::Display;

use crate::spec_facts::fields;
use crate::transport::error::parse_url;
use crate::types::builder::CreateParticipantRequest as Body;
use crate::types::{self, CallProgressEvent, ConferenceEventName, ConferenceEventSubscription};
use crate::wire::ids::parse;
use crate::{Error, HttpUrl, Participants, Patterned, spec_facts};

/// A refusal of a value for the field `parameter`.
fn invalid(parameter: &str, reason: impl Display) -> Error {
    let (parameter, reason) = (parameter.to_string(), reason.to_string());
    Error::InvalidArgument { parameter, reason }
}

/// A participant to dial into a conference, made by [`Participants::add`]
/// and sent by [`send`](Self::send). Twilio only: SignalWire has no such
/// operation (dial in with a call whose cXML does `<Dial><Conference>`).
/// Never retried after a try that may have placed the call.
#[derive(Debug)]
#[must_use = "nothing is dialed until `send`"]
pub struct AddParticipant<'a> {
    participants: Participants<'a>,
    body: Body,
    /// The first value refused, returned by `send`.
    refused: Option<Error>,
}

impl<'a> Participants<'a> {
    /// Dials `to` (an E.164 number, `sip:`, `client:` or `app:`) from `from`
    /// into this conference.
    ///
    /// ```no_run
    /// use signalwire_participants::types::ConferenceEventName as Event;
    ///
    /// # async fn run(client: signalwire_participants::Client) -> Result<(), signalwire_participants::Error> {
    /// let agent = client
    ///     .participants("CF0123456789abcdef0123456789abcdef")?
    ///     .add("+15017122661", "+15558675310")
    ///     .label("agent")
    ///     .muted(true)
    ///     .conference_status_callback(
    ///         "https://example.com/conference",
    ///         [Event::ParticipantJoin, Event::ParticipantLeave],
    ///     )
    ///     .send()
    ///     .await?;
    /// assert_eq!(agent.label.as_deref(), Some("agent"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn add(&self, from: &str, to: &str) -> AddParticipant<'a> {
        let body = Body::default().from(from);
        let (participants, refused) = (self.clone(), None);
        let add = AddParticipant {
            participants,
            body,
            refused,
        };
        // Refused as the field it is, with the shapes the spec accepts (D37).
        let to = to.parse::<types::DialTarget>();
        let to = to.map_err(|_| invalid(fields::TO, types::DialTarget::ACCEPTS));
        add.set(to, |b, to| b.to(to))
    }
}

impl AddParticipant<'_> {
    /// `Label`: a name for the participant, unique in the conference.
    pub fn label(self, label: &str) -> Self {
        let label = label.parse::<types::CreateParticipantRequestLabel>();
        self.set(label.map_err(|e| invalid(fields::LABEL, e)), |b, v| {
            b.label(v)
        })
    }

    /// `Muted`: whether the participant joins muted.
    pub fn muted(self, muted: bool) -> Self {
        self.with(|b| b.muted(muted))
    }

    /// `Beep`: when the conference hears a beep for this participant.
    pub fn beep(self, beep: types::CreateParticipantRequestBeep) -> Self {
        self.with(|b| b.beep(beep))
    }

    /// `EarlyMedia`: whether the participant hears the ringing.
    pub fn early_media(self, early_media: bool) -> Self {
        self.with(|b| b.early_media(early_media))
    }

    /// `StartConferenceOnEnter`: whether the conference starts when they join.
    pub fn start_conference_on_enter(self, start: bool) -> Self {
        self.with(|b| b.start_conference_on_enter(start))
    }

    /// `EndConferenceOnExit`: whether the conference ends when they leave.
    pub fn end_conference_on_exit(self, end: bool) -> Self {
        self.with(|b| b.end_conference_on_exit(end))
    }

    /// `Timeout`: seconds to let the call ring (5 to 600, the service says).
    pub fn timeout(self, seconds: u32) -> Self {
        self.with(|b| b.timeout(i64::from(seconds)))
    }

    /// `Record`: whether to record the call.
    pub fn record(self, record: bool) -> Self {
        self.with(|b| b.record(record))
    }

    /// `Coaching=true` with `CallSidToCoach`: only that call hears them.
    pub fn coach(self, call_sid_to_coach: &str) -> Self {
        let call = parse::<types::CallSidToCoach>(call_sid_to_coach);
        self.set(call, |b, v| b.coaching(true).call_sid_to_coach(v))
    }

    /// `StatusCallback` and its `StatusCallbackEvent`s: the call's progress.
    pub fn status_callback(
        self,
        url: &str,
        events: impl IntoIterator<Item = CallProgressEvent>,
    ) -> Self {
        let events: crate::wire::form::Repeated<_> = events.into_iter().collect();
        let url = parse_url::<HttpUrl>(fields::STATUS_CALLBACK, url);
        self.set(url, |b, url| {
            b.status_callback(url).status_callback_event(events)
        })
    }

    /// `ConferenceStatusCallback` and the subscriptions that send `events`
    /// (`ConferenceStatusCallbackEvent`, from the spec's `x-events`): the
    /// conference's events, for the first participant to set it. An event
    /// no subscription sends is refused.
    pub fn conference_status_callback(
        self,
        url: &str,
        events: impl IntoIterator<Item = ConferenceEventName>,
    ) -> Self {
        let mut subscriptions: Vec<ConferenceEventSubscription> = Vec::new();
        let mut refused = None;
        for event in events {
            let mut rows = spec_facts::SUBSCRIPTIONS.iter();
            match rows.find(|(_, _, sent)| sent.contains(&event.as_str())) {
                Some((.., value, _)) if subscriptions.iter().any(|s| s.as_str() == *value) => {}
                Some((.., value, _)) => subscriptions.push((*value).into()),
                None => refused = refused.or(Some(format!("no subscription sends `{event}`"))),
            }
        }
        let this = match refused {
            Some(reason) => self.set(
                Err(invalid(fields::CONFERENCE_STATUS_CALLBACK_EVENT, reason)),
                |b, ()| b,
            ),
            None => self.with(|b| b.conference_status_callback_event(Some(subscriptions.into()))),
        };
        let url = parse_url::<HttpUrl>(fields::CONFERENCE_STATUS_CALLBACK, url);
        this.set(url, |b, url| b.conference_status_callback(url))
    }

    /// Any other field, through the generated body builder.
    pub fn with(mut self, set: impl FnOnce(Body) -> Body) -> Self {
        self.body = set(self.body);
        self
    }

    /// Sets a value already checked, or keeps the first refusal.
    fn set<T>(mut self, value: Result<T, Error>, set: impl FnOnce(Body, T) -> Body) -> Self {
        match value {
            Ok(value) => self.with(|b| set(b, value)),
            Err(refused) => {
                self.refused = self.refused.or(Some(refused));
                self
            }
        }
    }

    /// Dials: `POST .../Participants.json`, answered 201 with the participant
    /// (its status `queued` until the call connects). Never retried once it
    /// may have reached the service.
    pub async fn send(self) -> Result<types::Participant, Error> {
        if let Some(refused) = self.refused {
            return Err(refused);
        }
        let Participants {
            client,
            conference_sid,
            ..
        } = self.participants;
        let answer = client
            .create_participant()
            .account_sid(client.account_sid())
            .conference_sid(conference_sid)
            .body(self.body)
            .send()
            .await?;
        Ok(answer.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConferenceEventName as Event;

    #[test]
    fn conference_events_become_the_subscriptions_that_send_them() {
        let client = crate::Client::twilio("AC0123456789abcdef0123456789abcdef", "t").unwrap();
        let participants = client
            .participants("CF0123456789abcdef0123456789abcdef")
            .unwrap();
        let events = [
            Event::ParticipantMute,
            Event::ParticipantUnmute,
            Event::ConferenceEnd,
        ];
        let add = participants.add("+15017122661", "+15558675310");
        let add = add.conference_status_callback("https://example.com/events", events);
        let body = types::CreateParticipantRequest::try_from(add.body).unwrap();
        let sent = body.conference_status_callback_event.unwrap();
        let sent: Vec<&str> = sent.iter().map(|s| s.as_str()).collect();
        assert_eq!(sent, ["mute", "end"]);
        assert_eq!(body.from.as_str(), "+15017122661");

        let add = participants.add("+15017122661", "+15558675310");
        let add =
            add.conference_status_callback("https://example.com", [Event::ConferenceRecordEnd]);
        assert_eq!(
            add.refused.unwrap().to_string(),
            "invalid ConferenceStatusCallbackEvent: no subscription sends `conference-record-end`"
        );
        let add = participants
            .add("+15017122661", "+15558675310")
            .label(&"x".repeat(129));
        let refused = add.coach("nope").refused.unwrap().to_string();
        assert!(refused.starts_with("invalid Label: "), "{refused}");
        let add = participants.add("+15017122661", "+15558675310");
        let add = add.status_callback("calls", []);
        let refused = add.refused.unwrap().to_string();
        assert!(
            refused.starts_with("invalid StatusCallback: `calls` is not an absolute URL"),
            "{refused}"
        );
    }

    /// `To` is the spec's `DialTarget` (D37): a number with its `+`, or a
    /// `sip:`, `client:` or `app:` address; anything else is refused before
    /// sending, as the field it is, with the shapes the spec accepts.
    #[test]
    fn to_is_a_number_or_an_address() {
        let client = crate::Client::twilio("AC0123456789abcdef0123456789abcdef", "t").unwrap();
        let participants = client
            .participants("CF0123456789abcdef0123456789abcdef")
            .unwrap();
        let from = "+15017122661";
        for to in [
            "+15558675310",
            "+442071838750",
            "sip:agent@example.com;transport=tls?X-Team=blue",
            "client:alice?skill=billing",
            "app:AP0123456789abcdef0123456789abcdef",
        ] {
            let add = participants.add(from, to);
            assert!(add.refused.is_none(), "{to}");
            let body = types::CreateParticipantRequest::try_from(add.body).unwrap();
            assert_eq!(body.to, to);
        }
        for to in [
            "hello",
            "",
            "15558675310",
            "+1 555 867 5310",
            "+0123",
            "+1234567890123456",
            "sip:",
            "client:alice smith",
            "SIP agent@example.com",
        ] {
            let refused = participants.add(from, to).refused.unwrap().to_string();
            assert_eq!(
                refused,
                "invalid To: expected an E.164 number (`+` and 2 to 15 digits), a `sip:` URI, `client:` and a client name, or `app:` and a TwiML App SID, without spaces",
                "{to:?}"
            );
        }
    }
}
