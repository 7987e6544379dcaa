//! Application state and whole-conference actions, built on the client and
//! the events: acting on everyone at once ([`fanout`]), and knowing who is
//! in ([`roster`]).

pub mod fanout;
pub mod roster;
