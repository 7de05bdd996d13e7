/*
 * site.h — the shape of the site the build compiles into the image.
 *
 * The workbench's http-site generator walks the recipe's site folder and writes site.c: one
 * entry per file with its URL path, its content type and its bytes. Looking a request up is a
 * walk over this table; there is no file system underneath.
 */
#ifndef HTTPD_SITE_H
#define HTTPD_SITE_H

#include <stdint.h>

struct site_file {
    const char *path; /* "/index.html" */
    const char *type; /* "text/html; charset=utf-8" */
    const uint8_t *data;
    uint32_t size;
};

extern const struct site_file site_files[];
extern const uint16_t site_file_count;

#endif
