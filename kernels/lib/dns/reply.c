/*
 * reply.c — writing records into the response, one whole RRset at a time.
 *
 * A resolver caches an RRset (all records of one name and type) as a unit, so a response never
 * holds part of one: if an RRset of the answer or authority section does not fit, it is taken
 * out again and the TC bit tells the client to ask over TCP. The additional section is a
 * courtesy (addresses the client would otherwise ask for next): what does not fit is left out
 * without TC. That is what NSD does, and the differential test holds us to it.
 */
#include "libc.h"
#include "net/wire.h"
#include "reply.h"

const struct zone_rr *reply_rrset(int node, uint16_t type, int *count)
{
    const struct zone_node *n = &zone_nodes[node];
    const struct zone_rr *rr = &zone_rrs[n->first_rr];
    int i = 0;
    while (i < n->rr_count && rr[i].type != type)
        i++;
    int j = i;
    while (j < n->rr_count && rr[j].type == type) /* the generator grouped them */
        j++;
    *count = j - i;
    return j > i ? &rr[i] : 0;
}

/* One record; names inside NS, CNAME, MX and SOA may be compressed too (RFC 3597 §4). */
static void put_rr(struct dns_writer *w, const uint8_t *owner, const struct zone_rr *rr, uint32_t ttl)
{
    dns_put_name(w, owner);
    dns_put16(w, rr->type);
    dns_put16(w, DNS_CLASS_IN);
    dns_put32(w, ttl);
    size_t rdlen_at = w->pos;
    dns_put16(w, 0);
    size_t rdata_start = w->pos;
    const uint8_t *d = rr->rdata;
    switch (rr->type) {
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
    if (!w->overflow)
        put16(w->buf + rdlen_at, (uint16_t)(w->pos - rdata_start));
}

static void note_extra(struct reply *r, const struct zone_rr *rr)
{
    if (rr->extra < 0 || (rr->type == DNS_TYPE_MX && zone_extras[rr->extra].glue))
        return; /* no addresses here, or glue, which only a referral or an NS answer carries */
    for (int i = 0; i < r->extra_count; i++)
        if (r->extras[i] == rr->extra)
            return;
    if (r->extra_count < DNS_MAX_EXTRAS)
        r->extras[r->extra_count++] = rr->extra;
}

static int add(struct reply *r, int s, const uint8_t *owner, const struct zone_rr *rr, int count,
               uint32_t ttl_cap)
{
    if (r->truncated || (s == SECTION_ADDITIONAL && r->full))
        return 0;
    struct dns_writer *w = &r->w;
    size_t start = w->pos;
    int names = w->count;
    for (int i = 0; i < count; i++)
        put_rr(w, owner, &rr[i], rr[i].ttl < ttl_cap ? rr[i].ttl : ttl_cap);
    if (w->overflow) { /* undo the whole RRset */
        w->overflow = 0;
        w->pos = start;
        w->count = names;
        if (s == SECTION_ADDITIONAL)
            r->full = 1;
        else
            r->truncated = 1;
        return 0;
    }
    r->counts[s] += (uint16_t)count;
    if (s != SECTION_ADDITIONAL)
        for (int i = 0; i < count; i++)
            note_extra(r, &rr[i]);
    return 1;
}

int reply_add_rrset(struct reply *r, int s, const uint8_t *owner, const struct zone_rr *rr, int count)
{
    return add(r, s, owner, rr, count, 0xffffffffu);
}

/* TTL = min(SOA TTL, SOA minimum): how long a resolver may remember the "no". */
void reply_add_negative_soa(struct reply *r)
{
    const struct zone_rr *soa = &zone_rrs[zone_soa];
    const uint8_t *d = soa->rdata;
    size_t names = dns_name_len(d);
    names += dns_name_len(d + names);
    add(r, SECTION_AUTHORITY, zone_nodes[0].name, soa, 1, get32(d + names + 16));
}

void reply_add_extras(struct reply *r)
{
    static const uint16_t types[2] = {DNS_TYPE_A, DNS_TYPE_AAAA}; /* all A first, as NSD */
    for (int t = 0; t < 2; t++) {
        for (int i = 0; i < r->extra_count; i++) {
            const struct zone_extra *e = &zone_extras[r->extras[i]];
            int count;
            const struct zone_rr *rr = reply_rrset(e->node, types[t], &count);
            if (rr && !add(r, SECTION_ADDITIONAL, e->name, rr, count, 0xffffffffu))
                return;
        }
    }
}
