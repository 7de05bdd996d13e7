/*
 * http.c — HTTP/1.0 and 1.1 for a static site (RFC 9110, 9112), as a pure function:
 * request bytes in, response headers and a pointer to the body out.
 *
 *   GET /docs/ HTTP/1.1\r\n          request line: method, target, version
 *   Host: localhost\r\n              header fields, one per line
 *   Range: bytes=0-99\r\n
 *   \r\n                             an empty line ends the header block
 *
 * Decisions, in order:
 *   400 Bad Request         the request line or a header line is malformed, 1.1 without Host,
 *                           or a path that climbs above the site (http_path.c)
 *   505 Version Not Supp.   not HTTP/1.x
 *   405 Method Not Allowed  a well-formed method other than GET and HEAD (with "Allow")
 *   301 Moved Permanently   a folder named without its slash: "/docs" -> "/docs/"
 *   403 Forbidden           a folder without index.html (there is no listing to show)
 *   404 Not Found           the path is not in the site table
 *   304 Not Modified        the client's copy is current (http_validators.c)
 *   206 / 416               a byte range of the file, or one beyond its end (http_range.c)
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

struct field {
    const char *v; /* the value, 0 when the header is absent */
    size_t n;
};

struct request {
    int is_get, is_head, http11, keep_alive, has_host, has_body;
    struct field target, range, if_range, if_none_match, if_modified_since;
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

/* ---- writing the response head ---- */

static void start(struct http_response *r, const char *status)
{
    r->head_len = (size_t)snprintf(r->head, sizeof r->head,
                                   "HTTP/1.1 %s\r\nServer: workbench-httpd\r\n", status);
}

static void add(struct http_response *r, const char *name, const char *value)
{
    if (r->head_len < sizeof r->head)
        r->head_len += (size_t)snprintf(r->head + r->head_len, sizeof r->head - r->head_len,
                                        "%s: %s\r\n", name, value);
}

static void add_length(struct http_response *r, uint64_t n)
{
    char v[24];
    snprintf(v, sizeof v, "%llu", (unsigned long long)n);
    add(r, "Content-Length", v);
}

static void finish(struct http_response *r)
{
    add(r, "Connection", r->close ? "close" : "keep-alive");
    if (r->head_len + 2 < sizeof r->head) {
        memcpy(r->head + r->head_len, "\r\n", 2);
        r->head_len += 2;
    }
}

/* The page sent with a status: constant, since several clients may be sending one at once. */
static const char *page(int code)
{
    switch (code) {
    case 301: return "<!doctype html><title>301 Moved Permanently</title><h1>301</h1>\n";
    case 400: return "<!doctype html><title>400 Bad Request</title><h1>400 Bad Request</h1>\n";
    case 403: return "<!doctype html><title>403 Forbidden</title><h1>403 Forbidden</h1>\n";
    case 404: return "<!doctype html><title>404 Not Found</title><h1>404 Not Found</h1>\n";
    case 405: return "<!doctype html><title>405 Method Not Allowed</title><h1>405</h1>\n";
    case 416: return "<!doctype html><title>416 Range Not Satisfiable</title><h1>416</h1>\n";
    case 431: return "<!doctype html><title>431 Request Header Fields Too Large</title><h1>431</h1>\n";
    default: return "<!doctype html><title>505 HTTP Version Not Supported</title><h1>505</h1>\n";
    }
}

/* A status with its short HTML page (HEAD: the same headers, no page). */
static void error(struct http_response *r, const char *status, int is_head, const char *name,
                  const char *value)
{
    int code = (status[0] - '0') * 100 + (status[1] - '0') * 10 + (status[2] - '0');
    const char *body = page(code);
    if (code == 400 || code == 431 || code == 505)
        r->close = 1; /* after a malformed request we cannot trust where the next one starts */
    start(r, status);
    add(r, "Content-Type", "text/html; charset=utf-8");
    add_length(r, strlen(body));
    if (name)
        add(r, name, value);
    finish(r);
    r->body = is_head ? 0 : (const uint8_t *)body;
    r->body_len = is_head ? 0 : strlen(body);
}

void http_too_large(struct http_response *out)
{
    memset(out, 0, sizeof *out);
    out->close = 1;
    error(out, "431 Request Header Fields Too Large", 0, 0, 0);
}

/* ---- reading the request ---- */

/* The request line: METHOD SP target SP HTTP/x.y. Where it ends, or 0 when malformed. */
static size_t request_line(const char *buf, size_t len, struct request *q, int *bad_version)
{
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
        buf[v + 5] < '0' || buf[v + 5] > '9' || buf[v + 7] < '0' || buf[v + 7] > '9')
        return 0;
    q->is_head = m == 4 && memcmp(buf, "HEAD", 4) == 0;
    q->is_get = m == 3 && memcmp(buf, "GET", 3) == 0;
    q->target = (struct field){buf + t, t_end - t};
    *bad_version = buf[v + 5] != '1';
    q->http11 = buf[v + 7] != '0';
    q->keep_alive = q->http11;
    return eol + 1;
}

