#!/usr/bin/env python3
"""Prints kube-sim's rollout record (JSON from /sim/rollouts on stdin) one line per rollout."""
import json
import sys

for rollout in json.load(sys.stdin)["items"]:
    changes = []
    for change in rollout["changed"]["env"] + rollout["changed"]["annotations"]:
        where = change.get("container") or "template"
        value = (change.get("new") or "(removed)")[:12]
        changes.append(f"{where}: {change['name']}={value}")
    name = f"{rollout['namespace']}/{rollout['name']}"
    print(f"  rollout  {rollout['kind']:<12} {name:<16} {', '.join(changes)}")
