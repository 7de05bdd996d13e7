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
    /*
     * TODO (exercise "name-decoding"): fold every ASCII letter 'A'..'Z' of the name to
     * 'a'..'z' (add 32), in place. DNS compares names without regard to case (RFC 4343), so
     * the server looks names up in lower case — but only the letters inside labels may
     * change: walk the name label by label (a length byte, then that many bytes, until the
     * zero byte), never touching a length byte (65..90 are lengths that look like letters).
     * Until this is written, "WWW.example.org" is not found.
     */
    (void)name;
}

int dns_read_name(const uint8_t *msg, size_t len, size_t off, uint8_t *out)
{
    size_t out_len = 0;
    /*
     * TODO (exercise "name-decoding"): this loop reads plain labels only. Add, where the
     * byte b has been read:
     *
     *  1. Compression pointers (b & 0xc0 == 0xc0): the 14-bit offset is (b & 0x3f) << 8 |
     *     msg[off + 1] (check that the second byte is inside the message). Continue reading
     *     at that offset. The caller must go on *after the first pointer* (off + 2 there),
     *     not after the end of the name it points to: remember that offset and return it.
     *  2. Loops: a pointer to itself, or two pointing at each other, would make this loop
     *     run forever and the server would never answer anyone again. Accept only pointers
     *     that point strictly *backwards*, before the start of the labels being read now
     *     (the start of the name, then each pointer's target): every jump then moves to a
     *     smaller offset, and the walk must end.
     *  3. Label types 01 and 10 (b & 0xc0 == 0x40 or 0x80) are reserved: return -1. This is
     *     also what stops a label longer than 63 bytes — its length byte would be 64 or more.
     *
     * Keep the case of the letters as sent: the question is echoed back exactly as asked.
     */
    for (;;) {
        if (off >= len)
            return -1;
        uint8_t b = msg[off];
        if (b == 0) {
            out[out_len++] = 0;
            return (int)(off + 1);
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
