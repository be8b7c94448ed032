/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cctrusted.efi: the Firmware SDK's application (docs/firmware.md). Finds
 * the protocols, gives the core its allocator (boot-services pool) and hash
 * functions (EFI_HASH2_PROTOCOL when the firmware has it, the core's own SHA
 * code otherwise), runs the six calls (sdk.c) and prints the JSON on the
 * console between CCT-JSON-BEGIN and CCT-JSON-END lines; out=FILE also
 * writes it to a file on the volume the application was loaded from.
 *
 * Arguments (the shell's command line): extend[=DATA] index=N quote
 * nonce=HEX dump out=FILE bench=FILE rounds=N.
 */
#include <efi.h>
#include <efilib.h>

#include <cctrusted-core/core.h>

#include "protocols.h"
#include "sdk.h"

/* --- allocation and time --- */

static void *pool_alloc(size_t size)
{
    void *p = NULL;
    if (uefi_call_wrapper(BS->AllocatePool, 3, EfiLoaderData, size, &p) != EFI_SUCCESS) {
        return NULL;
    }
    return p;
}

static void pool_release(void *p)
{
    if (p != NULL) {
        uefi_call_wrapper(BS->FreePool, 1, p);
    }
}

static void *core_alloc(void *ctx, size_t size)
{
    (void)ctx;
    return pool_alloc(size);
}

static void core_release(void *ctx, void *p, size_t size)
{
    (void)ctx, (void)size;
    pool_release(p);
}

static uint64_t tsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* Ticks of the time-stamp counter in a second, measured over 100 ms of Stall(). */
static uint64_t tsc_rate(void)
{
    uint64_t t0 = tsc();
    uefi_call_wrapper(BS->Stall, 1, 100000);
    return (tsc() - t0) * 10;
}

/* --- EFI_HASH2_PROTOCOL --- */

static const struct {
    uint16_t alg;
    struct cct_efi_guid guid;
} hash2_algs[] = {
    { CCT_ALG_SHA1, CCT_EFI_HASH_ALG_SHA1_GUID },
    { CCT_ALG_SHA256, CCT_EFI_HASH_ALG_SHA256_GUID },
    { CCT_ALG_SHA384, CCT_EFI_HASH_ALG_SHA384_GUID },
    { CCT_ALG_SHA512, CCT_EFI_HASH_ALG_SHA512_GUID },
};

static int hash2_digest2(void *ctx, uint16_t alg, const void *a, size_t alen, const void *b,
                         size_t blen, uint8_t *out)
{
    const struct cct_efi_hash2_protocol *h = ctx;
    uint8_t o[64];
    for (size_t i = 0; i < sizeof(hash2_algs) / sizeof(hash2_algs[0]); i++) {
        if (hash2_algs[i].alg != alg) {
            continue;
        }
        if (h->hash_init(h, &hash2_algs[i].guid) != CCT_EFI_SUCCESS ||
            (alen > 0 && h->hash_update(h, a, alen) != CCT_EFI_SUCCESS) ||
            (blen > 0 && h->hash_update(h, b, blen) != CCT_EFI_SUCCESS) ||
            h->hash_final(h, o) != CCT_EFI_SUCCESS) {
            return CCT_EIO;
        }
        CopyMem(out, o, cct_alg_digest_size(alg));
        return 0;
    }
    return CCT_EUNSUPPORTED;
}

/* The firmware's hashes where it has them, the core's own for the rest. */
static int setup_core(struct cct_efi_hash2_protocol *h2, int *n_firmware)
{
    struct cct_core_env env;
    SetMem(&env, sizeof(env), 0);
    env.version = CCT_CORE_ENV_VERSION;
    env.allocator.alloc = core_alloc;
    env.allocator.release = core_release;
    *n_firmware = 0;
    for (size_t i = 0; h2 != NULL && i < sizeof(hash2_algs) / sizeof(hash2_algs[0]); i++) {
        uint64_t size = 0;
        if (h2->get_hash_size(h2, &hash2_algs[i].guid, &size) == CCT_EFI_SUCCESS &&
            size == cct_alg_digest_size(hash2_algs[i].alg)) {
            env.hashes[env.n_hashes].alg = hash2_algs[i].alg;
            env.hashes[env.n_hashes].ctx = h2;
            env.hashes[env.n_hashes].digest2 = hash2_digest2;
            env.n_hashes++;
            (*n_firmware)++;
        }
    }
    if (cct_core_env_add_builtin_hashes(&env) != 0) {
        return -1;
    }
    return cct_core_init(&env) == 0 ? 0 : -1;
}

static struct cct_efi_hash2_protocol *find_hash2(void)
{
    EFI_GUID sb_guid = CCT_EFI_HASH2_SERVICE_BINDING_GUID;
    EFI_GUID h2_guid = CCT_EFI_HASH2_PROTOCOL_GUID;
    EFI_SERVICE_BINDING *sb = NULL;
    EFI_HANDLE child = NULL;
    void *h2 = NULL;
    if (uefi_call_wrapper(BS->LocateProtocol, 3, &sb_guid, NULL, (void **)&sb) != EFI_SUCCESS ||
        sb == NULL || uefi_call_wrapper(sb->CreateChild, 2, sb, &child) != EFI_SUCCESS ||
        uefi_call_wrapper(BS->HandleProtocol, 3, child, &h2_guid, &h2) != EFI_SUCCESS) {
        return NULL;
    }
    return h2;
}

/* --- console and files --- */

static void print_ascii(const char *s, size_t n)
{
    CHAR16 buf[257];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n') {
            buf[k++] = L'\r';
        }
        buf[k++] = (CHAR16)(unsigned char)s[i];
        if (k >= 255 || i + 1 == n) {
            buf[k] = 0;
            uefi_call_wrapper(ST->ConOut->OutputString, 2, ST->ConOut, buf);
            k = 0;
        }
    }
}

