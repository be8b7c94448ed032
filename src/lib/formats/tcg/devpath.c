/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EFI device path to text (UEFI spec 2.10 section 10.3 "Device Path Nodes",
 * text forms after section 10.6.1.6). Every node is
 * { Type u8, SubType u8, Length u16 (header included) } followed by its body;
 * bodies are read field by field with a cursor bounded by the node length.
 * Nodes whose body is too short for their type fall back to the generic
 * Path(type,subtype,hex) form instead of failing.
 */
#include <stdbool.h>
#include <string.h>

#include "formats/tcg/decode_internal.h"
#include "formats/tcg/emit.h"
#include "util/error.h"
#include "util/reader.h"

#define DP_HARDWARE 0x01
#define DP_ACPI 0x02
#define DP_MESSAGING 0x03
#define DP_MEDIA 0x04
#define DP_BBS 0x05
#define DP_END 0x7F

static void put_guid(struct cct_buf *o, const uint8_t *g)
{
    char s[37];
    cct_guid_format(g, s);
    cct_buf_puts(o, s);
}

static void put_rest_hex(struct cct_buf *o, struct cct_reader *r)
{
    const uint8_t *p;
    size_t n = cct_reader_left(r);
    if (n > 0 && cct_read_bytes(r, n, &p)) {
        cct_buf_putc(o, ',');
        cct_buf_hex(o, p, n);
    }
}

/* Vendor-defined node: GUID then vendor data (10.3.2.4, 10.3.4.16, 10.3.5.3). */
static bool node_vendor(struct cct_buf *o, struct cct_reader *r, const char *name)
{
    const uint8_t *g;
    if (!cct_read_bytes(r, 16, &g)) {
        return false;
    }
    cct_buf_printf(o, "%s(", name);
    put_guid(o, g);
    put_rest_hex(o, r);
    cct_buf_putc(o, ')');
    return true;
}

/* Compressed EISA id of ACPI HID/CID (10.3.3): PNP ids render as PNPxxxx. */
static void put_eisa(struct cct_buf *o, uint32_t id)
{
    if ((id & 0xFFFF) == 0x41D0) {
        cct_buf_printf(o, "PNP%04X", (unsigned)(id >> 16));
        return;
    }
    char c1 = (char)('@' + ((id >> 10) & 0x1F)), c2 = (char)('@' + ((id >> 5) & 0x1F)),
         c3 = (char)('@' + (id & 0x1F));
    cct_buf_printf(o, "%c%c%c%04X", c1, c2, c3, (unsigned)(id >> 16));
}

static bool node_hardware(struct cct_buf *o, uint8_t sub, struct cct_reader *r)
{
    uint8_t a, b;
    uint32_t u;
    uint64_t s, e;
    switch (sub) {
    case 1: /* PCI: Function u8, Device u8 */
        if (!cct_read_u8(r, &a) || !cct_read_u8(r, &b)) {
            return false;
        }
        cct_buf_printf(o, "Pci(0x%x,0x%x)", b, a);
        return true;
    case 2: /* PCCARD: Function u8 */
        if (!cct_read_u8(r, &a)) {
            return false;
        }
        cct_buf_printf(o, "PcCard(0x%x)", a);
        return true;
    case 3: /* Memory mapped: MemoryType u32, Start u64, End u64 */
        if (!cct_read_u32le(r, &u) || !cct_read_u64le(r, &s) || !cct_read_u64le(r, &e)) {
            return false;
        }
        cct_buf_printf(o, "MemoryMapped(0x%x,0x%llx,0x%llx)", u, (unsigned long long)s,
                       (unsigned long long)e);
        return true;
    case 4: return node_vendor(o, r, "VenHw");
    case 5: /* Controller: u32 */
        if (!cct_read_u32le(r, &u)) {
            return false;
        }
        cct_buf_printf(o, "Ctrl(0x%x)", u);
        return true;
    default: return false;
    }
}

