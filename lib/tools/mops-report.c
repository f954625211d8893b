/* mops-report merge REPORT...: the validator's JSON reports of many jobs
 * (each probe's files of one time window, say) folded into one report of
 * the same schema (issue 17, docs/scaling.md): counts summed, findings,
 * migrations, NAT chains and coverage together, each finding and migration
 * naming the input of its job. Every list is sorted by its items' canonical
 * form, so the result is the same whatever the order of the inputs.
 * mops-report html|junit REPORT: one report as mopsdump --html or --junit
 * writes it, for merged reports. */
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mops/report/report.h"

static int fail(const char *what, const char *detail)
{
    fprintf(stderr, "mops-report: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    return 2;
}

static json_int_t num(json_t *o, const char *key) { return json_integer_value(json_object_get(o, key)); }

static void add_num(json_t *to, const char *key, json_t *from)
{
    json_object_set_new(to, key, json_integer(num(to, key) + num(from, key)));
}

static char *canon(const json_t *j) { return json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY); }

struct keyed {
    char *key; /* the item's canonical form, made once */
    json_t *item;
};

static int by_canon(const void *a, const void *b)
{
    return strcmp(((const struct keyed *)a)->key, ((const struct keyed *)b)->key);
}

/* The array's items in canonical order. */
static json_t *sorted(json_t *arr)
{
    size_t n = json_array_size(arr);
    struct keyed *items = malloc((n ? n : 1) * sizeof *items);
    for (size_t i = 0; i < n; i++)
        items[i] = (struct keyed){canon(json_array_get(arr, i)), json_array_get(arr, i)};
    qsort(items, n, sizeof *items, by_canon);
    json_t *out = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append(out, items[i].item);
        free(items[i].key);
    }
    free(items);
    json_decref(arr);
    return out;
}

