#!/usr/bin/env python3
"""The crate's module dependency graph: which top-level module of src/ names which
other (`crate::X` anywhere in the file, `use crate::{X, Y}` groups included), then
every cycle. Exits 1 when there is a cycle.

    python3 scripts/module-graph.py [--exclude web,cli]   # edges as "a -> b, c", then cycles
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
exclude = set()
if len(sys.argv) > 2 and sys.argv[1] == "--exclude":
    exclude = set(sys.argv[2].split(","))

mods = {}
for dirpath, _, files in os.walk(ROOT):
    for f in files:
        if not f.endswith(".rs") or dirpath.endswith("bin"):
            continue
        rel = os.path.relpath(os.path.join(dirpath, f), ROOT)
        top = rel.split(os.sep)[0].removesuffix(".rs")
        if top in ("lib", "main") or top in exclude:
            continue
        mods.setdefault(top, "")
        mods[top] += open(os.path.join(dirpath, f)).read()

graph = {}
for m, text in mods.items():
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    deps = set(re.findall(r"crate::([a-z_]+)", code))
    for group in re.findall(r"crate::\{([^}]*)\}", code):
        deps |= set(re.findall(r"\b([a-z_]+)\b", group))
    graph[m] = sorted(d for d in deps if d in mods and d != m)

for m in sorted(graph):
    print(f"{m} -> {', '.join(graph[m]) or '(nothing)'}")

# Cycles: strongly connected components with more than one module (Tarjan).
index, low, on, stack, sccs, counter = {}, {}, set(), [], [], [0]
def visit(v):
    index[v] = low[v] = counter[0]; counter[0] += 1
    stack.append(v); on.add(v)
    for w in graph[v]:
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            sccs.append(sorted(comp))
for v in sorted(graph):
    if v not in index:
        visit(v)
if sccs:
    for c in sccs:
        print("cycle among: " + ", ".join(c))
    sys.exit(1)
print("no cycles")