static int named(const char *name, size_t len, const char *word)
{
    return strlen(word) == len && same_word(name, word, len);
}

/* Remember the header fields that change the answer. */
static void header(struct request *q, const char *name, size_t len, struct field value)
{
    if (named(name, len, "connection")) {
        if (has_token(value.v, value.n, "close"))
            q->keep_alive = 0;
        else if (has_token(value.v, value.n, "keep-alive"))
            q->keep_alive = 1;
    } else if (named(name, len, "host")) {
        q->has_host = 1;
    } else if (named(name, len, "content-length")) {
        q->has_body |= !(value.n == 1 && value.v[0] == '0');
    } else if (named(name, len, "transfer-encoding")) {
        q->has_body = 1;
    } else if (named(name, len, "range")) {
        q->range = value;
    } else if (named(name, len, "if-range")) {
        q->if_range = value;
    } else if (named(name, len, "if-none-match")) {
        q->if_none_match = value;
    } else if (named(name, len, "if-modified-since")) {
        q->if_modified_since = value;
    }
}

/* Header fields "Name: value", one per line, up to the empty line. 0, or -1 when malformed. */
static int headers(const char *buf, size_t pos, size_t len, struct request *q)
{
    while (pos < len) {
        size_t e = pos;
        while (e < len && buf[e] != '\n')
            e++;
        size_t le = (e > pos && buf[e - 1] == '\r') ? e - 1 : e;
        if (le == pos)
            return 0; /* the empty line */
        size_t colon = pos;
        while (colon < le && buf[colon] != ':' && buf[colon] != ' ' && buf[colon] != '\t')
            colon++;
        if (colon == pos || colon >= le || buf[colon] != ':')
            return -1; /* "Name: value", no spaces in the name */
        size_t val = colon + 1, val_end = le;
        while (val < le && (buf[val] == ' ' || buf[val] == '\t'))
            val++;
        while (val_end > val && (buf[val_end - 1] == ' ' || buf[val_end - 1] == '\t'))
            val_end--;
        header(q, buf + pos, colon - pos, (struct field){buf + val, val_end - val});
        pos = e + 1;
    }
    return 0;
}

/* ---- deciding ---- */

static const struct site_file *find_file(const char *path)
{
    for (int i = 0; i < site_file_count; i++)
        if (strcmp(site_files[i].path, path) == 0)
            return &site_files[i];
    return 0;
}

/* Is path ("/docs", n bytes, no slash at the end) one of the site's folders ("/docs/")? */
static int is_folder(const char *path, size_t n)
{
    for (int i = 0; i < site_folder_count; i++)
        if (strlen(site_folders[i]) == n + 1 && memcmp(site_folders[i], path, n) == 0)
            return 1;
    return 0;
}

/* 304 when the client's copy is current. If-None-Match, when present, decides alone (§13.2.2);
 * If-Modified-Since holds when the file is not newer than the client's date. */
static int not_modified(const struct request *q, const struct site_file *f)
{
    if (q->if_none_match.v)
        return http_etag_listed(q->if_none_match.v, q->if_none_match.n, f->etag);
    if (q->if_modified_since.v)
        return f->mtime <= http_date(q->if_modified_since.v, q->if_modified_since.n);
    return 0;
}

/* Does the Range header apply? Not when If-Range names another version of the file. */
static int range_applies(const struct request *q, const struct site_file *f)
{
    if (!q->range.v || q->range.n < 6 || !same_word(q->range.v, "bytes=", 6))
        return 0;
    if (!q->if_range.v)
        return 1;
    if (q->if_range.v[0] == '"')
        return q->if_range.n == strlen(f->etag) && memcmp(q->if_range.v, f->etag, q->if_range.n) == 0;
    return http_date(q->if_range.v, q->if_range.n) == f->mtime;
}

