/*
 * string.c — memory and string functions, written for clarity rather than speed.
 *
 * A freestanding C compiler still emits calls to memcpy, memset, memmove and memcmp on its
 * own (to copy a large struct, to zero an array), so every image needs these four even if no
 * source file calls them by name.
 *
 * One trap: an optimising compiler recognises a byte-copy loop as "this is memcpy" and
 * replaces it with a call to memcpy — which, inside memcpy itself, would be an endless
 * recursion. The `volatile` accesses below forbid that rewrite. A real libc uses wide,
 * aligned moves instead; these loops are one byte at a time so that they read like their
 * specification.
 */
#include <stddef.h>

#include "libc.h"

void *memcpy(void *dst, const void *src, size_t n)
{
    volatile unsigned char *d = dst;
    const unsigned char *s = src;
    for (size_t i = 0; i < n; i++)
        d[i] = s[i];
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    volatile unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s) {
        for (size_t i = 0; i < n; i++)      /* forwards: never overwrites bytes not yet read */
            d[i] = s[i];
    } else {
        for (size_t i = n; i > 0; i--)      /* backwards, for the same reason */
            d[i - 1] = s[i - 1];
    }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    volatile unsigned char *d = dst;
    for (size_t i = 0; i < n; i++)
        d[i] = (unsigned char)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0')
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i] || a[i] == '\0')
            return (unsigned char)a[i] - (unsigned char)b[i];
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (*s == '\0')
            return NULL;
    }
}
