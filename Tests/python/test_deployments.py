"""deployments/: the kustomize base and HA overlay, the checked-in manifests and the Helm chart, checked without a
cluster: they render, validate against the Kubernetes schemas (kubernetes-validate, strict) and a small schema of
ours for the cert-manager kinds, follow the hardening and webhook policy, keep the webhook rules of
scripts/webhook-configuration.sh, and the chart renders what kustomize does.

Run with the venv `make pyenv` creates: `.venv-kube/bin/python -m unittest Tests/python/test_deployments.py`.
Needs kubectl (kustomize) and go (tools/helm-template). IntegrationTests/DeploymentTests runs it in `make test`.
"""

import base64
import os
import sys
import tempfile
import unittest

import kubernetes_validate
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from deployments_support import (  # noqa: E402
    BASE, CERT_MANAGER_GROUP, HA, KUBE_VERSION, MANIFEST, REPO, container, find, helm_template, kustomize, objects,
    rule_set, run)

SERVING_CERT_DIR = "/var/run/reloader/serving-certs"


def write_values(text):
    handle = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
    handle.write(text)
    handle.close()
    return handle.name


def identity(document):
    return document["kind"], document["metadata"]["name"], document["metadata"].get("namespace")


class Renders:
    """Each render once per test run (kubectl and go are slow to start on a loaded machine)."""
    cache = {}

    @classmethod
    def get(cls, key):
        if key not in cls.cache:
            if key == "base":
                cls.cache[key] = objects(kustomize(BASE))
            elif key == "ha":
                cls.cache[key] = objects(kustomize(HA))
            elif key == "helm":
                cls.cache[key] = objects(helm_template())
            elif key == "helm-ha":
                path = write_values("reloader:\n  deployment:\n    replicas: 2\n  podDisruptionBudget:\n"
                                    "    minAvailable: 1\n")
                try:
                    cls.cache[key] = objects(helm_template([path]))
                finally:
                    os.unlink(path)
        return cls.cache[key]


# --- a. rendering and the checked-in manifests ---------------------------------------------------------------------

class RenderTests(unittest.TestCase):
    def test_base_and_ha_render(self):
        for key in ("base", "ha"):
            kinds = sorted(d["kind"] for d in Renders.get(key))
            self.assertEqual(kinds, sorted([
                "Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding",
                "Issuer", "Issuer", "Certificate", "Certificate", "Deployment", "Service", "PodDisruptionBudget",
                "ValidatingWebhookConfiguration"]), key)
            for document in Renders.get(key):
                if document["kind"] not in ("Namespace", "ClusterRole", "ClusterRoleBinding",
                                            "ValidatingWebhookConfiguration"):
                    self.assertEqual(document["metadata"].get("namespace"), "reloader",
                                     f"{key}: {document['kind']} {document['metadata']['name']}")

    def test_checked_in_manifests_equal_the_base_render(self):
        with open(MANIFEST) as handle:
            checked_in = handle.read()
        body = "".join(line for line in checked_in.splitlines(keepends=True) if not line.startswith("# Generated"))
        self.assertEqual(body, kustomize(BASE),
                         "deployments/manifests/reloader.yaml differs from the kustomize base: run make manifests")


# --- b. schemas ------------------------------------------------------------------------------------------------------

# The fields of the cert-manager v1 kinds we use, from cert-manager's CRDs (cert-manager.io/v1 Certificate and
# Issuer); anything else in spec is a typo. Required: what cert-manager's webhook rejects when missing.
CERTIFICATE_FIELDS = {"secretName", "issuerRef", "dnsNames", "commonName", "isCA", "duration", "renewBefore",
                      "privateKey", "usages", "ipAddresses", "uris", "subject", "secretTemplate"}
PRIVATE_KEY_FIELDS = {"algorithm", "size", "rotationPolicy", "encoding"}
USAGES = {"digital signature", "key encipherment", "server auth", "client auth", "cert sign", "crl sign"}


