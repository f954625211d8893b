/* The protocol's numbers of time, once: the models, the tracker, the
 * validator and every front-end take them from here and restate none. */
#ifndef MOPS_TIMERS_H
#define MOPS_TIMERS_H

#include <stdint.h>

#define MOPS_NS_PER_SEC UINT64_C(1000000000)
#define MOPS_NS_PER_MSEC UINT64_C(1000000)
#define MOPS_NS_PER_USEC UINT64_C(1000)

/* MOPS §4.1: an unanswered Migrate is sent again after 2 s, at most 3 times;
 * then the session is given up. */
#define MOPS_MIGRATE_RETX_NS (2 * MOPS_NS_PER_SEC)
#define MOPS_MIGRATE_MAX_RESENDS 3
/* MOPS §4.1, profile §7, E6: a server discards a Migrate for a session it
 * migrated less than 5 s before (flapping). */
#define MOPS_FLAP_NS (5 * MOPS_NS_PER_SEC)
/* How long a Migrate transaction lives as a capture shows it: every resend
 * (2 s × (1 + 3)) and one interval more for capture timing (10 s). The
 * tracker takes an identical request within it as a resend, even after a
 * reply (the reply may be lost beyond the capture point); mopstop calls a
 * migration unanswered after it. */
#define MOPS_MIGRATE_LIFE_NS (MOPS_MIGRATE_RETX_NS * (MOPS_MIGRATE_MAX_RESENDS + 2))
/* Profile §9 (LARA §5; the time is ours, as RFC 4862's RetransTimer): an
 * address is tentative until one DAD request has gone unanswered this long. */
#define MOPS_LARA_TENTATIVE_NS (1 * MOPS_NS_PER_SEC)

#endif
