"""deployments/ end to end on kube-sim: the rendered manifests applied with kubectl, the reloader executable
started with exactly the rendered Deployment's container args and env (plus only what a laptop needs: the
kubeconfig, a local certificate directory, loopback listeners on port 0), the rendered webhook configuration
registered with a local URL and CA, then a ConfigMap change that must give exactly one rollout of the Deployment
using it, one Job of the CronJob using it and a re-created Job. Then every request reloader sent (kube-sim's /sim/requests) must be
allowed by the rendered RBAC; rules no request used are printed (RBAC-UNUSED lines), not failed: a kind or flag
this run does not exercise (Argo Rollouts, CSI, --namespace-selector) uses them.

Run with the venv `make pyenv` creates: `.venv-kube/bin/python -m unittest Tests/python/test_deployments_e2e.py`.
KUBE_SIM_BIN and RELOADER_BIN name the executables (default: `$(swift build --show-bin-path)/...`).
IntegrationTests/DeploymentTests runs it in `make test`.
"""

import base64
import copy
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from deployments_support import (  # noqa: E402
    BASE, CERT_MANAGER_GROUP, HA, REPO, RBAC, container, find, kustomize, objects, request_attributes, run)
from test_kubesim_client import KubeSim, kube_sim_binary  # noqa: E402

TIMEOUT = 60.0  # a deadline, generous for a loaded 2-core machine under `swift test --parallel`
POD_NAME = "reloader-5d9c7b8f4-x2k8q"
NAMESPACE = "shop"

WORKLOADS = """
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
  namespace: shop
data:
  LOG_LEVEL: info
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  annotations:
    reloader.stakater.com/auto: "true"
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx
          envFrom:
            - configMapRef: {name: app-config}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  namespace: shop
  annotations:
    reloader.stakater.com/auto: "true"
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: busybox
          envFrom:
            - configMapRef: {name: app-config}
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
  namespace: shop
  annotations:
    reloader.stakater.com/auto: "true"
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: report
              image: busybox
              env:
                - name: LOG_LEVEL
                  valueFrom:
                    configMapKeyRef: {name: app-config, key: LOG_LEVEL}
"""


def reloader_binary():
    override = os.environ.get("RELOADER_BIN")
    if override:
        return override
    return os.path.join(os.path.dirname(kube_sim_binary()), "reloader")


def wait_until(description, condition, timeout=TIMEOUT):
    """Polls `condition` until it returns a true value (returned), or fails naming what never happened."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for: {description}")
        time.sleep(0.1)  # polling interval, not synchronisation


def pod_environment(main, deployment):
    """The container's env as the kubelet would set it: fieldRefs resolved for a pod of `deployment`."""
    fields = {"metadata.name": POD_NAME, "metadata.namespace": deployment["metadata"]["namespace"]}
    environment = {}
    for variable in main.get("env", []):
        if "value" in variable:
            environment[variable["name"]] = variable["value"]
        else:
            path = variable["valueFrom"]["fieldRef"]["fieldPath"]
            if path not in fields:
                raise AssertionError(f"env {variable['name']}: fieldRef {path} is not simulated by this test")
            environment[variable["name"]] = fields[path]
    return environment