/* NUL-terminated ASCII string inside a node body (Expanded ACPI). */
static bool read_cstr(struct cct_reader *r, const uint8_t **s, size_t *n)
{
    const uint8_t *p = r->p;
    size_t left = cct_reader_left(r);
    const uint8_t *z = memchr(p, 0, left);
    if (z == NULL) {
        return false;
    }
    *s = p;
    *n = (size_t)(z - p);
    return cct_read_skip(r, *n + 1);
}

static bool node_acpi(struct cct_buf *o, uint8_t sub, struct cct_reader *r)
{
    uint32_t hid, uid, cid;
    switch (sub) {
    case 1: /* ACPI: _HID u32, _UID u32 */
        if (!cct_read_u32le(r, &hid) || !cct_read_u32le(r, &uid)) {
            return false;
        }
        if (hid == 0x0A0341D0) {
            cct_buf_printf(o, "PciRoot(0x%x)", uid);
        } else if (hid == 0x0A0841D0) {
            cct_buf_printf(o, "PcieRoot(0x%x)", uid);
        } else {
            cct_buf_puts(o, "Acpi(");
            put_eisa(o, hid);
            cct_buf_printf(o, ",0x%x)", uid);
        }
        return true;
    case 2: { /* Expanded ACPI: _HID, _UID, _CID u32, then HIDSTR, UIDSTR, CIDSTR */
        const uint8_t *hs, *us, *cs;
        size_t hn, un, cn;
        if (!cct_read_u32le(r, &hid) || !cct_read_u32le(r, &uid) || !cct_read_u32le(r, &cid) ||
            !read_cstr(r, &hs, &hn) || !read_cstr(r, &us, &un) || !read_cstr(r, &cs, &cn)) {
            return false;
        }
        cct_buf_puts(o, "AcpiEx(");
        if (hn > 0) {
            cct_ustr_bytes(o, hs, hn);
        } else {
            put_eisa(o, hid);
        }
        cct_buf_putc(o, ',');
        if (cn > 0) {
            cct_ustr_bytes(o, cs, cn);
        } else {
            put_eisa(o, cid);
        }
        cct_buf_putc(o, ',');
        if (un > 0) {
            cct_ustr_bytes(o, us, un);
        } else {
            cct_buf_printf(o, "0x%x", uid);
        }
        cct_buf_putc(o, ')');
        return true;
    }
    case 3: /* _ADR: one or more u32 */
        if (!cct_read_u32le(r, &uid)) {
            return false;
        }
        cct_buf_printf(o, "AcpiAdr(0x%x", uid);
        while (cct_read_u32le(r, &uid)) {
            cct_buf_printf(o, ",0x%x", uid);
        }
        cct_buf_putc(o, ')');
        return true;
    default: return false;
    }
}

static void put_proto(struct cct_buf *o, uint16_t proto)
{
    if (proto == 6) {
        cct_buf_puts(o, "TCP");
    } else if (proto == 17) {
        cct_buf_puts(o, "UDP");
    } else {
        cct_buf_printf(o, "0x%x", proto);
    }
}

