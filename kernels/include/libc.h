/*
 * libc — the few C library functions a kernel needs: memory and string helpers and a
 * printf family.
 *
 * It is a library in the plainest sense: linked into every protection domain that uses it,
 * never a boundary between them, so calls to it are always direct calls.
 */
#ifndef WB_LIBC_H
#define WB_LIBC_H

#include <stdarg.h>
#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

/*
 * Formatting: %d %i %u %x %X %p %s %c %% with the length modifiers l, ll and z, a field
 * width, '0' (zero-pad) and '-' (left-justify). No floating point: kernel code uses only
 * general-purpose registers.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...);
int printf(const char *fmt, ...);

#endif