def cert_manager_problems(document, documents):
    """What is wrong with a cert-manager Issuer or Certificate, as a list of messages (empty: valid)."""
    problems = []
    kind, name = document["kind"], document["metadata"].get("name", "?")
    where = f"{kind} {name}"
    if document.get("apiVersion") != f"{CERT_MANAGER_GROUP}/v1":
        problems.append(f"{where}: apiVersion must be cert-manager.io/v1")
    if not document["metadata"].get("namespace"):
        problems.append(f"{where}: namespaced kind without a namespace")
    spec = document.get("spec")
    if not isinstance(spec, dict):
        return problems + [f"{where}: spec is required"]
    if kind == "Issuer":
        configured = [key for key in ("selfSigned", "ca", "acme", "vault", "venafi") if key in spec]
        if len(configured) != 1:
            problems.append(f"{where}: exactly one issuer type is required, found {configured}")
        if "ca" in spec and not isinstance(spec["ca"].get("secretName"), str):
            problems.append(f"{where}: spec.ca.secretName is required")
        if "selfSigned" in spec and spec["selfSigned"] != {}:
            problems.append(f"{where}: spec.selfSigned must be {{}}")
    elif kind == "Certificate":
        unknown = set(spec) - CERTIFICATE_FIELDS
        if unknown:
            problems.append(f"{where}: unknown spec fields {sorted(unknown)}")
        if not isinstance(spec.get("secretName"), str) or not spec["secretName"]:
            problems.append(f"{where}: spec.secretName is required")
        if not (spec.get("dnsNames") or spec.get("commonName") or spec.get("ipAddresses")):
            problems.append(f"{where}: one of dnsNames, commonName, ipAddresses is required")
        ref = spec.get("issuerRef")
        if not isinstance(ref, dict) or not ref.get("name"):
            problems.append(f"{where}: spec.issuerRef.name is required")
        else:
            if ref.get("kind", "Issuer") not in ("Issuer", "ClusterIssuer"):
                problems.append(f"{where}: issuerRef.kind must be Issuer or ClusterIssuer")
            if ref.get("group", CERT_MANAGER_GROUP) != CERT_MANAGER_GROUP:
                problems.append(f"{where}: issuerRef.group must be cert-manager.io")
            issuers = [d for d in documents if d.get("kind") == "Issuer" and d["metadata"]["name"] == ref["name"]
                       and d["metadata"].get("namespace") == document["metadata"].get("namespace")]
            if ref.get("kind", "Issuer") == "Issuer" and len(issuers) != 1:
                problems.append(f"{where}: issuerRef names Issuer {ref['name']}, which is not rendered beside it")
        key = spec.get("privateKey", {})
        if set(key) - PRIVATE_KEY_FIELDS:
            problems.append(f"{where}: unknown privateKey fields {sorted(set(key) - PRIVATE_KEY_FIELDS)}")
        if key.get("algorithm", "RSA") not in ("RSA", "ECDSA", "Ed25519"):
            problems.append(f"{where}: privateKey.algorithm {key.get('algorithm')}")
        if set(spec.get("usages", [])) - USAGES:
            problems.append(f"{where}: unknown usages {sorted(set(spec['usages']) - USAGES)}")
        if "isCA" in spec and not isinstance(spec["isCA"], bool):
            problems.append(f"{where}: isCA must be a boolean")
    else:
        problems.append(f"{where}: not a kind this schema knows")
    return problems


