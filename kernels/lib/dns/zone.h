/*
 * zone.h — the shape of the zone data that the build generates from a zone file.
 *
 * The workbench's dns-zone generator parses the recipe's zone file on the host and writes
 * zone.c with these arrays; the image contains the answers, not a parser. Names are in DNS
 * wire format, lower case: "www.example.org." is the bytes 3 w w w 7 e x a m p l e 3 o r g 0.
 *
 * zone_nodes lists every name that exists, the apex first. A node with rr_count 0 is an
 * "empty non-terminal": it has no records but has names below it, so a query for it must get
 * NODATA, not NXDOMAIN. A node's records are grouped by type (one RRset after another).
 * Names inside RDATA (NS, CNAME, MX, SOA) are uncompressed.
 *
 * Parts of the lookup are decided by the generator, because the zone cannot change after the
 * build: which delegation a name is under (cut), which wildcard covers the names missing below
 * it (wildcard), and which address records go with each NS and MX target (zone_extras). The
 * generator's zone.txt, beside zone.c, lists what it found.
 */
#ifndef DNS_ZONE_H
#define DNS_ZONE_H

#include <stdint.h>

struct zone_rr {
    uint16_t type;
    uint32_t ttl;
    uint16_t rdlength;
    const uint8_t *rdata;
    int16_t extra; /* NS, MX: the target's entry in zone_extras, -1 when it has no addresses here */
};

struct zone_node {
    const uint8_t *name; /* wire format, lower case */
    uint16_t first_rr;   /* index into zone_rrs */
    uint16_t rr_count;
    int16_t cut;      /* the delegation (a node with NS, below the apex) at or above, or -1 */
    int16_t wildcard; /* the node "*.<this name>", or -1 */
};

/* The addresses sent in the additional section with an NS or MX record. */
struct zone_extra {
    const uint8_t *name; /* the target: the owner the A/AAAA records are sent under */
    int16_t node;        /* whose A/AAAA records: the target's node, or the wildcard covering it */
    uint8_t glue;        /* at or below a delegation: sent with referrals and NS, not with MX */
};

extern const struct zone_node zone_nodes[];
extern const struct zone_rr zone_rrs[];
extern const struct zone_extra zone_extras[];
extern const uint16_t zone_node_count;
extern const uint16_t zone_rr_count;
extern const uint16_t zone_soa; /* index of the SOA record in zone_rrs */

#endif
