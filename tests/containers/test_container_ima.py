# SPDX-License-Identifier: Apache-2.0
"""A container's view of an ima-cgpath / ima-dep-cgn IMA list (library:
cct_container_events, cct_container_cgroup_matches) on the corpus's TDX
ima-cgpath list and on generated lists with names containing spaces.

Usage: test_container_ima.py CONTAINER_TOOL GEN_IMA CORPUS_DIR

Expected values are computed here: which entries belong to a container from
the cgroup path by a plain string rule, and IMR3 by a hashlib SHA-384 replay
of their template digests (as logged, or SHA-384 over the template data).
"""
import hashlib
import importlib.util
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pyutil import check, report  # noqa: E402

TOOL, GEN_IMA, CORPUS = sys.argv[1:4]
spec = importlib.util.spec_from_file_location("gen_ima", GEN_IMA)
gen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen)


def tool(*args):
    p = subprocess.run([TOOL] + list(args), capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def view(path, cid):
    rc, out, err = tool("ima", path, cid)
    if rc != 0:
        return None, None, [], err
    lines = out.splitlines()
    evs = [(int(ln.split(" ", 1)[0]), ln.split(" ", 1)[1] if " " in ln else "") for ln in lines[:-2]]
    return int(lines[-2].split()[1]), lines[-1].split()[1], evs, err


def replay384(digests):
    v = bytes(48)
    for d in digests:
        v = hashlib.sha384(v + d).digest()
    return v.hex()


def belongs(cgpath, cid):
    """Independent rule: a path component is the id, or <runtime>-<id>[.scope]."""
    for comp in cgpath.split("/"):
        if comp.endswith(".scope"):
            comp = comp[: -len(".scope")]
        if comp in (cid, "docker-" + cid, "cri-containerd-" + cid, "crio-" + cid, "libpod-" + cid):
            return True
    return False


def corpus():
    path = os.path.join(CORPUS, "ima", "evidence-api-tdx-ima-cgpath-sha384.DERIVED.txt")
    if not os.path.exists(path):
        print("SKIP corpus part: %s is absent" % path)
        return
    cid = "ff7fded24dcf75ee1a528500225bf34854706ebdf7ac666ec8d6fcd77ce2c113"
    want_n, digests, names = 0, [], []
    for i, line in enumerate(open(path)):
        f = line.split(" ")
        if belongs(f[4], cid):
            want_n += 1
            digests.append(bytes.fromhex(f[1]))
            names.append((i, line.rstrip("\n").split(" ", 6)[6]))
    check(want_n == 36, "corpus: 36 entries of the docker container by the plain rule (%d)" % want_n)
    n, imr, evs, err = view(path, cid)
    check(n == want_n, "corpus: the library's view of %s has %s entries, expected %d %s" % (cid[:12], n, want_n, err))
    check(imr == replay384(digests), "corpus: container IMR3 equals the hashlib replay of its entries")
    check(evs == names, "corpus: the same entries, with their event numbers and file names")
    # per container, exact: the 12-digit short id names no cgroup; other cgroups are not it
    n, imr, evs, err = view(path, cid[:12])
    check(n == 0 and imr == "00" * 48, "corpus: a short id matches no entry (%s)" % n)
    n, imr, evs, err = view(path, "docker")
    check(n == 0, "corpus: 'docker' (the daemon's own service cgroup) is not a container (%s)" % n)


def generated():
    tmp = tempfile.mkdtemp(prefix="cct-cgpath-")
    ida = hashlib.sha256(b"container a").hexdigest()
    idb = hashlib.sha256(b"container b").hexdigest()
    podu = "0b7e9d6a-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
    cg = {
        "a": "/system.slice/docker-%s.scope" % ida,
        "b": "/kubepods/besteffort/pod%s/%s" % (podu, idb),
        "b-sibling": "/kubepods/besteffort/pod%s/%s" % (podu, hashlib.sha256(b"sidecar").hexdigest()),
        "host": "/system.slice/sshd.service",
    }
    files = ["/app/my file.txt", "/bin/sh", "/tmp/a b  c", "/etc/with space/conf", "/usr/lib/x.so"]
    entries = []
    k = 0
    for template in ("ima-cgpath", "ima-dep-cgn"):
        for who in ("a", "host", "b", "b-sibling", "a", "b"):
            nm = files[k % len(files)]
            k += 1
            cgfield = cg[who] if template == "ima-cgpath" else cg[who].rsplit("/", 1)[1]
            viol = k == 7
            d = gen.fdig("sha384", nm)
            fields = [("dep", "/usr/bin/runc:/usr/bin/containerd-shim"), ("cg-path" if template == "ima-cgpath"
                      else "cgn", cgfield), ("d-ng", (d[0], bytes(len(d[1]))) if viol else d), ("n-ng", nm)]
            entries.append((who, gen.Entry(template, 2, fields, violation=viol)))
    # a cgroup with a literal space (binary only: ascii fields are space-separated)
    d = gen.fdig("sha384", "/x")
    spaced = gen.Entry("ima-cgpath", 2, [("dep", "/init"), ("cg-path", "/my slice/docker-%s.scope" % ida),
                                         ("d-ng", d), ("n-ng", "/name with spaces")])
    for be in (False, True):
        lst = entries + [("a", spaced)]
        p = os.path.join(tmp, "cgpath-%s.bin" % ("be" if be else "le"))
        with open(p, "wb") as f:
            for _, e in lst:
                f.write(e.binary(be))
        if be:
            # a big-endian list is read as what the host writes; the tool reads it as given
            pass
        for who, cid in (("a", ida), ("b", idb)):
            mine = [(i, e) for i, (w, e) in enumerate(lst) if w == who]
            want = replay384([b"\xff" * 48 if e.violation else hashlib.sha384(e.template_data(be)).digest()
                              for _, e in mine])
            n, imr, evs, err = view(p, cid)
            check(n == len(mine), "binary %s: container %s has %s entries, expected %d %s"
                  % ("be" if be else "le", who, n, len(mine), err))
            check(imr == want, "binary %s: container %s IMR3 = SHA-384 replay over its template data"
                  % ("be" if be else "le", who))
            check([x[1] for x in evs] == [e.file_name() for _, e in mine],
                  "binary %s: container %s file names with spaces kept whole: %s"
                  % ("be" if be else "le", who, [x[1] for x in evs]))
    p = os.path.join(tmp, "cgpath.txt")
    with open(p, "w") as f:
        for _, e in entries:
            f.write(e.ascii("sha384"))
    for who, cid in (("a", ida), ("b", idb)):
        mine = [(i, e) for i, (w, e) in enumerate(entries) if w == who]
        want = replay384([b"\xff" * 48 if e.violation else e.template_hash("sha384") for _, e in mine])
        n, imr, evs, err = view(p, cid)
        check(n == len(mine), "ascii: container %s has %s entries, expected %d %s" % (who, n, len(mine), err))
        check(imr == want, "ascii: container %s IMR3 = replay of its logged SHA-384 template hashes" % who)
        check([x[1] for x in evs] == [e.file_name() for _, e in mine],
              "ascii: container %s file names with spaces kept whole: %s" % (who, [x[1] for x in evs]))
    # the pod is not a container: its uid names no entry
    n, _, _, _ = view(p, "pod" + podu.replace("-", "_"))
    check(n == 0, "the pod's cgroup is not a container's (%s)" % n)
    # an ascii list whose template hash is SHA-256 cannot feed a SHA-384 IMR3: refused, with the event
    p2 = os.path.join(tmp, "cgpath-sha256.txt")
    with open(p2, "w") as f:
        for _, e in entries:
            f.write(e.ascii("sha256"))
    rc, out, err = tool("ima", p2, ida)
    check(rc == 2 and "no SHA-384" in err and "entry 0" in err, "SHA-256 ascii list refused naming the entry: " + err)


def cgroups():
    cid = hashlib.sha256(b"x").hexdigest()
    cases = [
        ("/system.slice/docker-%s.scope" % cid, 1), ("/docker/%s" % cid, 1),
        ("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/cri-containerd-%s.scope" % cid, 1),
        ("/kubepods/burstable/pod1/%s" % cid, 1), ("/machine.slice/libpod-%s.scope" % cid, 1),
        ("/kubepods.slice/crio-%s.scope" % cid, 1), ("/system.slice/docker-%s.scope/init" % cid, 1),
        ("/system.slice/docker-%s0.scope" % cid, 0), ("/docker/%s" % cid[:12], 0), ("/", 0),
        ("/system.slice/docker.service", 0), ("/x-%s.scope" % cid, 0),
    ]
    for path, want in cases:
        rc, out, _ = tool("cgroup", path, cid)
        check(rc == 0 and out.strip() == str(want), "cgroup %s -> %d (got %s)" % (path, want, out.strip()))
    for cid2, want in (("abc", 1), ("", 0), (".hidden", 0), ("a/b", 0), ("a b", 0), ("x" * 128, 1), ("x" * 129, 0)):
        rc, out, _ = tool("id", cid2)
        check(out.strip() == str(want), "container id %r valid=%d" % (cid2[:20], want))


def main():
    cgroups()
    corpus()
    generated()
    return report(need_checks=True)


if __name__ == "__main__":
    sys.exit(main())
