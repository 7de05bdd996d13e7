/*
 * zone.h — the shape of the zone data that the build generates from a zone file.
 *
 * The workbench's dns-zone generator parses the recipe's zone file on the host and writes
 * zone.c with these arrays; the image contains the answers, not a parser. Names are in DNS
 * wire format, lower case: "www.example.org." is the bytes 3 w w w 7 e x a m p l e 3 o r g 0.
 *
 * zone_nodes lists every name that exists, the apex first. A node with rr_count 0 is an
 * "empty non-terminal": it has no records but has names below it, so a query for it must get
 * NODATA, not NXDOMAIN. Names inside RDATA (NS, CNAME, MX, SOA) are uncompressed.
 */
#ifndef DNS_ZONE_H
#define DNS_ZONE_H

#include <stdint.h>

struct zone_rr {
    uint16_t type;
    uint32_t ttl;
    uint16_t rdlength;
    const uint8_t *rdata;
};

struct zone_node {
    const uint8_t *name; /* wire format, lower case */
    uint16_t first_rr;   /* index into zone_rrs */
    uint16_t rr_count;
};

extern const struct zone_node zone_nodes[];
extern const struct zone_rr zone_rrs[];
extern const uint16_t zone_node_count;
extern const uint16_t zone_rr_count;
extern const uint16_t zone_soa; /* index of the SOA record in zone_rrs */

#endif
