"""Shared helpers of the deployments/ tests: rendering (kubectl kustomize, tools/helm-template), object lookup,
and the RBAC evaluator. Imported by test_deployments.py and test_deployments_e2e.py."""

import os
import subprocess
import tempfile

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BASE = os.path.join(REPO, "deployments", "kustomize", "base")
HA = os.path.join(REPO, "deployments", "kustomize", "overlays", "ha")
MANIFEST = os.path.join(REPO, "deployments", "manifests", "reloader.yaml")
CHART = os.path.join(REPO, "deployments", "helm", "reloader")
HELM_TEMPLATE = os.path.join(REPO, "tools", "helm-template")
KUBE_VERSION = "1.32"  # what kube-sim and the pinned kubectl speak
CERT_MANAGER_GROUP = "cert-manager.io"


def run(arguments, cwd=REPO, stdin=None, env=None):
    """Runs a command; raises AssertionError with its output when it fails."""
    result = subprocess.run(arguments, cwd=cwd, input=stdin, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise AssertionError(
            f"{' '.join(arguments)} exited {result.returncode}\n--- stdout ---\n{result.stdout}\n"
            f"--- stderr ---\n{result.stderr}")
    return result.stdout


def kustomize(directory):
    """`kubectl kustomize DIRECTORY` as text."""
    return run(["kubectl", "kustomize", directory])


def helm_template(values_files=(), name="reloader", namespace="reloader"):
    """The chart rendered by tools/helm-template (the stand-in for `helm template`, see the chart README)."""
    arguments = ["go", "run", ".", "--name", name, "--namespace", namespace]
    for path in values_files:
        arguments += ["-f", path]
    # GOTOOLCHAIN=local: a newer go must not try to download another toolchain. GOCACHE: go needs one, and a
    # test environment may have no HOME.
    env = dict(os.environ, GO111MODULE="on", GOTOOLCHAIN="local")
    if not env.get("HOME") and not env.get("XDG_CACHE_HOME"):
        env.setdefault("GOCACHE", os.path.join(tempfile.gettempdir(), "reloader-helm-template-gocache"))
    return run(arguments + [CHART], cwd=HELM_TEMPLATE, env=env)


def objects(text):
    """The non-empty documents of a multi-document YAML text."""
    return [document for document in yaml.safe_load_all(text) if document]


def find(documents, kind, name=None):
    """The one object of `kind` (and `name`); AssertionError naming what is missing or repeated."""
    found = [d for d in documents if d.get("kind") == kind and (name is None or d["metadata"]["name"] == name)]
    if len(found) != 1:
        raise AssertionError(f"expected one {kind} {name or ''}, found {len(found)}")
    return found[0]


def container(documents):
    """The reloader container of the rendered Deployment."""
    deployment = find(documents, "Deployment")
    return deployment["spec"]["template"]["spec"]["containers"][0]


def rule_set(rules):
    """RBAC rules as a set of (group, resource, verb, resourceName) tuples, so order and grouping do not matter."""
    result = set()
    for rule in rules:
        for group in rule.get("apiGroups", []):
            for resource in rule.get("resources", []):
                for verb in rule.get("verbs", []):
                    for name in rule.get("resourceNames") or [""]:
                        result.add((group, resource, verb, name))
    return result


class RBAC:
    """Evaluates requests against rendered RBAC objects as kube-apiserver's RBAC authorizer does for one
    ServiceAccount: ClusterRoleBindings grant their ClusterRole everywhere; RoleBindings grant their Role (or
    ClusterRole) in their own namespace only. Records which rule entries were used."""

    def __init__(self, documents, service_account_namespace, service_account_name):
        subject = {"kind": "ServiceAccount", "name": service_account_name, "namespace": service_account_namespace}
        roles = {(d["kind"], d["metadata"].get("namespace"), d["metadata"]["name"]): d
                 for d in documents if d.get("kind") in ("ClusterRole", "Role")}
        self.grants = []  # (namespace or None for all, role kind, role name, rule)
        for binding in documents:
            kind = binding.get("kind")
            if kind not in ("ClusterRoleBinding", "RoleBinding"):
                continue
            if not any(s.get("kind") == subject["kind"] and s.get("name") == subject["name"]
                       and s.get("namespace") == subject["namespace"] for s in binding.get("subjects", [])):
                continue
            ref = binding["roleRef"]
            scope = None if kind == "ClusterRoleBinding" else binding["metadata"]["namespace"]
            role_namespace = None if ref["kind"] == "ClusterRole" else binding["metadata"]["namespace"]
            role = roles.get((ref["kind"], role_namespace, ref["name"]))
            if role is None:
                raise AssertionError(f"{kind} {binding['metadata']['name']} refers to a missing {ref['kind']} "
                                     f"{ref['name']}")
            for rule in role.get("rules", []):
                self.grants.append((scope, ref["kind"], ref["name"], rule))
        self.used = set()

    def allows(self, verb, group, resource, namespace, name):
        """Whether the request is allowed; marks the matching rule entries used."""
        allowed = False
        for scope, role_kind, role_name, rule in self.grants:
            if scope is not None and scope != namespace:
                continue
            if group not in rule.get("apiGroups", []) or resource not in rule.get("resources", []):
                continue
            if verb not in rule.get("verbs", []):
                continue
            names = rule.get("resourceNames") or []
            if names and name not in names:
                continue
            allowed = True
            self.used.add((role_kind, role_name, group, resource, verb))
        return allowed

    def unused(self):
        """Rule entries (role, group/resource, verb) no request used."""
        entries = set()
        for _, role_kind, role_name, rule in self.grants:
            for group in rule.get("apiGroups", []):
                for resource in rule.get("resources", []):
                    for verb in rule.get("verbs", []):
                        entries.add((role_kind, role_name, group, resource, verb))
        return sorted(entries - self.used)


def request_attributes(method, path, query):
    """(verb, group, resource, namespace, name) of a Kubernetes API request, as the RBAC authorizer sees it;
    None for a non-resource path (discovery, /version, /sim/...)."""
    parts = [p for p in path.split("/") if p]
    if parts[:1] == ["api"] and len(parts) >= 2:
        group, rest = "", parts[2:]
    elif parts[:1] == ["apis"] and len(parts) >= 3:
        group, rest = parts[1], parts[3:]
    else:
        return None
    if not rest:
        return None
    namespace = None
    if rest[0] == "namespaces" and len(rest) >= 3:
        namespace, rest = rest[1], rest[2:]
    resource = rest[0]
    name = rest[1] if len(rest) >= 2 else ""
    if len(rest) >= 3:
        resource = f"{resource}/{rest[2]}"
    if resource == "namespaces" and len(rest) == 2:
        namespace = name
    watch = "watch=true" in (query or "")
    verb = {
        "GET": "watch" if watch else ("get" if name else "list"),
        "POST": "create", "PUT": "update", "PATCH": "patch",
        "DELETE": "delete" if name else "deletecollection",
    }.get(method, method.lower())
    return verb, group, resource, namespace, name
