#!/bin/sh
# Link a gnu-efi application: ELF shared object with gnu-efi's crt0 and
# linker script, then objcopy to a PE32+ EFI application (subsystem 10).
# Usage: mkefi.sh OUT.efi LD OBJCOPY EFI_LIBDIR OBJECTS.a CORE.a
set -eu
out=$1 ld=$2 objcopy=$3 libdir=$4 objs=$5 core=$6
so="$out.so"
"$ld" -nostdlib -znocombreloc -T "$libdir/elf_x86_64_efi.lds" -shared -Bsymbolic --no-undefined \
    -L"$libdir" "$libdir/crt0-efi-x86_64.o" --whole-archive "$objs" --no-whole-archive "$core" \
    -lefi -lgnuefi -o "$so"
"$objcopy" -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela -j '.rel.*' \
    -j '.rela.*' -j .reloc --target efi-app-x86_64 --subsystem=10 "$so" "$out"
rm -f "$so"