static int by_string(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The object with its keys in order (jansson keeps insertion order). */
static json_t *sorted_keys(json_t *o)
{
    size_t n = json_object_size(o), i = 0;
    const char **keys = malloc((n ? n : 1) * sizeof *keys);
    const char *k;
    json_t *v;
    json_object_foreach (o, k, v)
        keys[i++] = k;
    qsort(keys, n, sizeof *keys, by_string);
    json_t *out = json_object();
    for (i = 0; i < n; i++)
        json_object_set(out, keys[i], json_object_get(o, keys[i]));
    free(keys);
    json_decref(o);
    return out;
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The latency figures of the merged migration records (as the validator
 * computes them from its records). */
static json_t *latency(json_t *migrations)
{
    size_t n = json_array_size(migrations), k = 0;
    double *v = malloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++) {
        json_t *l = json_object_get(json_array_get(migrations, i), "latency_ms");
        if (json_is_number(l))
            v[k++] = json_number_value(l);
    }
    json_t *o = json_object();
    if (k) {
        qsort(v, k, sizeof *v, by_double);
        json_object_set_new(o, "min_ms", json_real(v[0]));
        json_object_set_new(o, "median_ms", json_real(k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2));
        json_object_set_new(o, "max_ms", json_real(v[k - 1]));
    }
    free(v);
    return o;
}

/* mops-report html|junit REPORT.json: a report (one job's or a merged one)
 * in the forms of mopsdump --html and --junit (docs/validator-report.md). */
static int render(const char *form, const char *path)
{
    json_error_t e;
    json_t *r = json_load_file(path, 0, &e);
    if (!r)
        return fail(path, e.text);
    if (!json_is_object(json_object_get(r, "summary")) || !json_is_array(json_object_get(r, "violations"))) {
        json_decref(r);
        return fail(path, "not a validator report (mopsdump --validate --report)");
    }
    int rc = strcmp(form, "html") == 0 ? mops_report_html(stdout, r) : mops_report_junit(stdout, r);
    json_decref(r);
    return rc == 0 && fflush(stdout) == 0 ? 0 : fail("standard output", strerror(errno));
}

int main(int argc, char **argv)
{
    if (argc == 3 && (strcmp(argv[1], "html") == 0 || strcmp(argv[1], "junit") == 0))
        return render(argv[1], argv[2]);
    if (argc < 3 || strcmp(argv[1], "merge") != 0) {
        fprintf(stderr, "usage: mops-report merge REPORT.json...   (the merged report on standard output)\n"
                        "       mops-report html REPORT.json       (the report as an HTML page)\n"
                        "       mops-report junit REPORT.json      (the report as JUnit XML)\n");
        return 2;
    }
    /* Every input checked first, so that a bad one stops it before any work. */
    for (int a = 2; a < argc; a++) {
        json_error_t e;
        json_t *r = json_load_file(argv[a], 0, &e);
        if (!r)
            return fail(argv[a], e.text);
        bool ok = json_is_object(json_object_get(r, "summary")) && json_is_string(json_object_get(r, "input")) &&
                  json_is_array(json_object_get(r, "violations"));
        json_decref(r);
        if (!ok)
            return fail(argv[a], "not a validator report (mopsdump --validate --report)");
    }
    json_t *inputs = json_array(), *viol = json_array(), *migs = json_array(), *chains = json_array();
    json_t *rules = json_object(), *sev = json_object(), *msum = json_object(), *cov = json_object();
    json_t *overflow = NULL; /* summed over the reports that have one */
    json_int_t packets = 0, suppressed = 0;
    double *durations = calloc((size_t)argc, sizeof *durations);
    for (int a = 2; a < argc; a++) {
        json_error_t e;
        json_t *r = json_load_file(argv[a], 0, &e);
        if (!r) /* changed since it was checked */
            return fail(argv[a], e.text);
        json_t *sum = json_object_get(r, "summary");
        const char *input = json_string_value(json_object_get(r, "input"));
        json_t *many = json_object_get(r, "inputs");
        if (json_is_array(many))
            json_array_extend(inputs, many);
        else
            json_array_append_new(inputs, json_string(input));
        packets += num(r, "packets");
        json_t *ov = json_object_get(r, "state_overflow");
        if (json_is_object(ov)) {
            if (!overflow)
                overflow = json_object();
            const char *ok;
            json_t *ovv;
            json_object_foreach (ov, ok, ovv)
                add_num(overflow, ok, ov);
        }
        durations[a - 2] = json_number_value(json_object_get(r, "duration"));
        suppressed += num(sum, "suppressed");
        const char *k;
        json_t *v;
        json_object_foreach (json_object_get(sum, "rules"), k, v)
            add_num(rules, k, json_object_get(sum, "rules"));
        json_object_foreach (json_object_get(sum, "severities"), k, v)
            add_num(sev, k, json_object_get(sum, "severities"));
        json_t *sm = json_object_get(sum, "migrations");
        json_object_foreach (sm, k, v)
            if (json_is_integer(v))
                add_num(msum, k, sm);
        size_t i;
        /* Frames are the job's own: each finding and migration names it. */
        json_array_foreach (json_object_get(r, "violations"), i, v) {
            json_t *x = json_deep_copy(v);
            if (!json_object_get(x, "file")) {
                json_object_set_new(x, "file", json_string(input));
                json_object_set(x, "file_frame", json_object_get(x, "frame"));
            }
            json_array_append_new(viol, x);
        }
        json_array_foreach (json_object_get(r, "migrations"), i, v) {
            json_t *x = json_deep_copy(v);
            json_object_set_new(x, "file", json_string(input));
            json_array_append_new(migs, x);
        }
        json_array_foreach (json_object_get(r, "nat_chains"), i, v)
            json_array_append(chains, v);
        /* Coverage per node: what each job judged of it, summed. */
        json_array_foreach (json_object_get(r, "coverage"), i, v) {
            const char *node = json_string_value(json_object_get(v, "node"));
            char key[160];
            snprintf(key, sizeof key, "%s %s", json_string_value(json_object_get(v, "role")), node ? node : "-");
            json_t *c = json_object_get(cov, key);
            if (!c) {
                c = json_deep_copy(v);
                json_object_set_new(c, "judged", json_integer(0));
                json_object_set_new(c, "not_judged", json_integer(0));
                json_object_set_new(c, "texts", json_array());
                json_object_set_new(cov, key, c);
            }
            add_num(c, "judged", v);
            add_num(c, "not_judged", v);
            json_array_append(json_object_get(c, "texts"), json_object_get(v, "text"));
        }
        json_decref(r);
    }
    json_t *out = json_object();
    json_object_set_new(out, "tool", json_string("mops-report"));
    json_object_set_new(out, "version", json_string(MOPS_VERSION_STRING));
    char what[64];
    snprintf(what, sizeof what, "%d reports merged", argc - 2);
    json_object_set_new(out, "input", json_string(what));
    json_object_set_new(out, "inputs", sorted(inputs));
    json_object_set_new(out, "packets", json_integer(packets));
    if (overflow)
        json_object_set_new(out, "state_overflow", overflow);
    /* Summed in one order, so that the sum does not depend on theirs. */
    qsort(durations, (size_t)(argc - 2), sizeof *durations, by_double);
    double duration = 0;
    for (int a = 0; a < argc - 2; a++)
        duration += durations[a];
    free(durations);
    json_object_set_new(out, "duration", json_real(duration));
    migs = sorted(migs);
    json_object_set_new(msum, "latency", latency(migs));
    json_t *summary = json_object();
    json_object_set_new(summary, "rules", sorted_keys(rules));
    json_object_set_new(summary, "severities", sev);
    json_object_set_new(summary, "suppressed", json_integer(suppressed));
    json_object_set_new(summary, "migrations", msum);
    json_object_set_new(out, "summary", summary);
    json_object_set_new(out, "violations", sorted(viol));
    json_object_set_new(out, "migrations", migs);
    json_object_set_new(out, "nat_chains", sorted(chains));
    json_t *covs = json_array();
    const char *k;
    json_t *v;
    json_object_foreach (cov, k, v) {
        /* Each job's text of the node, distinct, in canonical order. */
        json_t *texts = sorted(json_incref(json_object_get(v, "texts"))), *t;
        size_t len = 1, i;
        json_array_foreach (texts, i, t)
            len += strlen(json_string_value(t)) + 2;
        char *all = calloc(1, len), *at = all;
        const char *prev = NULL;
        json_array_foreach (texts, i, t) {
            const char *one = json_string_value(t);
            if (prev && strcmp(prev, one) == 0)
                continue;
            at += sprintf(at, "%s%s", prev ? "; " : "", one);
            prev = one;
        }
        json_object_set_new(v, "text", json_string(all));
        free(all);
        json_decref(texts);
        json_object_del(v, "texts");
        json_array_append(covs, v);
    }
    json_object_set_new(out, "coverage", sorted(covs));
    json_decref(cov);
    if (json_dumpf(out, stdout, JSON_INDENT(2)) < 0 || fputc('\n', stdout) == EOF || fflush(stdout) != 0)
        return fail("standard output", "cannot write");
    json_decref(out);
    return 0;
}
