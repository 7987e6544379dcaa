//! The conference itself and its recordings: find it by name, end it,
//! announce to it, and pause, resume, stop or delete its recordings. Thin
//! handles over the generated builders (the generator knows no verbs);
//! listing and paging are [`crate::api::list`]'s.

use chrono::NaiveDate;
use futures_util::{Stream, TryStreamExt};

use crate::api::list::pages;
use crate::spec_facts::fields;
use crate::transport::error::parse_url;
use crate::transport::hooks::Bounds;
use crate::types::UpdateRecordingRequestStatus as RecordingState;
use crate::types::{self, UpdateConferenceRequest, UpdateRecordingRequest};
use crate::wire::ids::parse;
use crate::{Client, Error, ParticipantRef, Participants, builder};

/// What a recording's pause leaves in it: `Skip` (nothing) or `Silence`.
pub use types::UpdateRecordingRequestPauseBehavior as PauseBehavior;

/// The account's conferences, filtered, read one page at a time or as a
/// stream ([`Client::conferences`]).
///
/// ```no_run
/// use futures_util::TryStreamExt;
///
/// # async fn run(client: signalwire_participants::Client) -> Result<(), signalwire_participants::Error> {
/// let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
/// let ended: Vec<_> = client
///     .conferences()
///     .friendly_name("standup")?
///     .created_after(day)
///     .stream()
///     .try_collect()
///     .await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
#[must_use = "a listing does nothing until it is read (`page`, `stream`)"]
pub struct Conferences<'a> {
    client: &'a Client,
    request: builder::ListConferences<'a>,
    bounds: Bounds,
}

impl Client {
    /// The conferences of this client's own account.
    pub fn conferences(&self) -> Conferences<'_> {
        let request = self.list_conferences().account_sid(self.account_sid());
        Conferences {
            client: self,
            request,
            bounds: Bounds::default(),
        }
    }

    /// The conference in progress named `friendly_name` (the name the cXML or
    /// TwiML `<Conference>` gave it), if there is one: at most one is in
    /// progress at a time, though ended ones may share its name.
    pub async fn running_conference(
        &self,
        friendly_name: &str,
    ) -> Result<Option<types::Conference>, Error> {
        let running = self.conferences().friendly_name(friendly_name)?;
        let running = running.status(types::ConferenceStatus::InProgress).stream();
        std::pin::pin!(running).try_next().await
    }

    /// A conference of this client's own account, its id checked.
    pub fn conference(&self, conference_sid: &str) -> Result<ConferenceRef<'_>, Error> {
        Ok(ConferenceRef {
            client: self,
            account_sid: parse(self.account_sid())?,
            conference_sid: parse(conference_sid)?,
        })
    }
}

impl<'a> Conferences<'a> {
    /// Only those named `name` (1 to 128 characters).
    pub fn friendly_name(self, name: &str) -> Result<Self, Error> {
        let name = types::ListConferencesFriendlyName::try_from(name).map_err(|e| {
            Error::InvalidArgument {
                parameter: fields::FRIENDLY_NAME.into(),
                reason: e.to_string(),
            }
        })?;
        Ok(self.with(|r| r.friendly_name(name)))
    }

    /// Only those in this state (`ConferenceStatus::InProgress`...).
    pub fn status(self, status: types::ConferenceStatus) -> Self {
        self.with(|r| r.status(status))
    }

    /// Only those created on `day` (UTC).
    pub fn created_on(self, day: NaiveDate) -> Self {
        self.with(|r| r.date_created(day))
    }

    /// Only those created on or before `day` (UTC; `DateCreated<`).
    pub fn created_before(self, day: NaiveDate) -> Self {
        self.bound(fields::DATE_CREATED_BEFORE, day)
    }

    /// Only those created on or after `day` (UTC; `DateCreated>`).
    pub fn created_after(self, day: NaiveDate) -> Self {
        self.bound(fields::DATE_CREATED_AFTER, day)
    }

    /// Only those last updated on `day` (UTC).
    pub fn updated_on(self, day: NaiveDate) -> Self {
        self.with(|r| r.date_updated(day))
    }

    /// Only those last updated on or before `day` (UTC; `DateUpdated<`).
    pub fn updated_before(self, day: NaiveDate) -> Self {
        self.bound(fields::DATE_UPDATED_BEFORE, day)
    }

