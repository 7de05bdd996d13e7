/*
 * lookup.c — RFC 1034 §4.3.2: what an authoritative server answers for a name in its zone.
 *
 *   1. Find the name, or the closest name above it that exists (the "closest encloser").
 *   2. If that is at or below a delegation (a zone cut: NS records below our apex), the name
 *      belongs to another server: answer with a *referral* — no AA, the child's NS records in
 *      the authority section, their addresses (glue) in the additional section.
 *   3. If the name exists: its records of the asked type; or a CNAME, which is answered and
 *      followed (the chain continues from step 1 with the target, if it is in our zone); or
 *      nothing: NODATA, the SOA in the authority section.
 *   4. If it does not exist, a wildcard "*.<closest encloser>" answers for it, with the asked
 *      name as owner (RFC 4592); without one the answer is NXDOMAIN.
 *
 * Which cut a name is under and which wildcard a name has were decided by the generator and
 * are fields of zone_nodes (zone.h); here they are only read.
 */
#include "libc.h"
#include "reply.h"

int dns_in_zone(const uint8_t *name)
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

/* Step 1: the node of an in-zone name, or of its closest existing ancestor (*exact = 0). */
static int closest_encloser(const uint8_t *name, int *exact)
{
    *exact = 1;
    for (;;) {
        int node = find_node(name);
        if (node >= 0)
            return node; /* the apex always exists, so this ends */
        *exact = 0;
        name += 1 + *name; /* one label up */
    }
}

/* ANY gets one RRset (RFC 8482): an address, SOA or MX one if the name has it, as NSD picks. */
static const struct zone_rr *any_rrset(int node, int *count)
{
    const struct zone_node *n = &zone_nodes[node];
    const struct zone_rr *rr = &zone_rrs[n->first_rr], *other = 0;
    for (int i = 0; i < n->rr_count; i++) {
        if (i > 0 && rr[i].type == rr[i - 1].type)
            continue; /* not the first record of its RRset */
        uint16_t t = rr[i].type;
        if (t == DNS_TYPE_A || t == DNS_TYPE_AAAA || t == DNS_TYPE_SOA || t == DNS_TYPE_MX)
            return reply_rrset(node, t, count);
        other = reply_rrset(node, t, count); /* NSD keeps the last of the others */
    }
    return other;
}

static int answer_name(struct reply *r, const struct query *q, const uint8_t *name);

/* A CNAME at the name: answer it, then follow it, unless it is already in the answer (a loop)
 * or points outside the zone (the client's resolver follows that one). */
static int follow_cname(struct reply *r, const struct query *q, const uint8_t *owner,
                        const struct zone_rr *cname)
{
    for (int i = 0; i < r->chain_len; i++)
        if (dns_name_len(r->chain[i]) == dns_name_len(owner) &&
            memcmp(r->chain[i], owner, dns_name_len(owner)) == 0)
            return DNS_RCODE_NOERROR;
    if (r->chain_len == DNS_MAX_CHAIN || !reply_add_rrset(r, SECTION_ANSWER, owner, cname, 1))
        return DNS_RCODE_NOERROR;
    r->chain[r->chain_len++] = owner;
    if (!dns_in_zone(cname->rdata))
        return DNS_RCODE_NOERROR;
    return answer_name(r, q, cname->rdata);
}

/* Step 3 at a node (an existing name, or the wildcard standing in for owner). */
static int answer_node(struct reply *r, const struct query *q, int node, const uint8_t *owner)
{
    int count;
    const struct zone_rr *rr;
    if (q->qtype == DNS_TYPE_ANY)
        rr = any_rrset(node, &count);
    else
        rr = reply_rrset(node, q->qtype, &count);
    if (rr) {
        reply_add_rrset(r, SECTION_ANSWER, owner, rr, count);
        return DNS_RCODE_NOERROR;
    }
    if (q->qtype != DNS_TYPE_ANY && (rr = reply_rrset(node, DNS_TYPE_CNAME, &count)) != 0)
        return follow_cname(r, q, owner, rr);
    if (q->qclass != DNS_TYPE_ANY)
        reply_add_negative_soa(r); /* NODATA: the name exists, the type does not */
    return DNS_RCODE_NOERROR;
}

static int answer_name(struct reply *r, const struct query *q, const uint8_t *name)
{
    int exact, count;
    int node = closest_encloser(name, &exact);
    int cut = zone_nodes[node].cut;
    /* Step 2. A DS query at the cut itself is the parent's to answer (RFC 4035 §3.1.4.1). */
    if (cut >= 0 && !(exact && node == cut && q->qtype == DNS_TYPE_DS)) {
        r->aa = r->chain_len > 0 && q->qclass != DNS_TYPE_ANY; /* the CNAME part was ours */
        reply_add_rrset(r, SECTION_AUTHORITY, zone_nodes[cut].name,
                        reply_rrset(cut, DNS_TYPE_NS, &count), count);
        return DNS_RCODE_NOERROR;
    }
    r->aa = q->qclass != DNS_TYPE_ANY;
    if (exact)
        return answer_node(r, q, node, name);
    if (zone_nodes[node].wildcard >= 0) /* step 4 */
        return answer_node(r, q, zone_nodes[node].wildcard, name);
    if (q->qclass != DNS_TYPE_ANY)
        reply_add_negative_soa(r);
    return DNS_RCODE_NXDOMAIN;
}

int dns_lookup(struct reply *r, const struct query *q)
{
    int rcode = answer_name(r, q, q->lower);
    reply_add_extras(r);
    return rcode;
}
