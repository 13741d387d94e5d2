//! TU ids: `TU-YYYY-MM-DD-<ROLE><NN>`.

use crate::roles;

/// A parsed TU id.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TuId {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Role code (`LW`).
    pub role: String,
    /// Sequence number within the date and role.
    pub number: u32,
}

impl TuId {
    /// Parses `TU-2026-11-26-LW01`.
    pub fn parse(s: &str) -> Option<TuId> {
        let rest = s.strip_prefix("TU-")?;
        if rest.len() < 14 {
            return None;
        }
        let (date, tail) = rest.split_at(10);
        let tail = tail.strip_prefix('-')?;
        let d = date.as_bytes();
        let date_ok = d.len() == 10
            && d[4] == b'-'
            && d[7] == b'-'
            && d.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !date_ok {
            return None;
        }
        let split = tail.find(|c: char| c.is_ascii_digit())?;
        let (role, number) = tail.split_at(split);
        if number.len() < 2 || !number.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        roles::ROLES.iter().find(|(_, code, _)| *code == role)?;
        Some(TuId {
            date: date.to_string(),
            role: role.to_string(),
            number: number.parse().ok()?,
        })
    }

    /// Whether `s` is a well-formed TU id.
    pub fn is_valid(s: &str) -> bool {
        TuId::parse(s).is_some()
    }
}

impl std::fmt::Display for TuId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TU-{}-{}{:02}", self.date, self.role, self.number)
    }
}

/// The next free id for a date and role code, given the ids already in use.
pub fn next_free<'a>(date: &str, role: &str, taken: impl Iterator<Item = &'a str>) -> TuId {
    let max = taken
        .filter_map(TuId::parse)
        .filter(|t| t.date == date && t.role == role)
        .map(|t| t.number)
        .max()
        .unwrap_or(0);
    TuId {
        date: date.to_string(),
        role: role.to_string(),
        number: max + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_ids() {
        let id = TuId::parse("TU-2026-11-26-LW01").expect("valid");
        assert_eq!((id.role.as_str(), id.number), ("LW", 1));
        assert_eq!(id.to_string(), "TU-2026-11-26-LW01");
        assert!(TuId::parse("TU-2026-11-26-AuD12").is_some());
        assert!(TuId::parse("TU-2026-11-26-XX01").is_none());
        assert!(TuId::parse("TU-2026-11-26-LW1").is_none());
        assert!(TuId::parse("TU-2026-1-26-LW01").is_none());
    }

    #[test]
    fn next_free_counts_per_date_and_role() {
        let taken = [
            "TU-2026-11-26-LW01",
            "TU-2026-11-26-LW02",
            "TU-2026-11-26-SS05",
            "TU-2026-11-25-LW07",
        ];
        assert_eq!(
            next_free("2026-11-26", "LW", taken.into_iter()).to_string(),
            "TU-2026-11-26-LW03"
        );
        assert_eq!(
            next_free("2026-11-27", "LW", taken.into_iter()).to_string(),
            "TU-2026-11-27-LW01"
        );
    }
}
