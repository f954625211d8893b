/* Timestamp styles: default local HH:MM:SS.frac, -t none, -tt epoch, -ttt
 * delta from the previous frame, -tttt local date and time, -ttttt delta from
 * the first frame; microseconds, or nanoseconds with --nano (as tcpdump). */
#include "timefmt.h"

#include <stdio.h>
#include <time.h>

#include "mops/core/timers.h"

static size_t frac(uint64_t ns, bool nano, char *buf, size_t len)
{
    return nano ? (size_t)snprintf(buf, len, "%09u", (unsigned)(ns % MOPS_NS_PER_SEC))
                : (size_t)snprintf(buf, len, "%06u", (unsigned)(ns % MOPS_NS_PER_SEC / 1000u));
}

static size_t delta(uint64_t d, bool nano, char *buf, size_t len)
{
    uint64_t s = d / MOPS_NS_PER_SEC;
    size_t n = (size_t)snprintf(buf, len, "%02u:%02u:%02u.", (unsigned)(s / 3600), (unsigned)(s / 60 % 60),
                                (unsigned)(s % 60));
    return n + frac(d, nano, buf + n, len - n);
}

size_t md_time_format(struct md_clock *c, uint64_t ts_ns, char *buf, size_t len)
{
    if (!c->have_first) {
        c->have_first = true;
        c->first_ns = c->prev_ns = ts_ns;
    }
    size_t n = 0;
    time_t sec = (time_t)(ts_ns / MOPS_NS_PER_SEC);
    struct tm tm;
    switch (c->style) {
        case 1: buf[0] = 0; return 0;
        case 2:
            n = (size_t)snprintf(buf, len, "%llu.", (unsigned long long)sec);
            n += frac(ts_ns, c->nano, buf + n, len - n);
            break;
        case 3: n = delta(ts_ns >= c->prev_ns ? ts_ns - c->prev_ns : 0, c->nano, buf, len); break;
        case 4:
            localtime_r(&sec, &tm);
            n = strftime(buf, len, "%Y-%m-%d %H:%M:%S.", &tm);
            n += frac(ts_ns, c->nano, buf + n, len - n);
            break;
        case 5: n = delta(ts_ns >= c->first_ns ? ts_ns - c->first_ns : 0, c->nano, buf, len); break;
        default:
            localtime_r(&sec, &tm);
            n = strftime(buf, len, "%H:%M:%S.", &tm);
            n += frac(ts_ns, c->nano, buf + n, len - n);
            break;
    }
    c->prev_ns = ts_ns;
    if (n + 1 < len) {
        buf[n++] = ' ';
        buf[n] = 0;
    }
    return n;
}

size_t md_time_epoch(uint64_t ts_ns, int digits, char *buf, size_t len)
{
    unsigned long long sec = ts_ns / MOPS_NS_PER_SEC;
    unsigned long long f = ts_ns % MOPS_NS_PER_SEC;
    if (digits <= 0)
        return (size_t)snprintf(buf, len, "%llu", sec);
    for (int i = digits; i < 9; i++)
        f /= 10;
    return (size_t)snprintf(buf, len, "%llu.%0*llu", sec, digits, f);
}
