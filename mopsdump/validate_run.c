/* mopsdump --validate (see validate_run.h). */
#include "validate_run.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mops/report/report.h"

/* Of several files read as one, the file and the frame within it. */
static void add_origin(const struct md_validate *mv, json_t *j)
{
    unsigned file;
    uint64_t local;
    json_t *fr = json_object_get(j, "frame");
    if (fr && mops_cap_origin(mv->cap, (uint64_t)json_integer_value(fr), &file, &local)) {
        json_object_set_new(j, "file", json_string(mops_cap_file_name(mv->cap, file)));
        json_object_set_new(j, "file_frame", json_integer((json_int_t)local));
    }
}

static void finding(void *ctx, const struct mops_violation *x)
{
    struct md_validate *mv = ctx;
    const struct mops_rule_info *r = mops_rule_info(x->rule);
    unsigned file;
    uint64_t local;
    if (mops_cap_origin(mv->cap, x->frame, &file, &local))
        fprintf(mv->text, "frame %llu (%s frame %llu): %s %s: %s\n", (unsigned long long)x->frame,
                mops_cap_file_name(mv->cap, file), (unsigned long long)local, mops_severity_name(r->severity), r->id,
                x->message);
    else
        fprintf(mv->text, "frame %llu: %s %s: %s\n", (unsigned long long)x->frame, mops_severity_name(r->severity),
                r->id, x->message);
    if (mv->events) {
        json_t *j = mops_violation_json(x);
        add_origin(mv, j);
        json_dumpf(j, mv->events, JSON_COMPACT);
        fputc('\n', mv->events);
        fflush(mv->events);
        json_decref(j);
    }
    if (mv->o->line_buffered || mv->o->iface)
        fflush(mv->text);
}

static FILE *open_out(struct md_validate *mv, const char *name)
{
    FILE *f = strcmp(name, "-") == 0 ? stdout : fopen(name, "w");
    if (!f)
        snprintf(mv->err, sizeof mv->err, "%s: %s", name, strerror(errno));
    return f;
}

/* Writes one form of the report and closes its file (once); 0, or 2 on
 * failure. */
static int write_out(FILE *out, const char *name, const json_t *r, int (*write)(FILE *, const json_t *))
{
    if (!out)
        return 0;
    int failed = !r || write(out, r) != 0;
    int err = errno;
    if (out != stdout && fclose(out) != 0 && !failed) {
        failed = 1;
        err = errno;
    }
    if (failed)
        fprintf(stderr, "mopsdump: %s: %s\n", name, r ? strerror(err) : "out of memory");
    return failed ? 2 : 0;
}

static int write_json(FILE *f, const json_t *r)
{
    return json_dumpf(r, f, JSON_INDENT(2)) < 0 || fputc('\n', f) == EOF || fflush(f) != 0 ? -1 : 0;
}

int md_validate_open(struct md_validate *mv, const struct md_opts *o, const char *input, const struct mops_cap *cap)
{
    memset(mv, 0, sizeof *mv);
    mv->o = o;
    mv->input = input;
    mv->cap = cap;
    bool stdout_json = md_outputs_to_stdout(o) > 0;
    mv->text = stdout_json ? stderr : stdout;
    if ((o->events && !(mv->events = open_out(mv, o->events))) ||
        (o->report && !(mv->report = open_out(mv, o->report))) || (o->html && !(mv->html = open_out(mv, o->html))) ||
        (o->junit && !(mv->junit = open_out(mv, o->junit))))
        return -1;
    struct mops_validate_opts vo = o->vopts;
    vo.settings = &o->settings;
    mv->v = mops_validator_new(&vo, finding, mv);
    if (!mv->v) {
        snprintf(mv->err, sizeof mv->err, "out of memory");
        return -1;
    }
    return 0;
}

void md_validate_frames(struct md_validate *mv, const struct mops_validator_input *in, unsigned n)
{
    mv->last_ts = in[n - 1].ts_ns;
    mops_validator_packets(mv->v, in, n);
}

int md_validate_close(struct md_validate *mv)
{
    int status = 0;
    mops_validator_finish(mv->v, mv->last_ts);
    if (mv->o->report || mv->o->html || mv->o->junit) {
        /* Built only when asked for: it holds every kept record at once. */
        json_t *r = mops_validator_report(mv->v, mv->input, MOPS_VERSION_STRING);
        if (r && mops_cap_n_files(mv->cap) > 1) {
            json_t *files = json_array();
            for (unsigned i = 0; i < mops_cap_n_files(mv->cap); i++)
                json_array_append_new(files, json_string(mops_cap_file_name(mv->cap, i)));
            json_object_set_new(r, "inputs", files);
            size_t i;
            json_t *x;
            json_array_foreach (json_object_get(r, "violations"), i, x)
                add_origin(mv, x);
        }
        status |= write_out(mv->report, mv->o->report, r, write_json);
        status |= write_out(mv->html, mv->o->html, r, mops_report_html);
        status |= write_out(mv->junit, mv->o->junit, r, mops_report_junit);
        mv->report = mv->html = mv->junit = NULL;
        json_decref(r);
    }
    /* The summary, on stderr. */
    struct mops_validator_summary s;
    mops_validator_summarize(mv->v, &s);
    fprintf(stderr, "%llu packets, %lu errors, %lu warnings, %lu notes", (unsigned long long)s.packets,
            s.by_sev[MOPS_SEV_ERROR], s.by_sev[MOPS_SEV_WARNING], s.by_sev[MOPS_SEV_NOTE]);
    if (s.suppressed)
        fprintf(stderr, " (%lu beyond --max-per-flow, counted)", s.suppressed);
    fprintf(stderr, "; migrations: %lu requested, %lu succeeded, %lu failed, %lu unanswered\n", s.requested,
            s.succeeded, s.failed, s.unanswered);
    for (int i = 0; i < MOPS_R_COUNT; i++)
        if (s.count[i])
            fprintf(stderr, "  %-22s %lu\n", mops_rule_info(i)->id, s.count[i]);
    /* What was judged, and what the capture could not show. */
    struct mops_coverage cov[16];
    unsigned n = mops_validator_coverage(mv->v, cov, 16);
    for (unsigned i = 0; i < n; i++)
        fprintf(stderr, "  %s\n", cov[i].text);
    if (mv->events && mv->events != stdout)
        fclose(mv->events);
    if (!status && mops_validator_errors(mv->v))
        status = 1;
    mops_validator_free(mv->v);
    return status;
}
