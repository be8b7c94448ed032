/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gen-log: write a synthetic TCG2 crypto-agile event log for benchmarks.
 *
 *   gen-log [-n EVENTS] [-s SEED] OUT
 *
 * The log has EVENTS records in all (SpecID header included) and three
 * banks (SHA-1, SHA-256, SHA-384). Its shape follows a UEFI boot: the SpecID
 * Event03 header, a StartupLocality EV_NO_ACTION, the S-CRTM version, a
 * firmware phase (platform firmware blobs, boot services drivers, handoff
 * tables, Secure Boot and Boot#### variables), one EV_SEPARATOR on each of
 * PCR 0-7, an OS-loader phase (boot services applications with device paths,
 * EV_EFI_ACTION strings, Secure Boot authorities, the GPT, GRUB EV_IPL
 * commands and file names, the UTF-16 kernel command line) and the two Exit Boot
 * Services actions. Both phases draw event types with fixed weights from a
 * seeded generator, so a given (EVENTS, SEED) always yields the same bytes.
 *
 * Where the PC Client PFP (section 10.4.1) binds the digest to the event
 * data, every bank holds H(event data). GRUB's EV_IPL strings on PCR8
 * ("grub_cmd: ...") carry the hash of the text after the prefix without the
 * NUL, as GRUB measures them; systemd-stub's UTF-16 command line on PCR12
 * carries H(event data). The other events get digests of bytes that are not in the
 * log (as firmware measuring code would), derived from the event number.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

/* Event types (PC Client PFP, table 9). */
#define EV_NO_ACTION 0x3u
#define EV_SEPARATOR 0x4u
#define EV_S_CRTM_VERSION 0x8u
#define EV_IPL 0xDu
#define EV_EFI_VARIABLE_DRIVER_CONFIG 0x80000001u
#define EV_EFI_VARIABLE_BOOT 0x80000002u
#define EV_EFI_BOOT_SERVICES_APPLICATION 0x80000003u
#define EV_EFI_BOOT_SERVICES_DRIVER 0x80000004u
#define EV_EFI_GPT_EVENT 0x80000006u
#define EV_EFI_ACTION 0x80000007u
#define EV_EFI_PLATFORM_FIRMWARE_BLOB 0x80000008u
#define EV_EFI_HANDOFF_TABLES 0x80000009u
#define EV_EFI_VARIABLE_AUTHORITY 0x800000E0u

#define MAX_DATA 8192

static const struct {
    uint16_t alg;
    uint16_t size;
    const char *name;
} banks[3] = { { 0x0004, 20, "SHA1" }, { 0x000B, 32, "SHA256" }, { 0x000C, 48, "SHA384" } };

static EVP_MD *mds[3];
static FILE *out;
static uint64_t rng_state;
static uint64_t n_written;

/* GUIDs in their on-disk (mixed-endian) byte order. */
static const uint8_t guid_global[16] = { 0x61, 0xdf, 0xe4, 0x8b, 0xca, 0x93, 0xd2, 0x11,
                                         0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c };
static const uint8_t guid_secdb[16] = { 0xcb, 0xb2, 0x19, 0xd7, 0x3a, 0x3d, 0x96, 0x45,
                                        0xa3, 0xbc, 0xda, 0xd0, 0x0e, 0x67, 0x65, 0x6f };
static const uint8_t guid_x509[16] = { 0xa1, 0x59, 0xc0, 0xa5, 0xe4, 0x94, 0xa7, 0x4a,
                                       0x87, 0xb5, 0xab, 0x15, 0x5c, 0x2b, 0xf0, 0x72 };
static const uint8_t guid_sha256[16] = { 0x26, 0x16, 0xc4, 0xc1, 0x4c, 0x50, 0x92, 0x40,
                                         0xac, 0xa9, 0x41, 0xf9, 0x36, 0x93, 0x43, 0x28 };
static const uint8_t guid_acpi20[16] = { 0x71, 0xe8, 0x68, 0x88, 0xf1, 0xe4, 0xd3, 0x11,
                                         0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81 };

static uint64_t rnd(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static uint32_t rnd_range(uint32_t lo, uint32_t hi)
{
    return lo + (uint32_t)(rnd() % (uint64_t)(hi - lo + 1));
}

/* A little-endian byte builder with a fixed capacity. */
struct buf {
    uint8_t b[MAX_DATA];
    size_t n;
};

static void put(struct buf *b, const void *p, size_t n)
{
    if (n > sizeof(b->b) - b->n) {
        fprintf(stderr, "gen-log: internal error: event data too large\n");
        exit(1);
    }
    memcpy(b->b + b->n, p, n);
    b->n += n;
}

static void put_u8(struct buf *b, uint8_t v)
{
    put(b, &v, 1);
}

static void put_u16(struct buf *b, uint16_t v)
{
    uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
    put(b, x, 2);
}

static void put_u32(struct buf *b, uint32_t v)
{
    uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    put(b, x, 4);
}

static void put_u64(struct buf *b, uint64_t v)
{
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}

static void put_random(struct buf *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        put_u8(b, (uint8_t)rnd());
    }
}

static void put_utf16(struct buf *b, const char *s, int nul)
{
    for (; *s; s++) {
        put_u16(b, (uint8_t)*s);
    }
    if (nul) {
        put_u16(b, 0);
    }
}

/* ---- device paths (UEFI spec, section 10.3) ---- */

static void dp_node(struct buf *b, uint8_t type, uint8_t sub, uint16_t len)
{
    put_u8(b, type);
    put_u8(b, sub);
    put_u16(b, len);
}

static void dp_disk_file(struct buf *b, const char *path)
{
    dp_node(b, 0x02, 0x01, 12); /* ACPI PciRoot(0) */
    put_u32(b, 0x0A0341D0);
    put_u32(b, 0);
    dp_node(b, 0x01, 0x01, 6); /* Pci(dev, fn) */
    put_u8(b, 0);
    put_u8(b, (uint8_t)rnd_range(1, 8));
    dp_node(b, 0x03, 0x12, 10); /* SATA(port, 0xFFFF, 0) */
    put_u16(b, 0);
    put_u16(b, 0xFFFF);
    put_u16(b, 0);
    dp_node(b, 0x04, 0x01, 42); /* HD(1, GPT, sig, start, size) */
    put_u32(b, 1);
    put_u64(b, 2048);
    put_u64(b, 1048576);
    put_random(b, 16);
    put_u8(b, 2);
    put_u8(b, 2);
    dp_node(b, 0x04, 0x04, (uint16_t)(4 + 2 * (strlen(path) + 1))); /* File(path) */
    put_utf16(b, path, 1);
    dp_node(b, 0x7f, 0xff, 4); /* End */
}

static void dp_fv_file(struct buf *b)
{
    dp_node(b, 0x04, 0x07, 20); /* Fv(guid) */
    put_random(b, 16);
    dp_node(b, 0x04, 0x06, 20); /* FvFile(guid) */
    put_random(b, 16);
    dp_node(b, 0x7f, 0xff, 4);
}

/* ---- records ---- */

/*
 * TCG_PCR_EVENT2 (PFP 10.2.2) with the three banks. bound: 0 digest of
 * something else, 1 H(data), 2 GRUB string (H of the text after the prefix,
 * without the NUL).
 */
static void emit(uint32_t pcr, uint32_t type, const struct buf *data, int bound)
{
    struct buf rec;
    rec.n = 0;
    put_u32(&rec, pcr);
    put_u32(&rec, type);
    put_u32(&rec, 3);
    for (int i = 0; i < 3; i++) {
        uint8_t d[EVP_MAX_MD_SIZE];
        unsigned int dl = 0;
        put_u16(&rec, banks[i].alg);
        if (type == EV_NO_ACTION) {
            memset(d, 0, banks[i].size);
        } else if (bound == 2) {
            /* GRUB: "prefix: text\0" logged, H(text) measured */
            const uint8_t *sp = memchr(data->b, ' ', data->n);
            size_t skip = sp ? (size_t)(sp - data->b) + 1 : 0;
            EVP_Digest(data->b + skip, data->n - skip - 1, d, &dl, mds[i], NULL);
        } else if (bound) {
            EVP_Digest(data->b, data->n, d, &dl, mds[i], NULL);
        } else {
            /* The measured object is not in the log: hash a stand-in. */
            uint8_t seed[16];
            memcpy(seed, &n_written, 8);
            memcpy(seed + 8, &type, 4);
            memcpy(seed + 12, &pcr, 4);
            EVP_Digest(seed, sizeof(seed), d, &dl, mds[i], NULL);
        }
        put(&rec, d, banks[i].size);
    }
    put_u32(&rec, (uint32_t)data->n);
    if (fwrite(rec.b, 1, rec.n, out) != rec.n || fwrite(data->b, 1, data->n, out) != data->n) {
        fprintf(stderr, "gen-log: write failed: %s\n", strerror(errno));
        exit(1);
    }
    n_written++;
}

/* TCG_PCR_EVENT with TCG_EfiSpecIDEvent (PFP 10.4.5.1). */
static void emit_specid(void)
{
    struct buf ev, rec;
    ev.n = rec.n = 0;
    put(&ev, "Spec ID Event03", 16);
    put_u32(&ev, 0); /* platformClass: client */
    put_u8(&ev, 0);  /* specVersionMinor */
    put_u8(&ev, 2);  /* specVersionMajor */
    put_u8(&ev, 2);  /* specErrata */
    put_u8(&ev, 2);  /* uintnSize: UINT64 */
    put_u32(&ev, 3);
    for (int i = 0; i < 3; i++) {
        put_u16(&ev, banks[i].alg);
        put_u16(&ev, banks[i].size);
    }
    put_u8(&ev, 0); /* vendorInfoSize */
    put_u32(&rec, 0);
    put_u32(&rec, EV_NO_ACTION);
    for (int i = 0; i < 20; i++) {
        put_u8(&rec, 0);
    }
    put_u32(&rec, (uint32_t)ev.n);
    put(&rec, ev.b, ev.n);
    if (fwrite(rec.b, 1, rec.n, out) != rec.n) {
        fprintf(stderr, "gen-log: write failed: %s\n", strerror(errno));
        exit(1);
    }
    n_written++;
}

/* UEFI_VARIABLE_DATA (PFP 10.4.8) header and name; the caller appends data. */
static void var_header(struct buf *b, const uint8_t guid[16], const char *name, uint64_t data_len)
{
    put(b, guid, 16);
    put_u64(b, strlen(name));
    put_u64(b, data_len);
    put_utf16(b, name, 0);
}

/* EFI_SIGNATURE_LIST of n X.509 certificates of about cert_len bytes. */
static void siglist_x509(struct buf *b, int n, size_t cert_len)
{
    put(b, guid_x509, 16);
    put_u32(b, (uint32_t)(28 + n * (16 + cert_len)));
    put_u32(b, 0);
    put_u32(b, (uint32_t)(16 + cert_len));
    for (int i = 0; i < n; i++) {
        put_random(b, 16); /* owner */
        put_u8(b, 0x30);   /* DER SEQUENCE, two-byte length */
        put_u8(b, 0x82);
        put_u8(b, (uint8_t)((cert_len - 4) >> 8));
        put_u8(b, (uint8_t)(cert_len - 4));
        put_random(b, cert_len - 4);
    }
}

static void ev_driver_config(void)
{
    struct buf b;
    b.n = 0;
    uint32_t k = rnd_range(0, 99);
    if (k < 60) {
        var_header(&b, guid_global, k < 40 ? "SecureBoot" : "DeployedMode", 1);
        put_u8(&b, 1);
    } else if (k < 75) {
        size_t cl = rnd_range(700, 1000);
        var_header(&b, guid_global, k < 68 ? "PK" : "KEK", 28 + 16 + cl);
        siglist_x509(&b, 1, cl);
    } else if (k < 90) {
        size_t cl = rnd_range(1000, 1600);
        var_header(&b, guid_secdb, "db", 28 + 2 * (16 + cl));
        siglist_x509(&b, 2, cl);
    } else {
        int n = (int)rnd_range(20, 80);
        var_header(&b, guid_secdb, "dbx", 28 + (uint64_t)n * 48);
        put(&b, guid_sha256, 16);
        put_u32(&b, (uint32_t)(28 + n * 48));
        put_u32(&b, 0);
        put_u32(&b, 48);
        for (int i = 0; i < n; i++) {
            put_random(&b, 48);
        }
    }
    emit(7, EV_EFI_VARIABLE_DRIVER_CONFIG, &b, 1);
}

static void ev_boot_var(void)
{
    struct buf b, opt;
    b.n = opt.n = 0;
    if (rnd_range(0, 4) == 0) {
        int n = (int)rnd_range(1, 6);
        var_header(&b, guid_global, "BootOrder", 2 * (uint64_t)n);
        for (int i = 0; i < n; i++) {
            put_u16(&b, (uint16_t)i);
        }
    } else {
        /* EFI_LOAD_OPTION (UEFI spec 3.1.3) */
        struct buf dp;
        char name[16];
        dp.n = 0;
        dp_disk_file(&dp, "\\EFI\\debian\\shimx64.efi");
        put_u32(&opt, 1); /* LOAD_OPTION_ACTIVE */
        put_u16(&opt, (uint16_t)dp.n);
        put_utf16(&opt, rnd_range(0, 1) ? "debian" : "UEFI QEMU HARDDISK QM00001", 1);
        put(&opt, dp.b, dp.n);
        snprintf(name, sizeof(name), "Boot%04" PRIX32, rnd_range(0, 9));
        var_header(&b, guid_global, name, opt.n);
        put(&b, opt.b, opt.n);
    }
    emit(1, EV_EFI_VARIABLE_BOOT, &b, 1);
}

static void ev_authority(void)
{
    struct buf b;
    b.n = 0;
    size_t cl = rnd_range(900, 1700);
    var_header(&b, guid_secdb, "db", 16 + cl);
    put_random(&b, 16); /* EFI_SIGNATURE_DATA owner */
    put_u8(&b, 0x30);
    put_u8(&b, 0x82);
    put_u8(&b, (uint8_t)((cl - 4) >> 8));
    put_u8(&b, (uint8_t)(cl - 4));
    put_random(&b, cl - 4);
    emit(7, EV_EFI_VARIABLE_AUTHORITY, &b, 1);
}

static void ev_blob(void)
{
    struct buf b;
    b.n = 0;
    put_u64(&b, 0xFFC00000u + (uint64_t)rnd_range(0, 255) * 0x10000u); /* BlobBase */
    put_u64(&b, (uint64_t)rnd_range(1, 64) * 0x1000u);                 /* BlobLength */
    emit(0, EV_EFI_PLATFORM_FIRMWARE_BLOB, &b, 0);
}

/* UEFI_IMAGE_LOAD_EVENT (PFP 10.2.3) */
static void image_load(struct buf *b, const struct buf *dp)
{
    put_u64(b, 0x7E000000u + (uint64_t)rnd_range(0, 4095) * 0x1000u);
    put_u64(b, (uint64_t)rnd_range(16, 2048) * 0x200u);
    put_u64(b, 0);
    put_u64(b, dp->n);
    put(b, dp->b, dp->n);
}

static void ev_bs_driver(void)
{
    struct buf b, dp;
    b.n = dp.n = 0;
    dp_node(&dp, 0x02, 0x01, 12);
    put_u32(&dp, 0x0A0341D0);
    put_u32(&dp, 0);
    dp_node(&dp, 0x01, 0x01, 6);
    put_u8(&dp, 0);
    put_u8(&dp, (uint8_t)rnd_range(1, 31));
    dp_node(&dp, 0x01, 0x03, 24); /* MemoryMapped(type, start, end): option ROM */
    put_u32(&dp, 11);
    uint64_t start = 0xC0000u + (uint64_t)rnd_range(0, 63) * 0x800u;
    put_u64(&dp, start);
    put_u64(&dp, start + 0x7FFu);
    dp_node(&dp, 0x7f, 0xff, 4);
    if (rnd_range(0, 1)) {
        dp.n = 0;
        dp_fv_file(&dp);
    }
    image_load(&b, &dp);
    emit(2, EV_EFI_BOOT_SERVICES_DRIVER, &b, 0);
}

static void ev_bs_app(void)
{
    static const char *const files[] = { "\\EFI\\debian\\shimx64.efi", "\\EFI\\debian\\grubx64.efi",
                                         "\\EFI\\BOOT\\BOOTX64.EFI",
                                         "\\EFI\\Linux\\linux-6.1.0-21-amd64.efi" };
    struct buf b, dp;
    b.n = dp.n = 0;
    dp_disk_file(&dp, files[rnd_range(0, 3)]);
    image_load(&b, &dp);
    emit(4, EV_EFI_BOOT_SERVICES_APPLICATION, &b, 0);
}

static void ev_handoff(void)
{
    struct buf b;
    b.n = 0;
    put_u64(&b, 1); /* UEFI_HANDOFF_TABLE_POINTERS: one table */
    put(&b, guid_acpi20, 16);
    put_u64(&b, 0x7FB7E014u);
    emit(1, EV_EFI_HANDOFF_TABLES, &b, 0);
}

static void ev_action(uint32_t pcr, const char *s)
{
    struct buf b;
    b.n = 0;
    put(&b, s, strlen(s));
    emit(pcr, EV_EFI_ACTION, &b, 1);
}

/* UEFI_GPT_DATA (PFP 10.4.7): partition table header, count, entries. */
static void ev_gpt(void)
{
    struct buf b;
    b.n = 0;
    put(&b, "EFI PART", 8);
    put_u32(&b, 0x00010000);
    put_u32(&b, 92);
    put_u32(&b, (uint32_t)rnd());
    put_u32(&b, 0);
    put_u64(&b, 1);
    put_u64(&b, 41943039);
    put_u64(&b, 34);
    put_u64(&b, 41943006);
    put_random(&b, 16);
    put_u64(&b, 2);
    put_u32(&b, 128);
    put_u32(&b, 128);
    put_u32(&b, (uint32_t)rnd());
    int n = (int)rnd_range(2, 4);
    put_u64(&b, (uint64_t)n);
    for (int i = 0; i < n; i++) {
        struct buf name;
        name.n = 0;
        put_random(&b, 32); /* type and unique GUIDs */
        put_u64(&b, 2048 + (uint64_t)i * 1048576);
        put_u64(&b, 2048 + (uint64_t)(i + 1) * 1048576 - 1);
        put_u64(&b, 0);
        put_utf16(&name, i == 0 ? "EFI System Partition" : "Linux filesystem", 1);
        while (name.n < 72) {
            put_u8(&name, 0);
        }
        put(&b, name.b, 72);
    }
    emit(5, EV_EFI_GPT_EVENT, &b, 1);
}

static void ev_grub_cmd(void)
{
    static const char *const cmds[] = {
        "grub_cmd: set root=hd0,gpt2",
        "grub_cmd: insmod part_gpt",
        "grub_cmd: insmod ext2",
        "grub_cmd: search --no-floppy --fs-uuid --set=root 0b3e6a5c-1b2e-4d07-9d0c-2f1e6c8a9b71",
        "grub_cmd: [ -s /boot/grub/grubenv ]",
        "grub_cmd: set default=0",
        "grub_cmd: menuentry Debian GNU/Linux --class debian --class gnu-linux --class gnu --class "
        "os "
        "$menuentry_id_option gnulinux-simple-0b3e6a5c-1b2e-4d07-9d0c-2f1e6c8a9b71 {",
        "grub_cmd: linux /boot/vmlinuz-6.1.0-21-amd64 "
        "root=UUID=0b3e6a5c-1b2e-4d07-9d0c-2f1e6c8a9b71 ro quiet",
        "grub_kernel_cmdline: /boot/vmlinuz-6.1.0-21-amd64 "
        "root=UUID=0b3e6a5c-1b2e-4d07-9d0c-2f1e6c8a9b71 ro "
        "quiet console=ttyS0,115200n8 ima_policy=tcb",
        "grub_cmd: initrd /boot/initrd.img-6.1.0-21-amd64",
    };
    struct buf b;
    b.n = 0;
    const char *s = cmds[rnd_range(0, sizeof(cmds) / sizeof(cmds[0]) - 1)];
    put(&b, s, strlen(s) + 1);
    emit(8, EV_IPL, &b, 2);
}

static void ev_grub_file(void)
{
    static const char *const files[] = {
        "/boot/grub/x86_64-efi/normal.mod", "/boot/grub/grub.cfg",
        "/boot/grub/x86_64-efi/ext2.mod",   "/boot/vmlinuz-6.1.0-21-amd64",
        "/boot/initrd.img-6.1.0-21-amd64",  "/boot/grub/fonts/unicode.pf2",
    };
    struct buf b;
    b.n = 0;
    const char *s = files[rnd_range(0, sizeof(files) / sizeof(files[0]) - 1)];
    put(&b, s, strlen(s) + 1);
    emit(9, EV_IPL, &b, 0); /* GRUB measures the file's contents */
}

/* Kernel command line measured as UTF-16 into PCR12 by systemd-stub. */
static void ev_load_options(void)
{
    struct buf b;
    b.n = 0;
    put_utf16(&b, "root=UUID=0b3e6a5c-1b2e-4d07-9d0c-2f1e6c8a9b71 ro quiet console=ttyS0", 1);
    emit(12, EV_IPL, &b, 1);
}

struct choice {
    unsigned weight;
    void (*fn)(void);
};

static void ev_action_app(void)
{
    ev_action(4, rnd_range(0, 1) ? "Calling EFI Application from Boot Option"
                                 : "Returning from EFI Application from Boot Option");
}

static const struct choice firmware[] = {
    { 30, ev_blob },     { 25, ev_bs_driver }, { 20, ev_driver_config },
    { 15, ev_boot_var }, { 5, ev_handoff },
};

static const struct choice loader[] = {
    { 35, ev_grub_cmd }, { 25, ev_grub_file }, { 12, ev_bs_app },      { 10, ev_action_app },
    { 8, ev_authority }, { 5, ev_gpt },        { 5, ev_load_options },
};

static void pick(const struct choice *c, size_t n)
{
    unsigned total = 0;
    for (size_t i = 0; i < n; i++) {
        total += c[i].weight;
    }
    unsigned x = (unsigned)(rnd() % total);
    for (size_t i = 0; i < n; i++) {
        if (x < c[i].weight) {
            c[i].fn();
            return;
        }
        x -= c[i].weight;
    }
}

static int parse_u64(const char *s, uint64_t *v)
{
    char *end = NULL;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-') {
        return -1;
    }
    *v = x;
    return 0;
}