static void serve_file(struct http_response *r, const struct request *q, const struct site_file *f)
{
    uint64_t first = 0, last = f->size ? f->size - 1 : 0;
    char v[64];
    if (not_modified(q, f)) {
        start(r, "304 Not Modified"); /* no body, so no length and no type */
        add(r, "Last-Modified", f->last_modified);
        add(r, "ETag", f->etag);
        finish(r);
        return;
    }
    int range = range_applies(q, f) ? http_range(q->range.v, q->range.n, f->size, &first, &last)
                                     : HTTP_RANGE_WHOLE;
    if (range == HTTP_RANGE_BAD) {
        snprintf(v, sizeof v, "bytes */%u", f->size);
        error(r, "416 Range Not Satisfiable", q->is_head, "Content-Range", v);
        return;
    }
    start(r, range == HTTP_RANGE_PART ? "206 Partial Content" : "200 OK");
    add(r, "Content-Type", f->type);
    uint64_t length = range == HTTP_RANGE_PART ? last - first + 1 : f->size;
    add_length(r, length);
    add(r, "Last-Modified", f->last_modified);
    add(r, "ETag", f->etag);
    if (range == HTTP_RANGE_PART) {
        snprintf(v, sizeof v, "bytes %llu-%llu/%u", (unsigned long long)first,
                 (unsigned long long)last, f->size);
        add(r, "Content-Range", v);
    } else {
        add(r, "Accept-Ranges", "bytes"); /* tell the client it may ask for pieces */
    }
    finish(r);
    r->body = q->is_head ? 0 : f->data + first;
    r->body_len = q->is_head ? 0 : length;
}

/* "/docs?x=1" -> "Location: /docs/?x=1": the same query, the folder's own URL. */
static void redirect(struct http_response *r, const struct request *q, const char *path, size_t n)
{
    char location[HTTP_PATH_MAX + 256]; /* copied into the head below, so the stack will do */
    const char *query = q->target.v;
    while (query < q->target.v + q->target.n && *query != '?')
        query++;
    size_t qn = (size_t)(q->target.v + q->target.n - query);
    if (qn > 255)
        qn = 0; /* too long to repeat: redirect without it */
    memcpy(location, path, n);
    location[n] = '/';
    memcpy(location + n + 1, query, qn);
    location[n + 1 + qn] = 0;
    error(r, "301 Moved Permanently", q->is_head, "Location", location);
}

/* Look the clean path up: a file, a folder's index.html, a folder, or nothing. */
static void lookup(struct http_response *r, const struct request *q, char *path, size_t n)
{
    const struct site_file *f;
    if (path[n - 1] == '/') {
        if (n + 10 < HTTP_PATH_MAX) {
            memcpy(path + n, "index.html", 11);
            if ((f = find_file(path)) != 0) {
                serve_file(r, q, f);
                return;
            }
            path[n] = 0;
        }
        if (n == 1 || is_folder(path, n - 1))
            error(r, "403 Forbidden", q->is_head, 0, 0); /* a folder, but nothing to show */
        else
            error(r, "404 Not Found", q->is_head, 0, 0);
    } else if ((f = find_file(path)) != 0) {
        serve_file(r, q, f);
    } else if (is_folder(path, n)) {
        redirect(r, q, path, n);
    } else {
        error(r, "404 Not Found", q->is_head, 0, 0);
    }
}

void http_respond(const char *buf, size_t len, struct http_response *r)
{
    struct request q;
    int bad_version = 0;
    memset(r, 0, sizeof *r);
    memset(&q, 0, sizeof q);
    r->close = 1; /* until the request proves otherwise */
    size_t pos = request_line(buf, len, &q, &bad_version);
    if (pos == 0) {
        error(r, "400 Bad Request", 0, 0, 0);
        return;
    }
    if (bad_version) {
        error(r, "505 HTTP Version Not Supported", q.is_head, 0, 0);
        return;
    }
    if (headers(buf, pos, len, &q) < 0 || (q.http11 && !q.has_host)) {
        error(r, "400 Bad Request", q.is_head, 0, 0); /* Host: RFC 9112 §3.2 */
        return;
    }
    r->close = !q.keep_alive || q.has_body;
    if (!q.is_get && !q.is_head) {
        error(r, "405 Method Not Allowed", 0, "Allow", "GET, HEAD");
        return;
    }
    char path[HTTP_PATH_MAX];
    int n = http_clean_path(q.target.v, q.target.n, path, sizeof path - 11);
    if (n < 0) {
        error(r, "400 Bad Request", q.is_head, 0, 0);
        return;
    }
    lookup(r, &q, path, (size_t)n);
}