static void print_cstr(const char *s)
{
    print_ascii(s, strlena((const CHAR8 *)s));
}

/* The JSON in lines of at most 76 characters (between markers), so no console wraps them. */
static void print_json(const char *s, size_t n)
{
    print_cstr("\nCCT-JSON-BEGIN\n");
    for (size_t i = 0; i < n; i += 76) {
        print_ascii(s + i, n - i < 76 ? n - i : 76);
        print_cstr("\n");
    }
    print_cstr("CCT-JSON-END\n");
}

static EFI_FILE_HANDLE open_file(EFI_HANDLE dev, CHAR16 *name, UINT64 mode)
{
    EFI_FILE_HANDLE root = LibOpenRoot(dev), f = NULL;
    if (root == NULL) {
        return NULL;
    }
    if (uefi_call_wrapper(root->Open, 5, root, &f, name, mode, 0) != EFI_SUCCESS) {
        f = NULL;
    }
    uefi_call_wrapper(root->Close, 1, root);
    return f;
}

static int write_file(EFI_HANDLE dev, CHAR16 *name, const char *p, size_t n)
{
    EFI_FILE_HANDLE f = open_file(dev, name, EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE);
    if (f != NULL) {
        /* An older file is replaced, not overwritten in place. */
        uefi_call_wrapper(f->Delete, 1, f);
    }
    f = open_file(dev, name, EFI_FILE_MODE_CREATE | EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE);
    if (f == NULL) {
        return -1;
    }
    UINTN len = n;
    EFI_STATUS st = uefi_call_wrapper(f->Write, 3, f, &len, (void *)p);
    uefi_call_wrapper(f->Close, 1, f);
    return st == EFI_SUCCESS && len == n ? 0 : -1;
}

static uint8_t *read_file(EFI_HANDLE dev, CHAR16 *name, size_t *n)
{
    EFI_FILE_HANDLE f = open_file(dev, name, EFI_FILE_MODE_READ);
    if (f == NULL) {
        return NULL;
    }
    EFI_FILE_INFO *info = LibFileInfo(f);
    uint8_t *p = NULL;
    if (info != NULL) {
        UINTN len = info->FileSize;
        p = pool_alloc(len ? len : 1);
        if (p != NULL &&
            (uefi_call_wrapper(f->Read, 3, f, &len, p) != EFI_SUCCESS || len != info->FileSize)) {
            pool_release(p);
            p = NULL;
        }
        *n = len;
        FreePool(info);
    }
    uefi_call_wrapper(f->Close, 1, f);
    return p;
}

