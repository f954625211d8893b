/* mopsdump's command line, in tcpdump's conventions. */
#ifndef MOPSDUMP_OPTIONS_H
#define MOPSDUMP_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mops/core/settings.h"
#include "mops/validate/validate.h"

struct md_opts {
    const char *iface, *read_file, *write_file, *user;
    /* -r given again, or -V LIST: every file, read as one capture (read_file
     * is the first). */
    const char **read_files;
    unsigned n_read_files;
    char *filter;   /* the trailing expression, joined */
    uint64_t count; /* -c; 0: unlimited */
    int snaplen, buffer_kib;
    bool no_promisc, immediate, link_header, quiet, line_buffered, packet_buffered;
    bool numbers, json, list_interfaces, print_while_writing, ipff_only, nano;
    bool no_sandbox;       /* --no-sandbox: no seccomp filter once the inputs and outputs are open */
    bool ek;               /* -T ek: json in Elasticsearch's bulk format, as tshark -T ek */
    int verbose;           /* -v count */
    int time_style;        /* -t count; 0 default, 1 none, 2 epoch, 3 delta, 4 date, 5 delta from first */
    int hex;               /* 0, 1 (-x), 2 (-xx) */
    bool hex_ascii;        /* -X */
    uint64_t rotate_bytes; /* -C, in octets */
    int rotate_seconds;    /* -G */
    int rotate_files;      /* -W */
    struct mops_settings settings;
    /* --validate: judge the traffic instead of printing it */
    bool validate, list_rules;
    bool count_only;             /* --count: decode, print the counts only */
    const char *report, *events; /* JSON report and NDJSON findings; "-" for stdout */
    const char *html, *junit;    /* the report as an HTML page and as JUnit XML */
    struct mops_validate_opts vopts;
    struct mops_topology topology;
};

/* Parses argv. Returns -1 to go on, or an exit status (0 after --help or
 * --version, 2 after a usage error with its message printed). */
int md_parse_options(int argc, char **argv, struct md_opts *o);
void md_usage(FILE *f);
/* How many of --report, --events, --html and --junit are "-" (standard
 * output): at most one may be. */
int md_outputs_to_stdout(const struct md_opts *o);

#endif
