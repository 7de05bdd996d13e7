/*
 * site.h — the shape of the site the build compiles into the image.
 *
 * The workbench's http-site generator walks the recipe's site folder and writes site.c: one
 * entry per file with its URL path, its content type, its bytes and its validators, and the
 * list of folders. Looking a request up is a walk over these tables; there is no file system
 * underneath.
 *
 * The validators are computed at build, because the site cannot change after it: the ETag
 * from the bytes (so it is strong: equal tags mean equal bytes), Last-Modified from the file's
 * time when the image was built.
 */
#ifndef HTTPD_SITE_H
#define HTTPD_SITE_H

#include <stdint.h>

struct site_file {
    const char *path; /* "/index.html" */
    const char *type; /* "text/html; charset=utf-8" */
    const uint8_t *data;
    uint32_t size;
    const char *etag;          /* "\"5d41402abc4b2a76b971\"", quotes included */
    const char *last_modified; /* "Sun, 06 Nov 1994 08:49:37 GMT" */
    int64_t mtime;             /* the same instant, in seconds since 1970 */
};

extern const struct site_file site_files[];
extern const uint16_t site_file_count;

/* Every folder holding a file, "/" and "/docs/" (with their slash). */
extern const char *const site_folders[];
extern const uint16_t site_folder_count;

#endif
