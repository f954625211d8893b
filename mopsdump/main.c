/* mopsdump: the tcpdump of IPFF and MOPS. Reads a live interface or a
 * capture file through lib/'s engine, decodes every frame once, and prints
 * it as text or JSON and/or writes it (-w). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mops/capture/sandbox.h"
#include "mops/capture/capture.h"
#include "mops/decode/decode.h"
#include "mops/track/migrate.h"
#include "mops/capture/pipeline.h"

#include "options.h"
#include "validate_run.h"
#include "json_tree.h"
#include "print.h"
#include "privs.h"
#include "writer.h"

#define TRACK_CAPACITY 4096

static struct mops_cap *cap;
static volatile sig_atomic_t stop_signal, stats_wanted;

static void on_stop(int sig)
{
    int saved = errno; /* the interrupted code may be reading it */
    stop_signal = sig;
    if (cap)
        mops_cap_break(cap);
    errno = saved;
}

static void on_usr1(int sig)
{
    (void)sig;
    stats_wanted = 1;
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGPIPE, SIG_IGN); /* a closed pipe is seen as EPIPE and ends quietly */
}

/* --list-rules: one Markdown table row per rule (docs/validator-rules.md holds them). */
static int list_rules(void)
{
    printf("| rule | severity | cites | what it means |\n|---|---|---|---|\n");
    for (int i = 0; i < MOPS_R_COUNT; i++) {
        const struct mops_rule_info *r = mops_rule_info(i);
        printf("| `%s` | %s | %s | %s |\n", r->id, mops_severity_name(r->severity), r->spec, r->summary);
    }
    return 0;
}

static int list_interfaces(void)
{
    struct mops_if_info ifs[256];
    char err[MOPS_CAP_ERRLEN];
    int n = mops_cap_list_interfaces(ifs, 256, err);
    if (n < 0) {
        fprintf(stderr, "mopsdump: %s\n", err);
        return 2;
    }
    for (int i = 0; i < n; i++) {
        printf("%d.%s", i + 1, ifs[i].name);
        if (ifs[i].description[0])
            printf(" (%s)", ifs[i].description);
        printf(" [%s%s%s]\n", ifs[i].up ? "Up" : "Down", ifs[i].running ? ", Running" : "",
               ifs[i].loopback ? ", Loopback" : "");
    }
    return 0;
}

/* tcpdump captures on the first interface that is up when given none. */
static const char *default_interface(char *buf, size_t len)
{
    struct mops_if_info ifs[256];
    char err[MOPS_CAP_ERRLEN];
    int n = mops_cap_list_interfaces(ifs, 256, err);
    for (int i = 0; i < n; i++)
        if (ifs[i].up && ifs[i].running && !ifs[i].loopback && strcmp(ifs[i].name, "any") != 0) {
            if ((size_t)snprintf(buf, len, "%s", ifs[i].name) >= len)
                continue; /* a name that does not fit cannot be opened either */
            return buf;
        }
    return NULL;
}

static void print_stats(const struct mops_cap_stats *st)
{
    fprintf(stderr, "%llu packet%s captured\n", (unsigned long long)st->frames, st->frames == 1 ? "" : "s");
    fprintf(stderr, "%llu packet%s received by filter\n", (unsigned long long)st->received,
            st->received == 1 ? "" : "s");
    fprintf(stderr, "%llu packet%s dropped by kernel\n", (unsigned long long)st->dropped, st->dropped == 1 ? "" : "s");
    if (st->if_dropped)
        fprintf(stderr, "%llu packet%s dropped by interface\n", (unsigned long long)st->if_dropped,
                st->if_dropped == 1 ? "" : "s");
}

static const char *linktype_text(uint32_t lt)
{
    const char *n = mops_linktype_name(lt);
    return n ? n : "unsupported";
}

