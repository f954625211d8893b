/* -T json's tree (see json_tree.h). */
#include "json_tree.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { JT_OBJ, JT_ARR, JT_INT, JT_REAL, JT_STR, JT_TRUE };

struct jt {
    int type;
    unsigned key, klen; /* in the text arena */
    struct jt *first, *last, *next;
    union {
        long long i;
        double d;
        struct {
            unsigned off, len;
        } s;
    } v;
};

#define BLOCK 512

/* Nodes come from blocks that stay put (pointers must not move), reused
 * from frame to frame; text from one growing buffer, by offset. */
static struct {
    struct jt **blocks;
    size_t n_blocks, used; /* nodes handed out this frame */
    struct sbuf text;
} A;

static struct jt *node(int type)
{
    size_t b = A.used / BLOCK;
    if (b == A.n_blocks) {
        struct jt **nb = realloc(A.blocks, (A.n_blocks + 1) * sizeof *nb);
        struct jt *blk = nb ? malloc(BLOCK * sizeof *blk) : NULL;
        if (!blk) {
            fputs("mopsdump: out of memory\n", stderr);
            exit(2);
        }
        A.blocks = nb;
        A.blocks[A.n_blocks++] = blk;
    }
    struct jt *n = &A.blocks[b][A.used++ % BLOCK];
    memset(n, 0, sizeof *n);
    n->type = type;
    return n;
}

static unsigned text(const char *s, size_t len)
{
    unsigned off = (unsigned)A.text.len;
    sb_add(&A.text, s, len);
    return off;
}

struct jt *jt_obj(void) { return node(JT_OBJ); }
struct jt *jt_arr(void) { return node(JT_ARR); }
struct jt *jt_true(void) { return node(JT_TRUE); }

struct jt *jt_int(long long v)
{
    struct jt *n = node(JT_INT);
    n->v.i = v;
    return n;
}

struct jt *jt_real(double v)
{
    struct jt *n = node(JT_REAL);
    n->v.d = v;
    return n;
}

struct jt *jt_str(const char *s)
{
    struct jt *n = node(JT_STR);
    size_t len = strlen(s);
    n->v.s.off = text(s, len);
    n->v.s.len = (unsigned)len;
    return n;
}

struct jt *jt_get(const struct jt *obj, const char *key)
{
    size_t len = strlen(key);
    for (struct jt *c = obj->first; c; c = c->next)
        if (c->klen == len && memcmp(A.text.s + c->key, key, len) == 0)
            return c;
    return NULL;
}

static void link_child(struct jt *parent, struct jt *v)
{
    v->next = NULL;
    if (parent->last)
        parent->last->next = v;
    else
        parent->first = v;
    parent->last = v;
}

void jt_set(struct jt *obj, const char *key, struct jt *v)
{
    struct jt *old = jt_get(obj, key);
    if (old) {
        /* Keep the member's place; take the new value. */
        struct jt *next = old->next;
        unsigned k = old->key, kl = old->klen;
        *old = *v;
        old->next = next;
        old->key = k;
        old->klen = kl;
        return;
    }
    v->klen = (unsigned)strlen(key);
    v->key = text(key, v->klen);
    link_child(obj, v);
}

void jt_append(struct jt *arr, struct jt *v) { link_child(arr, v); }

static void put_string(struct sbuf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    sb_add(b, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        sb_add(b, s + run, i - run);
        run = i + 1;
        char esc[7] = {'\\', 0};
        size_t n = 2;
        switch (c) {
            case '"': esc[1] = '"'; break;
            case '\\': esc[1] = '\\'; break;
            case '\n': esc[1] = 'n'; break;
            case '\t': esc[1] = 't'; break;
            case '\r': esc[1] = 'r'; break;
            default:
                memcpy(esc + 1, "u00", 3);
                esc[4] = hex[c >> 4];
                esc[5] = hex[c & 15];
                n = 6;
        }
        sb_add(b, esc, n);
    }
    sb_add(b, s + run, len - run);
    sb_add(b, "\"", 1);
}

static void put_int(struct sbuf *b, long long v)
{
    char buf[24], *p = buf + sizeof buf;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--p = '-';
    sb_add(b, p, (size_t)(buf + sizeof buf - p));
}

static void dump(const struct jt *v, struct sbuf *b)
{
    switch (v->type) {
        case JT_INT: put_int(b, v->v.i); return;
        case JT_TRUE: sb_add(b, "true", 4); return;
        case JT_STR: put_string(b, A.text.s + v->v.s.off, v->v.s.len); return;
        case JT_REAL: {
            /* As jansson writes reals: 17 significant digits, always a real. */
            char buf[40];
            int n = snprintf(buf, sizeof buf, "%.17g", v->v.d);
            if (!strpbrk(buf, ".eE") && n < (int)sizeof buf - 2)
                memcpy(buf + n, ".0", 3), n += 2;
            sb_add(b, buf, (size_t)n);
            return;
        }
        default: break;
    }
    bool obj = v->type == JT_OBJ;
    sb_add(b, obj ? "{" : "[", 1);
    for (const struct jt *c = v->first; c; c = c->next) {
        if (c != v->first)
            sb_add(b, ",", 1);
        if (obj) {
            put_string(b, A.text.s + c->key, c->klen);
            sb_add(b, ":", 1);
        }
        dump(c, b);
    }
    sb_add(b, obj ? "}" : "]", 1);
}

void jt_dump(const struct jt *v, struct sbuf *b)
{
    dump(v, b);
    A.used = 0;
    sb_reset(&A.text);
}

void jt_release(void)
{
    for (size_t i = 0; i < A.n_blocks; i++)
        free(A.blocks[i]);
    free(A.blocks);
    sb_free(&A.text);
    memset(&A, 0, sizeof A);
}
