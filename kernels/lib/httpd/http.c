/*
 * http.c — HTTP/1.0 and 1.1 for a static site (RFC 9110, 9112), as a pure function:
 * request bytes in, response headers and a pointer to the body out.
 *
 *   GET /docs/ HTTP/1.1\r\n          request line: method, target, version
 *   Host: localhost\r\n              header fields, one per line
 *   \r\n                             an empty line ends the header block
 *
 * Decisions, in order:
 *   400 Bad Request         the request line or a header line is malformed, or 1.1 without Host
 *   505 Version Not Supp.   not HTTP/1.x
 *   405 Method Not Allowed  a well-formed method other than GET and HEAD (with "Allow")
 *   404 Not Found           the path is not in the site table
 *   200 OK                  the file; HEAD gets the same headers and no body
 *
 * Keep-alive: HTTP/1.1 keeps the connection open unless the client says "Connection: close";
 * HTTP/1.0 closes it unless the client says "Connection: keep-alive". A request that carries
 * a body (we serve no uploads) is answered and the connection closed, so its unread body can
 * never be mistaken for the next request.
 */
#include "config.h"
#include "http.h"
#include "libc.h"
#include "site.h"

#define PATH_MAX_LEN 256

static const char *const error_page[] = {
    [0] = "<!doctype html><title>400 Bad Request</title><h1>400 Bad Request</h1>\n",
    [1] = "<!doctype html><title>404 Not Found</title><h1>404 Not Found</h1>\n",
    [2] = "<!doctype html><title>405 Method Not Allowed</title><h1>405 Method Not Allowed</h1>\n",
    [3] = "<!doctype html><title>431 Request Header Fields Too Large</title><h1>431</h1>\n",
    [4] = "<!doctype html><title>505 HTTP Version Not Supported</title><h1>505</h1>\n",
};

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

/* Case-insensitive comparison of n bytes: header names ignore case. */
static int same_word(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return 0;
    return 1;
}

/* Does the comma-separated header value contain `token` (case-insensitive)? */
static int has_token(const char *v, size_t n, const char *token)
{
    size_t t = strlen(token);
    for (size_t i = 0; i + t <= n; i++) {
        int start = i == 0 || v[i - 1] == ',' || v[i - 1] == ' ';
        int end = i + t == n || v[i + t] == ',' || v[i + t] == ' ';
        if (start && end && same_word(v + i, token, t))
            return 1;
    }
    return 0;
}

size_t http_request_end(const char *buf, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (buf[i] == '\n' && buf[i + 1] == '\n')
            return i + 2; /* bare LF line ends: tolerated (RFC 9112 §2.2) */
        if (i + 3 < len && buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n')
            return i + 4;
    }
    return 0;
}

static void head(struct http_response *r, const char *status, const char *type, size_t length,
                 const char *extra)
{
    r->head_len = (size_t)snprintf(r->head, sizeof r->head,
                                   "HTTP/1.1 %s\r\nServer: workbench-httpd\r\n"
                                   "Content-Type: %s\r\nContent-Length: %zu\r\n%s"
                                   "Connection: %s\r\n\r\n",
                                   status, type, length, extra ? extra : "",
                                   r->close ? "close" : "keep-alive");
}

static void error(struct http_response *r, const char *status, int page, int is_head,
                  const char *extra)
{
    const char *body = error_page[page];
    if (page != 1 && page != 2)
        r->close = 1; /* after a malformed request we cannot trust where the next one starts */
    head(r, status, "text/html; charset=utf-8", strlen(body), extra);
    r->body = is_head ? 0 : (const uint8_t *)body;
    r->body_len = is_head ? 0 : strlen(body);
}

void http_too_large(struct http_response *out)
{
    memset(out, 0, sizeof *out);
    out->close = 1;
    error(out, "431 Request Header Fields Too Large", 3, 0, 0);
}

