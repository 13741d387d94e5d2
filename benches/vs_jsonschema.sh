#!/usr/bin/env bash
# Full gatecheck of a generated 10,000-section studio beside check-jsonschema validating
# the same section front matter, in the same run. Installs check-jsonschema (PyPI) here
# only, into a throwaway virtualenv. Usage: bash benches/vs_jsonschema.sh [sections]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv" >/dev/null
"$work/venv/bin/pip" install --quiet check-jsonschema
cargo build --release --quiet --bin showrunner --example gen-studio
target/release/examples/gen-studio "$work/studio" "$n" >/dev/null

# The same front matter, as plain YAML files, for check-jsonschema.
python3 - "$work/studio/sections" "$work/fm" <<'PY'
import os, sys
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst)
for name in os.listdir(src):
    text = open(os.path.join(src, name), encoding="utf-8").read()
    fm = text.split("---\n")[1]
    open(os.path.join(dst, name[:-3] + ".yaml"), "w", encoding="utf-8").write(fm)
PY

time_it() { # label, command... — best wall time of three runs
  local label="$1"; shift
  python3 - "$label" "$@" <<'PY'
import subprocess, sys, time
label, cmd = sys.argv[1], sys.argv[2:]
best = None
for _ in range(3):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t = time.perf_counter() - t
    best = t if best is None or t < best else best
print(f"{label:<72} {best:6.3f} s (best of 3)")
PY
}

echo "studio: $n sections ($(find "$work/studio" -name '*.md' | wc -l) Markdown files), $(nproc) cores"
time_it "check-jsonschema: section front matter vs schemas/section.schema.json" \
  "$work/venv/bin/check-jsonschema" --schemafile schemas/section.schema.json "$work"/fm/*.yaml
time_it "showrunner gate check (git objects, schema + 8 bars)" \
  target/release/showrunner -C "$work/studio" gate check
time_it "showrunner gate check --bars schema (git objects)" \
  target/release/showrunner -C "$work/studio" gate check --bars schema
/usr/bin/time -f "showrunner gate check peak memory: %M KB" \
  target/release/showrunner -C "$work/studio" gate check >/dev/null
