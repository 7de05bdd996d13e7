/*
 * dns_name_write.c — writing domain names into an answer, with compression.
 *
 * The writer remembers where each name it wrote starts, and every suffix of it ("www.
 * example.org", "example.org", "org"). When a later name ends in a suffix already in the
 * message, it writes the labels before that suffix and then a two-byte pointer to it
 * (RFC 1035 §4.1.4): an answer for www.example.org repeats the question's name as just a
 * pointer. Pointers written here always point backwards, the same rule the reader
 * (dns_name_read.c) enforces on what it accepts.
 */
#include "dns_wire.h"
#include "libc.h"

static int room(struct dns_writer *w, size_t n)
{
    if (w->overflow || w->pos + n > w->cap) {
        w->overflow = 1;
        return 0;
    }
    return 1;
}

void dns_put16(struct dns_writer *w, uint16_t v)
{
    if (room(w, 2)) {
        w->buf[w->pos++] = (uint8_t)(v >> 8);
        w->buf[w->pos++] = (uint8_t)v;
    }
}

void dns_put32(struct dns_writer *w, uint32_t v)
{
    dns_put16(w, (uint16_t)(v >> 16));
    dns_put16(w, (uint16_t)v);
}

void dns_put_bytes(struct dns_writer *w, const void *p, size_t n)
{
    if (room(w, n)) {
        memcpy(w->buf + w->pos, p, n);
        w->pos += n;
    }
}

void dns_remember_name(struct dns_writer *w, const uint8_t *name, size_t offset)
{
    /* Every suffix of a name is itself a name that later ones can point to. */
    while (*name && offset < 0x4000 && w->count < DNS_COMPRESS_ENTRIES) {
        w->names[w->count].suffix = name;
        w->names[w->count].offset = (uint16_t)offset;
        w->count++;
        offset += 1 + (size_t)*name;
        name += 1 + *name;
    }
}

static int find(const struct dns_writer *w, const uint8_t *suffix)
{
    size_t n = dns_name_len(suffix);
    for (int i = 0; i < w->count; i++)
        if (dns_name_len(w->names[i].suffix) == n && memcmp(w->names[i].suffix, suffix, n) == 0)
            return w->names[i].offset;
    return -1;
}

void dns_put_name(struct dns_writer *w, const uint8_t *name)
{
    size_t start = w->pos;
    const uint8_t *p = name;
    while (*p) {
        int at = find(w, p);
        if (at >= 0) { /* the rest is already in the message: point to it */
            dns_put16(w, (uint16_t)(0xc000 | at));
            /* The labels written out before p are new suffixes for later names. */
            for (const uint8_t *q = name; q < p && !w->overflow && w->count < DNS_COMPRESS_ENTRIES;
                 q += 1 + *q) {
                w->names[w->count].suffix = q;
                w->names[w->count].offset = (uint16_t)(start + (size_t)(q - name));
                w->count++;
            }
            return;
        }
        dns_put_bytes(w, p, 1 + (size_t)*p);
        p += 1 + *p;
    }
    uint8_t zero = 0;
    dns_put_bytes(w, &zero, 1);
    if (!w->overflow)
        dns_remember_name(w, name, start);
}
