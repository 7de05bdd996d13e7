/*
 * printf.c — formatted output: one formatter, two destinations.
 *
 * format() walks the format string and hands every output character to put(). Where the
 * characters go is described by a `struct out`: vsnprintf points it at the caller's buffer
 * (and silently counts what does not fit, as C requires), printf at a small buffer on the
 * stack that is flushed to the console each time it fills up. So printf needs no heap and
 * never truncates, and both share every line of formatting code.
 *
 * Supported: %d %i %u %x %X %p %s %c %%, length l, ll, z, a width, flags '0' and '-'.
 * No floating point: kernel code is compiled to use general-purpose registers only.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "console.h"
#include "libc.h"

struct out {
    char *buf;          /* where characters go */
    size_t cap;         /* how many fit */
    size_t pos;         /* how many are there now */
    size_t total;       /* how many were produced, stored or not */
    int to_console;     /* when buf is full: flush it to the console (1) or drop (0) */
};

static void put(struct out *o, char c)
{
    o->total++;
    if (o->pos == o->cap) {
        if (!o->to_console)
            return;
        console_write(o->buf, o->pos);
        o->pos = 0;
    }
    o->buf[o->pos++] = c;
}

static void put_repeat(struct out *o, char c, int count)
{
    for (int i = 0; i < count; i++)
        put(o, c);
}

/* One converted field: optional sign or prefix, then the text, padded to `width`. */
static void put_field(struct out *o, const char *prefix, const char *text, size_t len,
                      int width, int left, int zero)
{
    int pad = width - (int)(strlen(prefix) + len);
    if (pad < 0)
        pad = 0;
    if (!left && !zero)
        put_repeat(o, ' ', pad);
    for (const char *p = prefix; *p != '\0'; p++)
        put(o, *p);
    if (!left && zero)
        put_repeat(o, '0', pad);    /* zeros go between the sign/prefix and the digits */
    for (size_t i = 0; i < len; i++)
        put(o, text[i]);
    if (left)
        put_repeat(o, ' ', pad);
}

/* Digits of `value` in `base`, most significant first, into digits[]; returns the count. */
static size_t to_digits(unsigned long long value, unsigned base, int upper, char digits[24])
{
    /*
     * TODO (exercise "printf-hex"): this version only knows base 10, so %x, %X and %p print
     * decimal numbers. Make it work for base 16 as well:
     *
     *  - a digit d (0..15) is written '0'..'9', then 'a'..'f' — or 'A'..'F' when `upper`;
     *    a string of all sixteen digit characters, indexed by d, does this in one step;
     *  - use `base` where the code below says 10.
     *
     * The loop produces the least significant digit first, so the digits are collected
     * backwards and turned around at the end. 24 characters hold any 64-bit number.
     */
    (void)base;
    (void)upper;
    char reversed[24];
    size_t n = 0;
    do {
        reversed[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    for (size_t i = 0; i < n; i++)
        digits[i] = reversed[n - 1 - i];
    return n;
}

static int format(struct out *o, const char *fmt, va_list ap)
{
    for (const char *p = fmt; *p != '\0'; p++) {
        if (*p != '%') {
            put(o, *p);
            continue;
        }
        p++;

        /* flags */
        int left = 0, zero = 0;
        for (;; p++) {
            if (*p == '-')
                left = 1;
            else if (*p == '0')
                zero = 1;
            else
                break;
        }

        /* width */
        int width = 0;
        while (*p >= '0' && *p <= '9')
            width = width * 10 + (*p++ - '0');

        /* length: 0 = int, 1 = long, 2 = long long, 3 = size_t */
        int length = 0;
        if (*p == 'l') {
            length = 1;
            p++;
            if (*p == 'l') {
                length = 2;
                p++;
            }
        } else if (*p == 'z') {
            length = 3;
            p++;
        }

        char digits[24];
        size_t n;
        switch (*p) {
        case 'd':
        case 'i': {
            long long v;
            if (length == 0)
                v = va_arg(ap, int);
            else if (length == 2)
                v = va_arg(ap, long long);
            else
                v = va_arg(ap, long);   /* long and size_t have the same width here */
            /* negate as unsigned, so the most negative value is right too */
            unsigned long long mag = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
            n = to_digits(mag, 10, 0, digits);
            put_field(o, v < 0 ? "-" : "", digits, n, width, left, zero);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            unsigned long long v;
            if (length == 0)
                v = va_arg(ap, unsigned int);
            else if (length == 1)
                v = va_arg(ap, unsigned long);
            else if (length == 2)
                v = va_arg(ap, unsigned long long);
            else
                v = va_arg(ap, size_t);
            n = to_digits(v, *p == 'u' ? 10 : 16, *p == 'X', digits);
            put_field(o, "", digits, n, width, left, zero);
            break;
        }
        case 'p': {
            uintptr_t v = (uintptr_t)va_arg(ap, void *);
            n = to_digits(v, 16, 0, digits);
            put_field(o, "0x", digits, n, width, left, zero);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (s == NULL)
                s = "(null)";
            put_field(o, "", s, strlen(s), width, left, 0);
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            put_field(o, "", &c, 1, width, left, 0);
            break;
        }
        case '%':
            put(o, '%');
            break;
        case '\0':
            /* a lone '%' at the end: print it and stop */
            put(o, '%');
            return (int)o->total;
        default:
            /* unknown conversion: show it as written, so the mistake is visible */
            put(o, '%');
            put(o, *p);
            break;
        }
    }
    return (int)o->total;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    /* keep one byte for the terminating NUL */
    struct out o = { buf, size > 0 ? size - 1 : 0, 0, 0, 0 };
    int total = format(&o, fmt, ap);
    if (size > 0)
        buf[o.pos] = '\0';
    return total;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int total = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return total;
}

int printf(const char *fmt, ...)
{
    char chunk[128];
    struct out o = { chunk, sizeof chunk, 0, 0, 1 };
    va_list ap;
    va_start(ap, fmt);
    int total = format(&o, fmt, ap);
    va_end(ap);
    if (o.pos > 0)
        console_write(chunk, o.pos);
    return total;
}