static void put_ipv4(struct cct_buf *o, const uint8_t *a)
{
    cct_buf_printf(o, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

static void put_ipv6(struct cct_buf *o, const uint8_t *a)
{
    for (int i = 0; i < 16; i += 2) {
        cct_buf_printf(o, "%s%x", i ? ":" : "", (unsigned)(a[i] << 8 | a[i + 1]));
    }
}

static bool node_messaging(struct cct_buf *o, uint8_t sub, struct cct_reader *r)
{
    uint8_t a, b;
    uint16_t x, y, z;
    uint32_t u;
    const uint8_t *p, *q;
    switch (sub) {
    case 1: /* ATAPI: PrimarySecondary u8, SlaveMaster u8, LUN u16 */
        if (!cct_read_u8(r, &a) || !cct_read_u8(r, &b) || !cct_read_u16le(r, &x)) {
            return false;
        }
        cct_buf_printf(o, "Ata(%s,%s,0x%x)", a ? "Secondary" : "Primary", b ? "Slave" : "Master",
                       x);
        return true;
    case 2: /* SCSI: Target u16, LUN u16 */
        if (!cct_read_u16le(r, &x) || !cct_read_u16le(r, &y)) {
            return false;
        }
        cct_buf_printf(o, "Scsi(0x%x,0x%x)", x, y);
        return true;
    case 5: /* USB: ParentPortNumber u8, InterfaceNumber u8 */
        if (!cct_read_u8(r, &a) || !cct_read_u8(r, &b)) {
            return false;
        }
        cct_buf_printf(o, "USB(0x%x,0x%x)", a, b);
        return true;
    case 10: return node_vendor(o, r, "VenMsg");
    case 11: /* MAC: MacAddress[32], IfType u8 */
        if (!cct_read_bytes(r, 32, &p) || !cct_read_u8(r, &a)) {
            return false;
        }
        cct_buf_puts(o, "MAC(");
        cct_buf_hex(o, p, a == 0 || a == 1 ? 6 : 32);
        cct_buf_printf(o, ",0x%x)", a);
        return true;
    case 12: { /* IPv4: Local[4], Remote[4], LocalPort, RemotePort, Protocol u16, Static u8,
                  Gateway[4], SubnetMask[4] */
        const uint8_t *gw = NULL, *mask = NULL;
        if (!cct_read_bytes(r, 4, &p) || !cct_read_bytes(r, 4, &q) || !cct_read_u16le(r, &x) ||
            !cct_read_u16le(r, &y) || !cct_read_u16le(r, &z) || !cct_read_u8(r, &a)) {
            return false;
        }
        /* Gateway and mask were added in UEFI 2.3: optional in older nodes. */
        if (!cct_read_bytes(r, 4, &gw) || !cct_read_bytes(r, 4, &mask)) {
            gw = mask = NULL;
        }
        cct_buf_puts(o, "IPv4(");
        put_ipv4(o, q);
        cct_buf_putc(o, ',');
        put_proto(o, z);
        cct_buf_printf(o, ",%s,", a ? "Static" : "DHCP");
        put_ipv4(o, p);
        if (gw) {
            cct_buf_putc(o, ',');
            put_ipv4(o, gw);
            cct_buf_putc(o, ',');
            put_ipv4(o, mask);
        }
        cct_buf_putc(o, ')');
        return true;
    }
    case 13: { /* IPv6: Local[16], Remote[16], LocalPort, RemotePort, Protocol u16,
                  IpAddressOrigin u8, PrefixLength u8, GatewayIp[16] */
        if (!cct_read_bytes(r, 16, &p) || !cct_read_bytes(r, 16, &q) || !cct_read_u16le(r, &x) ||
            !cct_read_u16le(r, &y) || !cct_read_u16le(r, &z) || !cct_read_u8(r, &a)) {
            return false;
        }
        cct_buf_puts(o, "IPv6(");
        put_ipv6(o, q);
        cct_buf_putc(o, ',');
        put_proto(o, z);
        cct_buf_printf(o, ",%s,",
                       a == 0   ? "Static"
                       : a == 1 ? "StatelessAutoConfigure"
                                : "StatefulAutoConfigure");
        put_ipv6(o, p);
        cct_buf_putc(o, ')');
        return true;
    }
    case 15: /* USB class: VendorId, ProductId u16, Class, SubClass, Protocol u8 */
        if (!cct_read_u16le(r, &x) || !cct_read_u16le(r, &y) || !cct_read_u8(r, &a) ||
            !cct_read_u8(r, &b)) {
            return false;
        }
        cct_buf_printf(o, "UsbClass(0x%x,0x%x,0x%x,0x%x)", x, y, a, b);
        return true;
    case 17: /* Device logical unit: LUN u8 */
        if (!cct_read_u8(r, &a)) {
            return false;
        }
        cct_buf_printf(o, "Unit(0x%x)", a);
        return true;
    case 18: /* SATA: HBAPortNumber, PortMultiplierPortNumber, LUN u16 */
        if (!cct_read_u16le(r, &x) || !cct_read_u16le(r, &y) || !cct_read_u16le(r, &z)) {
            return false;
        }
        cct_buf_printf(o, "Sata(0x%x,0x%x,0x%x)", x, y, z);
        return true;
    case 23: /* NVMe namespace: NamespaceId u32, IEEE EUI-64[8] */
        if (!cct_read_u32le(r, &u) || !cct_read_bytes(r, 8, &p)) {
            return false;
        }
        cct_buf_printf(o, "NVMe(0x%x,", u);
        for (int i = 0; i < 8; i++) {
            cct_buf_printf(o, "%s%02X", i ? "-" : "", p[i]);
        }
        cct_buf_putc(o, ')');
        return true;
    case 24: { /* URI: the rest of the node */
        size_t n = cct_reader_left(r);
        if (!cct_read_bytes(r, n, &p)) {
            return false;
        }
        cct_buf_puts(o, "Uri(");
        cct_ustr_bytes(o, p, n);
        cct_buf_putc(o, ')');
        return true;
    }
    default: return false;
    }
}

static bool node_media(struct cct_buf *o, uint8_t sub, struct cct_reader *r)
{
    uint8_t fmt, sigtype;
    uint32_t u;
    uint64_t s, e;
    const uint8_t *sig, *p;
    switch (sub) {
    case 1: /* Hard drive: PartitionNumber u32, PartitionStart u64, PartitionSize u64,
               PartitionSignature[16], PartitionFormat u8, SignatureType u8 */
        if (!cct_read_u32le(r, &u) || !cct_read_u64le(r, &s) || !cct_read_u64le(r, &e) ||
            !cct_read_bytes(r, 16, &sig) || !cct_read_u8(r, &fmt) || !cct_read_u8(r, &sigtype)) {
            return false;
        }
        cct_buf_printf(o, "HD(%u,", u);
        if (sigtype == 2) {
            cct_buf_puts(o, "GPT,");
            put_guid(o, sig);
        } else if (sigtype == 1) {
            cct_buf_printf(
                o, "MBR,0x%08x",
                (unsigned)(sig[0] | sig[1] << 8 | sig[2] << 16 | (uint32_t)sig[3] << 24));
        } else {
            cct_buf_printf(o, "%u,0", sigtype);
        }
        cct_buf_printf(o, ",0x%llx,0x%llx)", (unsigned long long)s, (unsigned long long)e);
        return true;
    case 2: /* CD-ROM: BootEntry u32, PartitionStart u64, PartitionSize u64 */
        if (!cct_read_u32le(r, &u) || !cct_read_u64le(r, &s) || !cct_read_u64le(r, &e)) {
            return false;
        }
        cct_buf_printf(o, "CDROM(0x%x,0x%llx,0x%llx)", u, (unsigned long long)s,
                       (unsigned long long)e);
        return true;
    case 3: return node_vendor(o, r, "VenMedia");
    case 4: { /* File path: NUL-terminated UTF-16; the text form is the path itself */
        size_t n = cct_reader_left(r);
        if (!cct_read_bytes(r, n, &p)) {
            return false;
        }
        cct_ustr_utf16(o, p, n, true);
        return true;
    }
    case 5: /* Media protocol: GUID */
    case 6: /* PIWG firmware file: GUID */
    case 7: /* PIWG firmware volume: GUID */
        if (!cct_read_bytes(r, 16, &p)) {
            return false;
        }
        cct_buf_puts(o, sub == 5 ? "Media(" : sub == 6 ? "FvFile(" : "Fv(");
        put_guid(o, p);
        cct_buf_putc(o, ')');
        return true;
    case 8: /* Relative offset range: Reserved u32, StartingOffset u64, EndingOffset u64 */
        if (!cct_read_u32le(r, &u) || !cct_read_u64le(r, &s) || !cct_read_u64le(r, &e)) {
            return false;
        }
        cct_buf_printf(o, "Offset(0x%llx,0x%llx)", (unsigned long long)s, (unsigned long long)e);
        return true;
    case 9: /* RAM disk: StartingAddr u64, EndingAddr u64, TypeGuid, Instance u16 */ {
        uint16_t inst;
        if (!cct_read_u64le(r, &s) || !cct_read_u64le(r, &e) || !cct_read_bytes(r, 16, &p) ||
            !cct_read_u16le(r, &inst)) {
            return false;
        }
        cct_buf_printf(o, "RamDisk(0x%llx,0x%llx,%u,", (unsigned long long)s, (unsigned long long)e,
                       inst);
        put_guid(o, p);
        cct_buf_putc(o, ')');
        return true;
    }
    default: return false;
    }
}

static bool node_bbs(struct cct_buf *o, uint8_t sub, struct cct_reader *r)
{
    uint16_t dt, st;
    const uint8_t *p;
    if (sub != 1 || !cct_read_u16le(r, &dt) || !cct_read_u16le(r, &st)) {
        return false;
    }
    size_t n = cct_reader_left(r);
    if (!cct_read_bytes(r, n, &p)) {
        return false;
    }
    while (n > 0 && p[n - 1] == 0) {
        n--;
    }
    cct_buf_printf(o, "BBS(0x%x,", dt);
    cct_ustr_bytes(o, p, n);
    cct_buf_printf(o, ",0x%x)", st);
    return true;
}

int cct_devpath_text(const uint8_t *p, size_t n, size_t base, struct cct_buf *out, int64_t event,
                     struct cct_error *err)
{
    struct cct_reader r;
    size_t nodes = 0;
    bool sep = false;
    cct_reader_init(&r, p, n, base);
    while (!cct_reader_done(&r)) {
        size_t off = cct_reader_offset(&r);
        struct cct_reader save = r, body;
        uint8_t type, sub;
        uint16_t len;
        if (!cct_read_u8(&r, &type) || !cct_read_u8(&r, &sub) || !cct_read_u16le(&r, &len)) {
            return cct_err(err, CCT_ETRUNCATED, event, (int64_t)off,
                           "device path: node header truncated (%zu bytes left)",
                           cct_reader_left(&r));
        }
        if (len < 4 || !cct_read_sub(&r, (size_t)len - 4, &body)) {
            r = save;
            return cct_err(err, CCT_EMALFORMED, event, (int64_t)off,
                           "device path: node length %u invalid (%zu bytes left)", len,
                           cct_reader_left(&r));
        }
        if (++nodes > CCT_DECODE_MAX_DP_NODES) {
            return cct_err(err, CCT_ELIMIT, event, (int64_t)off, "device path: more than %d nodes",
                           CCT_DECODE_MAX_DP_NODES);
        }
        if (type == DP_END) {
            if (sub == 0xFF) {
                /* End of the whole path; anything after it is not part of this path. */
                return 0;
            }
            cct_buf_putc(out, ',');
            sep = false;
            continue;
        }
        if (sep) {
            cct_buf_putc(out, '/');
        }
        sep = true;
        struct cct_reader b2 = body;
        bool ok = false;
        switch (type) {
        case DP_HARDWARE: ok = node_hardware(out, sub, &b2); break;
        case DP_ACPI: ok = node_acpi(out, sub, &b2); break;
        case DP_MESSAGING: ok = node_messaging(out, sub, &b2); break;
        case DP_MEDIA: ok = node_media(out, sub, &b2); break;
        case DP_BBS: ok = node_bbs(out, sub, &b2); break;
        default: break;
        }
        if (!ok) {
            const uint8_t *bp;
            size_t bn = cct_reader_left(&body);
            if (!cct_read_bytes(&body, bn, &bp)) { /* reads what is left: cannot fail */
                bn = 0;
            }
            cct_buf_printf(out, "Path(%u,%u", type, sub);
            if (bn > 0) {
                cct_buf_putc(out, ',');
                cct_buf_hex(out, bp, bn);
            }
            cct_buf_putc(out, ')');
        }
    }
    return 0;
}
