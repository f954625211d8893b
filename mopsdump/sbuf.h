/* A growable text buffer: one printed packet is built here, then written
 * with a single fwrite. */
#ifndef MOPSDUMP_SBUF_H
#define MOPSDUMP_SBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct sbuf {
    char *s;
    size_t len, cap;
};

void sb_reset(struct sbuf *b);
void sb_free(struct sbuf *b);
/* Makes room for need more octets and the NUL. */
void sb_grow(struct sbuf *b, size_t need);
/* Inline: called a few dozen times per printed packet. */
static inline void sb_add(struct sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap)
        sb_grow(b, n);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}
void sb_puts(struct sbuf *b, const char *s);
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
