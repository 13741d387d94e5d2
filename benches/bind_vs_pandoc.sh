#!/usr/bin/env bash
# Bind a generated 10,000-section studio to EPUB and HTML beside pandoc converting the
# same sections (showrunner's Markdown view, one file) in the same run. Installs
# pypandoc-binary (it ships pandoc) into a throwaway virtualenv; nothing else needs it.
# Usage: bash benches/bind_vs_pandoc.sh [sections]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv" >/dev/null
"$work/venv/bin/pip" install --quiet pypandoc-binary
pandoc="$("$work/venv/bin/python" -c 'import pypandoc; print(pypandoc.get_pandoc_path())')"
cargo build --release --quiet --bin showrunner --example gen-studio
sr=target/release/showrunner
target/release/examples/gen-studio "$work/studio" "$n" >/dev/null
"$sr" -C "$work/studio" snapshot --name bench >/dev/null
"$sr" -C "$work/studio" bind bench --format md -o "$work/md" >/dev/null

measure() { # label, command... — wall time and peak memory of one run
  local label="$1"; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>&1 || true
  read -r secs kb < "$work/time"
  printf '%-64s %8.2f s %8d MB\n' "$label" "$secs" "$((kb / 1024))"
}

echo "studio: $n sections; pandoc $("$pandoc" --version | head -1 | cut -d' ' -f2); $(nproc) cores"
measure "showrunner bind --format epub,html" "$sr" -C "$work/studio" bind bench --format epub,html -o "$work/out"
measure "showrunner bind --format epub" "$sr" -C "$work/studio" bind bench --format epub -o "$work/out-e"
measure "showrunner bind --format html" "$sr" -C "$work/studio" bind bench --format html -o "$work/out-h"
measure "showrunner bind --format pdf" "$sr" -C "$work/studio" bind bench --format pdf -o "$work/out-p"
measure "pandoc book.md -o book.html --standalone" "$pandoc" "$work/md/book.md" --standalone -o "$work/pandoc.html"
measure "pandoc book.md -o book.epub" "$pandoc" "$work/md/book.md" -o "$work/pandoc.epub"
