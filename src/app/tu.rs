//! TU workflows of a session: open, record events, checkpoint, update, list, show,
//! switch, pull-request bodies and lineage. Every write is one commit made with a
//! compare-and-swap on the branch tip read at the start.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::Serialize;

use super::Session;
use crate::artifact::de::Lenient;
use crate::artifact::{self, Kind};
use crate::date;
use crate::error::{Error, InputError, TuError};
use crate::git::Identity;
use crate::ids::CommitId;
use crate::ids::{Expect, RefName};
use crate::roles;
use crate::studio::playbook::{self, Playbook};
use crate::trace::brief::{self, Brief, BriefDeliverable, Change, NewBrief};
use crate::trace::id::{self, TuId};
use crate::trace::ledger::{Ledger, TuRecord};
use crate::trace::lifecycle::{self, Event, Position, State};
use crate::trace::trailers;

/// Where the active TU comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActiveFrom {
    /// `HEAD` is on `tu/<id>`.
    Branch,
    /// Recorded by `tu open` / `tu switch`.
    Recorded,
}

/// A request to open a TU.
pub struct OpenRequest<'a> {
    /// Loop (playbook) id.
    pub loop_id: &'a str,
    /// Title.
    pub title: &'a str,
    /// Role id or code; default: the playbook's first responsible role, else showrunner.
    pub role: Option<&'a str>,
    /// Also create `tu/<id>` for review as a pull request.
    pub branch: bool,
    /// What the TU starts from (the brief's `inputs`: loop parameters, paths, hook ids).
    pub inputs: &'a [String],
}

/// What `tu open` made.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Opened {
    /// The new TU id.
    pub id: String,
    /// The commit on hot that holds the brief.
    pub commit: CommitId,
    /// The brief's path.
    pub path: String,
    /// The review branch, when made.
    pub branch: Option<String>,
    /// Whether `HEAD` was moved onto the review branch.
    #[serde(skip)]
    pub switched: bool,
}

/// What an event command recorded.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Recorded {
    /// The TU.
    pub id: String,
    /// The event.
    pub event: Event,
    /// State before.
    pub from: State,
    /// State after.
    #[serde(rename = "state")]
    pub to: State,
    /// The new commit.
    pub commit: CommitId,
    /// The branch it went on (short name).
    pub branch: String,
}

/// A checkpoint's content.
#[derive(Clone, Debug, Default)]
pub struct Checkpoint {
    /// One-line summary (the commit title).
    pub summary: Option<String>,
    /// Playbook steps done (`Step:` trailers).
    pub steps: Vec<String>,
    /// What blocks progress (`Blocker:` trailers).
    pub blockers: Vec<String>,
    /// What comes next (`Next:` trailers).
    pub next: Vec<String>,
    /// Stage every tracked change first (`git commit -a`).
    pub all: bool,
}

/// One line of `tu list`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    /// TU id.
    pub id: String,
    /// Brief title (empty when the brief is missing).
    pub title: String,
    /// Loop id.
    #[serde(rename = "loop")]
    pub loop_id: String,
    /// Shown state.
    pub state: State,
    /// Commits carrying the TU trailer.
    pub commits: usize,
    /// Date of the last commit.
    pub updated: Option<String>,
}

/// Everything `tu show` tells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detail {
    /// The summary line.
    pub summary: Summary,
    /// The brief's path and text on the TU's branch, when it exists there.
    pub brief: Option<(String, String)>,
    /// The history record.
    pub record: Option<TuRecord>,
    /// Files changed by the TU's commits.
    pub files: Vec<String>,
    /// Blockers from checkpoints: (date, text, still current).
    pub blockers: Vec<(String, String, bool)>,
    /// Gate decisions: (date, decision, report id).
    pub gates: Vec<(String, String, Option<String>)>,
    /// Commits of the TU not yet on cold.
    pub not_on_cold: usize,
    /// The branch the TU's work goes to.
    pub branch: String,
}

/// `tu show`: a TU's story with what the desk recorded about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shown {
    /// The TU's story.
    pub detail: Detail,
    /// The question batches asked for it.
    pub questions: Vec<super::questions::Batch>,
    /// The conflicts opened about it.
    pub conflicts: Vec<super::conflict::Conflict>,
}

/// A TU that touched a file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Lineage {
    /// TU id.
    pub id: String,
    /// Its state.
    pub state: State,
    /// The commit that changed the file.
    pub commit: CommitId,
    /// Its date.
    pub date: String,
    /// Its first line.
    pub summary: String,
}

fn unknown(id: &str, known: &BTreeSet<String>) -> Error {
    let candidates: Vec<String> = known.iter().cloned().collect();
    TuError::Unknown {
        id: id.to_string(),
        did_you_mean: crate::schema::suggest(id, &candidates).map(|s| s.to_string()),
    }
    .into()
}

