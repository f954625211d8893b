/* The rows mopstop shows, as text: shared by the batch snapshots and the
 * curses panes so both say the same thing in the same words. */
#ifndef MOPSTOP_VIEW_H
#define MOPSTOP_VIEW_H

#include <stddef.h>
#include <stdio.h>

#include "state.h"

enum mt_pane { MT_PANE_MIGRATIONS, MT_PANE_CHAINS, MT_PANE_SESSIONS, MT_PANE_VIOLATIONS, MT_PANE_COUNT };

/* Sort orders, cycled with `s`. */
enum mt_sort { MT_SORT_TIME, MT_SORT_STATE, MT_SORT_LATENCY, MT_SORT_COUNT };

#define MT_LINE 512
#define MT_MAX_ROWS 1024

struct mt_rows {
    unsigned n;
    char line[MT_MAX_ROWS][MT_LINE];
    char detail_key[MT_MAX_ROWS][64]; /* identifies the row for the detail view and frozen order */
};

const char *mt_pane_title(enum mt_pane p);
/* The pane's column heading; width > 0 fits the Migrations pane's columns
 * to it (the least needed dropped first), as mt_view_rows does. */
const char *mt_pane_heading(enum mt_pane p, unsigned width);
const char *mt_sort_name(enum mt_sort s);
/* The header lines (3) into buf. */
/* The three header lines; width > 0 elides the source to fit it. */
void mt_view_header(const struct mt_state *s, char lines[3][MT_LINE], unsigned width);
/* A pane's rows, filtered by an address substring (may be ""), sorted. */
void mt_view_rows(const struct mt_state *s, enum mt_pane p, const char *filter, enum mt_sort sort, unsigned width,
                  struct mt_rows *out);
/* The detail of the row with this key: lines into out, the count. */
unsigned mt_view_detail(const struct mt_state *s, enum mt_pane p, const char *key, char out[][MT_LINE], unsigned max);
/* A plain-text snapshot (--batch) and a JSON one (--batch --json). */
void mt_view_text(const struct mt_state *s, FILE *f);
void mt_view_json(const struct mt_state *s, FILE *f);

#endif
