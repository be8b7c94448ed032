#!/bin/bash
# cctrusted.efi in a real firmware: OVMF + swtpm under QEMU (TCG). The EFI
# shell's startup.nsh runs the application twice (the first run extends
# PCR16 and quotes, the second reads the log again), then powers off; the
# host reads the PCRs the firmware left from the same swtpm and checks
# everything with efi-check.py. See docs/firmware.md.
#
# Usage: efi-boot.sh CCTRUSTED_EFI   Exit 77 (skip) when a tool is missing.
# Environment: CCT_EFI_TIMEOUT (seconds for QEMU, default 400), CCT_EFI_KEEP=1 keeps the work
# directory, CCT_EFI_BENCH=FILE also times the replay of FILE (a TCG2 log) in the application.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
app="${1:?usage: efi-boot.sh CCTRUSTED_EFI}"
timeout_s="${CCT_EFI_TIMEOUT:-400}"
skip() { echo "SKIP: $*"; exit 77; }

[ -r "$app" ] || { echo "no $app"; exit 1; }
for t in qemu-system-x86_64 swtpm tpm2_pcrread tpm2_checkquote mkfs.vfat mcopy python3 timeout; do
    command -v "$t" >/dev/null || skip "$t not installed (qemu-system-x86 swtpm tpm2-tools dosfstools mtools)"
done
ovmf_code=/usr/share/OVMF/OVMF_CODE_4M.fd
ovmf_vars=/usr/share/OVMF/OVMF_VARS_4M.fd
[ -r "$ovmf_code" ] && [ -r "$ovmf_vars" ] || skip "OVMF not installed (package ovmf)"

work=$(mktemp -d /tmp/cct-efi.XXXXXX)
swtpm_pid=""
proxy_pid=""
qemu_pid=""
cleanup() {
    [ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null
    [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null
    [ -n "$proxy_pid" ] && wait "$proxy_pid" 2>/dev/null
    [ -n "$swtpm_pid" ] && kill "$swtpm_pid" 2>/dev/null
    wait 2>/dev/null
    if [ "${CCT_EFI_KEEP:-0}" = 1 ]; then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

nonce=$(python3 -c 'import os; print(os.urandom(16).hex())')
bench=""
if [ -n "${CCT_EFI_BENCH:-}" ]; then
    bench=" bench=bench.bin rounds=2"
fi
# --- the ESP: a FAT image with the application and startup.nsh
{
    printf 'fs0:\r\n'
    printf 'cctrusted.efi extend=cctrusted-efi-test quote nonce=%s dump out=run1.json\r\n' "$nonce"
    printf 'cctrusted.efi dump out=run2.json%s\r\n' "$bench"
    printf 'reset -s\r\n'
} > "$work/startup.nsh"
size_kb=16384
if [ -n "$bench" ]; then
    size_kb=$(( $(stat -c %s "$CCT_EFI_BENCH") / 1024 + 16384 ))
fi
mkfs.vfat -C "$work/esp.img" "$size_kb" >/dev/null || exit 1
mcopy -i "$work/esp.img" "$app" ::/cctrusted.efi || exit 1
mcopy -i "$work/esp.img" "$work/startup.nsh" ::/startup.nsh || exit 1
if [ -n "$bench" ]; then
    mcopy -i "$work/esp.img" "$CCT_EFI_BENCH" ::/bench.bin || exit 1
fi

# --- vTPM, behind the proxy that keeps it alive after the VM stops
mkdir -p "$work/tpm"
swtpm socket --tpm2 --tpmstate dir="$work/tpm" --ctrl type=unixio,path="$work/swtpm.sock" \
    --log file="$work/swtpm.log" &
swtpm_pid=$!
for _ in $(seq 100); do [ -S "$work/swtpm.sock" ] && break; sleep 0.1; done
[ -S "$work/swtpm.sock" ] || { echo "swtpm did not start"; cat "$work/swtpm.log"; exit 1; }
python3 "$here/swtpm_proxy.py" "$work/swtpm.sock" "$work/qemu.sock" "$work/post.sock" &
proxy_pid=$!
for _ in $(seq 100); do [ -S "$work/qemu.sock" ] && break; sleep 0.1; done
[ -S "$work/qemu.sock" ] || { echo "the swtpm proxy did not start"; exit 1; }

# --- boot
cp "$ovmf_vars" "$work/OVMF_VARS_4M.fd"
start=$(date +%s)
timeout -k 10 "$timeout_s" qemu-system-x86_64 -accel tcg -machine q35 -m 1024 -smp 1 \
    -display none -monitor none -no-reboot -net none -serial "file:$work/console.log" \
    -drive if=pflash,format=raw,unit=0,readonly=on,file="$ovmf_code" \
    -drive if=pflash,format=raw,unit=1,file="$work/OVMF_VARS_4M.fd" \
    -chardev socket,id=chrtpm,path="$work/qemu.sock" \
    -tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-tis,tpmdev=tpm0 \
    -drive if=virtio,format=raw,file="$work/esp.img" &
qemu_pid=$!
wait "$qemu_pid"
qrc=$?
qemu_pid=""
echo "qemu exited with $qrc after $(( $(date +%s) - start )) s"

# --- the PCRs the firmware left, from the same swtpm
for _ in $(seq 100); do [ -S "$work/post.sock" ] && break; sleep 0.1; done
TPM2TOOLS_TCTI="cmd:python3 $here/relay.py $work/post.sock" \
    tpm2_pcrread sha1:all+sha256:all+sha384:all+sha512:all > "$work/pcrread.txt"
echo "tpm2_pcrread: rc=$?"
mcopy -i "$work/esp.img" ::/run1.json "$work/run1.json" 2>/dev/null
mcopy -i "$work/esp.img" ::/run2.json "$work/run2.json" 2>/dev/null

python3 "$here/efi-check.py" "$work" "$nonce"
rc=$?
if [ "$rc" != 0 ]; then
    echo "---- console (last 40 lines)"
    tail -n 40 "$work/console.log" | cut -c1-200
fi
exit "$rc"