impl Session {
    /// The hot branch's ref and tip commit (an error naming the branch when it is missing).
    pub fn hot_tip(&self) -> Result<(RefName, CommitId), Error> {
        let hot = self.hot_ref();
        let tip = self.tip(&hot)?;
        Ok((hot, tip))
    }

    pub(crate) fn tip(&self, branch_ref: &str) -> Result<CommitId, Error> {
        self.repo.ref_target(branch_ref)?.ok_or_else(|| {
            Error::Git(crate::git::GitError::RevNotFound {
                rev: short(branch_ref),
            })
        })
    }

    fn active_file(&self) -> PathBuf {
        self.repo.git_dir().join("showrunner").join("active-tu")
    }

    /// Ids of the briefs in hot's tree.
    fn briefs_on_hot(&self) -> Result<Vec<String>, Error> {
        let Some(tip) = self.repo.ref_target(&self.hot_ref())? else {
            return Ok(Vec::new());
        };
        let paths = self
            .repo
            .tree_paths(&tip, &|p| p.starts_with("tus/") && p.ends_with(".yaml"))?;
        Ok(paths
            .iter()
            .map(|p| artifact::stem(p).to_string())
            .collect())
    }

    /// Every TU id the studio knows: briefs on hot, review branches, and history.
    fn known(&self, ledger: &Ledger) -> Result<BTreeSet<String>, Error> {
        let mut ids: BTreeSet<String> = ledger.tus.keys().cloned().collect();
        ids.extend(self.briefs_on_hot()?);
        for b in self.repo.branches("tu/")? {
            ids.insert(short(&b.name).trim_start_matches("tu/").to_string());
        }
        Ok(ids)
    }

    /// The active TU: from a `tu/<id>` branch checked out, else the recorded one.
    pub fn active(&self) -> Option<(String, ActiveFrom)> {
        if let Some(b) = self.repo.head_branch()
            && let Some(id) = b.strip_prefix(RefName::review("").as_str())
        {
            return Some((id.to_string(), ActiveFrom::Branch));
        }
        let text = std::fs::read_to_string(self.active_file()).ok()?;
        let id = text.trim();
        (!id.is_empty()).then(|| (id.to_string(), ActiveFrom::Recorded))
    }

