/* The report as JUnit XML, the form CI systems show in their own pages
 * (GitLab's and Jenkins' reader: testsuites > testsuite > testcase, with
 * failure, skipped, system-out). One test suite per capture; a test case
 * per node the validator judged and rule family (the rule id's first word:
 * MIG, NAT, MC, RSRC, DNAT, ANYCAST; a packet's own problems in one case,
 * "packets"); a failure per error finding, with expected and actual and
 * the frame; warnings and notes in the case's output; a node with nothing
 * judged is skipped, with the coverage's reason. */
#include <stdlib.h>
#include <string.h>

#include "mops/report/report.h"

#include "internal.h"

/* The families a role's shadow judges: its test cases even when clean. */
static const char *const server_families[] = {"MIG", "MC", "RSRC", NULL};
static const char *const nat_families[] = {"NAT", NULL};
static const char *const mobile_families[] = {"MIG", NULL};
static const char *const lara_families[] = {"LARA", NULL};

static const char *const *families_of(const char *role)
{
    return !strcmp(role, "server")   ? server_families
           : !strcmp(role, "nat")    ? nat_families
           : !strcmp(role, "mobile") ? mobile_families
           : !strcmp(role, "lara")   ? lara_families
                                     : NULL;
}

struct tcase {
    char role[12], node[24], family[16];
    const char *skipped; /* the coverage's text when nothing was judged */
    unsigned failures, others;
};

static void family_of(char *out, size_t n, const char *rule, const char *role)
{
    if (!strcmp(role, "packet")) {
        snprintf(out, n, "packets");
        return;
    }
    snprintf(out, n, "%s", rule);
    char *d = strchr(out, '-');
    if (d)
        *d = 0;
}

/* Whether finding x goes in test case t (its node and family). */
static bool belongs(const json_t *x, const struct tcase *t)
{
    char fam[16];
    const char *role = r_str(x, "role", "packet");
    family_of(fam, sizeof fam, r_str(x, "rule", "?"), role);
    return !strcmp(role, t->role) && !strcmp(r_str(x, "node", ""), t->node) && !strcmp(fam, t->family);
}

static struct tcase *find(struct tcase *c, size_t n, const char *role, const char *node, const char *family)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(c[i].role, role) && !strcmp(c[i].node, node) && !strcmp(c[i].family, family))
            return &c[i];
    return NULL;
}

static struct tcase *add(struct tcase *c, size_t *n, const char *role, const char *node, const char *family)
{
    struct tcase *x = find(c, *n, role, node, family);
    if (x)
        return x;
    x = &c[(*n)++];
    memset(x, 0, sizeof *x);
    snprintf(x->role, sizeof x->role, "%s", role);
    snprintf(x->node, sizeof x->node, "%s", node);
    snprintf(x->family, sizeof x->family, "%s", family);
    return x;
}

static void finding_text(FILE *f, const json_t *v, const char *input)
{
    const char *msg = r_str(v, "message", ""), *exp = r_str(v, "expected", NULL);
    r_printf(f, "%s (%s, %s)\n", r_str(v, "rule", "?"), r_str(v, "severity", "?"), r_str(v, "spec", ""));
    if (!exp || !strstr(msg, exp))
        r_printf(f, "%s\n", msg);
    if (exp)
        r_printf(f, "expected: %s\nactual: %s\n", r_str(v, "expected", ""), r_str(v, "actual", ""));
    if (r_str(v, "flow", NULL))
        r_printf(f, "flow: %s\n", r_str(v, "flow", ""));
    r_printf(f, "frame %lld at %s: wireshark -r %s -Y \"frame.number == %lld\"\n", r_int(v, "frame", 0),
             r_str(v, "time", ""), r_str(v, "file", input), r_int(v, "file_frame", r_int(v, "frame", 0)));
}

int mops_report_junit(FILE *f, const json_t *r)
{
    const json_t *cov = json_object_get(r, "coverage"), *v = json_object_get(r, "violations");
    const char *input = r_str(r, "input", "capture");
    size_t cap = 3 * json_array_size(cov) + json_array_size(v) + 1, n = 0, i;
    struct tcase *c = calloc(cap, sizeof *c);
    if (!c)
        return -1;
    const json_t *x;
    json_array_foreach (cov, i, x) {
        const char *role = r_str(x, "role", "validator"), *node = r_str(x, "node", "");
        const char *const *fam = families_of(role);
        for (; fam && *fam; fam++) {
            struct tcase *t = add(c, &n, role, node ? node : "", *fam);
            if (!r_int(x, "judged", 0))
                t->skipped = r_str(x, "text", "nothing judged");
        }
    }
    json_array_foreach (v, i, x) {
        char fam[16];
        const char *role = r_str(x, "role", "packet");
        family_of(fam, sizeof fam, r_str(x, "rule", "?"), role);
        struct tcase *t = add(c, &n, role, r_str(x, "node", ""), fam);
        t->skipped = NULL; /* a finding was judged on it */
        if (!strcmp(r_str(x, "severity", ""), "error"))
            t->failures++;
        else
            t->others++;
    }
    size_t failures = 0, skipped = 0;
    for (size_t k = 0; k < n; k++) {
        failures += c[k].failures;
        skipped += c[k].skipped != NULL;
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    r_printf(f,
             "<testsuites name=\"mops validation\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" "
             "time=\"%.3f\">\n",
             n, failures, skipped, r_num(r, "duration", 0));
    r_printf(f, "  <testsuite name=\"%s\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" time=\"%.3f\">\n",
             input, n, failures, skipped, r_num(r, "duration", 0));
    r_printf(f,
             "    <properties><property name=\"packets\" value=\"%lld\"/><property name=\"tool\" value=\"%s %s\"/>"
             "</properties>\n",
             r_int(r, "packets", 0), r_str(r, "tool", ""), r_str(r, "version", ""));
    for (size_t k = 0; k < n; k++) {
        struct tcase *t = &c[k];
        /* Jenkins splits a classname at its dots: the role alone. */
        /* LARA's coverage is of the capture's nodes together (coverage.c). */
        r_printf(f, "    <testcase classname=\"%s\" name=\"%s %s\" time=\"0\"", t->role,
                 t->node[0]                 ? t->node
                 : !strcmp(t->role, "lara") ? "every node"
                                            : "(node unknown)",
                 t->family);
        if (!t->failures && !t->others && !t->skipped) {
            fputs("/>\n", f);
            continue;
        }
        fputs(">\n", f);
        if (t->skipped)
            r_printf(f, "      <skipped message=\"not judged: %s\"/>\n", t->skipped);
        json_array_foreach (v, i, x) {
            if (!belongs(x, t) || strcmp(r_str(x, "severity", ""), "error"))
                continue;
            r_printf(f, "      <failure type=\"%s\" message=\"frame %lld: %s\">", r_str(x, "rule", "?"),
                     r_int(x, "frame", 0), r_str(x, "message", ""));
            finding_text(f, x, input);
            fputs("</failure>\n", f);
        }
        if (t->others) {
            fputs("      <system-out>", f);
            json_array_foreach (v, i, x)
                if (belongs(x, t) && strcmp(r_str(x, "severity", ""), "error"))
                    finding_text(f, x, input);
            fputs("</system-out>\n", f);
        }
        fputs("    </testcase>\n", f);
    }
    fputs("  </testsuite>\n</testsuites>\n", f);
    free(c);
    fflush(f);
    return ferror(f) ? -1 : 0;
}
