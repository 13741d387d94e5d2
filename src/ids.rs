//! Names of git things as types: commit and tree ids (shown short), a ref name built
//! from a branch or tag name and shown short, and what a compare-and-swap expects a ref
//! to hold. Pure: nothing here opens a repository.

use std::fmt;

/// How many hex digits a short commit id shows (as in every human message).
pub const SHORT: usize = 10;

/// The short form of a hex object id: its first [`SHORT`] digits (the whole id when it
/// is shorter).
pub fn short(id: &str) -> &str {
    id.get(..SHORT).unwrap_or(id)
}

/// Defines a full hex object id type: compared, hashed, printed and serialised as its
/// text, read as a `&str` wherever one is wanted.
macro_rules! object_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// An id from its full hex text (as git prints it).
            pub fn new(hex: impl Into<String>) -> $name {
                $name(hex.into())
            }

            /// An id from text that must be a full hex id (40 or 64 digits): what a
            /// trailer value naming an object is read with.
            pub fn parse(text: &str) -> Option<$name> {
                let t = text.trim();
                (matches!(t.len(), 40 | 64) && t.bytes().all(|b| b.is_ascii_hexdigit()))
                    .then(|| $name(t.to_ascii_lowercase()))
            }

            /// The full hex text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The first [`SHORT`] hex digits, as human messages show it.
            pub fn short(&self) -> &str {
                short(&self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
    };
}

object_id! {
    /// A commit's full hex id.
    CommitId
}

object_id! {
    /// A tree's full hex id.
    TreeId
}

/// No commits: an empty range end for walks and `rev-list`s that hide nothing.
pub const NO_COMMITS: &[CommitId] = &[];

/// A full ref name: `refs/heads/<branch>`, `refs/tags/<tag>`, or any other `refs/…`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RefName(String);

impl RefName {
    /// `refs/heads/<name>`.
    pub fn branch(name: &str) -> RefName {
        RefName(format!("refs/heads/{name}"))
    }

    /// `refs/heads/tu/<id>`: a TU's review branch.
    pub fn review(id: &str) -> RefName {
        RefName(format!("refs/heads/tu/{id}"))
    }

    /// A ref name as git spells it in full.
    pub fn full(name: &str) -> RefName {
        RefName(name.to_string())
    }

    /// The full name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name people use: a branch or tag without its `refs/heads/` or `refs/tags/`.
    pub fn short(&self) -> &str {
        self.0
            .strip_prefix("refs/heads/")
            .or_else(|| self.0.strip_prefix("refs/tags/"))
            .unwrap_or(&self.0)
    }
}

impl fmt::Display for RefName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for RefName {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for RefName {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<RefName> for &str {
    fn eq(&self, other: &RefName) -> bool {
        *self == other.0
    }
}

impl PartialEq<RefName> for String {
    fn eq(&self, other: &RefName) -> bool {
        *self == other.0
    }
}

impl AsRef<str> for RefName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for RefName {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// What a compare-and-swap of a ref expects to find there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect<'a> {
    /// The ref must not exist yet.
    Absent,
    /// The ref must point at this commit.
    At(&'a str),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_forms() {
        assert_eq!(short("0123456789abcdef"), "0123456789");
        assert_eq!(short("abc"), "abc");
        let b = RefName::branch("tu/TU-2026-11-26-LW01");
        assert_eq!(b.as_str(), "refs/heads/tu/TU-2026-11-26-LW01");
        assert_eq!(b.short(), "tu/TU-2026-11-26-LW01");
        assert_eq!(RefName::full("refs/notes/x").short(), "refs/notes/x");
        let c = CommitId::new("0123456789abcdef0123");
        assert_eq!(c.short(), "0123456789");
        assert_eq!(c, "0123456789abcdef0123");
        assert_eq!(
            serde_json::to_string(&c).expect("json"),
            "\"0123456789abcdef0123\""
        );
        let set: std::collections::HashSet<CommitId> = [c.clone()].into_iter().collect();
        assert!(set.contains("0123456789abcdef0123"));
    }
}