/* One run of mopsdump: what it opened and what it has counted. */
struct run {
    struct md_opts *o;
    struct md_writer w;
    struct md_validate mv;
    bool writing, printing, writer_open, validator_open, started;
    struct mops_pipe *pipe;
    struct md_printer pr;
    struct mops_migrate_tracker *tracker;
    uint64_t n, n_ipff, n_flagged;
    int status;
    bool done;
};

static int fail(const char *what)
{
    fprintf(stderr, "mopsdump: %s\n", what);
    return 2;
}

/* Opens the capture and says what it reads, as tcpdump does. */
static int open_capture(struct run *r)
{
    struct md_opts *o = r->o;
    const char *bad = mops_settings_check(&o->settings);
    if (bad)
        return fail(bad);
    static char ifbuf[64];
    struct mops_cap_opts co = {.path = o->n_read_files > 1 ? NULL : o->read_file,
                               .paths = o->read_files,
                               .n_paths = o->n_read_files > 1 ? o->n_read_files : 0,
                               .iface = o->iface,
                               .snaplen = o->snaplen,
                               .no_promisc = o->no_promisc,
                               .immediate = o->immediate,
                               .buffer_kib = o->buffer_kib,
                               .filter = o->filter};
    if (!co.path && !co.n_paths && !co.iface && !(co.iface = default_interface(ifbuf, sizeof ifbuf)))
        return fail("no interface is up to capture on; give -i IFACE or -r FILE");
    char err[MOPS_CAP_ERRLEN];
    if (mops_cap_open(&co, &cap, err) < 0)
        return fail(err);
    install_signals();
    const struct mops_cap_iface *first = mops_cap_iface(cap, 0);
    if (mops_cap_warning(cap))
        fprintf(stderr, "mopsdump: warning: %s\n", mops_cap_warning(cap));
    if (mops_cap_is_live(cap))
        fprintf(stderr, "mopsdump: listening on %s, link-type %s, snapshot length %u bytes\n", co.iface,
                linktype_text(first->linktype), first->snaplen);
    else if (mops_cap_n_files(cap) > 1)
        fprintf(stderr, "reading from %u files as one capture, first %s\n", mops_cap_n_files(cap), co.paths[0]);
    else if (first)
        fprintf(stderr, "reading from file %s, link-type %s, snapshot length %u\n",
                strcmp(co.path, "-") == 0 ? "-" : co.path, linktype_text(first->linktype), first->snaplen);
    /* -v: what the file says of itself (pcapng), as Wireshark's Capture
     * File Properties: the section's comment and the interfaces known so
     * far (each frame's are in -T json). */
    if (o->verbose >= 1 && mops_cap_is_pcapng(cap)) {
        struct sbuf sb = {0};
        if (mops_cap_comment(cap)[0]) {
            sb_puts(&sb, "capture comment: ");
            md_text_escaped(&sb, mops_cap_comment(cap), strlen(mops_cap_comment(cap)));
            sb_puts(&sb, "\n");
        }
        for (unsigned i = 0; i < mops_cap_n_ifaces(cap); i++) {
            const struct mops_cap_iface *x = mops_cap_iface(cap, i);
            if (!x->name[0] && !x->description[0])
                continue;
            sb_printf(&sb, "interface %u: ", i);
            md_text_escaped(&sb, x->name, strlen(x->name));
            if (x->description[0]) {
                sb_puts(&sb, x->name[0] ? " (" : "(");
                md_text_escaped(&sb, x->description, strlen(x->description));
                sb_puts(&sb, ")");
            }
            sb_printf(&sb, ", link-type %s\n", linktype_text(x->linktype));
        }
        if (sb.len)
            fwrite(sb.s, 1, sb.len, stderr);
        sb_free(&sb);
    }
    return 0;
}

/* Privileges dropped, then the outputs: -w, the validator, the reading
 * thread, the printer. */
