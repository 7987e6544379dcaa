//! The conferences and their recordings: listed, retrieved, ended or
//! announced to, and the recordings paused, resumed, stopped or deleted.
//! The types, parameters and paths are the spec's; what is here is the
//! behaviour no schema says: the end's effects, the recordings' states,
//! and where the two providers' answers differ.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};
use signalwire_participants::Rfc2822Date;
use signalwire_participants::form::Schema;
use signalwire_participants::spec_facts::{Operation, fields};
use signalwire_participants::types::{
    Conference, ConferenceEndedReason, ConferencePage, ConferenceRecording, ConferenceStatus,
    ListConferencesFriendlyName, NumberOrText, ParticipantCallStatus, ParticipantLeftReason,
    RecordingPage, RecordingSource, RecordingStatus, UpdateConferenceRequest,
    UpdateConferenceRequestStatus, UpdateRecordingRequest, UpdateRecordingRequestStatus,
};

use crate::{Fake, Filters, Paging, Refused, Room, Target, error, json, not_found, now, page};

/// Twilio's code for an operation on something no longer running ("Invalid
/// call state"): announcing to a conference that has ended.
const NOT_RUNNING: i64 = 21220;

/// Twilio's code for a recording "not in a state to accept the recording
/// action": a pause, resume or stop its state does not allow.
const RECORDING_STATE: i64 = 16114;

impl Fake {
    /// One page of the account's conferences, oldest first, the filters
    /// applied (D38), paged as participants are.
    pub(crate) fn list_conferences(
        &self,
        path: &Target,
        query: &Map<String, Value>,
    ) -> Result<Response, Refused> {
        let operation = Operation::ListConferences;
        // The one constraint of a filter no typed read checks: its length.
        if let Some(Value::String(name)) = query.get(fields::FRIENDLY_NAME) {
            ListConferencesFriendlyName::try_from(name.as_str()).map_err(|e| {
                let what = format!("Invalid value '{name}' for {}: {e}", fields::FRIENDLY_NAME);
                error(StatusCode::BAD_REQUEST, 10000, what)
            })?;
        }
        let filters = Filters::read(operation, Conference::NAME, query)?;
        let accounts = self.accounts();
        let account = accounts.get(&path.account).ok_or_else(|| not_found(path))?;
        let mut matching: Vec<&Conference> = (account.conferences.values())
            .map(|room| &room.conference)
            .filter(|c| filters.keep(c))
            .collect();
        matching.sort_by_key(|c| {
            (
                c.date_created.as_ref().and_then(Rfc2822Date::instant),
                &c.sid,
            )
        });
        let ids = matching.iter().map(|c| c.sid.as_deref());
        let paging = Paging::new(path, operation, &filters, query, ids.collect());
        let on_page = matching[paging.range.clone()].iter();
        let on_page = on_page.map(|c| wire_conference(path, c));
        let answer = page!(ConferencePage, conferences, on_page, paging);
        Ok(json(StatusCode::OK, &answer))
    }

    /// One conference, running or ended, in this provider's shape.
    pub(crate) fn retrieve_conference(&self, path: &Target) -> Result<Response, Refused> {
        let accounts = self.accounts();
        let room = room(&accounts, path)?;
        Ok(json(
            StatusCode::OK,
            &wire_conference(path, &room.conference),
        ))
    }

    /// Ends the conference (`Status=completed`, D39: again, nothing more
    /// happens) or announces to it (`AnnounceUrl`, checked, never fetched;
    /// to a conference that has ended, 400 with [`NOT_RUNNING`]). Ending
    /// it, every participant in leaves (`conference_ended_via_api`, call
    /// `completed`), as [`Fake::end`] says.
    pub(crate) fn update_conference(
        &self,
        path: &Target,
        update: &UpdateConferenceRequest,
    ) -> Result<Response, Refused> {
        let mut accounts = self.accounts();
        let room = room_mut(&mut accounts, path).ok_or_else(|| not_found(path))?;
        let ended = room.conference.status == Some(ConferenceStatus::Completed);
        if ended && update.announce_url.is_some() {
            let what = "The conference has ended: there is no one to announce to";
            return Err(error(StatusCode::BAD_REQUEST, NOT_RUNNING, what.into()));
        }
        if update.status == Some(UpdateConferenceRequestStatus::Completed) && !ended {
            let left = (
                ParticipantCallStatus::Completed,
                ParticipantLeftReason::ConferenceEndedViaApi,
            );
            let why = "The conference was ended through the API";
            let ended = (ConferenceEndedReason::ConferenceEndedViaApi, why);
            self.end(&path.account, room, left, ended, None);
        }
        Ok(json(
            StatusCode::OK,
            &wire_conference(path, &room.conference),
        ))
    }

