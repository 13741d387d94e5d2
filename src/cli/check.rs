//! `showrunner check [paths…]`: the gatecheck over the work tree.

use std::path::PathBuf;

use clap::Args;

use super::{Ctx, Output, report_output};
use crate::error::Error;
use crate::gate;
use crate::studio::{self, Studio, WorkDir};

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Only report findings in these files or folders (the whole studio is still loaded,
    /// so cross-file rules such as duplicate ids see everything).
    pub paths: Vec<PathBuf>,
}

pub(super) fn run(ctx: &Ctx, args: CheckArgs) -> Result<Output, Error> {
    let root = studio::find_root(&ctx.base)?;
    let loaded = Studio::load(&WorkDir::new(&root))?;
    let mut report = gate::check(&loaded);
    if !args.paths.is_empty() {
        let mut rel = Vec::new();
        for p in &args.paths {
            let abs = ctx.base.join(p);
            let canon = std::fs::canonicalize(&abs)
                .map_err(|_| Error::Usage(format!("no such file or folder: {}", p.display())))?;
            let r = canon.strip_prefix(&root).map_err(|_| {
                Error::Usage(format!(
                    "{} is outside the studio at {}",
                    p.display(),
                    root.display()
                ))
            })?;
            let mut s = r.to_string_lossy().replace('\\', "/");
            if canon.is_dir() && !s.is_empty() {
                s.push('/');
            }
            rel.push(s);
        }
        if !rel.iter().any(|r| r.is_empty()) {
            report = report.restricted_to(&rel);
        }
    }
    Ok(report_output(ctx, &report, &loaded, "check"))
}