static int hex(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* Target "/a%20b/?x=1" -> path "/a b/index.html". Returns 0, or -1 if malformed. */
static int decode_path(const char *t, size_t n, char *path)
{
    size_t o = 0;
    if (n == 0 || t[0] != '/')
        return -1; /* origin-form only: "/path" */
    for (size_t i = 0; i < n && t[i] != '?' && t[i] != '#'; i++) {
        int c = (unsigned char)t[i];
        if (c == '%') {
            int hi = i + 2 < n ? hex(t[i + 1]) : -1, lo = i + 2 < n ? hex(t[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return -1;
            c = hi * 16 + lo;
            i += 2;
        } else if (c <= ' ' || c == 127) {
            return -1;
        }
        if (o + 1 >= PATH_MAX_LEN - 10)
            return -1;
        path[o++] = (char)c;
    }
    if (path[o - 1] == '/') { /* a folder: serve its index.html */
        memcpy(path + o, "index.html", 10);
        o += 10;
    }
    path[o] = 0;
    return 0;
}

static const struct site_file *find(const char *path)
{
    for (int i = 0; i < site_file_count; i++)
        if (strcmp(site_files[i].path, path) == 0)
            return &site_files[i];
    return 0;
}

void http_respond(const char *buf, size_t len, struct http_response *r)
{
    memset(r, 0, sizeof *r);
    r->close = 1; /* until the request proves otherwise */

    /* The request line: METHOD SP target SP HTTP/x.y */
    size_t eol = 0;
    while (eol < len && buf[eol] != '\n')
        eol++;
    size_t line_end = (eol > 0 && buf[eol - 1] == '\r') ? eol - 1 : eol;
    size_t m = 0;
    while (m < line_end && buf[m] >= 'A' && buf[m] <= 'Z')
        m++;
    size_t t = m + 1, t_end = t;
    while (t_end < line_end && buf[t_end] != ' ')
        t_end++;
    size_t v = t_end + 1;
    if (m == 0 || m >= line_end || buf[m] != ' ' || t_end == t || t_end >= line_end ||
        line_end - v != 8 || memcmp(buf + v, "HTTP/", 5) != 0 || buf[v + 6] != '.' ||
        buf[v + 5] < '0' || buf[v + 5] > '9' || buf[v + 7] < '0' || buf[v + 7] > '9') {
        error(r, "400 Bad Request", 0, 0, 0);
        return;
    }
    int is_head = m == 4 && memcmp(buf, "HEAD", 4) == 0;
    int is_get = m == 3 && memcmp(buf, "GET", 3) == 0;
    if (buf[v + 5] != '1') {
        error(r, "505 HTTP Version Not Supported", 4, is_head, 0);
        return;
    }
    int http11 = buf[v + 7] != '0';

    /* Header fields: only Connection, Host, Content-Length and Transfer-Encoding matter. */
    int keep_alive = http11, has_host = 0, has_body = 0;
    size_t pos = eol + 1;
    while (pos < len) {
        size_t e = pos;
        while (e < len && buf[e] != '\n')
            e++;
        size_t le = (e > pos && buf[e - 1] == '\r') ? e - 1 : e;
        if (le == pos)
            break; /* the empty line */
        size_t colon = pos;
        while (colon < le && buf[colon] != ':' && buf[colon] != ' ' && buf[colon] != '\t')
            colon++;
        if (colon == pos || colon >= le || buf[colon] != ':') {
            error(r, "400 Bad Request", 0, is_head, 0); /* "Name: value", no spaces */
            return;
        }
        size_t name_len = colon - pos, val = colon + 1;
        while (val < le && (buf[val] == ' ' || buf[val] == '\t'))
            val++;
        const char *name = buf + pos, *value = buf + val;
        size_t value_len = le - val;
        if (name_len == 10 && same_word(name, "connection", 10)) {
            if (has_token(value, value_len, "close"))
                keep_alive = 0;
            else if (has_token(value, value_len, "keep-alive"))
                keep_alive = 1;
        } else if (name_len == 4 && same_word(name, "host", 4)) {
            has_host = 1;
        } else if (name_len == 14 && same_word(name, "content-length", 14)) {
            has_body |= !(value_len == 1 && value[0] == '0');
        } else if (name_len == 17 && same_word(name, "transfer-encoding", 17)) {
            has_body = 1;
        }
        pos = e + 1;
    }
    if (http11 && !has_host) {
        error(r, "400 Bad Request", 0, is_head, 0); /* RFC 9112 §3.2 */
        return;
    }
    r->close = !keep_alive || has_body;

    if (!is_get && !is_head) {
        error(r, "405 Method Not Allowed", 2, 0, "Allow: GET, HEAD\r\n");
        return;
    }
    char path[PATH_MAX_LEN];
    if (decode_path(buf + t, t_end - t, path) < 0) {
        error(r, "400 Bad Request", 0, is_head, 0);
        return;
    }
    const struct site_file *f = find(path);
    if (!f) {
        error(r, "404 Not Found", 1, is_head, 0);
        return;
    }
    head(r, "200 OK", f->type, f->size, 0);
    r->body = is_head ? 0 : f->data;
    r->body_len = is_head ? 0 : f->size;
}
