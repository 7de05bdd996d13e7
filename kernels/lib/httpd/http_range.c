/*
 * http_range.c — "Range: bytes=…" (RFC 9110 §14): a piece of a file instead of all of it.
 *
 * This is what lets a download resume where it broke off and a media player seek. Three forms
 * name one piece of a file of `size` bytes:
 *
 *   bytes=100-199    bytes 100 to 199 (the end is clamped to the file)
 *   bytes=100-       from byte 100 to the end
 *   bytes=-100       the last 100 bytes
 *
 * A range that starts beyond the end cannot be satisfied: 416, with "Content-Range: bytes
 * *\/size" so the client learns the size. Several ranges would need a multipart body; a server
 * may answer them with the whole file instead (§14.2), and this one does, as nginx does when
 * it is told to serve one range at most. The parsing rules follow nginx's, so that the two
 * answer every header the same way.
 */
#include "http.h"

/* A decimal number at *p (spaces around it skipped). -1 if there is none or it is too large. */
static int64_t number(const char **p, const char *end)
{
    const char *s = *p;
    int64_t v = 0;
    if (s == end || *s < '0' || *s > '9')
        return -1;
    while (s < end && *s >= '0' && *s <= '9') {
        if (v > (int64_t)1 << 50)
            return -1;
        v = v * 10 + (*s++ - '0');
    }
    while (s < end && *s == ' ')
        s++;
    *p = s;
    return v;
}

/* One "a-b", "a-" or "-n" at *p, as [start, stop) of a file of len bytes. 0, or -1 if malformed. */
static int one_range(const char **pp, const char *end, int64_t len, int64_t *start, int64_t *stop)
{
    const char *p = *pp;
    while (p < end && *p == ' ')
        p++;
    if (p < end && *p == '-') { /* -n: the last n bytes */
        p++;
        int64_t count = number(&p, end);
        if (count < 0)
            return -1;
        *start = count < len ? len - count : 0;
        *stop = len;
    } else {
        *start = number(&p, end);
        if (*start < 0 || p == end || *p++ != '-')
            return -1;
        while (p < end && *p == ' ')
            p++;
        if (p == end || *p == ',') {
            *stop = len; /* a-: to the end */
        } else {
            int64_t last = number(&p, end);
            if (last < 0)
                return -1;
            *stop = last >= len ? len : last + 1; /* one past the last byte, clamped */
        }
    }
    if (p < end && *p != ',')
        return -1;
    *pp = p;
    return 0;
}

int http_range(const char *v, size_t n, uint64_t size, uint64_t *first, uint64_t *last)
{
    const char *p = v + 6, *end = v + n; /* the caller checked the "bytes=" prefix */
    int64_t start, stop, len = (int64_t)size;
    int found = 0;
    for (;;) {
        if (one_range(&p, end, len, &start, &stop) < 0)
            return HTTP_RANGE_BAD;
        if (start < stop) {
            if (found++)
                return HTTP_RANGE_WHOLE; /* a second piece: the whole file instead */
            *first = (uint64_t)start;
            *last = (uint64_t)stop - 1;
        } else if (start == 0) {
            return HTTP_RANGE_WHOLE; /* the file is empty: there is nothing to cut */
        }
        if (p == end)
            break;
        p++; /* the comma */
    }
    return found ? HTTP_RANGE_PART : HTTP_RANGE_BAD; /* every piece began beyond the end */
}
