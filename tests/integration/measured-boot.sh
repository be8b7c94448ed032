#!/bin/bash
# A real measured boot: OVMF + swtpm + the Debian kernel under QEMU (TCG),
# with cctrusted in a busybox initramfs. The guest prints its evidence on the
# serial console; the host checks every step, and verifies the quote with
# tpm2_checkquote. See docs/MEASURED-BOOT.md.
#
# With CCTRUSTEDD, the guest also runs the node agent on its vTPM and asks it
# through `cctrusted --platform agent` as an unprivileged uid; with PEERS (the
# directory of the unmodified CIMA SDK), the SDK asks it too, from a process in
# a docker-like cgroup, with Debian's python3, grpcio and protobuf copied into
# the initramfs (tests/integration/py-closure.py lists what they need).
#
# Usage: measured-boot.sh [CCTRUSTED [CCTRUSTEDD [PEERS]]]
#        (default: build/src/cli/cctrusted, no agent)
# Environment: CCT_MB_TIMEOUT (seconds for QEMU, default 300, 600 with the agent), CCT_MB_KEEP=1
# keeps the work directory. Exit 77 (skip) when a tool is missing.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cli="${1:-$root/build/src/cli/cctrusted}"
agent="${2:-}"
peers="${3:-}"
# With the agent part (Python under TCG) the guest took 65 s at load 7 and 192 s at
# load 18 on 2 cores (30-50 s without it).
timeout_s="${CCT_MB_TIMEOUT:-300}"
[ -n "$agent" ] && [ -z "${CCT_MB_TIMEOUT:-}" ] && timeout_s=600

skip() { echo "SKIP: $*"; exit 77; }

[ -x "$cli" ] || { echo "no cctrusted binary at $cli"; exit 1; }
[ -z "$agent" ] || [ -x "$agent" ] || { echo "no cctrustedd binary at $agent"; exit 1; }
sdk=""
if [ -n "$agent" ] && [ -n "$peers" ]; then
    if [ ! -d "$peers/cima-python-sdk" ] || [ ! -d "$peers/evidence-api-python" ]; then
        echo "note: the CIMA SDK is not in $peers: the guest runs the agent without it"
    elif ! /usr/bin/python3 -c 'import grpc, google.protobuf' 2>/dev/null; then
        skip "Debian's python3-grpcio and python3-protobuf are not installed"
    else
        sdk="$peers"
    fi
fi
# The generic Debian kernel (linux-image-amd64) has the TPM TIS driver, securityfs and IMA built
# in; prefer it over cloud/rt flavours, which may lack drivers.
pick_kernel() {
    k=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | grep -v -e '-cloud-' -e '-rt-' | sort -V | tail -n 1)
    [ -n "$k" ] || k=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
    echo "$k"
}
kernel=$(pick_kernel)
if [ -z "$kernel" ] || echo "$kernel" | grep -q -e '-cloud-' -e '-rt-'; then
    kernel=""