    fn set_active(&self, id: &str) -> Result<(), Error> {
        let path = self.active_file();
        let io = |e: std::io::Error| Error::Io {
            path: path.clone(),
            source: e,
        };
        std::fs::create_dir_all(path.parent().unwrap_or(&path)).map_err(io)?;
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, format!("{id}\n")).map_err(io)?;
        std::fs::rename(&tmp, &path).map_err(io)
    }

    /// The TU an id argument names, or the active one; refuses unknown ids.
    pub(crate) fn resolve(&self, id: Option<&str>, ledger: &Ledger) -> Result<String, Error> {
        let id = match id {
            Some(i) => i.to_string(),
            None => self.active().map(|(i, _)| i).ok_or(TuError::NoActive)?,
        };
        let known = self.known(ledger)?;
        if !known.contains(&id) {
            return Err(unknown(&id, &known));
        }
        Ok(id)
    }

    /// The branch a TU's commits go to: `tu/<id>` when it exists, else hot.
    pub(crate) fn branch_for(&self, id: &str) -> Result<RefName, Error> {
        let review = RefName::review(id);
        Ok(if self.repo.ref_target(&review)?.is_some() {
            review
        } else {
            self.hot_ref()
        })
    }

    /// The playbooks in force: the studio's own on hot over the embedded ones.
    pub fn playbooks(&self) -> Result<std::collections::BTreeMap<String, Playbook>, Error> {
        let studio = match self.repo.ref_target(&self.hot_ref())? {
            Some(tip) => self.repo.tree_files(&tip, &|p| {
                p.starts_with("playbooks/") && p.ends_with(".yaml")
            })?,
            None => Vec::new(),
        };
        Ok(playbook::in_force(&studio))
    }

    pub(crate) fn identity(&self) -> Identity {
        self.repo.identity()
    }

    /// The TU `open` would make now: its id, its role code, and its brief (path, text).
    pub fn preview(
        &self,
        req: &OpenRequest<'_>,
    ) -> Result<(String, String, String, String), Error> {
        // A title is one line of text: line breaks and control characters (an escape
        // sequence meant for a terminal) do not survive into the brief or the list.
        let title = trailers::one_line(req.title);
        if title.is_empty() {
            return Err(TuError::NoTitle.into());
        }
        let loop_ok = req
            .loop_id
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase())
            && req
                .loop_id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !loop_ok {
            return Err(TuError::BadLoopId {
                loop_id: req.loop_id.to_string(),
            }
            .into());
        }
        let playbooks = self.playbooks()?;
        // A TU runs a loop the studio has: a misspelt one is refused with the nearest.
        let playbook = Some(super::loops::find(&playbooks, req.loop_id)?);
        let role = match req.role {
            Some(r) => roles::canonical(r).ok_or_else(|| TuError::UnknownRole {
                name: r.to_string(),
            })?,
            None => playbook
                .and_then(|p| p.raci.responsible.first())
                .and_then(|r| roles::canonical(r))
                .unwrap_or("showrunner"),
        };
        let code = roles::code(role).unwrap_or("SR");
        let who = self.identity();
        let today = date::ymd(who.time, who.offset);
        let ledger = self.ledger()?;
        let known = self.known(&ledger)?;
        let id = id::next_free(&today, code, known.iter().map(String::as_str)).to_string();
        let path = format!("tus/{id}.yaml");
        let text = brief::render(&NewBrief {
            id: &id,
            title: &title,
            loop_id: req.loop_id,
            opened: &today,
            role,
            playbook,
            inputs: req.inputs,
        });
        let problems = brief::validate(&path, &text);
        if !problems.is_empty() {
            return Err(TuError::InvalidBrief { problems }.into());
        }
        Ok((id, code.to_string(), path, text))
    }

    /// Opens a TU: allocates the id, commits the brief on hot with `TU-Event: open`,
    /// makes it active, and with `branch` creates `tu/<id>` for review.
    pub fn open(&self, req: &OpenRequest<'_>) -> Result<Opened, Error> {
        let (id, code, path, text) = self.preview(req)?;
        let code = code.as_str();
        let hot_ref = self.hot_ref();
        let tip = self.tip(&hot_ref)?;
        let who = self.identity();
        let message = trailers::append(
            &format!("Open {id}: {}\n", trailers::one_line(req.title)),
            &[
                ("TU", &id),
                ("TU-Event", "open"),
                ("Loop", req.loop_id),
                ("Role", code),
            ],
        );
        let files = [(path.clone(), text.into_bytes())];
        // With a review branch, nothing is written on hot: the brief is the branch's
        // first commit, and reaches hot when the branch is merged.
        let (branch, switched) = if req.branch {
            let review = RefName::review(&id);
            self.repo.cas_ref(
                &review,
                &tip,
                Expect::Absent,
                &format!("showrunner: review branch for {id}"),
            )?;
            let switch = !self.repo.is_bare()
                && self.repo.head_branch().as_deref() == Some(hot_ref.as_str());
            if switch {
                // Same commit, same tree: moving HEAD changes nothing on disk.
                self.repo.set_head(&review)?;
            }
            (review, switch)
        } else {
            (hot_ref.clone(), false)
        };
        let commit = match self
            .repo
            .commit_tool_files(&branch, &tip, &files, &message, &who)
        {
            Ok(c) => c,
            Err(e) => {
                // Leave no half-made branch behind.
                if req.branch {
                    if switched {
                        let _ = self.repo.set_head(&hot_ref);
                    }
                    let _ = self.repo.delete_ref_if(&branch, &tip);
                }
                return Err(e.into());
            }
        };
        let opened = Opened {
            id: id.clone(),
            commit: commit.clone(),
            path,
            branch: req.branch.then(|| format!("tu/{id}")),
            switched,
        };
        self.set_active(&id)?;
        Ok(opened)
    }

    /// The position history gives a TU (a brief with no events counts as hot-proposed).
    fn position(&self, ledger: &Ledger, id: &str) -> Position {
        ledger.get(id).and_then(|r| r.position).unwrap_or(Position {
            state: State::HotProposed,
            before_defer: None,
        })
    }

    pub(crate) fn check_move(
        &self,
        ledger: &Ledger,
        id: &str,
        event: Event,
        gate: Option<&str>,
    ) -> Result<(State, Position), Error> {
        let pos = self.position(ledger, id);
        let shown = ledger
            .get(id)
            .map(TuRecord::state)
            .unwrap_or(State::HotProposed);
        if shown == State::ColdMerged {
            return Err(TuError::ColdMerged { id: id.to_string() }.into());
        }
        match lifecycle::apply(Some(pos), event, gate) {
            Ok(next) => Ok((shown, next)),
            Err(illegal) => Err(TuError::Illegal {
                id: id.to_string(),
                source: Box::new(illegal),
            }
            .into()),
        }
    }

    pub(crate) fn trailers_for(
        &self,
        ledger: &Ledger,
        id: &str,
        event: Event,
    ) -> Vec<(String, String)> {
        let rec = ledger.get(id);
        let mut t = vec![
            ("TU".to_string(), id.to_string()),
            ("TU-Event".to_string(), event.name().to_string()),
        ];
        if let Some(l) = rec.and_then(|r| r.opened_with("Loop")) {
            t.push(("Loop".into(), l.to_string()));
        }
        let role = rec
            .and_then(|r| r.opened_with("Role"))
            .map(str::to_string)
            .or_else(|| TuId::parse(id).map(|t| t.role));
        if let Some(r) = role {
            t.push(("Role".into(), r));
        }
        t
    }

    /// Records a lifecycle event (start, defer, reactivate, reject, close, submit, rework)
    /// as an empty commit on the TU's branch.
    pub fn record(
        &self,
        id: Option<&str>,
        event: Event,
        extra: &[(&str, String)],
    ) -> Result<Recorded, Error> {
        let ledger = self.ledger()?;
        let id = self.resolve(id, &ledger)?;
        let gate = extra
            .iter()
            .find(|(k, _)| *k == "Gate")
            .map(|(_, v)| v.as_str());
        let (from, next) = self.check_move(&ledger, &id, event, gate)?;
        let branch = self.branch_for(&id)?;
        let tip = self.tip(&branch)?;
        let mut t = self.trailers_for(&ledger, &id, event);
        t.extend(extra.iter().map(|(k, v)| (k.to_string(), v.clone())));
        let title = match extra.iter().find(|(k, _)| *k == "Reason") {
            Some((_, reason)) => format!(
                "{} {id}: {}",
                capitalised(event),
                trailers::one_line(reason)
            ),
            None => format!("{} {id}", capitalised(event)),
        };
        let refs: Vec<(&str, &str)> = t.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let message = trailers::append(&format!("{title}\n"), &refs);
        let commit = self
            .repo
            .commit_tool_files(&branch, &tip, &[], &message, &self.identity())?;
        Ok(Recorded {
            id,
            event,
            from,
            to: next.state,
            commit,
            branch: short(&branch),
        })
    }

    /// Checks `tu defer --revisit`: a date (`YYYY-MM-DD`) must be a real one and not
    /// before today (the committer's date, as TU ids are dated); anything else is the
    /// event to wait for, taken as given.
    pub fn check_revisit(&self, revisit: &str) -> Result<(), Error> {
        let r = revisit.trim();
        let looks_like_a_date = r.len() == 10
            && r.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if !looks_like_a_date {
            return Ok(());
        }
        let bad = |why: String| -> Result<(), Error> {
            Err(TuError::BadRevisit {
                given: r.to_string(),
                why,
            }
            .into())
        };
        let Some(day) = date::parse_day(r) else {
            return bad("is not a date".into());
        };
        let who = self.identity();
        let today = date::ymd(who.time, who.offset);
        if date::parse_day(&today).is_some_and(|t| day < t) {
            return bad(format!("is before today, {today}"));
        }
        Ok(())
    }

    /// Commits what is staged (or, with `all`, every tracked change) on the TU's branch
    /// with a checkpoint's trailers. An empty checkpoint is allowed.
    pub fn checkpoint(&self, id: Option<&str>, cp: &Checkpoint) -> Result<Recorded, Error> {
        let ledger = self.ledger()?;
        let id = self.resolve(id, &ledger)?;
        let (from, next) = self.check_move(&ledger, &id, Event::Checkpoint, None)?;
        let branch = self.branch_for(&id)?;
        if self.repo.is_bare() && cp.all {
            return Err(TuError::BareRepo.into());
        }
        if !self.repo.is_bare() && self.repo.head_branch().as_deref() != Some(branch.as_str()) {
            return Err(TuError::WrongBranch {
                id: id.clone(),
                branch: short(&branch),
                head: self.repo.head_branch().map(|b| short(&b)),
            }
            .into());
        }
        // A step is one of the loop's (when a playbook describes the loop).
        if !cp.steps.is_empty() {
            let loop_id = self.summary(&id, &ledger)?.loop_id;
            if let Some(p) = self.playbooks()?.get(&loop_id) {
                let ids: Vec<String> = p.steps.iter().map(|s| s.id.clone()).collect();
                if let Some(step) = cp.steps.iter().find(|s| !ids.contains(s)) {
                    return Err(crate::error::LoopError::UnknownStep {
                        did_you_mean: crate::schema::suggest(step, &ids).map(str::to_string),
                        loop_id,
                        step: step.clone(),
                        steps: ids,
                    }
                    .into());
                }
            }
        }
        let tip = self.tip(&branch)?;
        let mut t = self.trailers_for(&ledger, &id, Event::Checkpoint);
        t.extend(cp.steps.iter().map(|s| ("Step".to_string(), s.clone())));
        t.extend(
            cp.blockers
                .iter()
                .map(|s| ("Blocker".to_string(), s.clone())),
        );
        t.extend(cp.next.iter().map(|s| ("Next".to_string(), s.clone())));
        let title = match &cp.summary {
            Some(s) if !s.trim().is_empty() => format!("Checkpoint {id}: {}", s.trim()),
            _ => format!("Checkpoint {id}"),
        };
        let refs: Vec<(&str, &str)> = t.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let message = trailers::append(&format!("{title}\n"), &refs);
        let commit = self
            .repo
            .commit_index(&branch, &tip, &message, &self.identity(), cp.all)?;
        Ok(Recorded {
            id,
            event: Event::Checkpoint,
            from,
            to: next.state,
            commit,
            branch: short(&branch),
        })
    }

    /// Edits brief fields and commits the brief with `TU-Event: update`.
    pub fn update(&self, id: Option<&str>, changes: &[Change]) -> Result<Recorded, Error> {
        if changes.is_empty() {
            return Err(TuError::NothingToUpdate.into());
        }
        let ledger = self.ledger()?;
        let id = self.resolve(id, &ledger)?;
        let (from, next) = self.check_move(&ledger, &id, Event::Update, None)?;
        let branch = self.branch_for(&id)?;
        let tip = self.tip(&branch)?;
        let path = format!("tus/{id}.yaml");
        let text = self
            .repo
            .blob_at(&tip, &path)?
            .ok_or_else(|| TuError::NoBrief {
                id: id.clone(),
                path: path.clone(),
                branch: short(&branch),
            })?;
        let text = String::from_utf8(text).map_err(|_| InputError::NotUtf8 {
            path: path.clone(),
            on: None,
        })?;
        let edited = brief::edit(&text, changes).map_err(|reason| TuError::BadEdit {
            path: path.clone(),
            reason,
        })?;
        let problems = brief::validate(&path, &edited);
        if !problems.is_empty() {
            return Err(TuError::InvalidEdit { problems }.into());
        }
        let fields: BTreeSet<&str> = changes
            .iter()
            .map(|c| match c {
                Change::Set(k, _) | Change::Add(k, _) | Change::Remove(k, _) => k.as_str(),
            })
            .collect();
        let t = self.trailers_for(&ledger, &id, Event::Update);
        let refs: Vec<(&str, &str)> = t.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let message = trailers::append(
            &format!(
                "Update {id}: {}\n",
                fields.into_iter().collect::<Vec<_>>().join(", ")
            ),
            &refs,
        );
        let commit = self.repo.commit_tool_files(
            &branch,
            &tip,
            &[(path, edited.into_bytes())],
            &message,
            &self.identity(),
        )?;
        Ok(Recorded {
            id,
            event: Event::Update,
            from,
            to: next.state,
            commit,
            branch: short(&branch),
        })
    }

    pub(crate) fn brief_on(
        &self,
        branch: &str,
        id: &str,
    ) -> Result<Option<(String, String)>, Error> {
        let Some(tip) = self.repo.ref_target(branch)? else {
            return Ok(None);
        };
        let path = format!("tus/{id}.yaml");
        Ok(self
            .repo
            .blob_at(&tip, &path)?
            .map(|b| (path, String::from_utf8_lossy(&b).into_owned())))
    }

    pub(crate) fn summary(&self, id: &str, ledger: &Ledger) -> Result<Summary, Error> {
        let rec = ledger.get(id);
        let brief = self.brief_on(&self.branch_for(id)?, id)?;
        let read = brief
            .as_ref()
            .and_then(|(p, t)| artifact::parse(Kind::Tu, p, t.as_bytes()).ok())
            .map(|a| Brief::from_node(&a.data))
            .unwrap_or_default();
        Ok(Summary {
            id: id.to_string(),
            title: read.title.unwrap_or_default(),
            // The loop is fixed when the TU opens; a hand-edited brief does not move it.
            loop_id: rec
                .and_then(|r| r.opened_with("Loop"))
                .map(str::to_string)
                .or(read.loop_id)
                .unwrap_or_default(),
            state: rec.map(TuRecord::state).unwrap_or(State::HotProposed),
            commits: rec.map(|r| r.commits.len()).unwrap_or(0),
            updated: rec
                .and_then(TuRecord::span)
                .map(|(_, last)| date::ymd(last, 0)),
        })
    }

    /// Every TU, optionally only those in one state, sorted by id.
    ///
    /// The list is a pure function of the branch tips (hot, cold, `tu/*`), so it is kept
    /// in the history cache under those tips ([`super::history::Cache`]); when only hot
    /// has moved forward it is carried forward from the new commits, else recomputed.
    pub fn list(&self, state: Option<State>) -> Result<Vec<Summary>, Error> {
        let tips = self.tips()?;
        let key = self.key_of(&tips);
        let cache = super::history::Cache::at(self.repo.git_dir());
        let all = match cache.list(&key) {
            Some(cached) => cached,
            None => match self.carry_forward(&cache, &tips, &key)? {
                Some(list) => list,
                None => {
                    let history = self.history_at(&key, false)?;
                    let mut all = Vec::new();
                    for id in self.known(&history.ledger)? {
                        all.push(self.summary(&id, &history.ledger)?);
                    }
                    // Kept with the history, so the next move forward is carried.
                    cache.store(&key, &tips, &history, Some(&all));
                    all
                }
            },
        };
        Ok(all
            .into_iter()
            .filter(|s| state.is_none_or(|st| st == s.state))
            .collect())
    }

    /// The cached history and list carried forward to `tips` ([`super::history::Cache::extend`])
    /// and stored under `key`, with the list; `None` when the tips did not simply move
    /// forward.
    pub(crate) fn carry_forward(
        &self,
        cache: &super::history::Cache,
        tips: &super::history::Tips,
        key: &str,
    ) -> Result<Option<Vec<Summary>>, Error> {
        // Briefs edited on hot since the cached tip are summarised again too.
        let briefs = |old: &crate::ids::CommitId,
                      new: &crate::ids::CommitId|
         -> Result<BTreeSet<String>, Error> {
            Ok(self
                .repo
                .tree_changes(old, new)?
                .into_iter()
                .filter_map(|c| c.path)
                .filter(|p| p.starts_with("tus/") && p.ends_with(".yaml"))
                .map(|p| artifact::stem(&p).to_string())
                .collect())
        };
        let Some(old) = cache.cached_tips() else {
            return Ok(None);
        };
        let also = match (&old.hot, &tips.hot) {
            (Some(o), Some(n)) if o != n && self.repo.is_ancestor(o, n)? => briefs(o, n)?,
            _ => return Ok(None),
        };
        let Some(ext) = cache.extend(&self.repo, tips, &also)? else {
            return Ok(None);
        };
        let Some(old_list) = ext.old_list() else {
            return Ok(None);
        };
        let mut all: std::collections::BTreeMap<String, Summary> =
            old_list.iter().map(|s| (s.id.clone(), s.clone())).collect();
        let touched = Ledger {
            tus: ext.changed.clone(),
        };
        let on_hot: BTreeSet<String> = also
            .iter()
            .filter(|id| {
                self.repo
                    .ref_target(&self.hot_ref())
                    .ok()
                    .flatten()
                    .and_then(|t| {
                        self.repo
                            .entry_id(&t, &format!("tus/{id}.yaml"))
                            .ok()
                            .flatten()
                    })
                    .is_some()
            })
            .cloned()
            .collect();
        for id in touched.tus.keys().chain(&also) {
            let branch = self.repo.ref_target(&RefName::review(id))?.is_some();
            if touched.tus.contains_key(id) || on_hot.contains(id) || branch {
                all.insert(id.clone(), self.summary(id, &touched)?);
            } else {
                all.remove(id);
            }
        }
        let list: Vec<Summary> = all.into_values().collect();
        ext.store(cache, key, &list);
        Ok(Some(list))
    }

    /// The tips the history depends on: hot, cold and every `tu/*` branch.
    pub(crate) fn tips(&self) -> Result<super::history::Tips, Error> {
        Ok(super::history::Tips {
            hot: self.repo.ref_target(&self.hot_ref())?,
            cold: self.repo.ref_target(&self.cold_ref())?,
            tu: self
                .repo
                .branches("tu/")?
                .into_iter()
                .map(|b| (b.name, b.tip))
                .collect(),
        })
    }

    /// The cache key: the tool's version, the branch names and every tip the history
    /// depends on.
    pub(crate) fn tips_key(&self) -> Result<String, Error> {
        Ok(self.key_of(&self.tips()?))
    }

    fn key_of(&self, tips: &super::history::Tips) -> String {
        // The replay rules and the cache's format live in this binary: a different
        // build recomputes.
        let mut key = format!(
            "v4 showrunner={} hot={} cold={}",
            crate::app::verdicts::BUILD_ID,
            self.config.hot,
            self.config.cold
        );
        for (r, tip) in [(self.hot_ref(), &tips.hot), (self.cold_ref(), &tips.cold)] {
            key.push_str(&format!(
                " {r}={}",
                tip.as_ref().map(|t| t.as_str()).unwrap_or_default()
            ));
        }
        for (name, tip) in &tips.tu {
            key.push_str(&format!(" {name}={tip}"));
        }
        key
    }

    /// The whole story of one TU.
    pub fn show(&self, id: &str) -> Result<Detail, Error> {
        let ledger = self.ledger()?;
        let id = self.resolve(Some(id), &ledger)?;
        let branch = self.branch_for(&id)?;
        let record = ledger.get(&id).cloned();
        let mut files = BTreeSet::new();
        let mut blockers = Vec::new();
        let mut gates = Vec::new();
        if let Some(rec) = &record {
            for c in &rec.commits {
                files.extend(self.repo.changed_paths(&c.id)?);
            }
            // Blockers of the latest checkpoint are open until the TU ends.
            let last_checkpoint = match rec.state() {
                s if s.is_terminal() => None,
                _ => rec
                    .events
                    .iter()
                    .rposition(|e| e.event == Event::Checkpoint),
            };
            for (i, e) in rec.events.iter().enumerate() {
                for b in e.values("Blocker") {
                    blockers.push((
                        date::ymd(e.time, 0),
                        b.to_string(),
                        Some(i) == last_checkpoint,
                    ));
                }
                if let Some(g) = trailers::first(&e.trailers, "Gate") {
                    gates.push((
                        date::ymd(e.time, 0),
                        g.to_string(),
                        trailers::first(&e.trailers, "Gate-Report").map(str::to_string),
                    ));
                }
            }
        }
        Ok(Detail {
            summary: self.summary(&id, &ledger)?,
            brief: self.brief_on(&branch, &id)?,
            not_on_cold: record
                .as_ref()
                .map(|r| r.commits.iter().filter(|c| !c.on_cold).count())
                .unwrap_or(0),
            record,
            files: files.into_iter().collect(),
            blockers,
            gates,
            branch: short(&branch),
        })
    }

    /// The whole story of one TU with the question batches and conflicts that name it
    /// (`tu show`).
    pub fn show_with_desk(&self, id: &str) -> Result<Shown, Error> {
        let questions = super::questions::batches(self)?
            .into_iter()
            .filter(|b| b.tu.as_deref() == Some(id))
            .collect();
        let conflicts = super::conflict::list(self)?
            .into_iter()
            .filter(|c| c.tu.as_deref() == Some(id))
            .collect();
        Ok(Shown {
            detail: self.show(id)?,
            questions,
            conflicts,
        })
    }

    /// Whether a TU may take new commits: `Ok(Ok(()))`, or `Ok(Err(why))` when it is
    /// unknown or in a terminal state.
    pub fn open_for_commits(&self, id: &str) -> Result<Result<(), String>, Error> {
        let ledger = self.ledger()?;
        if !self.known(&ledger)?.contains(id) {
            return Ok(Err(format!("the active TU `{id}` does not exist")));
        }
        let state = ledger
            .get(id)
            .map(TuRecord::state)
            .unwrap_or(State::HotProposed);
        Ok(if state.is_terminal() {
            Err(format!("the active TU {id} is {state}"))
        } else {
            Ok(())
        })
    }

    /// Makes a TU the active one.
    pub fn switch(&self, id: &str) -> Result<String, Error> {
        let ledger = self.ledger()?;
        let id = self.resolve(Some(id), &ledger)?;
        self.set_active(&id)?;
        Ok(id)
    }

    /// TUs whose commits changed `path`, newest first.
    pub fn lineage(&self, path: &str) -> Result<Vec<Lineage>, Error> {
        let ledger = self.ledger()?;
        let mut out = Vec::new();
        for rec in ledger.tus.values() {
            for c in &rec.commits {
                if self.repo.changed_paths(&c.id)?.iter().any(|p| p == path) {
                    out.push((
                        c.seq,
                        Lineage {
                            id: rec.id.clone(),
                            state: rec.state(),
                            commit: c.id.clone(),
                            date: date::ymd(c.time, 0),
                            summary: c.summary.clone(),
                        },
                    ));
                }
            }
        }
        out.sort_by_key(|(seq, _)| std::cmp::Reverse(*seq));
        Ok(out.into_iter().map(|(_, l)| l).collect())
    }

    /// A pull-request description for a TU, in Markdown: `templates/tu/pr-body.md`,
    /// or the studio's own file of that path on hot.
    pub fn pr_body(&self, id: &str) -> Result<String, Error> {
        const TEMPLATE: &str = "tu/pr-body.md";

        let d = self.show(id)?;
        let s = &d.summary;
        let brief = d.brief.as_ref().and_then(|(_, text)| pr_brief(text));
        let timeline = d.record.as_ref().map(pr_timeline);
        let body = PrBody {
            id: &s.id,
            title: if s.title.is_empty() {
                "(no brief)"
            } else {
                &s.title
            },
            loop_id: &s.loop_id,
            state: s.state.to_string(),
            commits: s.commits,
            brief,
            timeline,
            blockers: d
                .blockers
                .iter()
                .filter(|b| b.2)
                .map(|b| b.1.as_str())
                .collect(),
            files: &d.files,
            // Once on cold there is nothing left to judge.
            candidate: match s.state {
                State::ColdMerged => None,
                _ => self.pr_candidate(id)?,
            },
            gates: d
                .gates
                .iter()
                .map(|(date, decision, report)| PrGate {
                    date,
                    decision,
                    report: report.as_deref(),
                })
                .collect(),
        };
        // A studio may word its pull requests its own way, with its own template on hot.
        let own = self.hot_template(TEMPLATE)?;
        crate::templates::document(TEMPLATE, &body, own.as_deref().map(|t| ("hot's", t)))
    }
}