class SchemaTests(unittest.TestCase):
    def assert_valid(self, key):
        documents = Renders.get(key)
        for document in documents:
            with self.subTest(render=key, kind=document["kind"], name=document["metadata"]["name"]):
                if document["apiVersion"].startswith(CERT_MANAGER_GROUP + "/"):
                    self.assertEqual(cert_manager_problems(document, documents), [])
                else:
                    try:
                        kubernetes_validate.validate(document, KUBE_VERSION, strict=True)
                    except kubernetes_validate.ValidationError as error:
                        self.fail(f"{key}: {document['kind']} {document['metadata']['name']}: {error.message} "
                                  f"at {'.'.join(str(p) for p in error.path)}")

    def test_base_objects_validate(self):
        self.assert_valid("base")

    def test_ha_objects_validate(self):
        self.assert_valid("ha")

    def test_helm_objects_validate(self):
        self.assert_valid("helm")
        self.assert_valid("helm-ha")

    def test_the_cert_manager_schema_rejects_broken_objects(self):
        documents = Renders.get("base")
        certificate = yaml.safe_load(yaml.safe_dump(find(documents, "Certificate", "reloader-serving-cert")))
        del certificate["spec"]["secretName"]
        certificate["spec"]["issuerRef"]["name"] = "missing"
        certificate["spec"]["dnsName"] = ["typo"]
        problems = cert_manager_problems(certificate, documents)
        self.assertEqual(len(problems), 3, problems)
        issuer = yaml.safe_load(yaml.safe_dump(find(documents, "Issuer", "reloader-ca")))
        issuer["spec"]["selfSigned"] = {}
        self.assertEqual(len(cert_manager_problems(issuer, documents)), 1)

    def test_kubernetes_validate_rejects_an_unknown_field(self):
        deployment = yaml.safe_load(yaml.safe_dump(find(Renders.get("base"), "Deployment")))
        deployment["spec"]["template"]["spec"]["containers"][0]["securityContxt"] = {}
        with self.assertRaises(kubernetes_validate.ValidationError):
            kubernetes_validate.validate(deployment, KUBE_VERSION, strict=True)


# --- c. policy -------------------------------------------------------------------------------------------------------