    /// Only those last updated on or after `day` (UTC; `DateUpdated>`).
    pub fn updated_after(self, day: NaiveDate) -> Self {
        self.bound(fields::DATE_UPDATED_AFTER, day)
    }

    /// How many conferences a page holds: 1 to 1000 (the service assumes 50).
    pub fn page_size(self, size: u64) -> Self {
        self.with(|r| r.page_size(size))
    }

    /// The first page, with its paging fields.
    pub async fn page(&self) -> Result<types::ConferencePage, Error> {
        let call = self.request.clone().send();
        Ok(self.bounds.clone().around(call).await?.into_inner())
    }

    /// Every conference, page after page, each fetched when the stream
    /// reaches it (see [`Error::Paging`] for the `next_page_uri` refused).
    pub fn stream(self) -> impl Stream<Item = Result<types::Conference, Error>> + 'a {
        pages(self.client, self.request, self.bounds)
    }

    fn with(
        self,
        f: impl FnOnce(builder::ListConferences<'a>) -> builder::ListConferences<'a>,
    ) -> Self {
        Conferences {
            request: f(self.request),
            ..self
        }
    }

    fn bound(self, name: &'static str, day: NaiveDate) -> Self {
        Conferences {
            bounds: self.bounds.with(name, day),
            ..self
        }
    }
}

/// The generated request `$operation` of the conference `$c` (a
/// [`ConferenceRef`]), its path ids set: every builder has them, no trait.
macro_rules! on_conference {
    ($c:expr, $operation:ident) => {
        ($c.client.$operation())
            .account_sid($c.account_sid.clone())
            .conference_sid($c.conference_sid.clone())
    };
}

/// One conference, its ids checked ([`Client::conference`]).
#[derive(Clone, Debug)]
pub struct ConferenceRef<'a> {
    client: &'a Client,
    account_sid: types::AccountSid,
    conference_sid: types::ConferenceSid,
}

impl<'a> ConferenceRef<'a> {
    /// The conference id in the path.
    pub fn conference_sid(&self) -> &str {
        &self.conference_sid
    }

    /// Fetches the conference.
    pub async fn retrieve(&self) -> Result<types::Conference, Error> {
        Ok(on_conference!(self, retrieve_conference)
            .send()
            .await?
            .into_inner())
    }

    /// Applies `changes` and returns the conference afterwards.
    pub async fn update(
        &self,
        changes: &UpdateConferenceRequest,
    ) -> Result<types::Conference, Error> {
        let request = on_conference!(self, update_conference).body(changes.clone());
        Ok(request.send().await?.into_inner())
    }

    /// Ends the conference for everyone (`Status=completed`): every
    /// participant leaves it. Safe to repeat (D39).
    pub async fn end(&self) -> Result<types::Conference, Error> {
        let status = Some(types::UpdateConferenceRequestStatus::Completed);
        let end = UpdateConferenceRequest {
            status,
            ..Default::default()
        };
        self.update(&end).await
    }

    /// Plays `announce_url` (MP3, WAV, or a cXML/TwiML document) to every
    /// participant (`AnnounceUrl`). Not retried after a try that may have
    /// played it (D39).
    pub async fn announce(&self, announce_url: &str) -> Result<types::Conference, Error> {
        let url = Some(parse_url(fields::ANNOUNCE_URL, announce_url)?);
        let announce = UpdateConferenceRequest {
            announce_url: url,
            ..Default::default()
        };
        self.update(&announce).await
    }

    /// Its participants (the handle [`Client::participants`] gives).
    pub fn participants(&self) -> Participants<'a> {
        Participants::of(
            self.client,
            self.account_sid.clone(),
            self.conference_sid.clone(),
        )
    }

    /// One of its participants, by call id or (on Twilio) label.
    pub fn participant(&self, call_sid: &str) -> Result<ParticipantRef<'a>, Error> {
        let (account, conference) = (self.account_sid.clone(), self.conference_sid.clone());
        let call = parse(call_sid)?;
        Ok(ParticipantRef::checked(
            self.client,
            account,
            conference,
            call,
        ))
    }

    /// Its recordings, every page, filtered by the day they were created
    /// ([`Recordings`]).
    pub fn recordings(&self) -> Recordings<'a> {
        Recordings {
            client: self.client,
            request: on_conference!(self, list_conference_recordings),
            bounds: Bounds::default(),
        }
    }

    /// One of its recordings, its id checked.
    pub fn recording(&self, recording_sid: &str) -> Result<RecordingRef<'a>, Error> {
        Ok(RecordingRef {
            conference: self.clone(),
            recording_sid: parse(recording_sid)?,
        })
    }
}

