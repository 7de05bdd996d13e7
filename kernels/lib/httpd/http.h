/*
 * http.h — one HTTP/1.x request, parsed, and the response it gets.
 */
#ifndef HTTPD_HTTP_H
#define HTTPD_HTTP_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_HEAD_MAX 1024
#define HTTP_PATH_MAX 256

struct http_response {
    char head[HTTP_HEAD_MAX]; /* status line and headers, ending with an empty line */
    size_t head_len;
    const uint8_t *body; /* constant data in the image: never copied */
    size_t body_len;
    int close; /* close the connection after sending */
};

/* Length of the request header block in buf (through the empty line), or 0 if incomplete. */
size_t http_request_end(const char *buf, size_t len);

/* Parse the request in buf[0..len) (a complete header block) and decide the response. */
void http_respond(const char *buf, size_t len, struct http_response *out);

/* The response for a request whose headers do not fit our buffer. */
void http_too_large(struct http_response *out);

/* The pieces http_respond is made of, each in a file of its own. */

/* http_path.c: the target's path, %XX decoded and dot segments removed, into path[cap].
 * Its length, or -1 when it is malformed or climbs above the site's root. */
int http_clean_path(const char *target, size_t n, char *path, size_t cap);

/* http_range.c: what "Range: bytes=..." (value v, n bytes) asks of a file of size bytes. */
enum { HTTP_RANGE_WHOLE, HTTP_RANGE_PART, HTTP_RANGE_BAD };
int http_range(const char *v, size_t n, uint64_t size, uint64_t *first, uint64_t *last);

/* http_validators.c: is etag in the If-None-Match list v? An HTTP date in seconds, or -1. */
int http_etag_listed(const char *v, size_t n, const char *etag);
int64_t http_date(const char *v, size_t n);

#endif
