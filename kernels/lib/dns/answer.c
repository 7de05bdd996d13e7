/*
 * answer.c — an authoritative DNS server's decision, as a pure function: query in, response out.
 *
 * 1. Parse and check the query. No answer at all for messages shorter than a header or that
 *    are responses themselves (answering responses lets two servers bounce packets forever).
 *    A query that breaks the format gets FORMERR; an opcode other than QUERY gets NOTIMP;
 *    an EDNS version other than 0 gets BADVERS.
 * 2. Names outside our zone get REFUSED: we are authoritative, not a resolver.
 * 3. Look the name up. A CNAME is followed (within the zone). The name may not exist
 *    (NXDOMAIN), exist without the asked type (NODATA: NOERROR with no answers), or have
 *    answers. Negative answers carry the zone's SOA in the authority section, whose TTL tells
 *    resolvers how long to cache the "no" (RFC 2308).
 * 4. Write the response with name compression; if it does not fit the client's buffer
 *    (512 bytes, or the size its EDNS OPT record offers), cut it at a whole record and set TC.
 */
#include "answer.h"
#include "dns_wire.h"
#include "libc.h"
#include "net/wire.h"
#include "zone.h"

#define OPT_LEN 11 /* root name, type, class, TTL, RDLENGTH */
#define MAX_CNAME_HOPS 8

struct query {
    uint16_t id, flags, qtype, qclass;
    uint8_t name[DNS_MAX_NAME + 1];  /* as sent (case kept) */
    uint8_t lower[DNS_MAX_NAME + 1]; /* lower case, for lookups */
    size_t question_end;
    int edns;              /* an OPT record was present */
    uint16_t edns_size;    /* the client's UDP payload size */
    uint8_t edns_version;
};

struct reply {
    struct dns_writer w;
    uint16_t counts[3]; /* answer, authority, additional */
    int truncated;
};

/* Is name (wire format, lower case) equal to or below the zone apex? */
static int in_zone(const uint8_t *name)
{
    const uint8_t *apex = zone_nodes[0].name;
    size_t apex_len = dns_name_len(apex), len = dns_name_len(name);
    while (len >= apex_len) {
        if (len == apex_len)
            return memcmp(name, apex, apex_len) == 0;
        len -= 1 + (size_t)*name;
        name += 1 + *name;
    }
    return 0;
}

static int find_node(const uint8_t *name)
{
    size_t len = dns_name_len(name);
    for (int i = 0; i < zone_node_count; i++)
        if (dns_name_len(zone_nodes[i].name) == len && memcmp(zone_nodes[i].name, name, len) == 0)
            return i;
    return -1;
}

/* Append one record to section s (0 answer, 1 authority); on overflow undo it and set TC. */
static void add_rr(struct reply *r, int s, const uint8_t *owner, const struct zone_rr *rr, uint32_t ttl)
{
    if (r->truncated)
        return;
    struct dns_writer *w = &r->w;
    size_t start = w->pos;
    int names = w->count;
    dns_put_name(w, owner);
    dns_put16(w, rr->type);
    dns_put16(w, DNS_CLASS_IN);
    dns_put32(w, ttl);
    size_t rdlen_at = w->pos;
    dns_put16(w, 0);
    size_t rdata_start = w->pos;
    const uint8_t *d = rr->rdata;
    switch (rr->type) { /* names inside these types may be compressed too (RFC 3597 §4) */
    case DNS_TYPE_NS:
    case DNS_TYPE_CNAME:
        dns_put_name(w, d);
        break;
    case DNS_TYPE_MX:
        dns_put_bytes(w, d, 2);
        dns_put_name(w, d + 2);
        break;
    case DNS_TYPE_SOA: {
        size_t m = dns_name_len(d);
        dns_put_name(w, d);
        dns_put_name(w, d + m);
        dns_put_bytes(w, d + m + dns_name_len(d + m), 20); /* serial and four times */
        break;
    }
    default:
        dns_put_bytes(w, d, rr->rdlength);
    }
    if (w->overflow) {
        w->overflow = 0;
        w->pos = start;
        w->count = names;
        r->truncated = 1;
        return;
    }
    put16(w->buf + rdlen_at, (uint16_t)(w->pos - rdata_start));
    r->counts[s]++;
}

/* The SOA in the authority section of a negative answer; TTL = min(SOA TTL, SOA minimum). */
static void add_negative_soa(struct reply *r)
{
    const struct zone_rr *soa = &zone_rrs[zone_soa];
    const uint8_t *d = soa->rdata;
    size_t names = dns_name_len(d);
    names += dns_name_len(d + names);
    uint32_t minimum = get32(d + names + 16);
    add_rr(r, 1, zone_nodes[0].name, soa, soa->ttl < minimum ? soa->ttl : minimum);
}

/* Step 3: fill the answer (or authority) section; returns the rcode. */
static int lookup(struct reply *r, const struct query *q)
{
    const uint8_t *name = q->lower;
    for (int hop = 0; hop < MAX_CNAME_HOPS; hop++) {
        int node = find_node(name);
        if (node < 0) {
            add_negative_soa(r);
            return DNS_RCODE_NXDOMAIN;
        }
        const struct zone_node *n = &zone_nodes[node];
        const struct zone_rr *rrs = &zone_rrs[n->first_rr];
        if (n->rr_count == 1 && rrs[0].type == DNS_TYPE_CNAME && q->qtype != DNS_TYPE_CNAME &&
            q->qtype != DNS_TYPE_ANY) {
            /* An alias: answer with it, then continue with its target (if it is ours). */
            add_rr(r, 0, name, &rrs[0], rrs[0].ttl);
            name = rrs[0].rdata;
            if (!in_zone(name))
                return DNS_RCODE_NOERROR; /* the client's resolver follows it elsewhere */
            continue;
        }
        int found = 0;
        for (int i = 0; i < n->rr_count; i++) {
            if (rrs[i].type == q->qtype || q->qtype == DNS_TYPE_ANY) {
                add_rr(r, 0, name, &rrs[i], rrs[i].ttl);
                found++;
            }
        }
        if (!found)
            add_negative_soa(r); /* NODATA: the name exists, the type does not */
        return DNS_RCODE_NOERROR;
    }
    return DNS_RCODE_NOERROR; /* a CNAME chain too long: answer with what we have */
}

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
        return DNS_RCODE_NOTIMP; /* zone transfers need TCP, which this appliance lacks */
    if (q->qclass != DNS_CLASS_IN && q->qclass != DNS_TYPE_ANY)
        return DNS_RCODE_REFUSED;
    return DNS_RCODE_NOERROR;
}

size_t dns_answer(const uint8_t *m, size_t len, uint8_t *out, size_t cap)
{
    struct query q;
    memset(&q, 0, sizeof q);
    int rcode = parse(m, len, &q);
    if (rcode < 0)
        return 0;

    size_t limit = 512; /* RFC 1035's limit for clients that did not say otherwise */
    if (q.edns && q.edns_size > 512)
        limit = q.edns_size < DNS_EDNS_SIZE ? q.edns_size : DNS_EDNS_SIZE;
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
    int aa = 0;
    if (rcode == DNS_RCODE_NOERROR) {
        if (!in_zone(q.lower)) {
            rcode = DNS_RCODE_REFUSED; /* step 2 */
        } else {
            aa = 1;
            rcode = lookup(&r, &q); /* step 3 */
        }
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
    uint16_t flags = (uint16_t)(0x8000 | (q.flags & 0x7800) /* opcode */ | (aa ? 0x0400 : 0) |
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