    /// One page of the conference's recordings, oldest first, filtered by
    /// the day they were created (D38).
    pub(crate) fn list_recordings(
        &self,
        path: &Target,
        query: &Map<String, Value>,
    ) -> Result<Response, Refused> {
        let operation = Operation::ListConferenceRecordings;
        let filters = Filters::read(operation, ConferenceRecording::NAME, query)?;
        let accounts = self.accounts();
        let mut matching: Vec<&ConferenceRecording> = (room(&accounts, path)?.recordings.iter())
            .filter(|r| filters.keep(r))
            .collect();
        matching.sort_by_key(|r| {
            (
                r.date_created.as_ref().and_then(Rfc2822Date::instant),
                &r.sid,
            )
        });
        let ids = matching.iter().map(|r| r.sid.as_deref());
        let paging = Paging::new(path, operation, &filters, query, ids.collect());
        let on_page = matching[paging.range.clone()].iter();
        let on_page = on_page.map(|r| wire_recording(path, r));
        let answer = page!(RecordingPage, recordings, on_page, paging);
        Ok(json(StatusCode::OK, &answer))
    }

    /// One recording of the conference, in this provider's shape.
    pub(crate) fn retrieve_recording(&self, path: &Target) -> Result<Response, Refused> {
        let accounts = self.accounts();
        let room = room(&accounts, path)?;
        let found = room
            .recordings
            .iter()
            .find(|r| r.sid.as_deref() == Some(path.id()));
        let recording = found.ok_or_else(|| not_found(path))?;
        Ok(json(StatusCode::OK, &wire_recording(path, recording)))
    }

    /// Pauses (from in progress), resumes (from paused) or stops (from
    /// either) the recording; asked for the state it is in, it answers it
    /// unchanged (an ended one, `completed` with its conference, counts as
    /// stopped). Any other change is a 400 with [`RECORDING_STATE`], and a
    /// `PauseBehavior` without `Status=paused` a 400 with 10000.
    pub(crate) fn update_recording(
        &self,
        path: &Target,
        update: &UpdateRecordingRequest,
    ) -> Result<Response, Refused> {
        use RecordingStatus as Is;
        use UpdateRecordingRequestStatus as Wanted;
        if update.pause_behavior.is_some() && update.status != Wanted::Paused {
            let (pause, status) = (fields::PAUSE_BEHAVIOR, fields::STATUS);
            let what = format!("{pause} is only for {status}={}", Wanted::Paused);
            return Err(error(StatusCode::BAD_REQUEST, 10000, what));
        }
        let mut accounts = self.accounts();
        let room = room_mut(&mut accounts, path).ok_or_else(|| not_found(path))?;
        let found = (room.recordings.iter_mut()).find(|r| r.sid.as_deref() == Some(path.id()));
        let recording = found.ok_or_else(|| not_found(path))?;
        let next = match (update.status, &recording.status) {
            (Wanted::Paused, Some(Is::Paused))
            | (Wanted::InProgress, Some(Is::InProgress))
            | (Wanted::Stopped, Some(Is::Stopped | Is::Completed)) => None,
            (Wanted::Paused, Some(Is::InProgress)) => Some(Is::Paused),
            (Wanted::InProgress, Some(Is::Paused)) => Some(Is::InProgress),
            (Wanted::Stopped, Some(Is::InProgress | Is::Paused)) => Some(Is::Stopped),
            (wanted, is) => {
                let is = is.as_ref().map_or("unknown", Is::as_str);
                let what = format!("The recording is {is}: it cannot be set {wanted}");
                return Err(error(StatusCode::BAD_REQUEST, RECORDING_STATE, what));
            }
        };
        match next {
            Some(Is::Stopped) => finish(recording, Is::Stopped, &now()),
            Some(next) => {
                recording.status = Some(next);
                recording.date_updated = Some(now());
            }
            None => {}
        }
        Ok(json(StatusCode::OK, &wire_recording(path, recording)))
    }

