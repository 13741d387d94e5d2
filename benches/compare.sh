#!/usr/bin/env bash
# The table's labels are Markdown: backticks in single quotes are meant literally.
# shellcheck disable=SC2016
#
# showrunner beside the tools a reader would compare it with, in one run on one machine.
#
# Builds the release binaries once and generates the inputs once into a temporary
# folder. Then it times each showrunner command and its anchor alternately (A B A B …),
# `--runs` times each. It prints one Markdown table of medians, ratios and peak memory:
#
#   gate check                        vs  git archive hot (the same tree)
#   gate check --bars schema          vs  check-jsonschema (the same sections' front matter)
#   tu list, no cache                 vs  git log --format='%(trailers:key=TU,valueonly)'
#   tu list, one commit after a warm one  vs  git log -1
#   bind --format epub,html           vs  pandoc book.md to EPUB, and to HTML
#   hook decision (update-ref cold)   vs  the same update-ref in a copy without hooks
#
# With `--scale "1000 10000 100000"` it runs a different job. For each size it
# generates a studio and times gate check, git archive, bind and playtest. It prints a
# second table, which benches/chart.py draws.
#
# check-jsonschema and pypandoc-binary (which ships pandoc 3) go into a throwaway
# virtualenv in the temporary folder. Nothing else needs them.
#
# Usage: bash benches/compare.sh [--sections N] [--commits N] [--runs N]
#          [--profile dense|synthetic] [--scale "N N …"]
# Defaults: 10000 sections, 200000 commits, 5 runs, the dense profile.
# Environment: COMPARE_TSV=<path> keeps every sample (one line a run), and
# SCALE_TSV=<path> keeps the scale table (the input of benches/chart.py).
#
# Wall time is time.perf_counter around the process. Peak memory is the largest
# resident set of the process and its children, from wait4(2): the figure
# `/usr/bin/time -f %M` prints. Both come from the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

usage() {
  sed -n '/^# Usage: /,/^# Defaults/ s/^# \{0,1\}//p' "$0"
}

sections=10000
commits=200000
runs=5
profile=dense
scale=""
while (($#)); do
  case "$1" in
    --sections) sections="${2:?--sections needs a number}"; shift 2 ;;
    --commits) commits="${2:?--commits needs a number}"; shift 2 ;;
    --runs) runs="${2:?--runs needs a number}"; shift 2 ;;
    --profile) profile="${2:?--profile needs dense or synthetic}"; shift 2 ;;
    --scale) scale="${2:?--scale needs sizes, e.g. \"1000 10000\"}"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "compare.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