class Run:
    """kube-sim plus reloader started from one rendered deployments/ variant."""

    def __init__(self, documents):
        self.documents = documents
        self.sim = KubeSim()
        self.directory = tempfile.mkdtemp(prefix="deployments-e2e-")
        self.process = None
        self.stderr_path = os.path.join(self.directory, "reloader.log")

    def kubectl(self, *arguments, stdin=None):
        return run(["kubectl", "--kubeconfig", self.sim.kubeconfig, "--cache-dir",
                    os.path.join(self.directory, "kube-cache"), "--request-timeout=20s", *arguments], stdin=stdin)

    def log(self):
        with open(self.stderr_path, errors="replace") as handle:
            return handle.read()

    def start(self):
        self.sim.start()
        built_in = [d for d in self.documents if not d["apiVersion"].startswith(CERT_MANAGER_GROUP + "/")
                    and d["kind"] != "ValidatingWebhookConfiguration"]
        self.kubectl("apply", "-f", "-", stdin=yaml.safe_dump_all(built_in))

        certificates = os.path.join(self.directory, "certs")
        run([os.path.join(REPO, "scripts", "gen-certs.sh"), certificates])
        deployment = find(self.documents, "Deployment", "reloader")
        main = container(self.documents)
        cert_dirs = [a for a in main["args"] if a.startswith("--cert-dir=")]
        if len(cert_dirs) != 1:
            raise AssertionError(f"the Deployment must pass --cert-dir=<mounted Secret>, args: {main['args']}")
        # The Deployment's args with the mounted Secret's path swapped for the local directory, and what a laptop
        # needs instead of a pod: the kubeconfig and loopback listeners on free ports.
        arguments = [f"--cert-dir={certificates}" if a in cert_dirs else a for a in main["args"]]
        arguments += ["--kubeconfig", self.sim.kubeconfig,
                      "--webhook-address", "127.0.0.1:0", "--metrics-address", "127.0.0.1:0"]
        environment = {k: v for k, v in os.environ.items()
                       if not k.startswith(("KUBERNETES_", "POD_", "RELOADER_", "KUBECONFIG", "ALERT_"))}
        environment.update(pod_environment(main, deployment))
        with open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen([reloader_binary(), *arguments], stdin=subprocess.DEVNULL,
                                            stdout=subprocess.DEVNULL, stderr=err, env=environment)

        def serving():
            if self.process.poll() is not None:
                raise AssertionError(f"reloader exited {self.process.returncode}; log:\n{self.log()}")
            log = self.log()
            webhook = re.search(r"https://127\.0\.0\.1:(\d+)/validate", log)
            metrics = re.search(r"http://127\.0\.0\.1:(\d+)/metrics", log)
            return (int(webhook.group(1)), int(metrics.group(1))) if webhook and metrics else None
        self.webhook_port, self.metrics_port = wait_until("reloader logs its serving line", serving)
        wait_until("reloader is ready (/readyz 200)", lambda: self.http_status("/readyz") == 200)

        # The rendered webhook configuration, reached at the local listener instead of the Service.
        configuration = copy.deepcopy(find(self.documents, "ValidatingWebhookConfiguration", "reloader"))
        with open(os.path.join(certificates, "ca.crt"), "rb") as handle:
            ca_bundle = base64.b64encode(handle.read()).decode()
        for webhook in configuration["webhooks"]:
            webhook["clientConfig"] = {"url": f"https://127.0.0.1:{self.webhook_port}/validate",
                                       "caBundle": ca_bundle}
        self.kubectl("apply", "-f", "-", stdin=yaml.safe_dump(configuration))

    def http_status(self, path):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}{path}", timeout=5) as response:
                return response.status
        except OSError:
            return None

    def metric(self, sample):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=5) as response:
            for line in response.read().decode().splitlines():
                if line.startswith(sample + " "):
                    return float(line.split(" ", 1)[1])
        return None

    def settle(self):
        wait_until("reloader's queue drains", lambda: self.metric("reloader_workqueue_depth") == 0)

    def raw(self, path):
        return json.loads(self.kubectl("get", "--raw", path))["items"]

    def stop_reloader(self):
        """SIGTERM, so the clean-shutdown requests (a Lease release) are in the log too."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.sim.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


class EndToEndTests(unittest.TestCase):
    def run_variant(self, name, directory):
        documents = objects(kustomize(directory))
        cluster = Run(documents)
        try:
            cluster.start()
            cluster.kubectl("apply", "-f", "-", stdin=WORKLOADS)
            cluster.settle()
            # kube-sim records every created Job as a rollout (a new pod template): none but migrate's so far.
            self.assertEqual([(r["kind"], r["name"]) for r in cluster.raw("/sim/rollouts?namespace=shop")],
                             [("Job", "migrate")], "creating the workloads rolls nothing out")
            cluster.kubectl("delete", "--raw", "/sim/rollouts")

            migrate_uid = json.loads(cluster.kubectl("-n", NAMESPACE, "get", "job", "migrate", "-o", "json"))[
                "metadata"]["uid"]
            cluster.kubectl("-n", NAMESPACE, "patch", "configmap", "app-config", "--type", "merge",
                            "-p", '{"data":{"LOG_LEVEL":"debug"}}')
            wait_until("one rollout of shop/web",
                       lambda: cluster.raw("/sim/rollouts?namespace=shop&kind=Deployment&name=web"))
            jobs = wait_until("a Job created for the CronJob shop/report", lambda: [
                job["metadata"]["name"]
                for job in json.loads(cluster.kubectl("-n", NAMESPACE, "get", "jobs", "-o", "json"))["items"]
                if any(o.get("name") == "report" for o in job["metadata"].get("ownerReferences", []))])
            # A Job's template is immutable: reloader deletes it and creates a copy (a new uid).
            wait_until("the Job shop/migrate re-created", lambda: migrate_uid not in cluster.kubectl(
                "-n", NAMESPACE, "get", "jobs", "-o", "jsonpath={.items[*].metadata.uid}"))
            cluster.settle()
            # kube-sim records each created Job (a new pod template) beside the Deployment's rollout.
            rollouts = cluster.raw("/sim/rollouts?namespace=shop")
            self.assertEqual(sorted((r["kind"], r["name"]) for r in rollouts),
                             sorted([("Deployment", "web"), ("Job", jobs[0]), ("Job", "migrate")]),
                             f"{name}: exactly one rollout of web, one Job for report, migrate re-created once")
            self.assertEqual(len(jobs), 1, f"{name}: one Job for the CronJob")
            cluster.stop_reloader()
            self.check_rbac(name, documents, cluster.raw("/sim/requests"))
        except AssertionError as error:
            raise AssertionError(f"{error}\n--- reloader log (tail) ---\n{cluster.log()[-4000:]}") from None
        finally:
            cluster.stop()

    def check_rbac(self, name, documents, requests):
        service_account = find(documents, "ServiceAccount")
        rbac = RBAC(documents, service_account["metadata"]["namespace"], service_account["metadata"]["name"])
        sent = [r for r in requests if r.get("userAgent", "").startswith("reloader/")]
        self.assertTrue(sent, "no request with reloader's User-Agent in /sim/requests")
        denied = []
        for request in sent:
            attributes = request_attributes(request["method"], request["path"], request.get("query"))
            if attributes is None:
                continue  # discovery, /version: allowed to every authenticated user (system:discovery)
            if not rbac.allows(*attributes):
                denied.append(f"{request['method']} {request['path']}?{request.get('query', '')} -> {attributes}")
        self.assertEqual(denied, [], f"{name}: requests the rendered RBAC does not allow")
        used = sorted({request_attributes(r["method"], r["path"], r.get("query"))[:3] for r in sent
                       if request_attributes(r["method"], r["path"], r.get("query"))})
        print(f"RBAC-USED {name}: " + ", ".join(f"{verb} {group or 'core'}/{resource}"
                                                  for verb, group, resource in used))
        for role_kind, role_name, group, resource, verb in rbac.unused():
            print(f"RBAC-UNUSED {name}: {role_kind} {role_name}: {verb} {group or 'core'}/{resource}")
        if name == "ha":
            self.assertIn(("update", "coordination.k8s.io", "leases"), used, "the HA run renews its Lease")

    def test_base_reloads_once_within_its_rbac(self):
        self.run_variant("base", BASE)

    def test_ha_overlay_reloads_once_within_its_rbac(self):
        self.run_variant("ha", HA)


class EvaluatorTests(unittest.TestCase):
    """The RBAC evaluator itself, so a pass above means something."""

    def setUp(self):
        self.rbac = RBAC(objects(kustomize(BASE)), "reloader", "reloader")

    def test_request_attributes(self):
        self.assertEqual(request_attributes("GET", "/apis/apps/v1/namespaces/shop/deployments", "limit=500"),
                         ("list", "apps", "deployments", "shop", ""))
        self.assertEqual(request_attributes("PATCH", "/apis/apps/v1/namespaces/shop/deployments/web", ""),
                         ("patch", "apps", "deployments", "shop", "web"))
        self.assertEqual(request_attributes("GET", "/api/v1/namespaces", ""), ("list", "", "namespaces", None, ""))
        self.assertEqual(request_attributes("GET", "/api/v1/configmaps", "watch=true"),
                         ("watch", "", "configmaps", None, ""))
        self.assertIsNone(request_attributes("GET", "/apis", ""))

    def test_grants_and_denials(self):
        allows = self.rbac.allows
        self.assertTrue(allows("get", "", "secrets", "shop", "db"))
        self.assertFalse(allows("list", "", "secrets", "shop", ""))
        self.assertFalse(allows("update", "apps", "deployments", "shop", "web"))
        self.assertTrue(allows("update", "coordination.k8s.io", "leases", "reloader", "stakater-reloader-lock"))
        self.assertFalse(allows("update", "coordination.k8s.io", "leases", "shop", "stakater-reloader-lock"),
                         "the Role grants leases in reloader's namespace only")
        self.assertTrue(allows("update", "", "configmaps", "reloader", "reloader-meta-info"))
        self.assertFalse(allows("update", "", "configmaps", "reloader", "other"), "update is limited by name")
        self.assertFalse(RBAC(objects(kustomize(BASE)), "reloader", "someone-else").allows(
            "get", "", "secrets", "shop", "db"), "bindings name reloader's ServiceAccount only")


if __name__ == "__main__":
    unittest.main()
