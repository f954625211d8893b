/* Parsing mopsdump's options; letters follow tcpdump's where tcpdump has one. */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

enum {
    OPT_IMMEDIATE = 256,
    OPT_VERSION,
    OPT_PRINT,
    OPT_IPFF_ONLY,
    OPT_ETHERTYPE,
    OPT_UDP_PORT,
    OPT_MOPS_TYPES,
    OPT_LARA_TYPES,
    OPT_MC_KIND,
    OPT_NANO,
    OPT_VALIDATE,
    OPT_COUNT,
    OPT_REPORT,
    OPT_HTML,
    OPT_JUNIT,
    OPT_EVENTS,
    OPT_RULES,
    OPT_IGNORE,
    OPT_MAX_PER_FLOW,
    OPT_LIST_RULES,
    OPT_TOPOLOGY,
    OPT_NO_SANDBOX,
};

static const struct option long_opts[] = {
    {"immediate-mode", no_argument, 0, OPT_IMMEDIATE},
    {"version", no_argument, 0, OPT_VERSION},
    {"help", no_argument, 0, 'h'},
    {"print", no_argument, 0, OPT_PRINT},
    {"ipff-only", no_argument, 0, OPT_IPFF_ONLY},
    {"ethertype", required_argument, 0, OPT_ETHERTYPE},
    {"udp-port", required_argument, 0, OPT_UDP_PORT},
    {"mops-types", required_argument, 0, OPT_MOPS_TYPES},
    {"lara-types", required_argument, 0, OPT_LARA_TYPES},
    {"mobile-capable-kind", required_argument, 0, OPT_MC_KIND},
    {"nano", no_argument, 0, OPT_NANO},
    {"validate", no_argument, 0, OPT_VALIDATE},
    {"count", no_argument, 0, OPT_COUNT},
    {"report", required_argument, 0, OPT_REPORT},
    {"html", required_argument, 0, OPT_HTML},
    {"junit", required_argument, 0, OPT_JUNIT},
    {"events", required_argument, 0, OPT_EVENTS},
    {"rules", required_argument, 0, OPT_RULES},
    {"ignore", required_argument, 0, OPT_IGNORE},
    {"max-per-flow", required_argument, 0, OPT_MAX_PER_FLOW},
    {"list-rules", no_argument, 0, OPT_LIST_RULES},
    {"topology", required_argument, 0, OPT_TOPOLOGY},
    {"no-sandbox", no_argument, 0, OPT_NO_SANDBOX},
    {"list-interfaces", no_argument, 0, 'D'},
    {"interface", required_argument, 0, 'i'},
    {"snapshot-length", required_argument, 0, 's'},
    {"buffer-size", required_argument, 0, 'B'},
    {"packet-buffered", no_argument, 0, 'U'},
    {"no-promiscuous-mode", no_argument, 0, 'p'},
    {"number", no_argument, 0, '#'},
    {0, 0, 0, 0},
};

