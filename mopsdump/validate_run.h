/* mopsdump --validate: frames into lib's validator, findings out as text
 * lines, NDJSON events, the JSON report and its HTML and JUnit forms; the
 * exit status for CI. */
#ifndef MOPSDUMP_VALIDATE_RUN_H
#define MOPSDUMP_VALIDATE_RUN_H

#include "mops/capture/capture.h"
#include "mops/validate/validate.h"
#include "options.h"

struct md_validate {
    const struct md_opts *o;
    struct mops_validator *v;
    FILE *events, *text; /* text: stdout, or stderr when stdout carries JSON */
    /* --report, --html, --junit: opened at the start (the sandbox opens
     * nothing later) */
    FILE *report, *html, *junit;
    const char *input;
    const struct mops_cap *cap; /* for the file of each frame, when several */
    uint64_t last_ts;
    char err[256];
};

int md_validate_open(struct md_validate *mv, const struct md_opts *o, const char *input, const struct mops_cap *cap);
/* Frames in capture order (a batch: see mops_validator_packets). */
void md_validate_frames(struct md_validate *mv, const struct mops_validator_input *in, unsigned n);
/* Judges what is still due, writes the report and the summary; returns the
 * exit status: 0 clean, 1 an error-severity rule fired, 2 output failed. */
int md_validate_close(struct md_validate *mv);

#endif
