/* A minimal assertion kit for the unit tests: every check names its line and
 * both values; a binary exits 1 if any check failed. */
#ifndef MOPS_TEST_CHECK_H
#define MOPS_TEST_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_run, check_failed;

#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        check_run++;                                                                                                   \
        if (!(cond)) {                                                                                                 \
            check_failed++;                                                                                            \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);                                   \
        }                                                                                                              \
    } while (0)

#define CHECK_EQ(a, b)                                                                                                 \
    do {                                                                                                               \
        uint64_t check_a_ = (uint64_t)(a), check_b_ = (uint64_t)(b);                                                   \
        check_run++;                                                                                                   \
        if (check_a_ != check_b_) {                                                                                    \
            check_failed++;                                                                                            \
            fprintf(stderr, "%s:%d: %s == %s failed: 0x%" PRIx64 " (%" PRIu64 ") != 0x%" PRIx64 " (%" PRIu64 ")\n",    \
                    __FILE__, __LINE__, #a, #b, check_a_, check_a_, check_b_, check_b_);                               \
        }                                                                                                              \
    } while (0)

#define CHECK_STR(a, b)                                                                                                \
    do {                                                                                                               \
        const char *check_a_ = (a), *check_b_ = (b);                                                                   \
        check_run++;                                                                                                   \
        if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) {                                               \
            check_failed++;                                                                                            \
            fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n", __FILE__, __LINE__, #a, #b,                  \
                    check_a_ ? check_a_ : "(null)", check_b_ ? check_b_ : "(null)");                                   \
        }                                                                                                              \
    } while (0)

static inline void check_hexdump(const char *label, const uint8_t *p, size_t n)
{
    fprintf(stderr, "  %s (%zu):", label, n);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "%s%02x", i % 16 ? " " : "\n    ", p[i]);
    fprintf(stderr, "\n");
}

#define CHECK_MEM(a, alen, b, blen)                                                                                    \
    do {                                                                                                               \
        const uint8_t *check_a_ = (const uint8_t *)(a), *check_b_ = (const uint8_t *)(b);                              \
        size_t check_al_ = (alen), check_bl_ = (blen);                                                                 \
        check_run++;                                                                                                   \
        if (check_al_ != check_bl_ || memcmp(check_a_, check_b_, check_al_) != 0) {                                    \
            check_failed++;                                                                                            \
            fprintf(stderr, "%s:%d: bytes %s != %s\n", __FILE__, __LINE__, #a, #b);                                    \
            check_hexdump("got", check_a_, check_al_);                                                                 \
            check_hexdump("want", check_b_, check_bl_);                                                                \
        }                                                                                                              \
    } while (0)

/* Parses "50 03 07 ..." into out; returns the length. */
static inline size_t check_hex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0;
    while (*s && n < cap) {
        while (*s == ' ' || *s == '\n')
            s++;
        if (!*s)
            break;
        unsigned v;
        if (sscanf(s, "%2x", &v) != 1)
            break;
        out[n++] = (uint8_t)v;
        s += 2;
    }
    return n;
}

static inline int check_report(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, check_run, check_failed);
    return check_failed ? 1 : 0;
}

#endif
