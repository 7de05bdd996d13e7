/*
 * http.h — one HTTP/1.x request, parsed, and the response it gets.
 */
#ifndef HTTPD_HTTP_H
#define HTTPD_HTTP_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_HEAD_MAX 512

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

#endif
