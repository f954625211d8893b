/* A growable text buffer: one printed packet is built here, then written
 * with a single fwrite. */
#ifndef MOPSDUMP_SBUF_H
#define MOPSDUMP_SBUF_H

#include <stdarg.h>
#include <stddef.h>

struct sbuf {
    char *s;
    size_t len, cap;
};

void sb_reset(struct sbuf *b);
void sb_free(struct sbuf *b);
void sb_add(struct sbuf *b, const char *s, size_t n);
void sb_puts(struct sbuf *b, const char *s);
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
