/*
 * dns_wire.h — the DNS message format (RFC 1035 §4), shared by the parser and the writer.
 *
 * Every message: a 12-byte header, then four sections — question, answer, authority,
 * additional. The header:
 *
 *   ID | flags: QR opcode AA TC RD RA Z AD CD rcode | QDCOUNT | ANCOUNT | NSCOUNT | ARCOUNT
 */
#ifndef DNS_WIRE_H
#define DNS_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define DNS_HEADER_LEN 12
#define DNS_MAX_NAME 255 /* bytes in wire format */
#define DNS_MAX_LABEL 63

#define DNS_TYPE_A 1
#define DNS_TYPE_NS 2
#define DNS_TYPE_CNAME 5
#define DNS_TYPE_SOA 6
#define DNS_TYPE_MX 15
#define DNS_TYPE_TXT 16
#define DNS_TYPE_AAAA 28
#define DNS_TYPE_OPT 41
#define DNS_TYPE_DS 43 /* delegation signer: the one type a parent answers for at a cut */
#define DNS_TYPE_IXFR 251
#define DNS_TYPE_AXFR 252
#define DNS_TYPE_ANY 255
#define DNS_CLASS_IN 1

#define DNS_RCODE_NOERROR 0
#define DNS_RCODE_FORMERR 1
#define DNS_RCODE_SERVFAIL 2
#define DNS_RCODE_NXDOMAIN 3
#define DNS_RCODE_NOTIMP 4
#define DNS_RCODE_REFUSED 5
#define DNS_RCODE_BADVERS 16 /* extended: needs EDNS to be expressed */

/*
 * Read the (possibly compressed) name at `off` in msg into `out` as uncompressed wire format
 * (case kept). Returns the offset just after the name *in the message* (after the first
 * pointer, if any), or -1 if the name is malformed: runs past the end, a label longer than 63,
 * a name longer than 255, a reserved label type, or a pointer that does not point strictly
 * backwards (which is what makes pointer loops impossible).
 */
int dns_read_name(const uint8_t *msg, size_t len, size_t off, uint8_t *out);

/* Fold ASCII letters of a wire name to lower case, in place. */
void dns_lower(uint8_t *name);

/* Length of an uncompressed wire name (including the final zero byte). */
size_t dns_name_len(const uint8_t *name);

/* The message being built: a buffer, a write position and a table of names already written,
 * for compression. */
#define DNS_COMPRESS_ENTRIES 48

struct dns_writer {
    uint8_t *buf;
    size_t cap, pos;
    int overflow; /* something did not fit: the caller sets TC */
    struct {
        const uint8_t *suffix; /* uncompressed lower-case wire name */
        uint16_t offset;       /* where it was written in buf */
    } names[DNS_COMPRESS_ENTRIES];
    int count;
};

void dns_put16(struct dns_writer *w, uint16_t v);
void dns_put32(struct dns_writer *w, uint32_t v);
void dns_put_bytes(struct dns_writer *w, const void *p, size_t n);

/* Write a name, replacing the longest suffix already in the message by a 2-byte pointer. */
void dns_put_name(struct dns_writer *w, const uint8_t *name);

/* Remember that `name` (lower case) sits at `offset` (for the question, copied verbatim). */
void dns_remember_name(struct dns_writer *w, const uint8_t *name, size_t offset);

#endif
