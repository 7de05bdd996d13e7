/*
 * dns_name_read.c — reading domain names off the wire, the tricky part of the DNS format.
 *
 * A name is a sequence of labels, each a length byte (1..63) and that many bytes, ended by a
 * zero byte. To save space a message may replace the end of a name by a *pointer*: two bytes
 * whose top bits are 11 and whose other 14 bits are an offset where the rest of the name
 * continues (RFC 1035 §4.1.4).
 *
 * Pointers are also the classic way to attack a DNS parser: a pointer to itself, or two
 * pointing at each other, loops forever; a pointer past the end reads outside the message.
 * We accept only pointers that point strictly *backwards*, before the label that contains
 * them. Every jump then moves to a smaller offset, so the walk must end, and we still cap the
 * name at 255 bytes.
 */
#include "dns_wire.h"
#include "libc.h"

void dns_lower(uint8_t *name)
{
    /* DNS compares names without regard to ASCII case (RFC 4343), so lookups use lower case. */
    while (*name) {
        uint8_t n = *name++;
        for (uint8_t i = 0; i < n; i++, name++)
            if (*name >= 'A' && *name <= 'Z')
                *name = (uint8_t)(*name + 32);
    }
}

int dns_read_name(const uint8_t *msg, size_t len, size_t off, uint8_t *out)
{
    size_t out_len = 0;
    int after = -1;         /* where the caller continues: set at the first pointer */
    size_t limit = off;     /* a pointer must point below the start of the current run */
    for (;;) {
        if (off >= len)
            return -1;
        uint8_t b = msg[off];
        if ((b & 0xc0) == 0xc0) { /* a compression pointer */
            if (off + 1 >= len)
                return -1;
            size_t target = ((size_t)(b & 0x3f) << 8) | msg[off + 1];
            if (target >= limit)
                return -1; /* forwards or to itself: could loop */
            if (after < 0)
                after = (int)(off + 2);
            off = limit = target;
            continue;
        }
        if (b & 0xc0)
            return -1; /* label types 01 and 10 are reserved (or obsolete) */
        if (b == 0) {
            out[out_len++] = 0;
            return after >= 0 ? after : (int)(off + 1);
        }
        if (off + 1 + b > len || out_len + 1 + b + 1 > DNS_MAX_NAME)
            return -1; /* label runs past the message, or the name grows beyond 255 */
        out[out_len++] = b;
        for (size_t i = 0; i < b; i++)
            out[out_len++] = msg[off + 1 + i];
        off += 1 + (size_t)b;
    }
}

size_t dns_name_len(const uint8_t *name)
{
    size_t n = 0;
    while (name[n])
        n += 1 + (size_t)name[n];
    return n + 1;
}