    /// Deletes the recording, in any state: 204, then 404.
    pub(crate) fn delete_recording(&self, path: &Target) -> Result<Response, Refused> {
        let mut accounts = self.accounts();
        let room = room_mut(&mut accounts, path).ok_or_else(|| not_found(path))?;
        let index = (room.recordings.iter())
            .position(|r| r.sid.as_deref() == Some(path.id()))
            .ok_or_else(|| not_found(path))?;
        room.recordings.remove(index);
        Ok(StatusCode::NO_CONTENT.into_response())
    }
}

/// The conference the path names, in its account.
fn room<'a>(
    accounts: &'a std::collections::BTreeMap<String, crate::Account>,
    path: &Target,
) -> Result<&'a Room, Refused> {
    let room = accounts
        .get(&path.account)
        .and_then(|a| a.conferences.get(&path.conference));
    room.ok_or_else(|| not_found(path))
}

/// The conference the path names, in its account, to change.
pub(crate) fn room_mut<'a>(
    accounts: &'a mut std::collections::BTreeMap<String, crate::Account>,
    path: &Target,
) -> Option<&'a mut Room> {
    accounts
        .get_mut(&path.account)?
        .conferences
        .get_mut(&path.conference)
}

/// Ends a recording at `now` (`stopped`, or `completed` with its
/// conference): its end, and its length in seconds from its start.
pub(crate) fn finish(
    recording: &mut ConferenceRecording,
    status: RecordingStatus,
    now: &Rfc2822Date,
) {
    let start = recording.start_time.as_ref().and_then(Rfc2822Date::instant);
    let seconds = start
        .zip(now.instant())
        .map_or(0, |(s, e)| (e - s).num_seconds().max(0));
    recording.status = Some(status);
    recording.duration = Some(NumberOrText::Integer(seconds));
    recording.end_time = Some(now.clone());
    recording.date_updated = Some(now.clone());
}

/// The API version answers carry: the first segment of the spec's paths.
fn api_version() -> Option<String> {
    let path = Operation::RetrieveConference.path();
    path.split('/').find(|s| !s.is_empty()).map(str::to_string)
}

/// The conference as the service answers it under this path: its account,
/// version, URI and its lists' URIs (`participants`, `recordings`: the
/// spec's paths' last words); SignalWire's without Twilio's two fields
/// about its end.
fn wire_conference(path: &Target, c: &Conference) -> Conference {
    let id = Some((fields::CONFERENCE_SID, c.sid.as_deref().unwrap_or_default()));
    let lists = [
        Operation::ListParticipants,
        Operation::ListConferenceRecordings,
    ];
    let lists = lists.map(|list| {
        let last = list.path().rsplit('/').next().unwrap_or_default();
        let name = last
            .strip_suffix(".json")
            .unwrap_or(last)
            .to_ascii_lowercase();
        (name, path.uri(list, id))
    });
    let mut answer = Conference {
        account_sid: Some(path.account.clone()),
        api_version: api_version(),
        uri: Some(path.uri(Operation::RetrieveConference, id)),
        subresource_uris: Some(lists.into_iter().collect()),
        ..c.clone()
    };
    if path.laml {
        answer.reason_conference_ended = None;
        answer.call_sid_ending_conference = None;
    }
    answer
}

/// The recording as the service answers it under this path: SignalWire's
/// with `duration` a number, `channels` a text and `end_time`; Twilio's
/// with `duration` a text and `channels` a number, and no `end_time`; each
/// with its own word for a recording started through the API.
fn wire_recording(path: &Target, r: &ConferenceRecording) -> ConferenceRecording {
    let id = Some((fields::RECORDING_SID, r.sid.as_deref().unwrap_or_default()));
    let text = |n: &Option<NumberOrText>| n.as_ref().map(|n| NumberOrText::String(n.to_string()));
    let mut answer = ConferenceRecording {
        account_sid: Some(path.account.clone()),
        conference_sid: Some(path.conference.clone()),
        api_version: api_version(),
        uri: Some(path.uri(Operation::RetrieveConferenceRecording, id)),
        ..r.clone()
    };
    if path.laml {
        answer.channels = text(&r.channels);
        answer.source = Some(RecordingSource::StartConferenceRecording);
    } else {
        answer.duration = text(&r.duration);
        answer.end_time = None;
        answer.source = Some(RecordingSource::StartConferenceRecordingApi);
    }
    answer
}
