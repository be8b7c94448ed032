# bash completion for cctrusted(1)                          -*- shell-script -*-
# SPDX-License-Identifier: Apache-2.0

_cctrusted()
{
    local cur prev words cword
    _init_completion || return

    local commands="eventlog replay info measurement report extend verify collateral vcek"
    local global="--platform --sysroot --help --version"
    local cmd="" i
    for ((i = 1; i < cword; i++)); do
        case "${words[i]}" in
            --platform | --sysroot) ((i++)) ;;
            -*) ;;
            *) cmd="${words[i]}"; break ;;
        esac
    done

    case "$prev" in
        --platform)
            COMPREPLY=($(compgen -W "auto tdx tpm snp cca sim" -- "$cur")); return ;;
        --sysroot)
            _filedir -d; return ;;
        --format | -f)
            local formats="auto tcg2 tcg1 ccel ima ima-bin cel-tlv cel-json cel-cbor"
            COMPREPLY=($(compgen -W "$formats" -- "$cur"))
            return ;;
        --output | -o)
            if [[ $cmd == eventlog ]]; then
                local outputs="text compact json yaml cel-tlv cel-json cel-json-systemd cel-cbor"
                COMPREPLY=($(compgen -W "$outputs" -- "$cur"))
            else
                _filedir
            fi
            return ;;
        --alg | -a | --ima-banks)
            COMPREPLY=($(compgen -W "sha1 sha256 sha384 sha512 sm3_256" -- "$cur")); return ;;
        --workaround | -w)
            COMPREPLY=($(compgen -W "ebs-missing dup-separator" -- "$cur")); return ;;
        --type | -t)
            local types="EV_NO_ACTION EV_SEPARATOR EV_ACTION EV_POST_CODE EV_S_CRTM_VERSION
                         EV_IPL EV_EFI_VARIABLE_DRIVER_CONFIG EV_EFI_VARIABLE_BOOT
                         EV_EFI_BOOT_SERVICES_APPLICATION EV_EFI_ACTION EV_EFI_GPT_EVENT
                         EV_EFI_VARIABLE_AUTHORITY EV_EFI_PLATFORM_FIRMWARE_BLOB"
            COMPREPLY=($(compgen -W "$types" -- "$cur")); return ;;
        --product)
            COMPREPLY=($(compgen -W "Milan Genoa Turin" -- "$cur")); return ;;
        --url | --root-crl-url | --timeout | --connect-timeout | --retries | --max-size)
            return ;;
        --cache)
            _filedir -d; return ;;
        --ima-register)
            COMPREPLY=($(compgen -W "auto pcr rtmr" -- "$cur")); return ;;
        --index | -i | --start | -s | --count | -c | --nonce | --data | --digest | --mrtd | --at | \
            --vmpl | --container | --container-nonce | --user-data | --report-data | --min-tcb)
            return ;;
        --expect | -e | --out | --certs | --collateral | --root | --signature | --ak | --pcrs | \
            --eventlog | --cpak | --mac-key | --container-log | --node-log)
            _filedir; return ;;
    esac

    if [[ -z $cmd ]]; then
        COMPREPLY=($(compgen -W "$commands $global" -- "$cur"))
        return
    fi

    local opts=""
    case "$cmd" in
        eventlog) opts="--json --start --count --format --output --out --ima-rtmr --index --alg
                        --type" ;;
        collateral | vcek)
            opts="--json --out --url --cache --timeout --connect-timeout --retries --max-size
                  --root --at --dry-run"
            if [[ $cmd == collateral ]]; then
                opts="$opts --root-crl-url"
            else
                opts="$opts --product"
            fi
            if ((cword == i + 1)); then
                opts="fetch $opts"
            fi ;;
        replay) opts="--json --expect --verify --workaround --format --index --alg --ima-register
                      --ima-banks --mrtd" ;;
        info) opts="--json" ;;
        measurement) opts="--json --index --alg" ;;
        report)
            if [[ ${words[i + 1]} == show ]]; then
                opts="--json --raw"
            elif ((cword == i + 1)); then
                opts="show --nonce --data --out --json"
            else
                opts="--nonce --data --out --json"
            fi ;;
        extend) opts="--json --index --digest --data" ;;
        verify) opts="--json --certs --collateral --root --at --nonce --data --report-data --signature
                      --ak --pcrs --eventlog --cpak --mac-key --allow-sim --allow-debug --allow-migration-agent
                      --vmpl --container --container-log --node-log --container-nonce
                      --user-data --require-collateral --accept-tcb-status --min-tcb" ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts --help --version" -- "$cur"))
    else
        case "$cmd" in
            eventlog | replay | verify) _filedir ;;
            collateral | vcek)
                if ((cword == i + 1)); then
                    COMPREPLY=($(compgen -W "fetch" -- "$cur"))
                else
                    _filedir
                fi ;;
            report) COMPREPLY=($(compgen -W "$opts" -- "$cur")); _filedir ;;
        esac
    fi
} &&
    complete -F _cctrusted cctrusted

# ex: filetype=sh
