#!/usr/bin/env python3
"""How long a keystroke's diagnostics take to arrive from `showrunner lsp`, measured as
an editor sees it: from sending `textDocument/didChange` to receiving the
`textDocument/publishDiagnostics` it causes (the server's 20 ms debounce included).

Usage: python3 benches/lsp_latency.py <showrunner binary> <studio> [keystrokes] [section]

Each keystroke in turn breaks one choice's target (a finding appears) and mends it (the
file's diagnostics are cleared). Prints the time to the first full judgement, then the
median, 95th percentile and worst keystroke.
"""
import json
import os
import statistics
import subprocess
import sys
import time


def main():
    binary, studio = os.path.abspath(sys.argv[1]), os.path.realpath(sys.argv[2])
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    section = sys.argv[4] if len(sys.argv) > 4 else "sections/s05000.md"
    p = subprocess.Popen([binary, "lsp"], cwd=studio, stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def send(m):
        b = json.dumps(m).encode()
        p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(b) + b)
        p.stdin.flush()

    def recv():
        length = None
        while True:
            line = p.stdout.readline()
            if not line:
                raise SystemExit("the server stopped")
            line = line.strip()
            if not line:
                break
            k, _, v = line.decode().partition(":")
            if k.lower() == "content-length":
                length = int(v)
        return json.loads(p.stdout.read(length))

    ids = iter(range(1, 1 << 30))

    def request(method, params):
        i = next(ids)
        send({"jsonrpc": "2.0", "id": i, "method": method, "params": params})
        while True:
            m = recv()
            if m.get("id") == i and "method" not in m:
                return m

    uri = "file://" + os.path.join(studio, section)
    t0 = time.perf_counter()
    request("initialize", {"processId": None, "rootUri": "file://" + studio, "capabilities": {}})
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    # Answered once the first full judgement is done (the server does one thing at a time).
    request("workspace/symbol", {"query": "s00000"})
    first = time.perf_counter() - t0
    text = open(os.path.join(studio, section), encoding="utf-8").read()
    to = next(l for l in text.split("\n") if l.strip().startswith("to:"))
    broken = text.replace(to, to + "x", 1)
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
          "params": {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}})
    times = []
    for k in range(n):
        bad = k % 2 == 0
        t = time.perf_counter()
        send({"jsonrpc": "2.0", "method": "textDocument/didChange",
              "params": {"textDocument": {"uri": uri, "version": k + 2},
                         "contentChanges": [{"text": broken if bad else text}]}})
        while True:
            m = recv()
            if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri:
                if bool(m["params"]["diagnostics"]) == bad:
                    break
        times.append((time.perf_counter() - t) * 1000)
    request("shutdown", None)
    send({"jsonrpc": "2.0", "method": "exit"})
    p.wait(10)
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(f"first full judgement: {first * 1000:.0f} ms")
    print(f"{n} keystrokes: median {statistics.median(times):.1f} ms, "
          f"p95 {p95:.1f} ms, worst {times[-1]:.1f} ms")


if __name__ == "__main__":
    main()