static int open_outputs(struct run *r)
{
    struct md_opts *o = r->o;
    /* As tcpdump: root is given up before any output file is created, so
     * rotated files belong to the user too. */
    if (o->user && md_drop_privileges(o->user) < 0)
        return 2;
    r->writing = o->write_file != NULL;
    if (r->writing && md_writer_open(&r->w, o, cap) < 0)
        return fail(r->w.err);
    r->writer_open = r->writing;
    r->printing = (!r->writing || o->print_while_writing) && !o->validate && !o->count_only;
    /* A pcap file or a live interface holds one link for ever (pcapng
     * may add interfaces at any block). */
    o->vopts.one_link = !mops_cap_is_pcapng(cap);
    if (o->validate && md_validate_open(&r->mv, o, o->iface ? o->iface : o->read_file, cap) < 0)
        return fail(r->mv.err);
    r->validator_open = o->validate;
    if (o->line_buffered)
        setvbuf(stdout, NULL, _IOLBF, 0);
    r->pr = (struct md_printer){.o = o, .out = stdout, .cap = cap};
    r->pr.clock.style = o->time_style;
    r->pr.clock.nano = o->nano;
    if (r->printing && !(r->tracker = mops_migrate_tracker_new(TRACK_CAPACITY)))
        return fail("out of memory");
    /* Everything is open: from here on the decoder's bugs cannot open a
     * file, exec or make a socket (lib/capture/sandbox.c). */
    char err[256];
    if (!o->no_sandbox &&
        mops_sandbox_enter(&(struct mops_sandbox_opts){.dir_fd = r->writing ? r->w.dir_fd : -1}, err) < 0)
        return fail(err);
    /* Validating a file, reading and decoding run on a thread of their own
     * (lib/capture/pipeline.c; not stdin, whose reads may wait for ever),
     * started inside the sandbox: Landlock holds the threads started after
     * it only. */
    if (o->validate && !mops_cap_is_live(cap) && strcmp(o->read_file, "-") != 0 &&
        !(r->pipe = mops_pipe_start(cap, &o->settings, o->count, !o->vopts.one_link)))
        return fail("out of memory");
    return 0;
}

/* One frame: written, decoded (unless the reading thread did), counted,
 * handed to the validator (through vin) or printed. False to stop. */
static bool frame(struct run *r, const struct mops_frame *f, struct mops_packet *pkt, uint64_t key,
                  struct mops_validator_input *vin, unsigned *n_vin)
{
    const struct md_opts *o = r->o;
    r->n++;
    if (r->writing) {
        int wr = md_writer_write(&r->w, f);
        if (wr < 0)
            r->status = fail(r->w.err);
        if (wr != 0)
            return false;
    }
    if (!r->pipe && (o->validate || r->printing || o->count_only))
        mops_decode_frame(&o->settings, f->linktype, f->data, f->caplen, f->wirelen, pkt);
    if (o->count_only) {
        r->n_ipff += pkt->status != MOPS_ST_NOT_IPFF;
        r->n_flagged += pkt->status != MOPS_ST_NOT_IPFF && (pkt->status != MOPS_ST_OK || pkt->n_problems);
    }
    if (o->validate)
        vin[(*n_vin)++] = (struct mops_validator_input){r->n, f->ts_ns, f->ifid, pkt, key, NULL};
    if (r->printing) {
        struct mops_track_result tr;
        mops_migrate_track(r->tracker, pkt, f->ifid, r->n, f->ts_ns, &tr);
        mops_track_add_problem(pkt, &tr);
        if (!(o->ipff_only && pkt->status == MOPS_ST_NOT_IPFF)) {
            if (o->json)
                md_format_json(&r->pr, r->n, f, pkt, &tr);
            else
                md_format_text(&r->pr, r->n, f, pkt, &tr);
            if (fwrite(r->pr.sb.s, 1, r->pr.sb.len, stdout) != r->pr.sb.len) {
                if (errno != EPIPE) {
                    fprintf(stderr, "mopsdump: standard output: %s\n", strerror(errno));
                    r->status = 2;
                }
                return false;
            }
        }
    }
    return !(o->count && r->n >= o->count);
}

