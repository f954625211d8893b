/* Large zeroed blocks kept for reuse: a validator and a model's outbox
 * each hold a few hundred KiB of fixed state (packets decoded in place),
 * and a program that makes many of them in turn (the fuzzer: two
 * validators an input) would otherwise map, fault in and unmap those pages
 * every time, which cost it more than judging the packets (tests/fuzz). */
#ifndef MOPS_RECYCLE_H
#define MOPS_RECYCLE_H

#include <stddef.h>

/* n zeroed octets, from a block freed before when one of that size is
 * kept, or NULL when out of memory. Thread-safe. */
void *mops_recycled_calloc(size_t n);
/* The same, its contents undefined: a buffer that is written before it is
 * read (a capture reader's chunk). */
void *mops_recycled_malloc(size_t n);
/* Gives back p (n as asked for, NULL allowed): kept for reuse while fewer
 * than a few blocks are, else freed. */
void mops_recycled_free(void *p, size_t n);

#endif