int main(int argc, char **argv)
{
    uint64_t n = 100000, seed = 1;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
            if (parse_u64(argv[++i], &n) < 0) {
                fprintf(stderr, "gen-log: bad -n\n");
                return 1;
            }
        } else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc) {
            if (parse_u64(argv[++i], &seed) < 0) {
                fprintf(stderr, "gen-log: bad -s\n");
                return 1;
            }
        } else if (path == NULL && argv[i][0] != '-') {
            path = argv[i];
        } else {
            fprintf(stderr, "usage: gen-log [-n EVENTS] [-s SEED] OUT\n");
            return 1;
        }
    }
    if (path == NULL || n < 16) {
        fprintf(stderr, "usage: gen-log [-n EVENTS (>= 16)] [-s SEED] OUT\n");
        return 1;
    }
    rng_state = seed * 0x9E3779B97F4A7C15ull + 1;
    for (int i = 0; i < 3; i++) {
        mds[i] = EVP_MD_fetch(NULL, banks[i].name, NULL);
        if (mds[i] == NULL) {
            fprintf(stderr, "gen-log: OpenSSL has no %s\n", banks[i].name);
            return 1;
        }
    }
    out = fopen(path, "wbe");
    if (out == NULL) {
        fprintf(stderr, "gen-log: cannot create %s: %s\n", path, strerror(errno));
        return 1;
    }
    static char iobuf[1 << 20];
    setvbuf(out, iobuf, _IOFBF, sizeof(iobuf));

    /* Fixed records: header, locality, S-CRTM, 8 separators, 2 EBS actions. */
    uint64_t body = n - 13;
    uint64_t fw = body * 35 / 100;
    struct buf b;

    emit_specid();
    b.n = 0;
    put(&b, "StartupLocality", 16);
    put_u8(&b, 0);
    emit(0, EV_NO_ACTION, &b, 0);
    b.n = 0;
    put_utf16(&b, "Synthetic Firmware v1.0", 1);
    emit(0, EV_S_CRTM_VERSION, &b, 1);
    for (uint64_t i = 0; i < fw; i++) {
        pick(firmware, sizeof(firmware) / sizeof(firmware[0]));
    }
    for (uint32_t pcr = 0; pcr < 8; pcr++) {
        b.n = 0;
        put_u32(&b, 0);
        emit(pcr, EV_SEPARATOR, &b, 1);
    }
    for (uint64_t i = fw; i < body; i++) {
        pick(loader, sizeof(loader) / sizeof(loader[0]));
    }
    ev_action(5, "Exit Boot Services Invocation");
    ev_action(5, "Exit Boot Services Returned with Success");

    if (fclose(out) != 0) {
        fprintf(stderr, "gen-log: write failed: %s\n", strerror(errno));
        return 1;
    }
    for (int i = 0; i < 3; i++) {
        EVP_MD_free(mds[i]);
    }
    if (n_written != n) {
        fprintf(stderr, "gen-log: internal error: wrote %" PRIu64 " events, wanted %" PRIu64 "\n",
                n_written, n);
        return 1;
    }
    return 0;
}