void md_usage(FILE *f)
{
    fprintf(f, "Usage: mopsdump [-DehlnpqUvxX#] [-B KiB] [-c count] [-C MB] [-G seconds]\n"
               "                [-i interface] [-r file]... [-V list] [-s snaplen] [-t...] [-T json]\n"
               "                [-w file] [-W files] [-Z user] [--immediate-mode] [--print]\n"
               "                [--ipff-only] [--nano] [--ethertype N] [--udp-port N]\n"
               "                [--mops-types M,A,N] [--lara-types Q,R,A] [--mobile-capable-kind N]\n"
               "                [--count]\n"
               "                [expression]\n"
               "       mopsdump --validate [-r file | -i interface] [--report file] [--events file]\n"
               "                [--rules IDS] [--ignore IDS] [--max-per-flow N] [--topology file]\n"
               "                [expression]\n"
               "\n"
               "  -i IFACE    capture live on IFACE (\"any\": all); -D lists interfaces\n"
               "  -r FILE     read a pcap or pcapng file (- for standard input); again for more\n"
               "              files, read as one capture: merged by time, a series of rotated\n"
               "              files one after the other\n"
               "  -V LIST     read the files LIST names, one a line, as -r does\n"
               "  -w FILE     write the frames that pass the filter (- for standard output);\n"
               "              .pcapng names get pcapng, others pcap; add --print to print too\n"
               "  -C MB, -G SECONDS, -W N   rotate -w files by size or time, keep N\n"
               "  -U          flush -w output after every frame\n"
               "  -c COUNT    stop after COUNT frames\n"
               "  -s SNAPLEN  octets to capture per frame (0: 262144)\n"
               "  -B KiB      kernel buffer size;  -p  not promiscuous;  --immediate-mode\n"
               "  -Z USER     drop privileges to USER once the capture is open\n"
               "  --no-sandbox  no seccomp filter once inputs and outputs are open\n"
               "  -T json     one JSON object per frame (names as in docs/fields.md)\n"
               "  -T ek       the same in Elasticsearch's bulk format (as tshark -T ek): an\n"
               "              index line, then {\"timestamp\": ms, \"layers\": the object}\n"
               "  -q, -v, -vv, -vvv   less or more detail;  -e  link-level header\n"
               "  -x, -xx, -X, -XX    hex (and ASCII) from the IPFF header, or the frame\n"
               "  -t none, -tt epoch, -ttt delta, -tttt date, -ttttt since first;  --nano\n"
               "  -#          frame numbers;  -l  line-buffered;  -n  (accepted; no names)\n"
               "  --ipff-only skip frames that carry no IPFF\n"
               "  --count     decode every frame, print only the counts (as tcpdump --count)\n"
               "  --ethertype, --udp-port, --mops-types, --lara-types, --mobile-capable-kind\n"
               "              the wire profile's numbers (0x88b5, 5505, 100,101,102, 16,17,18, 32)\n"
               "  --validate  judge the traffic against the reference logic: findings as\n"
               "              they happen, a summary on stderr; exit 1 if an error rule fired\n"
               "  --report F  the JSON report (- for standard output)\n"
               "  --html F    the report as one HTML page: summary, findings, a sequence\n"
               "              diagram per migration, NAT chains, coverage\n"
               "  --junit F   the report as JUnit XML for CI (a test case per node and rule family)\n"
               "  --events F  one JSON line per finding as it happens (- for standard output)\n"
               "  --rules IDS, --ignore IDS   only these rules, or all but these (comma list)\n"
               "  --max-per-flow N  findings kept per rule and flow (default 10; 0: all)\n"
               "  --list-rules      the rules: id, severity, the section each cites\n"
               "  --topology F  servers' sequence check and Unique IDs, nodes' links (JSON)\n"
               "  expression  a BPF filter on the link layer, e.g. 'ether proto 0x88b5'\n"
               "              or 'udp port 5505'\n");
}

static bool dash(const char *name) { return name && strcmp(name, "-") == 0; }

int md_outputs_to_stdout(const struct md_opts *o)
{
    return dash(o->report) + dash(o->events) + dash(o->html) + dash(o->junit);
}

static int bad(const char *fmt, const char *arg)
{
    fprintf(stderr, "mopsdump: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(mopsdump -h for help)\n");
    return 2;
}

/* --rules (only these) or --ignore (all but these): comma-separated rule ids. */
static bool rule_list(const char *arg, bool only, struct mops_validate_opts *vo)
{
    static bool only_seen;
    if (only && !only_seen) {
        only_seen = true;
        for (int i = 0; i < MOPS_R_COUNT; i++)
            vo->enabled[i] = false;
    }
    char *copy = strdup(arg), *save = NULL;
    bool ok = copy != NULL;
    for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save)) {
        int r = mops_rule_parse(t);
        if (r < 0) {
            bad("unknown rule '%s' (docs/validator-rules.md lists them)", t);
            ok = false;
            break;
        }
        vo->enabled[r] = only;
    }
    free(copy);
    return ok;
}

