//! The pleasant way in: name a participant once, then retrieve or update it.
//!
//! Every id and URL is checked here, before any request, with an error that
//! names the parameter and says what is wrong.

use crate::types::{self, UpdateParticipantRequest};
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
    /// assert_eq!(err.to_string(), "invalid CallSid: `../x` contains `/`, which would change the request path");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn participant(
        &self,
        conference_sid: &str,
        call_sid: &str,
    ) -> Result<ParticipantRef<'_>, Error> {
        let account = self.account_sid().to_string();
        self.participant_in_account(&account, conference_sid, call_sid)
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
            account_sid: parse_account_sid(account_sid)?,
            conference_sid: parse_conference_sid(conference_sid)?,
            call_sid: parse_call_sid(call_sid)?,
        })
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
        check_update(changes)?;
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

    /// Mutes the participant.
    pub async fn mute(&self) -> Result<types::Participant, Error> {
        self.update(&UpdateParticipantRequest::mute()).await
    }

    /// Unmutes the participant.
    pub async fn unmute(&self) -> Result<types::Participant, Error> {
        self.update(&UpdateParticipantRequest::unmute()).await
    }

    /// Puts the participant on hold, playing `hold_url` (MP3, WAV, or a
    /// cXML/TwiML document) to them.
    pub async fn hold_with_music(&self, hold_url: &str) -> Result<types::Participant, Error> {
        self.update(&UpdateParticipantRequest::hold_with_music(hold_url))
            .await
    }

    /// Takes the participant off hold.
    pub async fn resume(&self) -> Result<types::Participant, Error> {
        self.update(&UpdateParticipantRequest::resume()).await
    }
}

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

    /// `Hold=true&HoldUrl=...`: on hold, hearing the music at `hold_url`.
    pub fn hold_with_music(hold_url: &str) -> Self {
        UpdateParticipantRequest {
            hold: Some(true),
            hold_url: Some(hold_url.to_string()),
            ..Default::default()
        }
    }

    /// `Hold=false`: back in the conference.
    pub fn resume() -> Self {
        UpdateParticipantRequest {
            hold: Some(false),
            ..Default::default()
        }
    }

    /// `AnnounceUrl=...`: plays the announcement at `announce_url` to the participant.
    pub fn announce(announce_url: &str) -> Self {
        UpdateParticipantRequest {
            announce_url: Some(announce_url.to_string()),
            ..Default::default()
        }
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
            call_sid_to_coach: Some(parse_call_sid_to_coach(call_sid_to_coach)?),
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

/// Checks an update before it is sent: coaching needs a call to coach, and
/// URLs must be absolute http(s) URLs (an empty `WaitUrl` means silence).
pub fn check_update(changes: &UpdateParticipantRequest) -> Result<(), Error> {
    if changes.coaching == Some(true) && changes.call_sid_to_coach.is_none() {
        return Err(Error::invalid(
            "CallSidToCoach",
            "it is required when Coaching is true",
        ));
    }
    for (field, value, empty_ok) in [
        ("HoldUrl", &changes.hold_url, false),
        ("AnnounceUrl", &changes.announce_url, false),
        ("WaitUrl", &changes.wait_url, true),
    ] {
        if let Some(value) = value {
            if value.is_empty() && empty_ok {
                continue;
            }
            check_url(field, value)?;
        }
    }
    Ok(())
}

fn check_url(field: &str, value: &str) -> Result<(), Error> {
    let shown = value.escape_debug();
    match url::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => Ok(()),
        Ok(u) => Err(Error::invalid(
            field,
            format!("`{shown}` is a {} URL; use http or https", u.scheme()),
        )),
        Err(e) => Err(Error::invalid(
            field,
            format!("`{shown}` is not an absolute URL ({e})"),
        )),
    }
}

const UUID_HELP: &str = "a UUID (SignalWire)";

fn is_hex_sid(s: &str, prefix: &str) -> bool {
    s.len() == 34 && s.starts_with(prefix) && s[2..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// Parses an account id: a SignalWire project id (UUID) or a Twilio `AC` SID.
pub fn parse_account_sid(s: &str) -> Result<types::AccountSid, Error> {
    parse_sid(s, "AccountSid", "AC")
}

/// Parses a conference id: a SignalWire UUID or a Twilio `CF` SID.
pub fn parse_conference_sid(s: &str) -> Result<types::ConferenceSid, Error> {
    parse_sid(s, "ConferenceSid", "CF")
}

/// Parses the call to coach: a SignalWire UUID or a Twilio `CA` SID.
pub fn parse_call_sid_to_coach(s: &str) -> Result<types::CallSidToCoach, Error> {
    parse_sid(s, "CallSidToCoach", "CA")
}

fn parse_sid<T: std::str::FromStr>(s: &str, parameter: &str, prefix: &str) -> Result<T, Error> {
    let looks_right = is_hex_sid(s, prefix) || crate::check_uuid(s);
    match s.parse::<T>() {
        Ok(v) if looks_right => Ok(v),
        _ => Err(Error::invalid(
            parameter,
            format!(
                "`{}` is neither {UUID_HELP} nor a Twilio SID (`{prefix}` and 32 hex digits)",
                s.escape_debug()
            ),
        )),
    }
}

/// Parses a participant's call id or label, refusing what would change the
/// request path: `/`, `\`, control characters, `.` and `..`, and more than
/// 128 characters.
pub fn parse_call_sid(s: &str) -> Result<types::CallSid, Error> {
    let shown = s.escape_debug();
    let refuse = |reason: String| Err(Error::invalid("CallSid", reason));
    if s.is_empty() {
        return refuse("it is empty".into());
    }
    if s.chars().count() > 128 {
        return refuse(format!("`{shown}` is longer than 128 characters"));
    }
    for bad in ['/', '\\'] {
        if s.contains(bad) {
            return refuse(format!(
                "`{shown}` contains `{bad}`, which would change the request path"
            ));
        }
    }
    if let Some(c) = s.chars().find(|c| c.is_control()) {
        return refuse(format!(
            "`{shown}` contains the control character U+{:04X}",
            c as u32
        ));
    }
    if s == "." || s == ".." {
        return refuse(format!(
            "`{s}` is a relative path segment, not a participant"
        ));
    }
    s.parse::<types::CallSid>()
        .map_err(|e| Error::invalid("CallSid", format!("`{shown}` is not valid: {e}")))
}
