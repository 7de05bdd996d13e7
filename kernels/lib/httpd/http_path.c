/*
 * http_path.c — from a request target to the path looked up in the site (RFC 3986).
 *
 *   /docs/os/%2E%2E/os//unikernel.txt?x=1   the target as sent
 *   /docs/os/../os//unikernel.txt           %XX escapes decoded, the query string dropped
 *   /docs/os/unikernel.txt                  "." and ".." segments removed, "//" merged
 *
 * Escapes are decoded first, so "%2E%2E" is a ".." like any other: a client cannot smuggle a
 * dot segment past the check. Removing the segments then works like a stack of folder names
 * (RFC 3986 §5.2.4): a name is pushed, ".." pops one. A ".." with nothing left to pop would
 * climb out of the site, and the request is refused (400) rather than quietly clamped, as nginx
 * does. Nothing here touches a file system; the result is only a key for the site's table.
 */
#include "http.h"
#include "libc.h"

static int hex(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode %XX in the path part of the target (up to '?'). Length written, or -1. */
static int percent_decode(const char *t, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n && t[i] != '?'; i++) {
        int c = (unsigned char)t[i];
        if (c == '%') {
            int hi = i + 2 < n ? hex(t[i + 1]) : -1, lo = i + 2 < n ? hex(t[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return -1; /* a bad escape, or %00 which no path may contain */
            c = hi * 16 + lo;
            i += 2;
        } else if (c <= ' ' || c == 127) {
            return -1;
        }
        if (o + 1 >= cap)
            return -1;
        out[o++] = (char)c;
    }
    return (int)o;
}

int http_clean_path(const char *target, size_t n, char *path, size_t cap)
{
    char decoded[HTTP_PATH_MAX];
    int len = percent_decode(target, n, decoded, sizeof decoded);
    if (len <= 0 || decoded[0] != '/')
        return -1; /* origin-form only: "/path" */
    size_t o = 1; /* path[0..o) is the cleaned prefix, always ending with '/' */
    path[0] = '/';
    int ends_as_folder = 1;
    for (int i = 1; i <= len;) {
        int j = i;
        while (j < len && decoded[j] != '/')
            j++;
        const char *seg = decoded + i;
        int seg_len = j - i;
        ends_as_folder = j == len ? seg_len == 0 : 1;
        if (seg_len == 1 && seg[0] == '.') {
            ends_as_folder = 1; /* "/docs/." names the folder */
        } else if (seg_len == 2 && seg[0] == '.' && seg[1] == '.') {
            if (o == 1)
                return -1; /* above the site's root */
            o--;           /* drop the last name and its slash */
            while (path[o - 1] != '/')
                o--;
            ends_as_folder = 1;
        } else if (seg_len > 0) { /* empty segments ("//") merge into one slash */
            if (o + (size_t)seg_len + 2 > cap)
                return -1;
            memcpy(path + o, seg, (size_t)seg_len);
            o += (size_t)seg_len;
            path[o++] = '/';
        }
        i = j + 1;
    }
    if (!ends_as_folder && o > 1)
        o--; /* "/docs/a.txt" keeps no slash after the file name */
    path[o] = 0;
    return (int)o;
}