fi
if [ -z "$kernel" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing linux-image-amd64 (kernel for the guest)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-image-amd64 >/dev/null
    kernel=$(pick_kernel)
fi
[ -n "$kernel" ] && [ -r "$kernel" ] || skip "no readable /boot/vmlinuz-* (package linux-image-amd64)"
for t in qemu-system-x86_64 swtpm tpm2_checkquote cpio gzip python3 ldd base64 timeout; do
    command -v "$t" >/dev/null || skip "$t not installed (packages: qemu-system-x86 swtpm tpm2-tools cpio)"
done
ovmf_code=/usr/share/OVMF/OVMF_CODE_4M.fd
ovmf_vars=/usr/share/OVMF/OVMF_VARS_4M.fd
[ -r "$ovmf_code" ] && [ -r "$ovmf_vars" ] || skip "OVMF not installed (package ovmf)"
busybox=$(command -v busybox)
[ -n "$busybox" ] && ! ldd "$busybox" >/dev/null 2>&1 || skip "no static busybox (package busybox-static)"

work=$(mktemp -d /tmp/cct-measured-boot.XXXXXX)
swtpm_pid=""
qemu_pid=""
cleanup() {
    [ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null
    [ -n "$swtpm_pid" ] && kill "$swtpm_pid" 2>/dev/null
    wait 2>/dev/null
    if [ "${CCT_MB_KEEP:-0}" = 1 ]; then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- initramfs: busybox, cctrusted, the library and every library they load
ir="$work/initramfs"
mkdir -p "$ir"/{bin,dev,proc,sys,tmp,lib64,lib/x86_64-linux-gnu,etc}
cp "$busybox" "$ir/bin/busybox"
cp "$cli" "$ir/bin/cctrusted"
libs() {
    ldd "$1" | awk '/=> \//{print $3} /^\t\/lib/{print $1}'
}
tcti=$(ls /usr/lib/x86_64-linux-gnu/libtss2-tcti-device.so.0 2>/dev/null)
[ -n "$tcti" ] || skip "libtss2-tcti-device0 not installed"
{ libs "$cli"; echo "$tcti"; libs "$tcti"; } | sort -u | while read -r l; do
    case "$l" in
        */ld-linux-x86-64.so.2) cp -L "$l" "$ir/lib64/ld-linux-x86-64.so.2" ;;
        *) cp -L "$l" "$ir/lib/x86_64-linux-gnu/" ;;
    esac
done
# The agent, setpriv (util-linux) to drop to an unprivileged uid, and the
# CIMA SDK with the interpreter and the modules it loads.
if [ -n "$agent" ]; then
    command -v setpriv >/dev/null || skip "setpriv not installed (package util-linux)"
    cp "$agent" "$ir/bin/cctrustedd"
    mkdir -p "$ir/usr/bin"  # not /bin: busybox installs its own, smaller setpriv there
    cp "$(command -v setpriv)" "$ir/usr/bin/setpriv"
    { libs "$agent"; libs "$(command -v setpriv)"; } | sort -u | while read -r l; do
        case "$l" in
            */ld-linux-x86-64.so.2) ;;
            *) cp -L "$l" "$ir/lib/x86_64-linux-gnu/" ;;
        esac
    done
fi
if [ -n "$sdk" ]; then
    /usr/bin/python3 "$here/py-closure.py" "$sdk/cima-python-sdk" "$sdk/evidence-api-python" \
        > "$work/py-files" || { echo "py-closure.py failed"; exit 1; }
    while read -r f; do
        case "$f" in
            */ld-linux-x86-64.so.2) continue ;;
            /lib/x86_64-linux-gnu/* | /usr/lib/x86_64-linux-gnu/*) d="$ir/lib/x86_64-linux-gnu" ;;
            *) d="$ir$(dirname "$f")" ;;
        esac
        mkdir -p "$d"
        cp -L "$f" "$d/"
    done < "$work/py-files"
    mkdir -p "$ir/opt"
    cp -r "$sdk/cima-python-sdk" "$sdk/evidence-api-python" "$ir/opt/"
    cp "$root/tests/agent/sdk_check.py" "$ir/opt/"
    echo "python closure: $(wc -l < "$work/py-files") files"
fi
nonce=$(python3 -c 'import os; print(os.urandom(32).hex())')
cat > "$ir/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin LD_LIBRARY_PATH=/lib/x86_64-linux-gnu
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t securityfs securityfs /sys/kernel/security
mount -t devtmpfs devtmpfs /dev
echo 1 > /proc/sys/kernel/printk
nonce=$(sed -n 's/.*cct\.nonce=\([0-9a-f]*\).*/\1/p' /proc/cmdline)
step() {
    name=$1; shift
    echo "=== CCT-BEGIN $name"
    "$@" 2>/tmp/err
    rc=$?
    echo "=== CCT-STDERR $name"
    cat /tmp/err
    echo "=== CCT-END $name rc=$rc"
}
file() {
    echo "=== CCT-BEGIN file-$1"
    base64 "$2"
    echo "=== CCT-END file-$1 rc=0"
}
echo "=== CCT-GUEST-UP"
step info cctrusted info --json
step replay1 cctrusted replay --verify --json
step measurement cctrusted measurement --json
step report cctrusted report --nonce "$nonce" --out /tmp/q --json
file quote /tmp/q
file sig /tmp/q.sig
file ak /tmp/q.ak
step extend cctrusted extend --index 16 --data hello --json
step replay2 cctrusted replay --verify --json
step eventlog-text cctrusted eventlog --count 8
if [ -x /bin/cctrustedd ]; then
    # The node agent on the vTPM (/dev/tpmrm0, the firmware log and the IMA list);
    # asked as uid 65534 through the library's agent platform, then by the CIMA SDK.
    sock=/run/cima/uds/cima-server.sock
    mkdir -p /run/cima/uds /etc
    echo '{"isolated": false, "max_page": 100000}' > /etc/cctrustedd.json
    # As on any systemd host: cgroup2 mounted (until it is, /proc/PID/cgroup is empty and the
    # agent cannot identify its callers: UNAUTHENTICATED).
    mkdir -p /sys/fs/cgroup
    mount -t cgroup2 cgroup2 /sys/fs/cgroup
    cctrustedd --platform tpm --policy /etc/cctrustedd.json 2>/tmp/agent.err &
    agent_pid=$!
    i=0
    while [ ! -S $sock ] && [ $i -lt 300 ]; do sleep 0.2; i=$((i + 1)); done
    step agent-up test -S $sock
    nobody="/usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups"
    step agent-uid $nobody id -u
    step agent-measurement $nobody cctrusted --platform agent measurement --json
    step direct-measurement cctrusted measurement --json
    step agent-eventlog $nobody cctrusted --platform agent eventlog --json
    step direct-eventlog cctrusted eventlog --json
    step agent-replay $nobody cctrusted --platform agent replay --verify --json
    if [ -x /usr/bin/python3.11 ]; then
        cid=$(echo cctrusted-guest-container | sha256sum | cut -c1-64)
        other=$(echo another-container | sha256sum | cut -c1-64)
        cg=/sys/fs/cgroup/system.slice/docker-$cid.scope
        mkdir -p $cg /tmp/docker/containers/$cid
        echo c > /tmp/docker/containers/$cid/hostname
        : > /tmp/hostname-target
        echo "=== CCT-CONTAINER $cid"
        export PYTHONPATH=/opt/cima-python-sdk:/opt/evidence-api-python
        step sdk unshare -m sh -c "echo \$\$ > $cg/cgroup.procs &&
            mount --bind /tmp/docker/containers/$cid/hostname /tmp/hostname-target &&
            exec /usr/bin/python3.11 /opt/sdk_check.py $sock $other"
        step sdk-measurement cctrusted measurement --json
    fi
    kill $agent_pid
    wait $agent_pid
    echo "=== CCT-BEGIN agent-log"
    cat /tmp/agent.err
    echo "=== CCT-END agent-log rc=0"
