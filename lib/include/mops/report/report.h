/* The validator's report for people and for CI, written from its JSON
 * report (mops_validator_report, or mops-report merge's): one
 * self-contained HTML page with the summary, a sequence diagram per
 * migration, the NAT chains and the findings (docs/validator-report.md),
 * and JUnit XML as GitLab and Jenkins read it. Nothing is judged here:
 * every verdict is the validator's. */
#ifndef MOPS_REPORT_H
#define MOPS_REPORT_H

#include <jansson.h>
#include <stdio.h>

/* Diagrams drawn at most: every migration with a finding, then the others
 * in capture order up to this many; the page says how many it left out. */
#define MOPS_HTML_DIAGRAMS 300

/* The page, to f. 0, or -1 when f failed (errno). */
int mops_report_html(FILE *f, const json_t *report);
/* JUnit XML, to f: one test suite per input, a test case per judged node
 * and rule family, a failure per error finding, skipped for what was not
 * judged. 0, or -1 when f failed. */
int mops_report_junit(FILE *f, const json_t *report);

#endif
