/*
 * arp — the Address Resolution Protocol: which MAC address has this IPv4 address?
 *
 * IP speaks in IP addresses, Ethernet delivers to MAC addresses. ARP broadcasts "who has
 * 10.0.2.2?" and the owner answers with its MAC; answers are cached. It also answers the same
 * question about our own address, without which nobody on the link could reach us.
 */
#ifndef WB_ARP_H
#define WB_ARP_H

#include <stdint.h>

/* Start answering for my_ip (host byte order) and listen for ARP frames. */
void arp_init(uint32_t my_ip);

/* 1 and the 6-byte MAC copied to mac_out when ip is in the cache; 0 when it is not. */
int arp_lookup(uint32_t ip, uint8_t *mac_out);

/* Broadcast a request for ip; the reply lands in the cache (see arp_lookup). */
void arp_request(uint32_t ip);

#endif
