//! A participant status that keeps values it does not know (the generator
//! only makes strict enums, and one new word would fail a whole response).
//!
//! SignalWire and Twilio answer different status sets and add values over
//! time (D9); the variants are the spec's enum, and anything else is kept.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A participant's call status, as either provider reports it.
///
/// Known values get their own variant; anything else is kept verbatim in
/// [`ParticipantStatus::Other`] rather than failing the response.
///
/// ```
/// use signalwire_participants::ParticipantStatus;
///
/// assert_eq!("in-progress".parse::<ParticipantStatus>(), Ok(ParticipantStatus::InProgress));
/// let odd: ParticipantStatus = "on-the-moon".parse().unwrap();
/// assert_eq!(odd, ParticipantStatus::Other("on-the-moon".into()));
/// assert_eq!(odd.to_string(), "on-the-moon");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, strum::EnumString, strum::AsRefStr, strum::Display)]
#[strum(serialize_all = "kebab-case")]
pub enum ParticipantStatus {
    /// Twilio: waiting to be connected.
    Queued,
    /// Twilio: being connected.
    Connecting,
    /// Twilio: ringing.
    Ringing,
    /// Twilio: in the conference.
    Connected,
    /// SignalWire: in the conference.
    InProgress,
    /// Twilio (and SignalWire's examples): has left.
    Complete,
    /// SignalWire: has left.
    Completed,
    /// Twilio: could not be connected.
    Failed,
    /// A value this version does not know, kept as sent.
    #[strum(default)]
    Other(String),
}

impl ParticipantStatus {
    /// The status as the server wrote it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Other(s) => s,
            known => known.as_ref(),
        }
    }

    /// Whether the participant is in the conference now
    /// (`connected` or `in-progress`).
    pub fn is_active(&self) -> bool {
        matches!(self, Self::Connected | Self::InProgress)
    }

    /// Whether the participant has left or never joined
    /// (`complete`, `completed` or `failed`).
    pub fn is_finished(&self) -> bool {
        matches!(self, Self::Complete | Self::Completed | Self::Failed)
    }
}

impl Serialize for ParticipantStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ParticipantStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Take any value: a status that is not even a string is still kept.
        let value = crate::date::scalar_to_string(deserializer)?;
        Ok(value.parse().unwrap_or(Self::Other(value)))
    }
}
