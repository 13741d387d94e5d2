//! The TU lifecycle: events, states, and which event may follow which state.
//!
//! `hot-proposed → stabilizing → gatecheck → cold-merged`, with `deferred` and `rejected`
//! on the side and `closed` for work finished. `cold-merged` is never an event: it is
//! derived from history (every commit of the TU reachable from cold).

use std::fmt;

/// A `TU-Event:` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Event {
    /// The brief is written; the TU exists.
    Open,
    /// Work begins.
    Start,
    /// Progress recorded (steps, blockers, next actions).
    Checkpoint,
    /// The brief changed.
    Update,
    /// Handed to the Gatekeeper (`gate.submit`).
    Submit,
    /// Back from the gate for more work.
    Rework,
    /// Parked, with a reason and a time to revisit.
    Defer,
    /// Un-parked.
    Reactivate,
    /// Abandoned for good.
    Reject,
    /// Finished.
    Close,
}

impl Event {
    /// Every event, in lifecycle order.
    pub const ALL: [Event; 10] = [
        Event::Open,
        Event::Start,
        Event::Checkpoint,
        Event::Update,
        Event::Submit,
        Event::Rework,
        Event::Defer,
        Event::Reactivate,
        Event::Reject,
        Event::Close,
    ];

    /// The trailer value (`checkpoint`).
    pub fn name(self) -> &'static str {
        match self {
            Event::Open => "open",
            Event::Start => "start",
            Event::Checkpoint => "checkpoint",
            Event::Update => "update",
            Event::Submit => "submit",
            Event::Rework => "rework",
            Event::Defer => "defer",
            Event::Reactivate => "reactivate",
            Event::Reject => "reject",
            Event::Close => "close",
        }
    }

    /// The event a trailer value names (case-insensitive).
    pub fn parse(s: &str) -> Option<Event> {
        Event::ALL
            .into_iter()
            .find(|e| e.name().eq_ignore_ascii_case(s.trim()))
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a TU is in its life.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// Opened, not started.
    HotProposed,
    /// Being worked on.
    Stabilizing,
    /// Submitted to the Gatekeeper.
    Gatecheck,
    /// Every commit reachable from cold (derived).
    ColdMerged,
    /// Parked.
    Deferred,
    /// Abandoned.
    Rejected,
    /// Finished (and not, or not yet entirely, on cold).
    Closed,
}

impl State {
    /// Every state.
    pub const ALL: [State; 7] = [
        State::HotProposed,
        State::Stabilizing,
        State::Gatecheck,
        State::ColdMerged,
        State::Deferred,
        State::Rejected,
        State::Closed,
    ];

    /// The state's name (`hot-proposed`).
    pub fn name(self) -> &'static str {
        match self {
            State::HotProposed => "hot-proposed",
            State::Stabilizing => "stabilizing",
            State::Gatecheck => "gatecheck",
            State::ColdMerged => "cold-merged",
            State::Deferred => "deferred",
            State::Rejected => "rejected",
            State::Closed => "closed",
        }
    }

    /// The state a name denotes.
    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|st| st.name() == s.trim())
    }

    /// A TU in a terminal state accepts no new commits.
    pub fn is_terminal(self) -> bool {
        matches!(self, State::ColdMerged | State::Rejected | State::Closed)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The events a state allows (what the refusal of an illegal one lists).
pub fn allowed(state: State) -> Vec<Event> {
    use Event::*;
    match state {
        State::HotProposed => vec![Start, Checkpoint, Update, Submit, Defer, Reject],
        State::Stabilizing => vec![Checkpoint, Update, Submit, Defer, Reject, Close],
        State::Gatecheck => vec![Checkpoint, Update, Rework, Submit, Defer, Reject, Close],
        State::Deferred => vec![Update, Reactivate, Reject],
        State::ColdMerged | State::Rejected | State::Closed => vec![],
    }
}

/// A TU's replayable position: its state and, while deferred, where it was before.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Position {
    /// The current state.
    pub state: State,
    /// The state before a deferral (where `reactivate` returns to).
    pub before_defer: Option<State>,
}

