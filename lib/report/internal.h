/* What the report's writers share: text made safe for HTML and XML, and
 * reading the JSON report. */
#ifndef MOPS_REPORT_INTERNAL_H
#define MOPS_REPORT_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

/* s with &, <, >, " and ' escaped (HTML text and attributes alike; XML too),
 * control characters but tab and newline dropped (XML 1.0 forbids them). */
void r_esc(FILE *f, const char *s);
/* printf, each %s argument escaped as by r_esc: the one way the writers put
 * report text into markup. */
void r_printf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A string member, or def when absent or not a string. */
const char *r_str(const json_t *o, const char *key, const char *def);
long long r_int(const json_t *o, const char *key, long long def);
double r_num(const json_t *o, const char *key, double def);

/* The severity's words and glyph, for colour-blind readers: shape and text
 * as well as colour (error ✗, warning ▲, note ●). */
const char *r_glyph(const char *severity);

/* One migration's sequence diagram (sequence.c): lifelines from its story,
 * an arrow per step, each finding on one of its frames marked on its arrow
 * with expected and actual beside. findings: those on its frames. */
void r_sequence(FILE *f, const json_t *migration, const json_t *findings, int index);
/* The first (or, if last, the last) step of this kind ("migrate",
 * "resend", "nat_ack", "reply") in a migration's story, or NULL. */
const json_t *r_story_step(const json_t *migration, const char *kind, bool last);
/* A NAT chain drawn as boxes and arrows, inside out (chains.c); title
 * says which (before the move, after it). */
void r_chain(FILE *f, const json_t *chain, const char *title);
/* The chain of nat_chains that leads to tuple "a.b.c.d.e:port" (its
 * outermost translation, or its mobile node's own when it has no level),
 * or NULL. */
const json_t *r_chain_to(const json_t *chains, const char *tuple);
/* The chain of mobile node tuple "a.b.c.d.e:port" (inside), or NULL. */
const json_t *r_chain_of(const json_t *chains, const char *tuple);

#endif