fi
echo "=== CCT-DONE"
poweroff -f
EOF
chmod 755 "$ir/init"
(cd "$ir" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/initrd.gz"
echo "initramfs: $(du -h "$work/initrd.gz" | cut -f1), kernel $kernel, nonce $nonce"

# --- vTPM
mkdir -p "$work/tpm"
swtpm socket --tpm2 --tpmstate dir="$work/tpm" --ctrl type=unixio,path="$work/swtpm.sock" \
    --log file="$work/swtpm.log" &
swtpm_pid=$!
for _ in $(seq 50); do [ -S "$work/swtpm.sock" ] && break; sleep 0.1; done
[ -S "$work/swtpm.sock" ] || { echo "swtpm did not start"; cat "$work/swtpm.log"; exit 1; }

# --- boot
cp "$ovmf_vars" "$work/OVMF_VARS_4M.fd"
start=$(date +%s)
timeout -k 10 "$timeout_s" qemu-system-x86_64 -accel tcg -machine q35 -m 1024 -smp 1 \
    -display none -monitor none -no-reboot -serial "file:$work/console.log" \
    -drive if=pflash,format=raw,unit=0,readonly=on,file="$ovmf_code" \
    -drive if=pflash,format=raw,unit=1,file="$work/OVMF_VARS_4M.fd" \
    -chardev socket,id=chrtpm,path="$work/swtpm.sock" \
    -tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-tis,tpmdev=tpm0 \
    -kernel "$kernel" -initrd "$work/initrd.gz" \
    -append "console=ttyS0 ima_policy=tcb quiet loglevel=1 panic=-1 cct.nonce=$nonce" &
qemu_pid=$!
wait "$qemu_pid"
qrc=$?
qemu_pid=""
echo "qemu exited with $qrc after $(( $(date +%s) - start )) s"
[ "$qrc" = 124 ] && echo "qemu was killed after the ${timeout_s} s timeout"

# --- host-side checks
CCTRUSTED="$cli" CCT_MB_AGENT="${agent:+1}" CCT_MB_SDK="${sdk:+1}" \
    python3 "$here/measured-boot-check.py" "$work/console.log" "$nonce" "$work"
rc=$?
if [ "$rc" != 0 ]; then
    echo "---- console (last 80 lines)"
    tail -n 80 "$work/console.log" | cut -c1-300
fi
exit "$rc"
