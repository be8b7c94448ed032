#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A -Dtpm=disabled build (BUILDDIR, already set up that way): the library
# links no tpm2-tss, says so in --version, reads TPM PCRs from a sysfs tree,
# and refuses quotes, extends and TCTIs with a message naming the cause.
# usage: notpm.sh BUILDDIR
set -u
b=$1
cli=$b/src/cli/cctrusted
fail=0
check() { if [ "$1" = 0 ]; then echo "ok   $2"; else echo "FAIL $2"; fail=1; fi; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

! ldd "$b/libcctrusted.so.0" | grep -q tss2; check $? "libcctrusted.so links no tpm2-tss"
"$cli" --version | grep -q "without tpm2-tss"; check $? "--version says: without tpm2-tss"

pcr=$root/sys/class/tpm/tpm0
mkdir -p "$pcr/pcr-sha256"
echo 2 > "$pcr/tpm_version_major"
i=0
while [ $i -lt 24 ]; do
    printf '%064X\n' $((i + 160)) > "$pcr/pcr-sha256/$i"
    i=$((i + 1))
done
want=$(printf '%064x' 165)
out=$("$cli" --platform tpm --sysroot "$root" measurement --index 5 --alg sha256)
echo "$out" | grep -q "PCR5 .*$want"; check $? "PCR5 read from sysfs ($out)"

err=$("$cli" --platform tpm --sysroot "$root" report 2>&1); rc=$?
[ $rc = 3 ] && echo "$err" | grep -q "built without tpm2-tss"
check $? "report: exit 3, built without tpm2-tss ($rc)"
err=$("$cli" --platform tpm --sysroot "$root" extend --index 16 --data x 2>&1); rc=$?
[ $rc = 3 ] && echo "$err" | grep -q "built without tpm2-tss"; check $? "extend: exit 3 ($rc)"
err=$(CCT_TPM_TCTI=swtpm "$cli" --platform tpm --sysroot "$root" measurement 2>&1); rc=$?
[ $rc = 3 ] && echo "$err" | grep -q "TCTI 'swtpm' cannot be used"
check $? "a TCTI is refused ($rc)"
exit $fail
