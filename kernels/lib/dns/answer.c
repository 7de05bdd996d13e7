/*
 * answer.c — an authoritative DNS server's decision, as a pure function: query in, response out.
 *
 * 1. Parse and check the query. No answer at all for messages shorter than a header or that
 *    are responses themselves (answering responses lets two servers bounce packets forever).
 *    A query that breaks the format gets FORMERR; an opcode other than QUERY gets NOTIMP;
 *    an EDNS version other than 0 gets BADVERS.
 * 2. Names outside our zone get REFUSED: we are authoritative, not a resolver.
 * 3. Look the name up (lookup.c): an answer, a referral to a delegated child zone, a wildcard's
 *    records, a CNAME chain, NODATA or NXDOMAIN. Negative answers carry the zone's SOA in the
 *    authority section, whose TTL tells resolvers how long to cache the "no" (RFC 2308).
 * 4. Write the response with name compression (reply.c); if it does not fit the client's
 *    buffer (512 bytes over UDP, or the size its EDNS OPT record offers; 65535 over TCP), cut
 *    it at a whole RRset and set TC.
 */
#include "answer.h"
#include "dns_wire.h"
#include "libc.h"
#include "net/wire.h"
#include "reply.h"

#define OPT_LEN 11 /* root name, type, class, TTL, RDLENGTH */

/* Step 1: parse. Returns -1 to stay silent, or the rcode that parsing alone decides (0 = ok). */
static int parse(const uint8_t *m, size_t len, struct query *q)
{
    if (len < DNS_HEADER_LEN)
        return -1;
    q->id = get16(m);
    q->flags = get16(m + 2);
    if (q->flags & 0x8000)
        return -1; /* QR set: a response, not a query */
    uint16_t qd = get16(m + 4), an = get16(m + 6), ns = get16(m + 8), ar = get16(m + 10);
    q->question_end = 0;
    if (qd != 1)
        return DNS_RCODE_FORMERR; /* every real query asks exactly one question */
    int off = dns_read_name(m, len, DNS_HEADER_LEN, q->name);
    if (off < 0 || (size_t)off + 4 > len)
        return DNS_RCODE_FORMERR;
    memcpy(q->lower, q->name, dns_name_len(q->name));
    dns_lower(q->lower);
    q->qtype = get16(m + off);
    q->qclass = get16(m + off + 2);
    q->question_end = (size_t)off + 4;
    /* The other sections: only an EDNS OPT record in "additional" is expected, but every
     * record is walked and bounds-checked so a malformed one is a FORMERR, not a crash. */
    size_t pos = q->question_end;
    uint8_t scratch[DNS_MAX_NAME + 1];
    for (uint32_t i = 0; i < (uint32_t)an + ns + ar; i++) {
        int after = dns_read_name(m, len, pos, scratch);
        if (after < 0 || (size_t)after + 10 > len)
            return DNS_RCODE_FORMERR;
        const uint8_t *rr = m + after;
        size_t rdlen = get16(rr + 8);
        if ((size_t)after + 10 + rdlen > len)
            return DNS_RCODE_FORMERR;
        if (get16(rr) == DNS_TYPE_OPT) {
            if (i < (uint32_t)an + ns || scratch[0] != 0 || q->edns)
                return DNS_RCODE_FORMERR; /* OPT only in additional, owned by root, once */
            q->edns = 1;
            q->edns_size = get16(rr + 2);
            q->edns_version = rr[5];
        }
        pos = (size_t)after + 10 + rdlen;
    }
    if (((q->flags >> 11) & 0xf) != 0)
        return DNS_RCODE_NOTIMP; /* only standard queries (opcode 0) */
    if (q->edns && q->edns_version != 0)
        return DNS_RCODE_BADVERS;
    if (q->qtype == DNS_TYPE_OPT)
        return DNS_RCODE_FORMERR;
    if (q->qtype == DNS_TYPE_AXFR || q->qtype == DNS_TYPE_IXFR)
        return DNS_RCODE_NOTIMP; /* zone transfers: this server has no secondaries to feed */
    if (q->qclass != DNS_CLASS_IN && q->qclass != DNS_TYPE_ANY)
        return DNS_RCODE_REFUSED;
    return DNS_RCODE_NOERROR;
}

size_t dns_answer(const uint8_t *m, size_t len, uint8_t *out, size_t cap, int tcp)
{
    struct query q;
    memset(&q, 0, sizeof q);
    int rcode = parse(m, len, &q);
    if (rcode < 0)
        return 0;

    size_t limit = 512; /* RFC 1035's limit for clients that did not say otherwise */
    if (q.edns && q.edns_size > 512)
        limit = q.edns_size < DNS_EDNS_SIZE ? q.edns_size : DNS_EDNS_SIZE;
    if (tcp)
        limit = 65535; /* a TCP message is as long as its two-byte length says */
    if (limit > cap)
        limit = cap;

    struct reply r;
    memset(&r, 0, sizeof r);
    r.w.buf = out;
    r.w.cap = limit - (q.edns ? OPT_LEN : 0); /* keep room for our own OPT record */
    r.w.pos = DNS_HEADER_LEN;
    int with_question = q.question_end != 0 && rcode != DNS_RCODE_FORMERR;
    if (with_question) {
        dns_put_bytes(&r.w, q.name, dns_name_len(q.name)); /* echoed uncompressed, case kept */
        dns_put16(&r.w, q.qtype);
        dns_put16(&r.w, q.qclass);
        dns_remember_name(&r.w, q.lower, DNS_HEADER_LEN);
    }
    if (rcode == DNS_RCODE_NOERROR) {
        if (!dns_in_zone(q.lower))
            rcode = DNS_RCODE_REFUSED; /* step 2 */
        else
            rcode = dns_lookup(&r, &q); /* step 3 */
    }
    if (q.edns) { /* answer EDNS with EDNS; the upper 8 bits of a 12-bit rcode live here */
        r.w.cap = limit;
        uint8_t root = 0;
        dns_put_bytes(&r.w, &root, 1);
        dns_put16(&r.w, DNS_TYPE_OPT);
        dns_put16(&r.w, DNS_EDNS_SIZE);
        dns_put32(&r.w, (uint32_t)(rcode >> 4) << 24); /* extended rcode, version 0, no flags */
        dns_put16(&r.w, 0);
        r.counts[2]++;
    }
    uint16_t flags = (uint16_t)(0x8000 | (q.flags & 0x7800) /* opcode */ | (r.aa ? 0x0400 : 0) |
                                (r.truncated ? 0x0200 : 0) | (q.flags & 0x0100) /* RD */ |
                                (rcode & 0xf));
    put16(out, q.id);
    put16(out + 2, flags);
    put16(out + 4, with_question ? 1 : 0);
    put16(out + 6, r.counts[0]);
    put16(out + 8, r.counts[1]);
    put16(out + 10, r.counts[2]);
    return r.w.pos;
}