/* A whole number in [lo, hi]; decimal, or hex with 0x. */
static bool number(const char *s, unsigned long long lo, unsigned long long hi, unsigned long long *out)
{
    char *end;
    if (!*s || *s == '-')
        return false;
    unsigned long long v = strtoull(s, &end, 0);
    if (*end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static int add_read_file(struct md_opts *o, const char *path)
{
    const char **p = realloc(o->read_files, (o->n_read_files + 1) * sizeof *p);
    if (!p)
        return -1;
    o->read_files = p;
    o->read_files[o->n_read_files++] = path;
    o->read_file = o->read_files[0];
    return 0;
}

/* -V: one file name a line, as tcpdump reads it; blank lines skipped. */
static int read_file_list(struct md_opts *o, const char *list)
{
    FILE *f = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
    if (!f) {
        fprintf(stderr, "mopsdump: %s: %s\n", list, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while ((n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        if (n == 0)
            continue;
        char *copy = strdup(line);
        if (!copy || add_read_file(o, copy) < 0) {
            fprintf(stderr, "mopsdump: out of memory\n");
            rc = -1;
            break;
        }
    }
    free(line);
    if (f != stdin)
        fclose(f);
    if (rc == 0 && o->n_read_files == 0) {
        fprintf(stderr, "mopsdump: %s names no file\n", list);
        rc = -1;
    }
    return rc;
}

int md_parse_options(int argc, char **argv, struct md_opts *o)
{
    memset(o, 0, sizeof *o);
    o->settings = mops_settings_default;
    mops_validate_opts_default(&o->vopts);
    unsigned long long v;
    const char *why;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:B:c:C:DeG:hi:lnpqr:s:tT:UvV:W:w:xXZ:#", long_opts, NULL)) != -1) {
        switch (c) {
            case 'B':
                if (!number(optarg, 1, 1u << 21, &v))
                    return bad("-B wants a buffer size in KiB, not '%s'", optarg);
                o->buffer_kib = (int)v;
                break;
            case 'c':
                if (!number(optarg, 1, UINT64_MAX, &v))
                    return bad("-c wants a positive count, not '%s'", optarg);
                o->count = v;
                break;
            case 'C':
                if (!number(optarg, 1, 1000000, &v))
                    return bad("-C wants a file size in millions of octets, not '%s'", optarg);
                o->rotate_bytes = v * 1000000u;
                break;
            case 'D': o->list_interfaces = true; break;
            case 'e': o->link_header = true; break;
            case 'G':
                if (!number(optarg, 1, 100000000, &v))
                    return bad("-G wants a rotation period in seconds, not '%s'", optarg);
                o->rotate_seconds = (int)v;
                break;
            case 'h': md_usage(stdout); return 0;
            case 'i': o->iface = optarg; break;
            case 'l': o->line_buffered = true; break;
            case 'n': break; /* IPFF has no names to look up yet */
            case 'p': o->no_promisc = true; break;
            case 'q': o->quiet = true; break;
            case 'r':
                if (add_read_file(o, optarg) < 0)
                    return bad("out of memory%s", "");
                break;
            case 'V':
                if (read_file_list(o, optarg) < 0)
                    return 2;
                break;
            case 's':
                if (!number(optarg, 0, 262144, &v))
                    return bad("-s wants a snapshot length from 0 to 262144, not '%s'", optarg);
                o->snaplen = (int)v;
                break;
            case 't': o->time_style++; break;
            case 'T':
                if (strcmp(optarg, "json") == 0 || strcmp(optarg, "ek") == 0) {
                    o->json = true;
                    o->ek = optarg[0] == 'e';
                } else if (strcmp(optarg, "text") != 0) {
                    return bad("-T knows json, ek and text, not '%s'", optarg);
                }
                break;
            case 'U': o->packet_buffered = true; break;
            case 'v': o->verbose++; break;
            case 'W':
                if (!number(optarg, 1, 1000000, &v))
                    return bad("-W wants a number of files, not '%s'", optarg);
                o->rotate_files = (int)v;
                break;
            case 'w': o->write_file = optarg; break;
            case 'x': o->hex++; break;
            case 'X': o->hex++, o->hex_ascii = true; break;
            case 'Z': o->user = optarg; break;
            case '#': o->numbers = true; break;
            case OPT_IMMEDIATE: o->immediate = true; break;
            case OPT_NO_SANDBOX: o->no_sandbox = true; break;
            case OPT_VERSION: printf("mopsdump %s\n%s\n", MOPS_VERSION_STRING, pcap_lib_version()); return 0;
            case OPT_PRINT: o->print_while_writing = true; break;
            case OPT_IPFF_ONLY: o->ipff_only = true; break;
            case OPT_NANO: o->nano = true; break;
            case OPT_VALIDATE: o->validate = true; break;
            case OPT_COUNT: o->count_only = true; break;
            case OPT_LIST_RULES: o->list_rules = true; break;
            case OPT_TOPOLOGY: {
                char err[256];
                if (mops_topology_load(optarg, &o->topology, err, sizeof err) < 0)
                    return bad("--topology %s", err);
                o->vopts.topology = &o->topology;
                break;
            }
            case OPT_REPORT: o->report = optarg; break;
            case OPT_HTML: o->html = optarg; break;
            case OPT_JUNIT: o->junit = optarg; break;
            case OPT_EVENTS: o->events = optarg; break;
            case OPT_RULES:
            case OPT_IGNORE:
                if (!rule_list(optarg, c == OPT_RULES, &o->vopts))
                    return 2;
                break;
            case OPT_MAX_PER_FLOW:
                if (!number(optarg, 0, 1000000, &v))
                    return bad("--max-per-flow wants a number from 0 to 1000000, not '%s'", optarg);
                o->vopts.max_per_flow = (unsigned)v;
                break;
            case OPT_ETHERTYPE:
                if (!number(optarg, 0x600, 0xffff, &v))
                    return bad("--ethertype wants a number from 0x600 to 0xffff, not '%s'", optarg);
                o->settings.ethertype = (uint16_t)v;
                break;
            case OPT_UDP_PORT:
                if (!number(optarg, 1, 65535, &v))
                    return bad("--udp-port wants a port from 1 to 65535, not '%s'", optarg);
                o->settings.udp_port = (uint16_t)v;
                break;
            case OPT_MOPS_TYPES:
                if (mops_settings_parse_types(&o->settings, optarg, &why) < 0) {
                    fprintf(stderr, "mopsdump: --mops-types '%s': %s\n", optarg, why);
                    return 2;
                }
                break;
            case OPT_LARA_TYPES:
                if (mops_settings_parse_lara_types(&o->settings, optarg, &why) < 0) {
                    fprintf(stderr, "mopsdump: --lara-types '%s': %s\n", optarg, why);
                    return 2;
                }
                break;
            case OPT_MC_KIND:
                if (!number(optarg, 2, 255, &v))
                    return bad("--mobile-capable-kind wants a TCP option kind from 2 to 255, not '%s'", optarg);
                o->settings.mobile_capable_kind = (uint8_t)v;
                break;
            case ':':
            default: {
                char name[64];
                if (optopt)
                    snprintf(name, sizeof name, "-%c", optopt);
                else
                    snprintf(name, sizeof name, "%s", argv[optind - 1]);
                return bad(c == ':' ? "option '%s' needs an argument" : "unknown option '%s'", name);
            }
        }
    }
    if (o->time_style > 5)
        o->time_style = 5;
    if ((o->report || o->events || o->html || o->junit || o->vopts.topology) && !o->validate)
        return bad("--report, --events, --html, --junit and --topology go with --validate%s", "");
    if (md_outputs_to_stdout(o) > 1)
        return bad("two of --report, --events, --html and --junit would share standard output (-)%s", "");
    if (o->count_only && (o->validate || o->json))
        return bad("--count prints only counts: not with --validate or -T json%s", "");
    if (o->n_read_files > 1)
        for (unsigned i = 0; i < o->n_read_files; i++)
            if (strcmp(o->read_files[i], "-") == 0)
                return bad("standard input cannot be one of several files%s", "");
    if (o->read_file && o->iface)
        return bad("-r and -i are mutually exclusive%s", "");
    if ((o->rotate_bytes || o->rotate_seconds || o->rotate_files) && !o->write_file)
        return bad("-C, -G and -W rotate -w files: give -w%s", "");
    if (o->write_file && strcmp(o->write_file, "-") == 0 && (o->rotate_bytes || o->rotate_seconds))
        return bad("standard output cannot be rotated%s", "");
    if (o->write_file && strcmp(o->write_file, "-") == 0 && o->print_while_writing)
        return bad("--print with -w - would mix text into the capture%s", "");
    /* The rest is the filter expression, as tcpdump joins it. */
    size_t len = 0;
    for (int i = optind; i < argc; i++)
        len += strlen(argv[i]) + 1;
    if (len) {
        o->filter = malloc(len);
        o->filter[0] = 0;
        for (int i = optind; i < argc; i++) {
            if (i > optind)
                strcat(o->filter, " ");
            strcat(o->filter, argv[i]);
        }
    }
    return -1;
}
