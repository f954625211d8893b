/* Timestamps in tcpdump's -t styles. */
#ifndef MOPSDUMP_TIMEFMT_H
#define MOPSDUMP_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct md_clock {
    int style; /* -t count */
    bool nano;
    bool have_first;
    uint64_t first_ns, prev_ns;
};

/* Writes the stamp for ts_ns (with a trailing space), or nothing for -t. */
size_t md_time_format(struct md_clock *c, uint64_t ts_ns, char *buf, size_t len);
/* Epoch seconds with `digits` decimals: the JSON "time". */
size_t md_time_epoch(uint64_t ts_ns, int digits, char *buf, size_t len);

#endif
