"""The official Kubernetes Python client (pip `kubernetes`) against the kube-sim executable.

A second real client next to kubectl, so the simulator is not tuned to one client: pagination with
limit/continue, a Deployment created and patched with the client's default strategic merge patch, the
rollout kube-sim records for it, delete, and a 404 that surfaces as ApiException.

Run with the venv `make pyenv` creates: `.venv-kube/bin/python -m unittest Tests/python/test_kubesim_client.py`.
KUBE_SIM_BIN names the kube-sim executable (default: `$(swift build --show-bin-path)/kube-sim`).
The Swift test IntegrationTests/PythonClientTests runs this file as part of `make test`.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from kubernetes import client, config
from kubernetes.client.rest import ApiException

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STARTUP_TIMEOUT = 60.0  # a deadline, generous for a loaded 2-core machine under `swift test --parallel`
NAMESPACE = "pyclient"


def kube_sim_binary():
    override = os.environ.get("KUBE_SIM_BIN")
    if override:
        return override
    bin_path = subprocess.run(
        ["swift", "build", "--show-bin-path"], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout.strip()
    return os.path.join(bin_path, "kube-sim")


class KubeSim:
    """The kube-sim executable on 127.0.0.1:0, its kubeconfig and certificates in a temporary directory."""

    def __init__(self):
        self.directory = tempfile.mkdtemp(prefix="kube-sim-py-")
        self.kubeconfig = os.path.join(self.directory, "kubeconfig")
        self.stdout_path = os.path.join(self.directory, "stdout.log")
        self.stderr_path = os.path.join(self.directory, "stderr.log")
        self.process = None
        self.url = None

    def start(self):
        binary = kube_sim_binary()
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(
                [binary, "--listen", "127.0.0.1:0", "--kubeconfig-out", self.kubeconfig,
                 "--cert-dir", os.path.join(self.directory, "certs")],
                stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        # Wait (with a deadline, no fixed sleep) for the line printed once it serves.
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            match = re.search(r"kube-sim serving on (https://\S+)", self._read(self.stdout_path))
            if match and os.path.exists(self.kubeconfig):
                self.url = match.group(1)
                return
            if self.process.poll() is not None:
                raise AssertionError(
                    f"kube-sim exited {self.process.returncode} before serving; stderr:\n{self.logs()}")
            time.sleep(0.05)  # polling interval, not synchronisation
        raise AssertionError(f"kube-sim never printed its serving line within {STARTUP_TIMEOUT}s; stderr:\n{self.logs()}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)

    def logs(self):
        return self._read(self.stderr_path)

    @staticmethod
    def _read(path):
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                return handle.read()
        except FileNotFoundError:
            return ""


def raw_get(api_client, path):
    """GETs a non-Kubernetes path (kube-sim's /sim/...) through the client's own TLS and auth configuration."""
    method, url, headers, body, post_params = api_client.param_serialize(
        method="GET", resource_path=path, header_params={"Accept": "application/json"},
        auth_settings=["BearerToken"])
    response = api_client.call_api(method, url, header_params=headers, body=body, post_params=post_params)
    response.read()
    if response.status != 200:
        raise AssertionError(f"GET {path} answered {response.status}: {response.data!r}")
    return json.loads(response.data)


def deployment_manifest(name):
    return client.V1Deployment(
        api_version="apps/v1",
        kind="Deployment",
        metadata=client.V1ObjectMeta(name=name, labels={"app": name}),
        spec=client.V1DeploymentSpec(
            replicas=2,
            selector=client.V1LabelSelector(match_labels={"app": name}),
            strategy=client.V1DeploymentStrategy(
                type="RollingUpdate",
                rolling_update=client.V1RollingUpdateDeployment(max_surge="25%", max_unavailable=0)),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels={"app": name}, annotations={"team": "payments"}),
                spec=client.V1PodSpec(
                    containers=[
                        client.V1Container(
                            name="api",
                            image="registry.example.com/payments/api:1.4.2",
                            ports=[client.V1ContainerPort(name="http", container_port=8080)],
                            env=[client.V1EnvVar(name="LOG_LEVEL", value="info")],
                            env_from=[client.V1EnvFromSource(
                                config_map_ref=client.V1ConfigMapEnvSource(name="api-config"))],
                            resources=client.V1ResourceRequirements(
                                requests={"cpu": "100m", "memory": "128Mi"}, limits={"memory": "256Mi"}),
                            readiness_probe=client.V1Probe(
                                http_get=client.V1HTTPGetAction(path="/healthz", port="http"),
                                period_seconds=5),
                            volume_mounts=[client.V1VolumeMount(name="config", mount_path="/etc/api")],
                        ),
                        client.V1Container(
                            name="sidecar", image="registry.example.com/proxy:2.0",
                            env=[client.V1EnvVar(name="UPSTREAM", value="127.0.0.1:8080")]),
                    ],
                    volumes=[client.V1Volume(
                        name="config", config_map=client.V1ConfigMapVolumeSource(name="api-config"))],
                ),
            ),
        ),
    )


class OfficialPythonClientTests(unittest.TestCase):
    def setUp(self):
        self.sim = KubeSim()
        self.addCleanup(self.sim.stop)  # runs on failure too
        self.sim.start()
        config.load_kube_config(config_file=self.sim.kubeconfig)
        self.api_client = client.ApiClient()
        self.assertEqual(self.api_client.configuration.host, self.sim.url)
        self.addCleanup(self.api_client.close)
        self.core = client.CoreV1Api(self.api_client)
        self.apps = client.AppsV1Api(self.api_client)

    def fail_with_logs(self, message):
        self.fail(f"{message}\nkube-sim stderr:\n{self.sim.logs()}")

    def test_paginated_list_patch_rollout_and_delete(self):
        self.core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=NAMESPACE)))

        names = [f"settings-{index}" for index in range(5)]
        for name in names:
            self.core.create_namespaced_config_map(
                NAMESPACE, client.V1ConfigMap(metadata=client.V1ObjectMeta(name=name), data={"key": name}))

        pages, listed, token = [], [], None
        while True:
            page = self.core.list_namespaced_config_map(NAMESPACE, limit=2, _continue=token)
            pages.append([item.metadata.name for item in page.items])
            listed.extend(item.data["key"] for item in page.items)
            token = page.metadata._continue
            if not token:
                break
            self.assertLess(len(pages), 10, f"pagination does not end: {pages}")
        self.assertEqual(len(pages), 3, f"pages: {pages}")
        self.assertEqual([len(page) for page in pages], [2, 2, 1])
        self.assertEqual(sorted(name for page in pages for name in page), names)
        self.assertEqual(sorted(listed), names)

        created = self.apps.create_namespaced_deployment(NAMESPACE, deployment_manifest("api"))
        self.assertEqual(created.metadata.generation, 1)
        self.assertTrue(created.metadata.uid)
        self.assertTrue(created.metadata.resource_version)

        # A dict body: the client sends its default for PATCH, application/strategic-merge-patch+json, so the
        # container and the env var are merged by name (the sidecar and LOG_LEVEL stay).
        patch = {"spec": {"template": {
            "metadata": {"annotations": {"reloader.stakater.com/last-reloaded-from": "configmap/api-config"}},
            "spec": {"containers": [{"name": "api", "env": [{"name": "CONFIG_HASH", "value": "abc123"}]}]},
        }}}
        patched = self.apps.patch_namespaced_deployment("api", NAMESPACE, patch)
        self.assertEqual(patched.metadata.generation, 2)

        read = self.apps.read_namespaced_deployment("api", NAMESPACE)
        self.assertEqual(read.metadata.generation, 2)
        self.assertNotEqual(read.metadata.resource_version, created.metadata.resource_version)
        annotations = read.spec.template.metadata.annotations
        self.assertEqual(annotations.get("reloader.stakater.com/last-reloaded-from"), "configmap/api-config")
        self.assertEqual(annotations.get("team"), "payments")
        containers = {container.name: container for container in read.spec.template.spec.containers}
        self.assertEqual(sorted(containers), ["api", "sidecar"], "strategic merge kept both containers")
        api_env = {env.name: env.value for env in containers["api"].env}
        self.assertEqual(api_env, {"LOG_LEVEL": "info", "CONFIG_HASH": "abc123"})
        self.assertEqual(containers["api"].image, "registry.example.com/payments/api:1.4.2")
        self.assertEqual({env.name for env in containers["sidecar"].env}, {"UPSTREAM"})

        rollouts = raw_get(
            self.api_client, f"/sim/rollouts?namespace={NAMESPACE}&kind=Deployment&name=api")["items"]
        if len(rollouts) != 1:
            self.fail_with_logs(f"expected exactly one rollout of {NAMESPACE}/api, got {rollouts}")
        rollout = rollouts[0]
        self.assertEqual(rollout["resourceVersion"], read.metadata.resource_version)
        self.assertIn("reloader.stakater.com/last-reloaded-from", [c["name"] for c in rollout["changed"]["annotations"]])
        self.assertIn(("api", "CONFIG_HASH"), [(c.get("container"), c["name"]) for c in rollout["changed"]["env"]])

        self.apps.delete_namespaced_deployment("api", NAMESPACE)
        with self.assertRaises(ApiException) as raised:
            self.apps.read_namespaced_deployment("api", NAMESPACE)
        self.assertEqual(raised.exception.status, 404)
        self.assertEqual(json.loads(raised.exception.body)["reason"], "NotFound")


if __name__ == "__main__":
    unittest.main(verbosity=2)