/* --- arguments --- */

#define ARG_MAX 128

struct args {
    char extend_data[ARG_MAX];
    CHAR16 out[ARG_MAX];
    CHAR16 bench[ARG_MAX];
};

static int hexval(CHAR16 c)
{
    return c >= L'0' && c <= L'9'   ? c - L'0'
           : c >= L'a' && c <= L'f' ? c - L'a' + 10
           : c >= L'A' && c <= L'F' ? c - L'A' + 10
                                    : -1;
}

/* Does the word [w, w+n) start with key? Then *val points after it. */
static int is_arg(const CHAR16 *w, size_t n, const CHAR16 *key, const CHAR16 **val, size_t *vn)
{
    size_t k = StrLen((CHAR16 *)key);
    if (n < k) {
        return 0;
    }
    for (size_t i = 0; i < k; i++) {
        if (w[i] != key[i]) {
            return 0;
        }
    }
    *val = w + k;
    *vn = n - k;
    return 1;
}

/* Returned for a bad number: no register has this index, so the extend fails visibly. */
#define BAD_NUMBER 0xfffffffeu

/* 1-3 decimal digits and nothing else, or BAD_NUMBER. */
static uint32_t parse_small(const CHAR16 *v, size_t n)
{
    uint32_t x = 0;
    if (n == 0 || n > 3) {
        return BAD_NUMBER;
    }
    for (size_t k = 0; k < n; k++) {
        if (v[k] < L'0' || v[k] > L'9') {
            return BAD_NUMBER;
        }
        x = x * 10 + (uint32_t)(v[k] - L'0');
    }
    return x;
}

static void parse_args(const CHAR16 *cmd, size_t chars, struct efi_request *req, struct args *a)
{
    size_t i = 0;
    int first = 1;
    while (i < chars && cmd[i] != 0) {
        while (i < chars && cmd[i] == L' ') {
            i++;
        }
        size_t st = i;
        while (i < chars && cmd[i] != 0 && cmd[i] != L' ') {
            i++;
        }
        const CHAR16 *w = cmd + st, *v;
        size_t n = i - st, vn;
        if (n == 0) {
            break;
        }
        if (first) {
            first = 0; /* the program's own name */
            continue;
        }
        if (is_arg(w, n, L"extend=", &v, &vn)) {
            req->extend = 1;
            for (size_t k = 0; k < vn && k + 1 < ARG_MAX; k++) {
                a->extend_data[k] = (char)v[k];
                a->extend_data[k + 1] = 0;
            }
            req->extend_data = a->extend_data;
        } else if (is_arg(w, n, L"extend", &v, &vn) && vn == 0) {
            req->extend = 1;
        } else if (is_arg(w, n, L"index=", &v, &vn)) {
            req->extend_index = parse_small(v, vn);
        } else if (is_arg(w, n, L"quote", &v, &vn) && vn == 0) {
            req->quote = 1;
        } else if (is_arg(w, n, L"dump", &v, &vn) && vn == 0) {
            req->dump_log = 1;
        } else if (is_arg(w, n, L"nonce=", &v, &vn)) {
            req->nonce_len = 0;
            for (size_t k = 0; k + 1 < vn && req->nonce_len < sizeof(req->nonce); k += 2) {
                int hi = hexval(v[k]), lo = hexval(v[k + 1]);
                if (hi < 0 || lo < 0) {
                    break;
                }
                req->nonce[req->nonce_len++] = (uint8_t)(hi << 4 | lo);
            }
        } else if (is_arg(w, n, L"rounds=", &v, &vn)) {
            uint32_t r = parse_small(v, vn);
            req->bench_rounds = r == BAD_NUMBER ? 1 : (int)r;
        } else if (is_arg(w, n, L"out=", &v, &vn) && vn + 1 < ARG_MAX) {
            CopyMem(a->out, (void *)v, vn * sizeof(CHAR16));
            a->out[vn] = 0;
        } else if (is_arg(w, n, L"bench=", &v, &vn) && vn + 1 < ARG_MAX) {
            CopyMem(a->bench, (void *)v, vn * sizeof(CHAR16));
            a->bench[vn] = 0;
        }
    }
}