class PolicyTests(unittest.TestCase):
    def check_deployment(self, documents, replicas):
        deployment = find(documents, "Deployment", "reloader")
        self.assertEqual(deployment["spec"]["replicas"], replicas)
        pod = deployment["spec"]["template"]["spec"]
        main = container(documents)
        self.assertEqual(main["image"], "ghcr.io/reloader-dev/reloader:0.1.0")
        self.assertTrue(pod["automountServiceAccountToken"])
        self.assertEqual(pod["serviceAccountName"], "reloader")
        self.assertGreater(pod["terminationGracePeriodSeconds"], 30, "more than reloader's 30s shutdown grace")
        self.assertEqual(pod["securityContext"]["seccompProfile"], {"type": "RuntimeDefault"})
        security = main["securityContext"]
        self.assertEqual(security["runAsNonRoot"], True)
        self.assertEqual(security["runAsUser"], 65532)
        self.assertEqual(security["readOnlyRootFilesystem"], True)
        self.assertEqual(security["allowPrivilegeEscalation"], False)
        self.assertEqual(security["capabilities"], {"drop": ["ALL"]})
        self.assertEqual(security["seccompProfile"], {"type": "RuntimeDefault"})
        self.assertEqual(main["resources"], {"requests": {"cpu": "50m", "memory": "64Mi"},
                                             "limits": {"memory": "256Mi"}})
        ports = {p["name"]: p["containerPort"] for p in main["ports"]}
        self.assertEqual(ports, {"webhook": 8443, "metrics": 9090})
        self.assertEqual(main["livenessProbe"]["httpGet"], {"path": "/live", "port": "metrics"})
        self.assertEqual(main["readinessProbe"]["httpGet"], {"path": "/readyz", "port": "metrics"})
        self.assertEqual(deployment["spec"]["template"]["metadata"]["annotations"]["prometheus.io/port"], "9090")
        env = {e["name"]: e for e in main["env"]}
        self.assertEqual(env["POD_NAME"]["valueFrom"]["fieldRef"]["fieldPath"], "metadata.name")
        self.assertEqual(env["POD_NAMESPACE"]["valueFrom"]["fieldRef"]["fieldPath"], "metadata.namespace")
        self.assertEqual(env["RELOADER_NAMESPACE"]["valueFrom"]["fieldRef"]["fieldPath"], "metadata.namespace")
        self.assertEqual(env["RELOADER_DEPLOYMENT_NAME"]["value"], deployment["metadata"]["name"])
        # The serving certificate: cert-manager's Secret mounted where --cert-dir points.
        self.assertIn(f"--cert-dir={SERVING_CERT_DIR}", main["args"])
        mount = next(m for m in main["volumeMounts"] if m["mountPath"] == SERVING_CERT_DIR)
        volume = next(v for v in pod["volumes"] if v["name"] == mount["name"])
        certificate = find(documents, "Certificate", "reloader-serving-cert")
        self.assertEqual(volume["secret"]["secretName"], certificate["spec"]["secretName"])
        self.assertEqual(certificate["spec"]["dnsNames"],
                         ["reloader.reloader.svc", "reloader.reloader.svc.cluster.local"])
        self.assertTrue(find(documents, "Certificate", "reloader-ca")["spec"]["isCA"])
        # Every /tmp-like writable path is a volume (the root filesystem is read-only).
        self.assertTrue(all(m.get("readOnly") or m["mountPath"] == "/tmp" for m in main["volumeMounts"]))
        return deployment, main

    def test_base_deployment_is_hardened(self):
        _, main = self.check_deployment(Renders.get("base"), replicas=1)
        self.assertEqual(main["args"], [f"--cert-dir={SERVING_CERT_DIR}", "--log-format=json"])

    def test_ha_overlay_runs_two_spread_replicas_with_leader_election(self):
        deployment, main = self.check_deployment(Renders.get("ha"), replicas=2)
        self.assertEqual(main["args"], [f"--cert-dir={SERVING_CERT_DIR}", "--log-format=json", "--enable-ha"])
        spread = {c["topologyKey"]: c for c in deployment["spec"]["template"]["spec"]["topologySpreadConstraints"]}
        self.assertEqual(set(spread), {"kubernetes.io/hostname", "topology.kubernetes.io/zone"})
        self.assertEqual(spread["topology.kubernetes.io/zone"]["whenUnsatisfiable"], "ScheduleAnyway")
        for constraint in spread.values():
            self.assertEqual(constraint["labelSelector"]["matchLabels"],
                             deployment["spec"]["selector"]["matchLabels"])

    def test_pod_disruption_budgets(self):
        base = find(Renders.get("base"), "PodDisruptionBudget")["spec"]
        self.assertEqual(base.get("maxUnavailable"), 1)
        self.assertNotIn("minAvailable", base, "minAvailable 1 would block drains with one replica")
        ha = find(Renders.get("ha"), "PodDisruptionBudget")["spec"]
        self.assertEqual(ha.get("minAvailable"), 1)
        self.assertNotIn("maxUnavailable", ha)
        for key in ("base", "ha"):
            selector = find(Renders.get(key), "PodDisruptionBudget")["spec"]["selector"]["matchLabels"]
            self.assertEqual(selector, find(Renders.get(key), "Deployment")["spec"]["selector"]["matchLabels"])

    def test_service_ports(self):
        service = find(Renders.get("base"), "Service", "reloader")
        ports = {p["name"]: (p["port"], p["targetPort"]) for p in service["spec"]["ports"]}
        self.assertEqual(ports, {"webhook": (443, "webhook"), "metrics": (9090, "metrics")})
        self.assertEqual(service["spec"]["selector"],
                         find(Renders.get("base"), "Deployment")["spec"]["selector"]["matchLabels"])

    def test_webhook_configuration(self):
        configuration = find(Renders.get("base"), "ValidatingWebhookConfiguration", "reloader")
        self.assertEqual(configuration["metadata"]["annotations"]["cert-manager.io/inject-ca-from"],
                         "reloader/reloader-serving-cert")
        self.assertEqual(len(configuration["webhooks"]), 2)
        for webhook in configuration["webhooks"]:
            with self.subTest(webhook=webhook["name"]):
                self.assertEqual(webhook["clientConfig"], {"service": {
                    "name": "reloader", "namespace": "reloader", "path": "/validate", "port": 443}})
                self.assertEqual(webhook["failurePolicy"], "Ignore")
                self.assertEqual(webhook["sideEffects"], "NoneOnDryRun")
                self.assertEqual(webhook["timeoutSeconds"], 5)
                self.assertEqual(webhook["admissionReviewVersions"], ["v1"])
                self.assertEqual(webhook["namespaceSelector"], {"matchExpressions": [{
                    "key": "kubernetes.io/metadata.name", "operator": "NotIn",
                    "values": ["reloader", "kube-system"]}]})

    def test_rbac_is_least_privilege(self):
        for key in ("base", "ha", "helm"):
            documents = Renders.get(key)
            with self.subTest(render=key):
                for role in (d for d in documents if d["kind"] in ("ClusterRole", "Role")):
                    for rule in role["rules"]:
                        for field in ("apiGroups", "resources", "verbs"):
                            self.assertNotIn("*", rule[field], f"{role['kind']} {role['metadata']['name']}")
                        self.assertFalse({"watch", "escalate", "bind", "impersonate", "deletecollection"}
                                         & set(rule["verbs"]), rule)
                        self.assertNotIn("nonResourceURLs", rule)
                cluster = rule_set(find(documents, "ClusterRole", "reloader")["rules"])
                namespaced = rule_set(find(documents, "Role", "reloader")["rules"])
                self.assertFalse([r for r in cluster if r[1] == "leases"], "leases only in the namespaced Role")
                self.assertTrue({r for r in namespaced if r[1] == "leases"})
                self.assertEqual({r for r in cluster if r[1] == "secrets"}, {("", "secrets", "get", "")},
                                 "Secrets: get only, never list")
                self.assertFalse({r for r in cluster if r[2] == "update"}, "workloads are patched, never updated")
                self.assertEqual(find(documents, "Role", "reloader")["metadata"]["namespace"], "reloader")
                for binding in (d for d in documents if d["kind"] in ("ClusterRoleBinding", "RoleBinding")):
                    self.assertEqual(binding["subjects"], [
                        {"kind": "ServiceAccount", "name": "reloader", "namespace": "reloader"}])