impl Session {
    /// The TU's candidate as `merge` would judge it: cold plus its changes, under cold's
    /// rules, and the story diff from cold to it. `None` without a cold.
    fn pr_candidate(&self, id: &str) -> Result<Option<PrCandidate>, Error> {
        let repo = &self.repo;
        let Some(cold) = repo.ref_target(&self.cold_ref())? else {
            return Ok(None);
        };
        let tip = self.tip(&self.branch_for(id)?)?;
        let candidate = match super::promote::candidate(self, id, &tip)? {
            Ok(c) => c,
            Err(reason) => {
                return Ok(Some(PrCandidate {
                    decision: "does not apply".into(),
                    reason: Some(reason),
                    findings: Vec::new(),
                    pre_existing: 0,
                    story: Default::default(),
                }));
            }
        };
        let rules = super::cold::rules_of(repo, &cold)?;
        let report = super::verdicts::full_check_under(repo, &candidate.commit, rules)?;
        let before = super::verdicts::full_check(repo, &cold)?;
        let (stood, counted) = super::cold::set_apart(report.findings.clone(), &before);
        let story = |commit: &str| -> Result<crate::story::Story, Error> {
            let studio = crate::studio::Studio::load(&crate::studio::Tree::new(repo, commit)?)?;
            Ok(crate::story::Story::build(&studio))
        };
        let diff = crate::story::diff::diff(&story(&cold)?, &story(&candidate.commit)?);
        let decision = serde_json::to_value(report.decision)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        Ok(Some(PrCandidate {
            decision,
            reason: None,
            findings: counted
                .iter()
                .map(|f| format!("{} {}:{} {}", f.code, f.path, f.line, f.message))
                .collect(),
            pre_existing: stood.len(),
            story: diff,
        }))
    }
}