/* Called by gnu-efi's crt0 with the System V convention. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
    InitializeLib(image, systab);
    EFI_LOADED_IMAGE *li = NULL;
    EFI_GUID li_guid = LOADED_IMAGE_PROTOCOL;
    if (uefi_call_wrapper(BS->HandleProtocol, 3, image, &li_guid, (void **)&li) != EFI_SUCCESS) {
        return EFI_LOAD_ERROR;
    }
    static struct args a;
    struct efi_request req;
    SetMem(&req, sizeof(req), 0);
    req.extend_index = EFI_EXTEND_DEFAULT;
    static const char default_nonce[] = "cctrusted.efi quote nonce";
    CopyMem(req.nonce, (void *)default_nonce, sizeof(default_nonce) - 1);
    req.nonce_len = sizeof(default_nonce) - 1;
    parse_args(li->LoadOptions, li->LoadOptionsSize / sizeof(CHAR16), &req, &a);

    int n_fw_hashes = 0;
    if (setup_core(find_hash2(), &n_fw_hashes) != 0) {
        print_cstr("cctrusted.efi: the core refused its environment\n");
        return EFI_ABORTED;
    }
    struct efi_sdk sdk;
    SetMem(&sdk, sizeof(sdk), 0);
    sdk.env.alloc = pool_alloc;
    sdk.env.release = pool_release;
    EFI_GUID tcg2_guid = CCT_EFI_TCG2_PROTOCOL_GUID, cc_guid = CCT_EFI_CC_MEASUREMENT_PROTOCOL_GUID;
    EFI_GUID tcg2_final = CCT_EFI_TCG2_FINAL_EVENTS_TABLE_GUID;
    EFI_GUID cc_final = CCT_EFI_CC_FINAL_EVENTS_TABLE_GUID;
    void *final = NULL;
    if (uefi_call_wrapper(BS->LocateProtocol, 3, &tcg2_guid, NULL, (void **)&sdk.tcg2) !=
        EFI_SUCCESS) {
        sdk.tcg2 = NULL;
    }
    if (sdk.tcg2 == NULL &&
        uefi_call_wrapper(BS->LocateProtocol, 3, &cc_guid, NULL, (void **)&sdk.cc) != EFI_SUCCESS) {
        sdk.cc = NULL;
    }
    if (LibGetSystemConfigurationTable(sdk.tcg2 ? &tcg2_final : &cc_final, &final) == EFI_SUCCESS) {
        sdk.final_table = final;
    }
    if (a.bench[0] != 0) {
        req.bench_log = read_file(li->DeviceHandle, a.bench, &req.bench_len);
        if (req.bench_log == NULL) {
            print_cstr("cctrusted.efi: cannot read the benchmark log\n");
        }
        sdk.env.ticks = tsc;
        sdk.env.ticks_per_second = tsc_rate();
    }
    int r = efi_sdk_run(&sdk, &req);
    if (r != 0 || sdk.out.p == NULL) {
        print_cstr("cctrusted.efi: out of memory\n");
        return EFI_OUT_OF_RESOURCES;
    }
    print_json(sdk.out.p, sdk.out.len);
    if (n_fw_hashes > 0) {
        print_cstr("cctrusted.efi: hashing through EFI_HASH2_PROTOCOL\n");
    }
    if (a.out[0] != 0 && write_file(li->DeviceHandle, a.out, sdk.out.p, sdk.out.len) != 0) {
        print_cstr("cctrusted.efi: cannot write the output file\n");
    }
    pool_release(sdk.out.p);
    pool_release((void *)req.bench_log);
    return EFI_SUCCESS;
}
