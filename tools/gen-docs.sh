#!/usr/bin/env bash
# Regenerates every generated block of docs/*.md from the built policy-eval.
#   tools/gen-docs.sh [POLICY_EVAL]      default build/tools/policy-eval (or $POLICY_EVAL)
#
# A generated block is the exact standard output of the command its opening marker names:
#   <!-- generated: policy-eval tables TW --format markdown -->
#   ...
#   <!-- end generated -->
# `generated: fields QUESTION` stands for `policy-eval fields QUESTION` (the field schema of a
# question); while policy-eval has no `fields` command the hand-written table stays.
# A pending block holds a hand-written table that the engine does not hold yet:
#   <!-- pending: policy-eval tables TT --format markdown --> ... <!-- end pending -->
# Once the command succeeds, the block becomes a generated one (markers and content).
# tests/cli/test_docs.cpp checks that the committed docs equal what this script writes.
set -euo pipefail
cd "$(dirname "$0")/.."
policy_eval=${1:-${POLICY_EVAL:-build/tools/policy-eval}}
[[ -x $policy_eval ]] || { echo "gen-docs: $policy_eval not found: build it first (cmake --build build --target policy-eval)" >&2; exit 2; }

exec python3 - "$policy_eval" docs/*.md <<'PYTHON'
import re
import subprocess
import sys

policy_eval, files = sys.argv[1], sys.argv[2:]
# A marker is a whole line; the block runs to its end marker, also a whole line.
block = re.compile(r"^<!-- (generated|pending): ([^\n]+?) -->\n(.*?)^<!-- end \1 -->\n", re.S | re.M)


def command_of(text):
    """The argument list a marker names (after policy-eval)."""
    words = text.split()
    if words[0] == "fields":
        return ["fields"] + words[1:]
    if words[0] != "policy-eval":
        sys.exit(f"gen-docs: marker names neither policy-eval nor fields: {text}")
    return words[1:]


def output_of(text):
    run = subprocess.run([policy_eval] + command_of(text), capture_output=True, text=True)
    return run.stdout if run.returncode == 0 else None


def regenerate(match):
    kind, command, body = match.group(1), match.group(2), match.group(3)
    out = output_of(command)
    if out is None:
        if kind == "generated" and command.split()[0] != "fields":
            sys.exit(f"gen-docs: `{command}` failed: rebuild policy-eval, or fix the marker")
        return match.group(0)  # not generated yet: keep the hand-written text
    return f"<!-- generated: {command} -->\n{out}<!-- end generated -->\n"


changed = 0
for path in files:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    new = block.sub(regenerate, text)
    if new != text:
        with open(path, "w", encoding="utf-8") as f:
            f.write(new)
        changed += 1
        print(f"gen-docs: rewrote {path}")
print(f"gen-docs: {len(files)} files checked, {changed} rewritten")
PYTHON