/// A conference's recordings ([`ConferenceRef::recordings`]).
#[derive(Clone, Debug)]
#[must_use = "a listing does nothing until it is read (`page`, `stream`)"]
pub struct Recordings<'a> {
    client: &'a Client,
    request: builder::ListConferenceRecordings<'a>,
    bounds: Bounds,
}

impl<'a> Recordings<'a> {
    /// Only those created on `day` (UTC).
    pub fn created_on(self, day: NaiveDate) -> Self {
        let request = self.request.date_created(day);
        Recordings { request, ..self }
    }

    /// Only those created on or before `day` (UTC; `DateCreated<`).
    pub fn created_before(self, day: NaiveDate) -> Self {
        let bounds = self.bounds.with(fields::DATE_CREATED_BEFORE, day);
        Recordings { bounds, ..self }
    }

    /// Only those created on or after `day` (UTC; `DateCreated>`).
    pub fn created_after(self, day: NaiveDate) -> Self {
        let bounds = self.bounds.with(fields::DATE_CREATED_AFTER, day);
        Recordings { bounds, ..self }
    }

    /// Every recording, page after page.
    pub fn stream(self) -> impl Stream<Item = Result<types::ConferenceRecording, Error>> + 'a {
        pages(self.client, self.request, self.bounds)
    }
}

/// One recording of a conference ([`ConferenceRef::recording`]).
#[derive(Clone, Debug)]
pub struct RecordingRef<'a> {
    conference: ConferenceRef<'a>,
    recording_sid: types::RecordingSid,
}

impl RecordingRef<'_> {
    /// The recording id in the path.
    pub fn recording_sid(&self) -> &str {
        &self.recording_sid
    }

    /// Fetches the recording.
    pub async fn retrieve(&self) -> Result<types::ConferenceRecording, Error> {
        let request = on_conference!(self.conference, retrieve_conference_recording);
        let answer = request.recording_sid(self.recording_sid.clone()).send();
        Ok(answer.await?.into_inner())
    }

    /// Applies `changes` and returns the recording afterwards.
    pub async fn update(
        &self,
        changes: &UpdateRecordingRequest,
    ) -> Result<types::ConferenceRecording, Error> {
        let request = on_conference!(self.conference, update_conference_recording);
        let request = request.recording_sid(self.recording_sid.clone());
        Ok(request.body(changes.clone()).send().await?.into_inner())
    }

    /// Pauses the recording; `behavior` says what the pause leaves in it.
    pub async fn pause(
        &self,
        behavior: PauseBehavior,
    ) -> Result<types::ConferenceRecording, Error> {
        self.set(RecordingState::Paused, Some(behavior)).await
    }

    /// Resumes a paused recording (`Status=in-progress`).
    pub async fn resume(&self) -> Result<types::ConferenceRecording, Error> {
        self.set(RecordingState::InProgress, None).await
    }

    /// Stops the recording for good.
    pub async fn stop(&self) -> Result<types::ConferenceRecording, Error> {
        self.set(RecordingState::Stopped, None).await
    }

    async fn set(
        &self,
        status: RecordingState,
        pause_behavior: Option<PauseBehavior>,
    ) -> Result<types::ConferenceRecording, Error> {
        let changes = UpdateRecordingRequest {
            status,
            pause_behavior,
        };
        self.update(&changes).await
    }

    /// Deletes the recording. A retried delete that finds it gone after a
    /// try whose answer was lost counts as done
    /// ([`ApiError::applied_by_earlier_try`](crate::ApiError::applied_by_earlier_try)).
    pub async fn delete(&self) -> Result<(), Error> {
        let request = on_conference!(self.conference, delete_conference_recording);
        let sent = request.recording_sid(self.recording_sid.clone()).send();
        Error::done_unless_failed(sent.await)
    }
}
