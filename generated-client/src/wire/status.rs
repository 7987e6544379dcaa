//! What the spec cannot say of a participant's status: which values mean
//! in the conference and which mean gone (the type is the spec's open enum,
//! generated like the others).

use crate::types::ParticipantStatus;

impl ParticipantStatus {
    /// Whether the participant is in the conference now
    /// (`connected` or `in-progress`).
    ///
    /// ```
    /// use signalwire_participants::ParticipantStatus;
    ///
    /// assert_eq!("in-progress".parse::<ParticipantStatus>(), Ok(ParticipantStatus::InProgress));
    /// assert!(ParticipantStatus::InProgress.is_active());
    /// let odd: ParticipantStatus = "on-the-moon".parse().unwrap();
    /// assert_eq!(odd, ParticipantStatus::Other("on-the-moon".into()));
    /// assert_eq!(odd.to_string(), "on-the-moon");
    /// assert!(!odd.is_active() && !odd.is_finished());
    /// ```
    pub fn is_active(&self) -> bool {
        matches!(self, Self::Connected | Self::InProgress)
    }

    /// Whether the participant has left or never joined
    /// (`complete`, `completed` or `failed`).
    pub fn is_finished(&self) -> bool {
        matches!(self, Self::Complete | Self::Completed | Self::Failed)
    }
}
