//! A participant status that keeps values it does not know.
//!
//! SignalWire and Twilio answer different status sets and add values over
//! time; a strict enum would fail a whole response on one new word.

use std::fmt;
use std::str::FromStr;

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
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
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
    Other(String),
}

impl ParticipantStatus {
    /// The status as the server wrote it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Queued => "queued",
            Self::Connecting => "connecting",
            Self::Ringing => "ringing",
            Self::Connected => "connected",
            Self::InProgress => "in-progress",
            Self::Complete => "complete",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Other(s) => s,
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

impl FromStr for ParticipantStatus {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "queued" => Self::Queued,
            "connecting" => Self::Connecting,
            "ringing" => Self::Ringing,
            "connected" => Self::Connected,
            "in-progress" => Self::InProgress,
            "complete" => Self::Complete,
            "completed" => Self::Completed,
            "failed" => Self::Failed,
            other => Self::Other(other.to_string()),
        })
    }
}

impl fmt::Display for ParticipantStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ParticipantStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ParticipantStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Take any scalar: a status that is not even a string is still kept.
        let value = crate::date::scalar_to_string(deserializer)?;
        Ok(value.parse().unwrap_or_else(|never| match never {}))
    }
}

impl schemars::JsonSchema for ParticipantStatus {
    fn schema_name() -> String {
        "ParticipantStatus".into()
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        use schemars::schema::{InstanceType, Metadata, SchemaObject};
        let known = [
            "queued",
            "connecting",
            "ringing",
            "connected",
            "in-progress",
            "complete",
            "completed",
            "failed",
        ];
        SchemaObject {
            instance_type: Some(InstanceType::String.into()),
            metadata: Some(Box::new(Metadata {
                description: Some(format!(
                    "A participant status; known values are {}, and any other string is kept.",
                    known.join(", ")
                )),
                ..Default::default()
            })),
            ..Default::default()
        }
        .into()
    }
}
