//! The pleasant way in: name a participant once, then retrieve or update it,
//! with presets for the updates people make (the generator knows no verbs).
//!
//! Ids are checked by the generated types (the spec's patterns) when the
//! participant is named; the form checks run in the request hook.

use crate::spec_facts::fields;
use crate::transport::error::parse_url;
use crate::types::{self, UpdateParticipantRequest};
use crate::wire::ids::parse;
use crate::{Client, Error};

/// One participant of one conference, with its ids checked.
///
/// Made by [`Client::participant`] or [`Client::participant_in_account`].
#[derive(Clone, Debug)]
pub struct ParticipantRef<'a> {
    client: &'a Client,
    account_sid: types::AccountSid,
    conference_sid: types::ConferenceSid,
    call_sid: types::CallSid,
}

impl Client {
    /// A participant in a conference of this client's own account.
    /// `call_sid` is a call id or (on Twilio) a participant label.
    ///
    /// ```
    /// # let client = signalwire_participants::Client::twilio("AC0123456789abcdef0123456789abcdef", "token")?;
    /// let p = client.participant("CF0123456789abcdef0123456789abcdef", "agent one")?;
    /// assert_eq!(p.call_sid(), "agent one");
    ///
    /// let err = client.participant("CF0123456789abcdef0123456789abcdef", "../x").unwrap_err();
    /// assert!(err.to_string().starts_with("invalid CallSid: expected a SignalWire call id (UUID)"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn participant(
        &self,
        conference_sid: &str,
        call_sid: &str,
    ) -> Result<ParticipantRef<'_>, Error> {
        self.participant_in_account(&self.inner.account_sid, conference_sid, call_sid)
    }

    /// A participant in a conference of another account (a subaccount, say).
    pub fn participant_in_account(
        &self,
        account_sid: &str,
        conference_sid: &str,
        call_sid: &str,
    ) -> Result<ParticipantRef<'_>, Error> {
        Ok(ParticipantRef {
            client: self,
            account_sid: parse(account_sid)?,
            conference_sid: parse(conference_sid)?,
            call_sid: parse(call_sid)?,
        })
    }
}

impl<'a> ParticipantRef<'a> {
    /// A handle from ids already checked: a whole-conference action checks
    /// the account and the conference once, and each listed call id once.
    pub(crate) fn checked(
        client: &'a Client,
        account_sid: types::AccountSid,
        conference_sid: types::ConferenceSid,
        call_sid: types::CallSid,
    ) -> Self {
        ParticipantRef {
            client,
            account_sid,
            conference_sid,
            call_sid,
        }
    }
}

impl ParticipantRef<'_> {
    /// The account id in the path.
    pub fn account_sid(&self) -> &str {
        &self.account_sid
    }

    /// The conference id in the path.
    pub fn conference_sid(&self) -> &str {
        &self.conference_sid
    }

    /// The call id or label in the path (before percent-encoding).
    pub fn call_sid(&self) -> &str {
        &self.call_sid
    }

    /// Fetches the participant's current state.
    pub async fn retrieve(&self) -> Result<types::Participant, Error> {
        let answer = self
            .client
            .retrieve_participant()
            .account_sid(self.account_sid.clone())
            .conference_sid(self.conference_sid.clone())
            .call_sid(self.call_sid.clone())
            .send()
            .await?;
        Ok(answer.into_inner())
    }

    /// Applies `changes` and returns the participant as the server has it
    /// afterwards. Only the fields set in `changes` are sent.
    pub async fn update(
        &self,
        changes: &UpdateParticipantRequest,
    ) -> Result<types::Participant, Error> {
        let answer = self
            .client
            .update_participant()
            .account_sid(self.account_sid.clone())
            .conference_sid(self.conference_sid.clone())
            .call_sid(self.call_sid.clone())
            .body(changes.clone())
            .send()
            .await?;
        Ok(answer.into_inner())
    }

    /// Removes the participant from the conference (their call leaves it).
    /// Afterwards retrieving, updating or kicking it again answers 404.
    /// A `DELETE`, with no body.
    ///
    /// A retried kick whose earlier try got no answer and which then finds
    /// the participant gone counts as done: that try removed them
    /// ([`ApiError::applied_by_earlier_try`](crate::ApiError::applied_by_earlier_try)).
    pub async fn kick(&self) -> Result<(), Error> {
        let sent = self
            .client
            .kick_participant()
            .account_sid(self.account_sid.clone())
            .conference_sid(self.conference_sid.clone())
            .call_sid(self.call_sid.clone())
            .send()
            .await;
        Error::done_unless_failed(sent)
    }

    /// Mutes the participant: `Muted=true`.
    pub async fn mute(&self) -> Result<types::Participant, Error> {
        self.update(&UpdateParticipantRequest::mute()).await
    }

    /// Unmutes the participant: `Muted=false`.
    pub async fn unmute(&self) -> Result<types::Participant, Error> {
        self.update(&UpdateParticipantRequest::unmute()).await
    }

    /// Puts the participant on hold, playing `hold_url` (MP3, WAV, or a
    /// cXML/TwiML document) to them: `Hold=true&HoldUrl=...`.
    pub async fn hold_with_music(&self, hold_url: &str) -> Result<types::Participant, Error> {
        self.update(&UpdateParticipantRequest::hold_with_music(hold_url)?)
            .await
    }

    /// Brings the participant back from hold: `Hold=false`.
    pub async fn unhold(&self) -> Result<types::Participant, Error> {
        self.update(&UpdateParticipantRequest::unhold()).await
    }

    /// Plays `announce_url` (MP3, WAV, or a cXML/TwiML document) to the
    /// participant: `AnnounceUrl=...`.
    pub async fn announce(&self, announce_url: &str) -> Result<types::Participant, Error> {
        self.update(&UpdateParticipantRequest::announce(announce_url)?)
            .await
    }

    /// Makes the participant coach `call_sid_to_coach`, whom alone they are
    /// heard by: `Muted=false&Coaching=true&CallSidToCoach=...`.
    pub async fn coach(&self, call_sid_to_coach: &str) -> Result<types::Participant, Error> {
        self.update(&UpdateParticipantRequest::coach(call_sid_to_coach)?)
            .await
    }

    /// Makes the participant listen in on `call_sid_to_coach`, silent:
    /// `Muted=true&Coaching=true&CallSidToCoach=...`.
    pub async fn monitor(&self, call_sid_to_coach: &str) -> Result<types::Participant, Error> {
        self.update(&UpdateParticipantRequest::monitor(call_sid_to_coach)?)
            .await
    }

    /// Makes a coach join the conversation, heard by everyone:
    /// `Muted=false&Coaching=false`.
    pub async fn barge(&self) -> Result<types::Participant, Error> {
        self.update(&UpdateParticipantRequest::barge()).await
    }
}

