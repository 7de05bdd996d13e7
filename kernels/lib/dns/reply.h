/*
 * reply.h — a query as parsed, and the response being built for it; shared by answer.c
 * (the message), lookup.c (what goes into it) and reply.c (writing whole RRsets).
 */
#ifndef DNS_REPLY_H
#define DNS_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include "dns_wire.h"
#include "zone.h"

#define DNS_MAX_CHAIN 16  /* CNAMEs followed in one answer */
#define DNS_MAX_EXTRAS 32 /* NS and MX targets whose addresses go in "additional" */

enum { SECTION_ANSWER, SECTION_AUTHORITY, SECTION_ADDITIONAL };

struct query {
    uint16_t id, flags, qtype, qclass;
    uint8_t name[DNS_MAX_NAME + 1];  /* as sent (case kept) */
    uint8_t lower[DNS_MAX_NAME + 1]; /* lower case, for lookups */
    size_t question_end;
    int edns;           /* an OPT record was present */
    uint16_t edns_size; /* the client's UDP payload size */
    uint8_t edns_version;
};

struct reply {
    struct dns_writer w;
    uint16_t counts[3]; /* answer, authority, additional */
    int truncated;      /* an RRset of the answer or authority did not fit: TC */
    int full;           /* an additional RRset did not fit: add no more, without TC */
    int aa;             /* the answer is authoritative */
    int16_t extras[DNS_MAX_EXTRAS];
    int extra_count;
    const uint8_t *chain[DNS_MAX_CHAIN]; /* owners of the CNAMEs in the answer, for loops */
    int chain_len;
};

/* reply.c: the RRset of `type` at node (its first record and *count), or 0 if there is none. */
const struct zone_rr *reply_rrset(int node, uint16_t type, int *count);

/* reply.c: append count records under owner to section s, all or none. 0 when they did not fit
 * (an answer or authority RRset then sets TC). NS and MX records note their targets. */
int reply_add_rrset(struct reply *r, int s, const uint8_t *owner, const struct zone_rr *rr,
                    int count);

/* reply.c: the zone's SOA in the authority section of a negative answer (RFC 2308). */
void reply_add_negative_soa(struct reply *r);

/* reply.c: the A, then the AAAA records of the noted targets, while they fit. */
void reply_add_extras(struct reply *r);

/* lookup.c: is name (wire, lower case) at or below the apex? */
int dns_in_zone(const uint8_t *name);

/* lookup.c: RFC 1034 §4.3.2 step 3 for an in-zone query: fill the reply, return the rcode. */
int dns_lookup(struct reply *r, const struct query *q);

#endif
