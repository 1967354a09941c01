#!/usr/bin/env python3
"""Prints kube-sim's rollout record (JSON from /sim/rollouts on stdin).
  rollouts.py                      one line per rollout
  rollouts.py --count              the number of rollouts
  rollouts.py --per-workload A B   the number of rollouts of each named workload (any kind)"""
import json
import sys

items = json.load(sys.stdin)["items"]
if len(sys.argv) > 1 and sys.argv[1] == "--count":
    print(len(items))
elif len(sys.argv) > 1 and sys.argv[1] == "--per-workload":
    for name in sys.argv[2:]:
        count = sum(1 for rollout in items if rollout["name"] == name)
        print(f"  {name:<10} {count} rollout{'s' if count != 1 else ''}")
else:
    for rollout in items:
        changes = []
        for change in rollout["changed"]["env"] + rollout["changed"]["annotations"]:
            where = change.get("container") or "template"
            value = (change.get("new") or "(removed)")[:12]
            changes.append(f"{where}: {change['name']}={value}")
        name = f"{rollout['namespace']}/{rollout['name']}"
        print(f"  rollout  {rollout['kind']:<12} {name:<16} {', '.join(changes)}")
