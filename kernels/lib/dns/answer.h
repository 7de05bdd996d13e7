/*
 * answer.h — from one query message to one response message.
 */
#ifndef DNS_ANSWER_H
#define DNS_ANSWER_H

#include <stddef.h>
#include <stdint.h>

/* Our EDNS(0) UDP payload size: 1232 bytes fits any path's MTU without fragmenting
 * (the 2020 "DNS flag day" value). */
#define DNS_EDNS_SIZE 1232

/* Build the response to query q (len bytes) in out (cap >= DNS_EDNS_SIZE; 65535 to answer
 * over TCP in full). tcp: the query came over TCP, so no UDP size limit applies. Returns the
 * response length, or 0 when the message deserves no answer at all. */
size_t dns_answer(const uint8_t *q, size_t len, uint8_t *out, size_t cap, int tcp);

/* dns_tcp.c: listen for DNS over TCP on port (0, or -1 when TCP cannot listen), and serve
 * the connections a little on every turn of the loop, after tcp_poll(). */
int dns_tcp_start(uint16_t port);
void dns_tcp_poll(void);

#endif
