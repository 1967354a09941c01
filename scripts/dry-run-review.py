#!/usr/bin/env python3
"""Prints an AdmissionReview v1 for an UPDATE of the ConfigMap read from stdin (kubectl -o json) that sets
data[KEY] = VALUE: what kube-apiserver would send reloader for that write. `make run` posts it with
X-Reloader-DryRun: true to show the plan."""
import copy
import json
import sys
import uuid

key, value = sys.argv[1], sys.argv[2]
old = json.load(sys.stdin)
new = copy.deepcopy(old)
new.setdefault("data", {})[key] = value
meta = old["metadata"]
print(json.dumps({
    "apiVersion": "admission.k8s.io/v1",
    "kind": "AdmissionReview",
    "request": {
        "uid": str(uuid.uuid4()),
        "kind": {"group": "", "version": "v1", "kind": "ConfigMap"},
        "resource": {"group": "", "version": "v1", "resource": "configmaps"},
        "name": meta["name"],
        "namespace": meta["namespace"],
        "operation": "UPDATE",
        "userInfo": {"username": "make-run"},
        "object": new,
        "oldObject": old,
        "dryRun": False,
    },
}))
