# SPDX-License-Identifier: Apache-2.0
"""Offline checks of the deployment files in deploy/.

Usage: test_deploy.py SOURCE_ROOT CCTRUSTEDD

- Kubernetes manifests (deploy/k8s): every document is checked against a
  schema of the fields this project uses (unknown or misspelt keys fail,
  types, required fields), plus cross-references: the selector matches the
  pod labels, every volumeMount names a volume, hostPath types are valid,
  the DaemonSet has a nodeSelector and resource limits and mounts the
  securityfs, configfs-tsm and ACPI tables, and the socket directory is the
  same in the agent's --socket, its mount and the example pod's mount.
  When kubectl is installed, `kubectl label --local` also decodes them.
- The Helm chart: Chart.yaml/values.yaml parse; `helm lint` and the same
  schema on `helm template` output when helm is installed (skipped with a
  message otherwise).
- systemd units: `systemd-analyze verify` on copies whose ExecStart is the
  built binary (when systemd-analyze is installed).
- deploy/policy.json loads with `cctrustedd --check`; a policy with an
  unknown key or a wrong type is refused.
- docs/man/cctrustedd.8.in formats without warnings (groff -man -ww), when groff
  is installed.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pyutil import check, report  # noqa: E402

try:
    import yaml
except ImportError:
    print("SKIP: python3-yaml is not installed")
    sys.exit(77)

ROOT, AGENT = sys.argv[1], sys.argv[2]

S, I, B, L, D = str, int, bool, list, dict
META = {"name": S, "namespace": S, "labels": {"*": S}, "annotations": {"*": S}}
RES = {"requests": {"cpu": S, "memory": S}, "limits": {"cpu": S, "memory": S}}
MOUNT = {"name": S, "mountPath": S, "readOnly": B}
PROBE = {"exec": {"command": [S]}, "periodSeconds": I, "initialDelaySeconds": I}
SECCTX = {"privileged": B, "allowPrivilegeEscalation": B, "readOnlyRootFilesystem": B, "runAsUser": I,
          "runAsNonRoot": B, "capabilities": {"drop": [S], "add": [S]}}
CONTAINER = {"name": S, "image": S, "imagePullPolicy": S, "args": [S], "command": [S], "securityContext": SECCTX,
             "resources": RES, "readinessProbe": PROBE, "livenessProbe": PROBE, "volumeMounts": [MOUNT]}
VOLUME = {"name": S, "hostPath": {"path": S, "type": S}, "configMap": {"name": S}}
PODSPEC = {"nodeSelector": {"*": S}, "hostPID": B, "containers": [CONTAINER], "volumes": [VOLUME]}
SCHEMAS = {
    ("v1", "Namespace"): {"apiVersion": S, "kind": S, "metadata": META},
    ("v1", "ConfigMap"): {"apiVersion": S, "kind": S, "metadata": META, "data": {"*": S}},
    ("v1", "Pod"): {"apiVersion": S, "kind": S, "metadata": META, "spec": PODSPEC},
    ("apps/v1", "DaemonSet"): {"apiVersion": S, "kind": S, "metadata": META, "spec": {
        "selector": {"matchLabels": {"*": S}},
        "template": {"metadata": META, "spec": PODSPEC}}},
}
REQUIRED = {"Container": ("name", "image"), "Volume": ("name",), "Mount": ("name", "mountPath")}
HOSTPATH_TYPES = {"", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice"}


def validate(obj, schema, where, errors):
    if isinstance(schema, dict):
        if not isinstance(obj, dict):
            errors.append("%s: expected a mapping" % where)
            return
        for k, v in obj.items():
            sub = schema.get(k, schema.get("*"))
            if sub is None:
                errors.append("%s: unknown field %r" % (where, k))
                continue
            validate(v, sub, where + "." + str(k), errors)
    elif isinstance(schema, list):
        if not isinstance(obj, list):
            errors.append("%s: expected a list" % where)
            return
        for i, v in enumerate(obj):
            validate(v, schema[0], "%s[%d]" % (where, i), errors)
    elif schema is I:
        if not isinstance(obj, int) or isinstance(obj, bool):
            errors.append("%s: expected an integer" % where)
    elif not isinstance(obj, schema):
        errors.append("%s: expected %s" % (where, schema.__name__))


def check_podspec(spec, where, errors):
    vols = {v["name"] for v in spec.get("volumes", [])}
    for v in spec.get("volumes", []):
        if "hostPath" in v and v["hostPath"].get("type", "") not in HOSTPATH_TYPES:
            errors.append("%s: volume %s: bad hostPath type" % (where, v["name"]))
        if sum(1 for k in ("hostPath", "configMap") if k in v) != 1:
            errors.append("%s: volume %s needs exactly one source" % (where, v["name"]))
    if not spec.get("containers"):
        errors.append("%s: no containers" % where)
    for c in spec.get("containers", []):
        for k in REQUIRED["Container"]:
            if k not in c:
                errors.append("%s: container without %s" % (where, k))
        for m in c.get("volumeMounts", []):
            if m.get("name") not in vols:
                errors.append("%s: mount %s names no volume" % (where, m.get("name")))


def docs_of(path_or_text, text=False):
    return [d for d in yaml.safe_load_all(path_or_text if text else open(path_or_text)) if d is not None]


def validate_docs(docs, where):
    errors = []
    for d in docs:
        key = (d.get("apiVersion"), d.get("kind"))
        if key not in SCHEMAS:
            errors.append("%s: unexpected kind %s" % (where, key))
            continue
        name = "%s %s/%s" % (where, d["kind"], d.get("metadata", {}).get("name"))
        validate(d, SCHEMAS[key], name, errors)
        if d["kind"] == "DaemonSet":
            tpl = d["spec"]["template"]
            sel = d["spec"]["selector"]["matchLabels"]
            if any(tpl["metadata"].get("labels", {}).get(k) != v for k, v in sel.items()):
                errors.append(name + ": selector does not match the pod labels")
            check_podspec(tpl["spec"], name, errors)
        elif d["kind"] == "Pod":
            check_podspec(d["spec"], name, errors)
    return errors


def agent_checks(docs, pod_docs, where):
    ds = [d for d in docs if d["kind"] == "DaemonSet"][0]
    spec = ds["spec"]["template"]["spec"]
    c = spec["containers"][0]
    mounts = {m["mountPath"] for m in c["volumeMounts"]}
    check(spec.get("nodeSelector") and c["resources"].get("limits"), where + ": nodeSelector and resource limits")
    check({"/sys/kernel/security", "/sys/kernel/config/tsm", "/sys/firmware/acpi/tables"} <= mounts,
          where + ": securityfs, configfs-tsm and ACPI tables mounted")
    check(spec.get("hostPID") is True, where + ": hostPID (the agent reads its callers' /proc/PID/cgroup)")
    sock = c["args"][c["args"].index("--socket") + 1]
    sockdir = os.path.dirname(sock)
    check(sockdir in mounts, where + ": the socket directory %s is a mount of the agent" % sockdir)
    host = [v["hostPath"]["path"] for v in spec["volumes"]
            if v["name"] == [m for m in c["volumeMounts"] if m["mountPath"] == sockdir][0]["name"]]
    for p in pod_docs:
        pod_mounts = [m["mountPath"] for m in p["spec"]["containers"][0]["volumeMounts"]]
        pod_host = [v["hostPath"]["path"] for v in p["spec"]["volumes"] if "hostPath" in v]
        check(sockdir in pod_mounts and host[0] in pod_host,
              where + ": the example pod mounts the agent's socket directory")


def main():
    k8s = os.path.join(ROOT, "deploy", "k8s")
    ds_docs = docs_of(os.path.join(k8s, "daemonset.yaml"))
    pod_docs = docs_of(os.path.join(k8s, "example-pod.yaml"))
    errs = validate_docs(ds_docs + pod_docs, "k8s")
    check(not errs, "k8s manifests match the schema: %s" % errs)
    agent_checks(ds_docs, pod_docs, "k8s")
    # the schema check itself fails on a misspelt field
    bad = json.loads(json.dumps(pod_docs[0]))
    bad["spec"]["containers"][0]["imagee"] = "x"
    check(validate_docs([bad], "bad") != [], "schema self-test: a misspelt field is reported")
    if shutil.which("kubectl"):
        for f in ("daemonset.yaml", "example-pod.yaml"):
            p = subprocess.run(["kubectl", "label", "--local", "-f", os.path.join(k8s, f), "-o", "name",
                                "cctrusted-check=1"],
                               capture_output=True, text=True)
            check(p.returncode == 0 and ("daemonset" in p.stdout or "pod/" in p.stdout),
                  "kubectl decodes %s offline: %s" % (f, p.stderr.strip()[-300:]))
    else:
        print("note: kubectl not installed; schema check only")

    chart = os.path.join(ROOT, "deploy", "helm", "cctrustedd")
    meta = yaml.safe_load(open(os.path.join(chart, "Chart.yaml")))
    vals = yaml.safe_load(open(os.path.join(chart, "values.yaml")))
    check(meta["apiVersion"] == "v2" and meta["name"] == "cctrustedd" and vals["nodeSelector"]
          and vals["resources"]["limits"], "helm: Chart.yaml and values.yaml parse, nodeSelector and limits set")
    if shutil.which("helm"):
        p = subprocess.run(["helm", "lint", chart], capture_output=True, text=True)
        check(p.returncode == 0, "helm lint: " + p.stdout[-300:])
        p = subprocess.run(["helm", "template", "t", chart, "--namespace", "cctrusted"], capture_output=True,
                           text=True)
        docs = docs_of(p.stdout, text=True)
        check(p.returncode == 0 and not validate_docs(docs, "helm"), "helm template output matches the schema")
        agent_checks(docs, pod_docs, "helm")
    else:
        print("SKIP helm lint/template: helm is not installed (not in Debian 12)")

    tmp = tempfile.mkdtemp()
    try:
        if shutil.which("systemd-analyze"):
            for u in ("cctrustedd.service", "cctrustedd.socket"):
                text = open(os.path.join(ROOT, "deploy", "systemd", u)).read()
                text = text.replace("/usr/sbin/cctrustedd", os.path.abspath(AGENT))
                text = "\n".join(l for l in text.splitlines() if not l.startswith("Documentation="))
                open(os.path.join(tmp, u), "w").write(text + "\n")
            p = subprocess.run(["systemd-analyze", "verify", os.path.join(tmp, "cctrustedd.service"),
                                os.path.join(tmp, "cctrustedd.socket")], capture_output=True, text=True)
            noise = [l for l in p.stderr.splitlines() if l.strip() and "cctrustedd" in l]
            check(p.returncode == 0 and not noise, "systemd-analyze verify: %s" % p.stderr.strip()[-400:])
        else:
            print("SKIP systemd-analyze: not installed")
        unit = open(os.path.join(ROOT, "deploy", "systemd", "cctrustedd.service")).read()
        for k in ("NoNewPrivileges=yes", "CapabilityBoundingSet=\n", "ProtectSystem=strict", "Type=notify"):
            check(k in unit, "service unit hardening: " + k.strip())

        p = subprocess.run([AGENT, "--policy", os.path.join(ROOT, "deploy", "policy.json"), "--check"],
                           capture_output=True, text=True)
        check(p.returncode == 0 and "policy ok" in p.stdout, "deploy/policy.json loads: " + p.stderr)
        for bad, what in (({"isolate": True}, "unknown key"), ({"rate_per_second": "x"}, "must be a number"),
                          ({"report_uids": [-1]}, "not a uid"), ({"max_connections": 0}, "outside")):
            f = os.path.join(tmp, "p.json")
            json.dump(bad, open(f, "w"))
            p = subprocess.run([AGENT, "--policy", f, "--check"], capture_output=True, text=True)
            check(p.returncode == 1 and what in p.stderr, "policy %s refused: %s" % (bad, p.stderr.strip()))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    man = os.path.join(ROOT, "docs", "man", "cctrustedd.8.in")
    if shutil.which("groff"):
        p = subprocess.run(["groff", "-man", "-ww", "-z", man], capture_output=True, text=True)
        check(p.returncode == 0 and p.stderr.strip() == "", "cctrustedd.8 formats without warnings: " + p.stderr)
    else:
        check(os.path.exists(man), "cctrustedd.8 exists (groff not installed)")
    return report(need_checks=True)


sys.exit(main())