# --- the webhook rules of scripts/webhook-configuration.sh -----------------------------------------------------------

def webhook_shape(webhook):
    """A webhook without its clientConfig and namespaceSelector (how it is reached and scoped differs on purpose)."""
    shape = {k: v for k, v in webhook.items() if k not in ("clientConfig", "namespaceSelector")}
    shape["rules"] = sorted((tuple(r["operations"]), tuple(r["apiGroups"]), tuple(r["apiVersions"]),
                             tuple(sorted(r["resources"]))) for r in webhook["rules"])
    return shape


class WebhookScriptTests(unittest.TestCase):
    def test_kustomize_and_chart_keep_the_webhooks_of_the_script(self):
        with tempfile.NamedTemporaryFile("w", suffix=".crt") as ca:
            ca.write("not a real CA, only base64-encoded by the script\n")
            ca.flush()
            script = objects(run([os.path.join(REPO, "scripts", "webhook-configuration.sh"),
                                  "https://127.0.0.1:8443/validate", ca.name]))[0]
        expected = [webhook_shape(w) for w in script["webhooks"]]
        for key in ("base", "helm"):
            rendered = find(Renders.get(key), "ValidatingWebhookConfiguration", "reloader")
            self.assertEqual([webhook_shape(w) for w in rendered["webhooks"]], expected,
                             f"{key}: keep deployments/ and scripts/webhook-configuration.sh in step")


# --- scripts/install-without-cert-manager.sh -------------------------------------------------------------------------

class NoCertManagerScriptTests(unittest.TestCase):
    def test_the_script_prints_the_manifests_with_a_serving_secret_and_the_ca_bundle(self):
        documents = objects(run([os.path.join(REPO, "scripts", "install-without-cert-manager.sh")]))
        base = Renders.get("base")
        self.assertEqual(sorted(map(identity, documents)), sorted(
            [identity(d) for d in base if not d["apiVersion"].startswith(CERT_MANAGER_GROUP)]
            + [("Secret", "reloader-serving-cert", "reloader")]))
        secret = find(documents, "Secret", "reloader-serving-cert")
        self.assertEqual(secret["type"], "kubernetes.io/tls")
        configuration = find(documents, "ValidatingWebhookConfiguration")
        self.assertNotIn("cert-manager.io/inject-ca-from", (configuration["metadata"].get("annotations") or {}))
        expected = find(base, "ValidatingWebhookConfiguration")["webhooks"]
        for webhook, original in zip(configuration["webhooks"], expected):
            self.assertEqual(webhook["clientConfig"].pop("caBundle"), secret["data"]["ca.crt"])
            self.assertEqual(webhook, original)
        self.assertEqual(len(configuration["webhooks"]), len(expected))
        # The serving certificate is valid for the Service's name under that CA.
        with tempfile.TemporaryDirectory() as directory:
            for key in ("ca.crt", "tls.crt"):
                with open(os.path.join(directory, key), "wb") as handle:
                    handle.write(base64.b64decode(secret["data"][key]))
            run(["openssl", "verify", "-CAfile", os.path.join(directory, "ca.crt"), "-verify_hostname",
                 "reloader.reloader.svc", os.path.join(directory, "tls.crt")])
        for document in documents:
            kubernetes_validate.validate(document, KUBE_VERSION, strict=True)