read -r -a scale_sizes <<<"$scale"
for n in "$sections" "$commits" "$runs" "${scale_sizes[@]}"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: '$n' is not a positive whole number" >&2; exit 2; }
done
[[ "$profile" == dense || "$profile" == synthetic ]] ||
  { echo "compare.sh: --profile takes dense or synthetic, not '$profile'" >&2; exit 2; }

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "compare.sh: '$1' is needed and is not on PATH" >&2; exit 1; }
}
for tool in cargo git python3 nproc free date uname awk sed cp; do need "$tool"; done
python3 -c 'import os, sys; sys.exit(not (hasattr(os, "wait4") and hasattr(os, "posix_spawnp")))' ||
  { echo "compare.sh: python3 lacks os.wait4 or os.posix_spawnp (Python >= 3.9 on Linux or macOS)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
say() { printf '%s\n' "$*" >&2; }

# Hermetic git: no user or system configuration, and a fixed identity.
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.invalid
export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.invalid

started=$SECONDS
say "building the release binaries…"
cargo build --release --quiet --bin showrunner --example gen-studio --example gen-history
sr="$root/target/release/showrunner"
gen_studio="$root/target/release/examples/gen-studio"
gen_history="$root/target/release/examples/gen-history"

# ---------------------------------------------------------------------------------------
# One sample: `measure KEY RUN OUT -- command…` runs the command once with standard output
# to OUT and standard error appended to $work/log/KEY.err. It appends the key, the run,
# the wall seconds, the peak KB, the exit code and the command to $raw. A non-zero exit
# is recorded, and reported in the table. It does not stop the run.
raw="$work/samples.tsv"
printf 'key\trun\twall_s\tpeak_kb\texit\tcommand\n' >"$raw"
mkdir -p "$work/log"
cat >"$work/measure.py" <<'PY'
import os, sys, time
raw, key, run, out, sep, *cmd = sys.argv[1:]
if sep != "--" or not cmd:
    sys.exit("usage: measure.py RAW KEY RUN OUT -- command...")
err = os.path.join(os.path.dirname(raw), "log", key + ".err")
actions = [
    (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
    (os.POSIX_SPAWN_OPEN, 1, out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
    (os.POSIX_SPAWN_OPEN, 2, err, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644),
]
start = time.perf_counter()
pid = os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=actions)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
code = os.waitstatus_to_exitcode(status)
shown = cmd if len(cmd) <= 12 else cmd[:10] + [f"… ({len(cmd) - 10} more)"]
with open(raw, "a", encoding="utf-8") as f:
    f.write(f"{key}\t{run}\t{wall:.6f}\t{usage.ru_maxrss}\t{code}\t{' '.join(shown)}\n")
if code != 0:
    with open(err, encoding="utf-8", errors="replace") as e:
        tail = e.read().strip().splitlines()[-2:]
    print(f"  {key}, run {run}: exit {code}: " + " | ".join(tail), file=sys.stderr)
PY
measure() { python3 "$work/measure.py" "$raw" "$@"; }

# A studio of N sections in the chosen profile, its objects packed as a clone's are,
# with cold tagged as the snapshot `bench`.
make_studio() { # dir sections
  "$gen_studio" "$1" "$2" 1 "$profile" >/dev/null
  git -C "$1" gc -q
  "$sr" -C "$1" snapshot --name bench >/dev/null
}

mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
thousands() { # 200000 -> 200,000
  local n="$1" out=""
  while ((${#n} > 3)); do out=",${n: -3}$out"; n="${n:0:${#n}-3}"; done
  printf '%s%s' "$n" "$out"
}
pack_bytes() { git -C "$1" count-objects -v | awk '/^size-pack:/ { print $2 * 1024 }'; }

src_at="$(git -C "$root" rev-parse --short HEAD)"
[[ -z "$(git -C "$root" status --porcelain -- src Cargo.toml Cargo.lock)" ]] ||
  src_at+=" + uncommitted changes"
header() { # what the run measured, on a few lines before the table
  printf '## showrunner beside its anchors, %s\n\n' "$(date -u +%F)"
  printf -- '- machine: %s cores, %s GiB RAM (`free -g`), %s\n' \
    "$(nproc)" "$(free -g | awk '/^Mem:/ { print $2 }')" "$(uname -sm)"
  printf -- '- inputs: %s\n' "$1"
  printf -- '- method: %s of each command, alternating with its anchor; medians of wall time; peak RSS of the process tree\n' \
    "$runs run$( ((runs == 1)) || echo s)"
  printf -- '- versions: %s (src %s), %s%s\n\n' "$("$sr" --version)" "$src_at" \
    "$(git --version | sed 's/ version / /')" "${2:-}"
}

keep_samples() {
  if [[ -n "${COMPARE_TSV:-}" ]]; then cp "$raw" "$COMPARE_TSV"; say "samples written to $COMPARE_TSV"; fi
}

# =======================================================================================
# --scale: one studio per size; gate check, git archive, bind, playtest at each.
if ((${#scale_sizes[@]})); then
  for n in "${scale_sizes[@]}"; do
    say "scale $n: generating a $profile studio…"
    dir="$work/scale-$n"
    make_studio "$dir" "$n"
    say "scale $n: timing, $runs run(s)…"
    for ((i = 1; i <= runs; i++)); do
      measure "s$n-gate" "$i" /dev/null -- "$sr" -C "$dir" gate check
      measure "s$n-archive" "$i" /dev/null -- git -C "$dir" archive hot
      rm -rf "$work/bound"
      measure "s$n-bind" "$i" /dev/null -- "$sr" -C "$dir" bind bench --format epub,html -o "$work/bound"
      measure "s$n-playtest" "$i" /dev/null -- "$sr" -C "$dir" playtest bench --random 1000 --seed 1
    done
    rm -rf "$dir" "$work/bound"
  done
  sizes=""
  for n in "${scale_sizes[@]}"; do sizes+="${sizes:+, }$(thousands "$n")"; done
  header "$profile studios of $sizes sections, one per size (seed 1), packed with git gc"
  python3 - "$raw" "$work/scale.tsv" "${scale_sizes[@]}" <<'PY'
import csv, statistics, sys
raw, out, sizes = sys.argv[1], sys.argv[2], sys.argv[3:]
samples = {}
with open(raw, encoding="utf-8") as f:
    for r in csv.DictReader(f, delimiter="\t"):
        samples.setdefault(r["key"], []).append(r)
def med(key, field="wall_s"):
    return statistics.median(float(r[field]) for r in samples[key])
kinds = ("gate", "archive", "bind", "playtest")
print("| sections | gate check (s) | git archive (s) | ratio | bind epub,html (s) | bind peak RSS (MB) | playtest --random 1000 (s) |")
print("|---:|---:|---:|---:|---:|---:|---:|")
notes = []
with open(out, "w", encoding="utf-8") as f:
    f.write("sections\tgate_s\tgit_archive_s\tratio\tbind_s\tbind_mb\tplaytest_s\n")
    for n in sizes:
        g, a, b, p = (med(f"s{n}-{k}") for k in kinds)
        bind_mb = med(f"s{n}-bind", "peak_kb") / 1024
        f.write(f"{n}\t{g:.4f}\t{a:.4f}\t{g / a:.3f}\t{b:.4f}\t{bind_mb:.1f}\t{p:.4f}\n")
        print(f"| {int(n):,} | {g:.3f} | {a:.3f} | {g / a:.2f}× | {b:.3f} | {bind_mb:.0f} | {p:.3f} |")
        for k in kinds:
            bad = [r["exit"] for r in samples[f"s{n}-{k}"] if r["exit"] != "0"]
            if bad:
                notes.append(f"{k} at {n} sections exited {', '.join(sorted(set(bad)))} in {len(bad)} of {len(samples[f's{n}-{k}'])} runs")
for note in notes:
    print(f"\nNote: {note}.")
PY
  if [[ -n "${SCALE_TSV:-}" ]]; then cp "$work/scale.tsv" "$SCALE_TSV"; say "scale table written to $SCALE_TSV"; fi
  keep_samples
  say "done in $((SECONDS - started)) s"
  exit 0
fi

# =======================================================================================
# The comparisons. First the anchors' tools, in one throwaway virtualenv.
say "installing check-jsonschema and pypandoc-binary into a throwaway virtualenv…"
python3 -m venv "$work/venv" >/dev/null
"$work/venv/bin/pip" install --quiet --disable-pip-version-check check-jsonschema pypandoc-binary
jsonschema="$work/venv/bin/check-jsonschema"
pandoc="$("$work/venv/bin/python" -c 'import pypandoc; print(pypandoc.get_pandoc_path())')"
[[ -x "$jsonschema" ]] || { echo "compare.sh: check-jsonschema did not install" >&2; exit 1; }
[[ -x "$pandoc" ]] || { echo "compare.sh: pypandoc-binary ships no pandoc at '$pandoc'" >&2; exit 1; }
schema="$root/schemas/section.schema.json"
[[ -f "$schema" ]] || { echo "compare.sh: $schema is missing" >&2; exit 1; }

say "generating a $profile studio of $sections sections and a history of $commits commits…"
studio="$work/studio"
make_studio "$studio" "$sections"
hist="$work/history"
"$gen_history" "$hist" "$commits" "$profile" >/dev/null
git -C "$hist" gc -q

# The same sections' front matter, as plain YAML files, for check-jsonschema.
python3 - "$studio/sections" "$work/fm" <<'PY'
import os, sys
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst)
for name in sorted(os.listdir(src)):
    if not name.endswith(".md"):
        continue
    with open(os.path.join(src, name), encoding="utf-8") as f:
        front = f.read().split("---\n")[1]
    with open(os.path.join(dst, name[:-3] + ".yaml"), "w", encoding="utf-8") as f:
        f.write(front)
PY
# showrunner's Markdown view of the snapshot, one file: what pandoc converts.
"$sr" -C "$studio" bind bench --format md -o "$work/md" >/dev/null
book="$work/md/book.md"

# The hook case. A copy of the studio where a TU changes one section's title, all the
# way to a gatecheck submission, so hot is one traced change ahead of cold. (benches/gate.rs
# uses the same one-section change.) That copy gets showrunner's hooks; a second copy,
# made before they are installed, is the bare-git anchor.
say "preparing the hook case…"
hooked="$work/hooked"
plain="$work/plain"
cp -a "$studio" "$hooked"
"$sr" -C "$hooked" tu open --loop scene_forge --title "Revise one place" >/dev/null
"$sr" -C "$hooked" tu start >/dev/null
count="$(git -C "$hooked" ls-tree --name-only hot sections/ | wc -l)"
section="$(git -C "$hooked" ls-tree --name-only hot sections/ | sed -n "$(((count + 1) / 2))p")"
sed -i.orig 's/^title: "\(.*\)"$/title: "\1 (revised)"/' "$hooked/$section"
rm -f "$hooked/$section.orig"
! git -C "$hooked" diff --quiet -- "$section" ||
  { echo "compare.sh: found no title line to change in $section" >&2; exit 1; }
# The loop's required steps are recorded, as its exit criteria ask before a submit.
"$sr" -C "$hooked" tu checkpoint -a -m "Revise one place" --step scope_scenes \
  --step shape_choices --step draft_prose --step check_canon >/dev/null
"$sr" -C "$hooked" gate submit >/dev/null
old="$(git -C "$hooked" rev-parse cold)"
new="$(git -C "$hooked" rev-parse hot)"
cp -a "$hooked" "$plain"
"$sr" -C "$hooked" hooks install >/dev/null
git -C "$hooked" config showrunner.path "$sr"
[[ -x "$hooked/.git/hooks/reference-transaction" ]] ||
  { echo "compare.sh: hooks install left no reference-transaction hook" >&2; exit 1; }
reset_cold() { # repo — cold back to where it was, around any hook
  git -c core.hooksPath=/dev/null -C "$1" update-ref refs/heads/cold "$old"
  [[ "$(git -C "$1" rev-parse cold)" == "$old" ]] || { echo "compare.sh: cold did not reset in $1" >&2; exit 1; }
}
forget() { # what the hooked repository remembers between commands (cache memo verdicts)
  local what
  for what in "$@"; do rm -rf "$hooked/.git/showrunner/$what"; done
}

# A commit on the history's hot, as a TU's checkpoint makes it: one section changed, a
# TU trailer (the first opens the TU, the second starts it).
tu_id="TU-2026-12-31-SS99"
new_commit() { # run
  local parent blob tree msg commit index="$work/history.index"
  parent="$(git -C "$hist" rev-parse hot)"
  blob="$(printf -- '---\nid: s0\ntitle: S\nflags: [terminal]\n---\nBench revision %s.\n' "$1" |
    git -C "$hist" hash-object -w --stdin)"
  GIT_INDEX_FILE="$index" git -C "$hist" read-tree hot
  GIT_INDEX_FILE="$index" git -C "$hist" update-index --cacheinfo "100644,$blob,sections/s0.md"
  tree="$(GIT_INDEX_FILE="$index" git -C "$hist" write-tree)"
  case "$1" in
    1) msg="Open $tu_id"$'\n\n'"TU: $tu_id"$'\nTU-Event: open\nLoop: scene_forge\nRole: SS\n' ;;
    2) msg="Start $tu_id"$'\n\n'"TU: $tu_id"$'\nTU-Event: start\nLoop: scene_forge\nRole: SS\n' ;;
    *) msg="Work $1 on $tu_id"$'\n\n'"TU: $tu_id"$'\n' ;;
  esac
  commit="$(printf '%s' "$msg" | git -C "$hist" commit-tree "$tree" -p "$parent")"
  git -C "$hist" update-ref refs/heads/hot "$commit" "$parent"
}

# Rows of the table: label, showrunner key, anchor label, anchor keys (k1+k2: their sum
# in each round), and a note for below the table (empty: none).
rows="$work/rows.tsv"
: >"$rows"
row() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$rows"; }

say "timing gate check / git archive / check-jsonschema ($runs rounds)…"
for ((i = 1; i <= runs; i++)); do
  measure gate "$i" /dev/null -- "$sr" -C "$studio" gate check
  measure archive "$i" /dev/null -- git -C "$studio" archive hot
done
for ((i = 1; i <= runs; i++)); do
  measure gate-schema "$i" /dev/null -- "$sr" -C "$studio" gate check --bars schema
  # Relative names keep the argument list short (they are passed in one command line).
  (cd "$work/fm" && measure jsonschema "$i" /dev/null -- "$jsonschema" --schemafile "$schema" ./*.yaml)
done
row '`gate check` (git objects, schema + 8 bars)' gate '`git archive hot >/dev/null`' archive \
  "gate check vs git archive: both read hot's whole tree from the same packed objects; git archive only writes it out"
row '`gate check --bars schema`' gate-schema '`check-jsonschema --schemafile schemas/section.schema.json`' jsonschema \
  "gate check --bars schema vs check-jsonschema: check-jsonschema validates the sections' front matter only, as YAML files on disk; showrunner reads every artifact from git objects and validates each against its schema"

say "timing tu list / git log ($runs rounds)…"
for ((i = 1; i <= runs; i++)); do
  rm -rf "$hist/.git/showrunner/cache"
  measure tu-cold "$i" /dev/null -- "$sr" -C "$hist" tu list
  measure log-trailers "$i" /dev/null -- git -C "$hist" log '--format=%(trailers:key=TU,valueonly)' hot
done
for ((i = 1; i <= runs; i++)); do
  "$sr" -C "$hist" tu list >/dev/null # warm: the cache holds hot's tip before the commit
  new_commit "$i"
  measure tu-next "$i" /dev/null -- "$sr" -C "$hist" tu list
  measure log-1 "$i" /dev/null -- git -C "$hist" log -1 hot
done
row '`tu list`, no cache' tu-cold "\`git log --format='%(trailers:key=TU,valueonly)' hot\`" log-trailers \
  "tu list, no cache: the whole history is read; .git/showrunner/cache is deleted before each run"
row '`tu list` after one new commit on hot (cache warm before it)' tu-next '`git log -1 hot`' log-1 \
  "tu list after one commit: each run follows one new commit on hot carrying a TU trailer, made after an untimed tu list that left the cache warm"

say "timing bind / pandoc ($runs rounds)…"
for ((i = 1; i <= runs; i++)); do
  rm -rf "$work/bound" "$work/pandoc.epub" "$work/pandoc.html"
  measure bind "$i" /dev/null -- "$sr" -C "$studio" bind bench --format epub,html -o "$work/bound"
  measure pandoc-epub "$i" /dev/null -- "$pandoc" "$book" -o "$work/pandoc.epub"
  measure pandoc-html "$i" /dev/null -- "$pandoc" "$book" -o "$work/pandoc.html" --standalone
done
row '`bind --format epub,html`' bind '`pandoc book.md -o book.epub`' pandoc-epub \
  "bind vs pandoc: book.md is showrunner's own Markdown view of the same snapshot (bind --format md), one file"
row '`bind --format epub,html`' bind '`pandoc book.md -o book.html --standalone`' pandoc-html ""
row '`bind --format epub,html`' bind 'both pandoc runs (EPUB + HTML, summed per round)' pandoc-epub+pandoc-html \
  "bind vs both pandoc runs: bind writes both formats in one process, so this is the like-for-like anchor"

say "timing hook decisions / update-ref ($runs rounds each)…"
update_cold() { # key run repo
  measure "$1" "$2" /dev/null -- git -C "$3" update-ref refs/heads/cold "$new"
  reset_cold "$3"
}
for ((i = 1; i <= runs; i++)); do
  forget cache memo verdicts
  update_cold hook-fresh "$i" "$hooked"
  update_cold update-ref-1 "$i" "$plain"
done
# Cold's own tree judged, as it is once cold has moved there: cold is created through the
# hook (a full gatecheck of its tree, whose memo stays; its history is untraced, so the
# creation itself may be refused) and then set without hooks.
forget cache memo verdicts
git -c core.hooksPath=/dev/null -C "$hooked" update-ref -d refs/heads/cold "$old"
git -C "$hooked" update-ref refs/heads/cold "$old" 2>/dev/null || true
reset_cold "$hooked"
[[ -f "$hooked/.git/showrunner/memo/$(git -C "$hooked" rev-parse 'cold^{tree}').bin" ]] ||
  { echo "compare.sh: creating cold through the hook left no memo of its tree" >&2; exit 1; }
for ((i = 1; i <= runs; i++)); do
  forget verdicts
  update_cold hook-memo "$i" "$hooked"
  update_cold update-ref-2 "$i" "$plain"
done
for ((i = 1; i <= runs; i++)); do # the verdict on hot's tree stands from the runs above
  update_cold hook-known "$i" "$hooked"
  update_cold update-ref-3 "$i" "$plain"
done
row "hook decision, nothing remembered: \`git update-ref refs/heads/cold <hot>\` with showrunner's hooks" hook-fresh \
  '`git update-ref refs/heads/cold <hot>` without hooks' update-ref-1 \
  "hook decision: hot is one traced TU ahead of cold (one section's title changed, submitted); before each run .git/showrunner/{cache,memo,verdicts} are deleted and cold is reset without hooks, so the decision is a full gatecheck plus traceability"
row "hook decision, cold's tree judged before (its memo kept, verdicts deleted)" hook-memo \
  'the same, without hooks' update-ref-2 \
  "hook decision, cold's tree judged: the incremental gatecheck from cold's memo, as when cold got there through showrunner"
row "hook decision, the same move again (verdict remembered)" hook-known \
  'the same, without hooks' update-ref-3 \
  "hook decision, verdict remembered: what a merge's own reference-transaction hook, or a pre-push after it, sees"

# ---------------------------------------------------------------------------------------
tree_bytes="$(git -C "$studio" ls-tree -r -l hot | awk '{ s += $4 } END { print s }')"
files="$(git -C "$studio" ls-tree -r --name-only hot | wc -l)"
header "$(thousands "$sections") $profile sections ($(thousands "$files") files, $(mb "$tree_bytes") MB of blobs in hot's tree, $(mb "$(pack_bytes "$studio")") MB packed); a $profile history of $(thousands "$commits") commits ($(mb "$(pack_bytes "$hist")") MB packed)" \
  ", $("$pandoc" --version | head -1) (pypandoc-binary), $("$jsonschema" --version | sed 's/, version / /')"
python3 - "$raw" "$rows" <<'PY'
import csv, statistics, sys
raw, rows = sys.argv[1], sys.argv[2]
samples = {}
with open(raw, encoding="utf-8") as f:
    for r in csv.DictReader(f, delimiter="\t"):
        samples.setdefault(r["key"], []).append(r)

def seconds(s):
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 0.01:
        return f"{s * 1000:.0f} ms" if s >= 0.1 else f"{s * 1000:.1f} ms"
    return f"{s * 1000:.2f} ms"

def exits(key):
    bad = [r["exit"] for r in samples[key] if r["exit"] != "0"]
    if not bad:
        return ""
    return f" (exit {', '.join(sorted(set(bad)))} in {len(bad)} of {len(samples[key])} runs)"

def anchor(keys):
    """Median of the per-round sum of the keys' wall times, and their largest peak."""
    parts = keys.split("+")
    rounds = zip(*(samples[k] for k in parts))
    wall = statistics.median(sum(float(r["wall_s"]) for r in rs) for rs in rounds)
    peak = max(statistics.median(float(r["peak_kb"]) for r in samples[k]) for k in parts)
    return wall, peak, "".join(exits(k) for k in parts)

print("| comparison | showrunner (median) | anchor (median) | ratio | showrunner peak RSS | anchor peak RSS |")
print("|---|---:|---:|---:|---:|---:|")
notes = []
with open(rows, encoding="utf-8") as f:
    for label, key, alabel, akeys, note in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
        wall = statistics.median(float(r["wall_s"]) for r in samples[key])
        peak = statistics.median(float(r["peak_kb"]) for r in samples[key])
        awall, apeak, aexits = anchor(akeys)
        ratio = wall / awall
        print(f"| {label}{exits(key)} vs {alabel}{aexits} | {seconds(wall)} | {seconds(awall)} "
              f"| {ratio:.2f}× | {peak / 1024:.0f} MB | {apeak / 1024:.0f} MB |")
        if note:
            notes.append(f"- {note}.")
print()
print("Ratio: showrunner's median over the anchor's; below 1× showrunner is quicker. Peak RSS is the median over runs of each run's peak.")
print()
print("\n".join(notes))
PY
keep_samples
say "done in $((SECONDS - started)) s"
