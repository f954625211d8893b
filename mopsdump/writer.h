/* -w: writing what passed the filter, with tcpdump's rotation (-C, -G, -W)
 * and packet buffering (-U). */
#ifndef MOPSDUMP_WRITER_H
#define MOPSDUMP_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "mops/capture/capture.h"
#include "mops/capture/dump.h"

#include "options.h"

struct md_writer {
    const struct md_opts *o;
    const struct mops_cap *cap;
    enum mops_dump_format fmt;
    struct mops_dump *d;
    unsigned n_ifaces;   /* interfaces written to the current file */
    unsigned index;      /* -C: the file number */
    int files;           /* files opened so far (-G with -W stops at -W) */
    time_t period_start; /* -G */
    bool done;           /* -G -W: the last file is full */
    char name[4096];
    char err[MOPS_CAP_ERRLEN];
    int dir_fd; /* the files' directory, opened at the start: new files are made there (the sandbox) */
};

/* Opens the first file. Returns 0 or -1 with w->err set. */
int md_writer_open(struct md_writer *w, const struct md_opts *o, const struct mops_cap *cap);
/* Writes one frame, rotating first if due. Returns 0, 1 when -G/-W says to
 * stop, or -1 with w->err set. */
int md_writer_write(struct md_writer *w, const struct mops_frame *f);
/* Flushes and closes; -1 with w->err set if anything failed to reach disk. */
int md_writer_close(struct md_writer *w);

#endif