/// `refs/heads/tu/x` → `tu/x`.
pub fn short(branch_ref: &str) -> String {
    RefName::full(branch_ref).short().to_string()
}

fn capitalised(event: Event) -> String {
    let n = event.name();
    let mut c = n.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A RACI row of the brief.
#[derive(Serialize)]
struct PrRaci {
    label: &'static str,
    roles: String,
}
/// What the brief says.
#[derive(Serialize)]
struct PrBrief {
    raci: Vec<PrRaci>,
    deliverables: Option<Vec<String>>,
}
/// One event of the TU's history.
#[derive(Serialize)]
struct PrLine {
    date: String,
    event: String,
    summary: String,
    steps: Option<String>,
}
/// A gate decision.
#[derive(Serialize)]
struct PrGate<'a> {
    date: &'a str,
    decision: &'a str,
    report: Option<&'a str>,
}
/// The template's context.
#[derive(Serialize)]
struct PrBody<'a> {
    id: &'a str,
    title: &'a str,
    loop_id: &'a str,
    state: String,
    commits: usize,
    brief: Option<PrBrief>,
    timeline: Option<Vec<PrLine>>,
    blockers: Vec<&'a str>,
    files: &'a [String],
    candidate: Option<PrCandidate>,
    gates: Vec<PrGate<'a>>,
}