/* Frames come in batches where the source gives several at once (pcap
 * files) and only the validator reads them: it loads the lookups of a
 * batch together. Printing goes frame by frame. */
static void loop(struct run *r)
{
    enum { BATCH = 16 };
    static struct mops_frame frames[BATCH];
    static struct mops_packet pkts[BATCH];
    static struct mops_validator_input vin[MOPS_PIPE_BATCH];
    const struct md_opts *o = r->o;
    unsigned batch = o->validate ? BATCH : 1;
    r->started = true;
    while (!r->done) {
        if (stats_wanted) {
            stats_wanted = 0;
            struct mops_cap_stats st;
            mops_cap_stats(cap, &st);
            if (r->pipe)
                mops_pipe_counts(r->pipe, &st.frames, &st.seen);
            print_stats(&st);
        }
        const struct mops_frame *fr = frames;
        struct mops_packet *pk = pkts;
        const uint64_t *keys = NULL;
        unsigned got;
        int rc;
        if (r->pipe) {
            const struct mops_pipe_batch *b = mops_pipe_next(r->pipe, &rc);
            got = b ? b->n : 0;
            if (b) {
                fr = b->frames;
                pk = b->pkts;
                keys = b->keys;
            }
        } else {
            unsigned want = batch;
            if (o->count && o->count - r->n < want)
                want = (unsigned)(o->count - r->n);
            rc = mops_cap_next_batch(cap, frames, want, &got);
        }
        if (rc == MOPS_CAP_TIMEOUT)
            continue;
        if (rc == MOPS_CAP_END)
            break;
        if (rc == MOPS_CAP_ERROR) {
            r->status = fail(mops_cap_error(cap));
            break;
        }
        unsigned n_vin = 0;
        for (unsigned i = 0; i < got && !r->done; i++)
            r->done = !frame(r, &fr[i], &pk[i], keys ? keys[i] : 0, vin, &n_vin);
        if (n_vin)
            md_validate_frames(&r->mv, vin, n_vin);
    }
}

/* The one way out: what a finished run reports (counts, the validator's
 * summary, the last stats), then everything it opened is closed. */
static int finish(struct run *r)
{
    mops_pipe_stop(r->pipe);
    const struct md_opts *o = r->o;
    if (r->started && o->count_only)
        printf("%llu packets, %llu IPFF, %llu flagged\n", (unsigned long long)r->n, (unsigned long long)r->n_ipff,
               (unsigned long long)r->n_flagged);
    if (r->started && r->validator_open) {
        int vs = md_validate_close(&r->mv);
        if (vs > r->status)
            r->status = vs;
    }
    if (fflush(stdout) != 0 && errno != EPIPE) {
        fprintf(stderr, "mopsdump: standard output: %s\n", strerror(errno));
        r->status = 2;
    }
    if (r->writer_open && md_writer_close(&r->w) < 0)
        r->status = fail(r->w.err);
    if (r->started && mops_cap_is_live(cap)) {
        struct mops_cap_stats st;
        mops_cap_stats(cap, &st);
        print_stats(&st);
    }
    mops_migrate_tracker_free(r->tracker);
    jt_release();
    sb_free(&r->pr.sb);
    if (cap)
        mops_cap_close(cap);
    free(r->o->filter);
    return r->status;
}

int main(int argc, char **argv)
{
    static struct md_opts o;
    int rc = md_parse_options(argc, argv, &o);
    if (rc >= 0)
        return rc;
    if (o.list_interfaces)
        return list_interfaces();
    if (o.list_rules)
        return list_rules();
    static struct run r;
    r.o = &o;
    if ((r.status = open_capture(&r)) == 0 && (r.status = open_outputs(&r)) == 0)
        loop(&r);
    return finish(&r);
}
