/* The kept blocks of mops/core/recycle.h: a short list under one lock (a
 * validator is made once a capture, or once a fuzzer input: never hot). */
#include "mops/core/recycle.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mops/core/sanitizer.h"
#ifdef MOPS_ASAN
#include <sanitizer/asan_interface.h>
#else
#define ASAN_POISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#endif

#define KEPT 32

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    void *p;
    size_t n;
} kept[KEPT];
static unsigned n_kept;

static void *take(size_t n)
{
    void *p = NULL;
    pthread_mutex_lock(&lock);
    for (unsigned i = 0; i < n_kept; i++)
        if (kept[i].n == n) {
            p = kept[i].p;
            kept[i] = kept[--n_kept];
            break;
        }
    pthread_mutex_unlock(&lock);
    /* A kept block is poisoned: a use after its free is still reported. */
    if (p)
        ASAN_UNPOISON_MEMORY_REGION(p, n);
    return p;
}

void *mops_recycled_calloc(size_t n)
{
    void *p = take(n);
    if (!p)
        return calloc(1, n ? n : 1);
    memset(p, 0, n);
    return p;
}

void *mops_recycled_malloc(size_t n)
{
    void *p = take(n);
    return p ? p : malloc(n ? n : 1);
}

void mops_recycled_free(void *p, size_t n)
{
    if (!p)
        return;
    bool keep = false;
    pthread_mutex_lock(&lock);
    if (n_kept < KEPT) {
        ASAN_POISON_MEMORY_REGION(p, n);
        kept[n_kept].p = p;
        kept[n_kept++].n = n;
        keep = true;
    }
    pthread_mutex_unlock(&lock);
    if (!keep)
        free(p);
}