# --- the Helm chart --------------------------------------------------------------------------------------------------

class HelmTests(unittest.TestCase):
    def compare_with_kustomize(self, kustomize_key, helm_key):
        kustomized = [d for d in Renders.get(kustomize_key) if d["kind"] != "Namespace"]  # helm --create-namespace
        charted = Renders.get(helm_key)
        self.assertEqual(sorted(map(identity, charted)), sorted(map(identity, kustomized)))
        fields = ("args", "env", "securityContext", "livenessProbe", "readinessProbe", "ports", "resources",
                  "image", "volumeMounts")
        for field in fields:
            self.assertEqual(container(charted).get(field), container(kustomized).get(field), field)
        helm_pod = find(charted, "Deployment")["spec"]["template"]["spec"]
        kustomize_pod = find(kustomized, "Deployment")["spec"]["template"]["spec"]
        for field in ("securityContext", "volumes", "terminationGracePeriodSeconds", "automountServiceAccountToken",
                      "serviceAccountName"):
            self.assertEqual(helm_pod.get(field), kustomize_pod.get(field), field)
        self.assertEqual(find(charted, "Deployment")["spec"]["replicas"],
                         find(kustomized, "Deployment")["spec"]["replicas"])
        for kind in ("ClusterRole", "Role"):
            self.assertEqual(rule_set(find(charted, kind, "reloader")["rules"]),
                             rule_set(find(kustomized, kind, "reloader")["rules"]), kind)
        for kind in ("ClusterRoleBinding", "RoleBinding"):
            for field in ("roleRef", "subjects"):
                self.assertEqual(find(charted, kind)[field], find(kustomized, kind)[field], kind)
        self.assertEqual(find(charted, "ValidatingWebhookConfiguration")["webhooks"],
                         find(kustomized, "ValidatingWebhookConfiguration")["webhooks"])
        self.assertEqual(find(charted, "ValidatingWebhookConfiguration")["metadata"]["annotations"],
                         find(kustomized, "ValidatingWebhookConfiguration")["metadata"]["annotations"])
        self.assertEqual(find(charted, "Service")["spec"]["ports"], find(kustomized, "Service")["spec"]["ports"])
        helm_pdb = {k: v for k, v in find(charted, "PodDisruptionBudget")["spec"].items() if k != "selector"}
        kustomize_pdb = {k: v for k, v in find(kustomized, "PodDisruptionBudget")["spec"].items() if k != "selector"}
        self.assertEqual(helm_pdb, kustomize_pdb)
        for document in kustomized:
            if document["apiVersion"].startswith(CERT_MANAGER_GROUP):
                self.assertEqual(find(charted, document["kind"], document["metadata"]["name"])["spec"],
                                 document["spec"])

    def test_default_values_render_what_kustomize_does(self):
        self.compare_with_kustomize("base", "helm")

    def test_ha_values_render_what_the_ha_overlay_does(self):
        # The overlay's topology spread is left to reloader.deployment.topologySpreadConstraints.
        self.compare_with_kustomize("ha", "helm-ha")

    def test_reloader_style_values_give_reloaders_flags(self):
        path = write_values("\n".join([
            "reloader:",
            "  reloadStrategy: annotations",
            "  ignoreSecrets: true",
            "  watchGlobally: false",
            "  ignoreJobs: true",
            "  ignoreCronJobs: true",
            "  isArgoRollouts: true",
            "  reloadOnCreate: true",
            "  autoReloadAll: true",
            "  logFormat: \"\"",
            "  logLevel: debug",
            "  resourceLabelSelector: \"reloader=enabled\"",
            "  custom_annotations:",
            "    auto: \"example.com/auto\"",
            "  coalesceWindow: 2s",
            "  deployment:",
            "    nodeSelector:",
            "      kubernetes.io/os: linux",
            "    env:",
            "      open:",
            "        ALERT_SINK: slack",
            "",
        ]))
        try:
            documents = objects(helm_template([path]))
        finally:
            os.unlink(path)
        main = container(documents)
        self.assertEqual(main["args"], [
            f"--cert-dir={SERVING_CERT_DIR}", "--log-level=debug", "--resources-to-ignore=secrets",
            "--ignored-workload-types=jobs,cronjobs", "--resource-label-selector=reloader=enabled",
            "--is-Argo-Rollouts=true", "--reload-on-create=true", "--reload-strategy=annotations",
            "--auto-reload-all=true", "--auto-annotation=example.com/auto", "--coalesce-window=2s"])
        env = {e["name"]: e for e in main["env"]}
        self.assertEqual(env["KUBERNETES_NAMESPACE"]["valueFrom"]["fieldRef"]["fieldPath"], "metadata.namespace")
        self.assertEqual(env["ALERT_SINK"]["value"], "slack")
        pod = find(documents, "Deployment")["spec"]["template"]["spec"]
        self.assertEqual(pod["nodeSelector"], {"kubernetes.io/os": "linux"})
        # watchGlobally false: a Role in the release namespace, no cluster-wide grant, webhook on that namespace only.
        self.assertFalse([d for d in documents if d["kind"] in ("ClusterRole", "ClusterRoleBinding")])
        watch = find(documents, "Role", "reloader-watch")
        self.assertEqual(rule_set(watch["rules"]),
                         rule_set(find(Renders.get("base"), "ClusterRole")["rules"])
                         - {("", "namespaces", "list", "")})
        for webhook in find(documents, "ValidatingWebhookConfiguration")["webhooks"]:
            self.assertEqual(webhook["namespaceSelector"]["matchExpressions"], [
                {"key": "kubernetes.io/metadata.name", "operator": "In", "values": ["reloader"]}])
        for document in documents:
            kubernetes_validate.validate(document, KUBE_VERSION, strict=True) \
                if not document["apiVersion"].startswith(CERT_MANAGER_GROUP) else None

    def test_without_cert_manager_the_ca_bundle_is_required_and_used(self):
        path = write_values("certManager:\n  enabled: false\n")
        try:
            with self.assertRaises(AssertionError) as failure:
                helm_template([path])
            self.assertIn("webhook.caBundle is required", str(failure.exception))
        finally:
            os.unlink(path)
        path = write_values("certManager:\n  enabled: false\nwebhook:\n  caBundle: Q0E=\n"
                            "  certSecretName: my-cert\n")
        try:
            documents = objects(helm_template([path]))
        finally:
            os.unlink(path)
        self.assertFalse([d for d in documents if d["apiVersion"].startswith(CERT_MANAGER_GROUP)])
        configuration = find(documents, "ValidatingWebhookConfiguration")
        self.assertNotIn("annotations", configuration["metadata"])
        self.assertEqual({w["clientConfig"]["caBundle"] for w in configuration["webhooks"]}, {"Q0E="})
        volumes = find(documents, "Deployment")["spec"]["template"]["spec"]["volumes"]
        self.assertIn({"name": "serving-certs", "secret": {"secretName": "my-cert"}}, volumes)

    def test_a_values_file_outside_the_yaml_subset_is_refused(self):
        path = write_values("reloader:\n  logLevel: |\n    debug\n")
        try:
            with self.assertRaises(AssertionError) as failure:
                helm_template([path])
            self.assertIn("block scalars", str(failure.exception))
        finally:
            os.unlink(path)


if __name__ == "__main__":
    unittest.main()