/// An event the current state does not allow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Illegal {
    /// The state it was refused in.
    pub state: State,
    /// The refused event.
    pub event: Event,
    /// What the state allows instead.
    pub allowed: Vec<Event>,
}

impl fmt::Display for Illegal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot {} a TU that is {}", self.event, self.state)?;
        if self.allowed.is_empty() {
            write!(f, " (a {} TU takes no further events)", self.state)
        } else {
            let moves: Vec<&str> = self.allowed.iter().map(|e| e.name()).collect();
            write!(f, "; allowed: {}", moves.join(", "))
        }
    }
}

impl std::error::Error for Illegal {}

/// Applies one event. `gate` is the `Gate:` trailer of a submit (`block` keeps the TU
/// stabilizing). `None` as the position means history has no `open` event for the TU.
pub fn apply(pos: Option<Position>, event: Event, gate: Option<&str>) -> Result<Position, Illegal> {
    // A TU not yet opened in history is hot-proposed when its brief exists (a brief
    // committed by hand, or shipped with the sample studio): it may be opened, or
    // moved on as a hot-proposed TU, exactly as `tu` commands treat it.
    let Some(pos) = pos else {
        let proposed = Position {
            state: State::HotProposed,
            before_defer: None,
        };
        return match event {
            Event::Open => Ok(proposed),
            _ => apply(Some(proposed), event, gate),
        };
    };
    if event == Event::Open || !allowed(pos.state).contains(&event) {
        return Err(Illegal {
            state: pos.state,
            event,
            allowed: allowed(pos.state),
        });
    }
    let to = |state| Position {
        state,
        before_defer: None,
    };
    Ok(match event {
        Event::Open => pos,
        Event::Start | Event::Checkpoint | Event::Rework => to(State::Stabilizing),
        Event::Update => pos,
        Event::Submit if gate.is_some_and(|g| g.eq_ignore_ascii_case("block")) => {
            to(State::Stabilizing)
        }
        Event::Submit => to(State::Gatecheck),
        Event::Defer => Position {
            state: State::Deferred,
            before_defer: Some(pos.state),
        },
        Event::Reactivate => to(pos.before_defer.unwrap_or(State::Stabilizing)),
        Event::Reject => to(State::Rejected),
        Event::Close => to(State::Closed),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn play(events: &[Event]) -> Result<Position, Illegal> {
        let mut pos = None;
        for e in events {
            pos = Some(apply(pos, *e, None)?);
        }
        pos.ok_or(Illegal {
            state: State::HotProposed,
            event: Event::Open,
            allowed: vec![],
        })
    }

    #[test]
    fn the_happy_path_reaches_gatecheck_and_close() {
        use Event::*;
        assert_eq!(
            play(&[Open, Start, Checkpoint, Submit]).map(|p| p.state),
            Ok(State::Gatecheck)
        );
        assert_eq!(
            play(&[Open, Start, Submit, Close]).map(|p| p.state),
            Ok(State::Closed)
        );
    }

    #[test]
    fn reactivate_returns_to_the_state_before_deferral() {
        use Event::*;
        assert_eq!(
            play(&[Open, Defer, Reactivate]).map(|p| p.state),
            Ok(State::HotProposed)
        );
        assert_eq!(
            play(&[Open, Start, Submit, Defer, Reactivate]).map(|p| p.state),
            Ok(State::Gatecheck)
        );
    }

    #[test]
    fn illegal_moves_name_the_state_and_the_allowed_moves() {
        use Event::*;
        let err = play(&[Open, Reject, Start]).expect_err("rejected is terminal");
        assert_eq!(err.state, State::Rejected);
        assert!(err.to_string().contains("takes no further events"));
        let err = play(&[Open, Defer, Checkpoint]).expect_err("deferred");
        assert_eq!(
            err.to_string(),
            "cannot checkpoint a TU that is deferred; allowed: update, reactivate, reject"
        );
        assert!(play(&[Open, Open]).is_err());
    }

    #[test]
    fn a_blocked_submit_keeps_the_tu_stabilizing() {
        let pos = play(&[Event::Open, Event::Start]).expect("ok");
        assert_eq!(
            apply(Some(pos), Event::Submit, Some("block")).map(|p| p.state),
            Ok(State::Stabilizing)
        );
    }
}
