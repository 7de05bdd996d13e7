/*
 * http_validators.c — "has the file changed since you last fetched it?" (RFC 9110 §8.8, §13).
 *
 * A browser that already holds a copy asks again with the validators it was given:
 *
 *   If-None-Match: "5d41402abc4b2a76b971"          the ETag it has
 *   If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT  the Last-Modified it has
 *
 * and when they still match, the answer is 304 Not Modified: a few header lines instead of the
 * whole file. Both validators were computed when the image was built (site.h); the site cannot
 * change afterwards, so a tag that matched once matches for the life of the image.
 */
#include "http.h"
#include "libc.h"

static int space(char c)
{
    return c == ' ' || c == '\t';
}

/* If-None-Match: "*", or a comma-separated list of tags. The comparison is weak (§8.8.3.2):
 * W/"x" matches "x", since for "not modified" equal meaning is enough. */
int http_etag_listed(const char *v, size_t n, const char *etag)
{
    size_t t = strlen(etag);
    if (n == 1 && v[0] == '*')
        return 1;
    for (size_t i = 0; i < n;) {
        while (i < n && (space(v[i]) || v[i] == ','))
            i++;
        if (n - i > 2 && v[i] == 'W' && v[i + 1] == '/')
            i += 2;
        size_t j = i;
        while (j < n && v[j] != ',')
            j++;
        size_t e = j; /* the tag is v[i..e) without trailing blanks */
        while (e > i && space(v[e - 1]))
            e--;
        if (e - i == t && memcmp(v + i, etag, t) == 0)
            return 1;
        i = j;
    }
    return 0;
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Days from 1970-01-01 to year-month-day (the proleptic Gregorian calendar). */
static int64_t days_since_1970(int year, int month, int day)
{
    static const int before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    int64_t days = (int64_t)(year - 1970) * 365 + before[month - 1] + day - 1;
    int y = month > 2 ? year : year - 1; /* leap days up to this date, counted from 1970 */
    days += (y / 4 - y / 100 + y / 400) - (1969 / 4 - 1969 / 100 + 1969 / 400);
    return days;
}

/* An HTTP date, "Sun, 06 Nov 1994 08:49:37 GMT", as seconds since 1970; -1 if it is not one. */
int64_t http_date(const char *v, size_t n)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    if (n != 29 || v[3] != ',' || memcmp(v + 25, " GMT", 4) != 0)
        return -1;
    const char *d = v + 5; /* "06 Nov 1994 08:49:37" */
    int month = 0;
    for (int m = 0; m < 12 && !month; m++)
        if (memcmp(d + 3, months + 3 * m, 3) == 0)
            month = m + 1;
    int day = digits(d, 2), year = digits(d + 7, 4);
    int hh = digits(d + 12, 2), mm = digits(d + 15, 2), ss = digits(d + 18, 2);
    if (!month || day < 1 || day > 31 || year < 1970 || hh < 0 || hh > 23 || mm < 0 || mm > 59 ||
        ss < 0 || ss > 60)
        return -1;
    return days_since_1970(year, month, day) * 86400 + hh * 3600 + mm * 60 + ss;
}