/// What a pull request tells of the TU's candidate (cold plus its changes): the verdict
/// it would get now, and what it does to the story graph.
#[derive(serde::Serialize)]
struct PrCandidate {
    /// `pass`, `conditional` or `block`; `does not apply` when the changes conflict.
    decision: String,
    /// Why the changes do not apply to cold, when they do not.
    reason: Option<String>,
    /// The findings that count, one line each.
    findings: Vec<String>,
    /// How many findings already stood on cold.
    pre_existing: usize,
    /// The story graph's changes.
    story: crate::story::diff::StoryDiff,
}

/// What a pull request tells of a brief: its RACI and deliverables.
fn pr_brief(text: &str) -> Option<PrBrief> {
    crate::artifact::yaml::parse(text).ok().map(|node| {
        let read = Brief::from_node(&node);
        let raci = [
            ("Accountable", &read.owner_a),
            ("Responsible", &read.responsible_r),
            ("Consulted", &read.consulted_c),
            ("Informed", &read.informed_i),
        ]
        .into_iter()
        .map(|(label, named)| PrRaci {
            label,
            roles: named.all().join(", "),
        })
        .filter(|r| !r.roles.is_empty())
        .collect();
        let deliverables = read.deliverables.map(|items| {
            items
                .into_iter()
                .map(|Lenient(item)| match item {
                    BriefDeliverable::Text(t) => t,
                    BriefDeliverable::Spec { kind, description } => format!(
                        "{}{}",
                        kind.as_deref().unwrap_or("?"),
                        description.map(|d| format!(" — {d}")).unwrap_or_default()
                    ),
                })
                .collect()
        });
        PrBrief { raci, deliverables }
    })
}

/// A TU's events, oldest first, as a pull request lists them.
fn pr_timeline(rec: &TuRecord) -> Vec<PrLine> {
    rec.events
        .iter()
        .map(|e| {
            let steps = e.values("Step");
            PrLine {
                date: date::ymd(e.time, 0),
                event: e.event.to_string(),
                summary: e.summary.clone(),
                steps: (!steps.is_empty()).then(|| steps.join(", ")),
            }
        })
        .collect()
}