// The presets' refusals name their URL fields by the spec's wire names
// (`spec_facts::fields`); a test checks that each is a URL field.
impl UpdateParticipantRequest {
    /// `Muted=true`.
    pub fn mute() -> Self {
        UpdateParticipantRequest {
            muted: Some(true),
            ..Default::default()
        }
    }

    /// `Muted=false`.
    pub fn unmute() -> Self {
        UpdateParticipantRequest {
            muted: Some(false),
            ..Default::default()
        }
    }

    /// `Hold=true&HoldUrl=...`: on hold, hearing the music at `hold_url`,
    /// which must be an absolute http(s) URL.
    pub fn hold_with_music(hold_url: &str) -> Result<Self, Error> {
        Ok(UpdateParticipantRequest {
            hold: Some(true),
            hold_url: Some(parse_url(fields::HOLD_URL, hold_url)?),
            ..Default::default()
        })
    }

    /// `Hold=false`: back from hold, in the conference again.
    pub fn unhold() -> Self {
        UpdateParticipantRequest {
            hold: Some(false),
            ..Default::default()
        }
    }

    /// `AnnounceUrl=...`: plays `announce_url`, which must be an absolute
    /// http(s) URL, to the participant.
    pub fn announce(announce_url: &str) -> Result<Self, Error> {
        Ok(UpdateParticipantRequest {
            announce_url: Some(parse_url(fields::ANNOUNCE_URL, announce_url)?),
            ..Default::default()
        })
    }

    /// `Muted=false&Coaching=true&CallSidToCoach=...`: only the coached call
    /// hears this participant.
    ///
    /// ```
    /// use signalwire_participants::types::UpdateParticipantRequest;
    ///
    /// let coach = UpdateParticipantRequest::coach("CA0123456789abcdef0123456789abcdef")?;
    /// assert_eq!(coach.coaching, Some(true));
    /// assert!(UpdateParticipantRequest::coach("nobody").is_err());
    /// # Ok::<(), signalwire_participants::Error>(())
    /// ```
    pub fn coach(call_sid_to_coach: &str) -> Result<Self, Error> {
        Ok(UpdateParticipantRequest {
            muted: Some(false),
            coaching: Some(true),
            call_sid_to_coach: Some(parse(call_sid_to_coach)?),
            ..Default::default()
        })
    }

    /// `Muted=true&Coaching=true&CallSidToCoach=...`: listens in on the coached call, silent.
    pub fn monitor(call_sid_to_coach: &str) -> Result<Self, Error> {
        Ok(UpdateParticipantRequest {
            muted: Some(true),
            ..Self::coach(call_sid_to_coach)?
        })
    }

    /// `Muted=false&Coaching=false`: joins the conversation, heard by everyone.
    pub fn barge() -> Self {
        UpdateParticipantRequest {
            muted: Some(false),
            coaching: Some(false),
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::UpdateParticipantRequest as Update;
    use crate::spec_facts::fields;

    #[test]
    fn the_url_presets_name_url_fields_of_the_spec() {
        for (field, refused) in [
            (fields::HOLD_URL, Update::hold_with_music("hold.mp3")),
            (fields::ANNOUNCE_URL, Update::announce("hello.mp3")),
        ] {
            let kind = crate::spec_facts::FORM_FIELDS
                .iter()
                .find(|(op, name, _)| {
                    *op == crate::spec_facts::Operation::UpdateParticipant && *name == field
                })
                .map(|(.., kind)| *kind);
            assert_eq!(kind, Some(crate::spec_facts::Kind::Uri), "{field}");
            let err = refused.unwrap_err().to_string();
            assert!(err.starts_with(&format!("invalid {field}: `")), "{err}");
            assert!(err.ends_with("is not an absolute URL (relative URL without a base)"));
        }
    }
}
