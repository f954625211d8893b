/* The validation report as one self-contained HTML page: no network, no
 * external script or font; inline CSS, inline SVG, a few lines of script to
 * sort and filter the findings (docs/validator-report.md). Colours from the
 * Okabe-Ito palette, and every severity has its glyph and word as well. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mops/report/report.h"
#include "mops/validate/validate.h"

#include "internal.h"

static const char css[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:#1b1b1b;"
    "margin:0 auto;max-width:1200px;padding:0 18px 40px}"
    "h1{font-size:22px;margin:18px 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ccc}"
    "h3{font-size:15px;margin:18px 0 4px}code,.mono{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;"
    "font-size:12.5px}"
    "nav a{margin-right:14px}table{border-collapse:collapse;margin:6px 0}th,td{border:1px solid #d4d4d4;"
    "padding:3px 7px;text-align:left;vertical-align:top}th{background:#f2f2f2}"
    "th.sort{cursor:pointer}th.sort:after{content:' \\2195';color:#888}"
    ".verdict{font-size:16px;font-weight:600;padding:8px 12px;border-radius:5px;display:inline-block}"
    ".verdict.ok{background:#e3f4ee;color:#00694a}.verdict.bad{background:#fbe7dc;color:#8a3200}"
    ".sev-error{color:#b34700}.sev-warning{color:#8a6100}.sev-note{color:#005a8c}"
    "td.sev{white-space:nowrap;font-weight:600}"
    ".legend dt{font-weight:600}.legend dd{margin:0 0 6px 18px}"
    ".story{margin:4px 0 8px}.nodiagram{color:#666}"
    "article.migration,figure.chain{content-visibility:auto;contain-intrinsic-size:auto 320px}"
    "svg text{font-family:'DejaVu Sans',system-ui,sans-serif;font-size:12px}"
    "svg .lifeline rect{fill:#f4f4f4;stroke:#555}svg .lifeline line{stroke:#999;stroke-dasharray:4 3}"
    "svg .lifeline .role{font-weight:600;text-anchor:middle}svg .lifeline .addr{text-anchor:middle;"
    "font-family:'DejaVu Sans Mono',monospace;font-size:11px}"
    "svg .arrow line{stroke:#222;stroke-width:1.6}svg .arrow.nat_ack line{stroke:#0072b2;stroke-dasharray:6 3}"
    "svg .arrow.reply line{stroke:#009e73}svg .arrow.resend line{stroke:#555;stroke-dasharray:2 3}"
    "svg .arrow.fault line{stroke-width:3.2}svg .arrow.sev-error line{stroke:#d55e00}"
    "svg .arrow.sev-warning line{stroke:#e69f00}svg .arrow.sev-note line{stroke:#56b4e9}"
    "svg .frame{font-weight:600}svg .time,svg .pause{fill:#555;font-size:11px}"
    "svg .glyph{font-size:16px;font-weight:700}svg .sev-error text,svg .arrow.sev-error .glyph{fill:#b34700}"
    "svg .sev-warning text,svg .arrow.sev-warning .glyph{fill:#8a6100}svg .sev-note text{fill:#005a8c}"
    "svg .note text{font-size:11.5px}svg .note rect{fill:#fff;fill-opacity:.92;stroke:currentColor;"
    "stroke-opacity:.35}svg .note.sev-error{color:#d55e00}svg .note.sev-warning{color:#e69f00}"
    "svg .note.sev-note{color:#56b4e9}"
    ".chain svg .box rect{fill:#f4f4f4;stroke:#555}.chain svg .box.mobile rect{fill:#e8f1fa}"
    ".chain svg .role{text-anchor:middle;font-weight:600;font-size:11.5px}.chain svg .addr{text-anchor:middle;"
    "font-family:'DejaVu Sans Mono',monospace;font-size:11.5px}.chain svg .link{stroke:#333;stroke-width:1.5}"
    ".chain svg .head{fill:#333}figure.chain{margin:6px 0}figcaption{font-weight:600;font-size:13px}"
    ".hint{font-weight:400;color:#555}"
    ".filters{margin:6px 0}.filters label{margin-right:12px}"
    "@media print{nav,.filters{display:none}article.migration{break-inside:avoid}body{max-width:none}}";

/* Sorting by a column (numbers as numbers) and filtering by rule, severity
 * and text: all the page needs, and nothing it loads. */
static const char script[] =
    "(function(){var t=document.getElementById('findings-table');if(!t)return;"
    "var b=t.tBodies[0],rule=document.getElementById('f-rule'),sev=document.getElementById('f-sev'),"
    "txt=document.getElementById('f-text'),shown=document.getElementById('f-shown');"
    "function apply(){var n=0;for(var i=0;i<b.rows.length;i++){var r=b.rows[i];"
    "var ok=(!rule.value||r.dataset.rule===rule.value)&&(!sev.value||r.dataset.sev===sev.value)&&"
    "(!txt.value||r.textContent.toLowerCase().indexOf(txt.value.toLowerCase())>=0);"
    "r.hidden=!ok;if(ok)n++;}shown.textContent=n;}"
    "[rule,sev,txt].forEach(function(e){e.addEventListener('input',apply);});"
    "Array.prototype.forEach.call(t.tHead.rows[0].cells,function(th,col){if(!th.classList.contains('sort'))"
    "return;th.addEventListener('click',function(){var up=th.dataset.dir!=='up';th.dataset.dir=up?'up':'down';"
    "var rows=Array.prototype.slice.call(b.rows);rows.sort(function(x,y){var p=x.cells[col].dataset.v||"
    "x.cells[col].textContent,q=y.cells[col].dataset.v||y.cells[col].textContent,a=parseFloat(p),c=parseFloat(q);"
    "var d=isNaN(a)||isNaN(c)?p.localeCompare(q):a-c;return up?d:-d;});rows.forEach(function(r){b.appendChild(r);"
    "});});});apply();})();";

static const char *sev_rank[] = {"error", "warning", "note"};

static int rank(const char *s)
{
    for (int i = 0; i < 3; i++)
        if (!strcmp(s, sev_rank[i]))
            return i;
    return 3;
}

/* Frames to what is on them, sorted: findings by frame, and the migration
 * whose story holds a frame, so that a page of thousands of migrations and
 * findings is made in n log n. */
struct ix {
    long long frame;
    size_t i;
};

static int by_frame(const void *a, const void *b)
{
    const struct ix *x = a, *y = b;
    return x->frame < y->frame ? -1 : x->frame > y->frame ? 1 : x->i < y->i ? -1 : x->i > y->i;
}

static const struct ix *first_at(const struct ix *x, size_t n, long long frame)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (x[mid].frame < frame)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && x[lo].frame == frame ? &x[lo] : NULL;
}

struct page {
    const json_t *r, *v, *migs;
    struct ix *findings, *steps; /* by frame: violation index; migration index */
    size_t n_findings, n_steps;
};

static bool page_init(struct page *p, const json_t *r)
{
    p->r = r;
    p->v = json_object_get(r, "violations");
    p->migs = json_object_get(r, "migrations");
    p->n_findings = json_array_size(p->v);
    p->n_steps = 0;
    size_t i, k;
    const json_t *x, *s;
    json_array_foreach (p->migs, i, x)
        p->n_steps += json_array_size(json_object_get(x, "story"));
    p->findings = malloc((p->n_findings + 1) * sizeof *p->findings);
    p->steps = malloc((p->n_steps + 1) * sizeof *p->steps);
    if (!p->findings || !p->steps)
        return false;
    json_array_foreach (p->v, i, x)
        p->findings[i] = (struct ix){r_int(x, "frame", 0), i};
    size_t n = 0;
    json_array_foreach (p->migs, i, x)
        json_array_foreach (json_object_get(x, "story"), k, s)
            p->steps[n++] = (struct ix){r_int(s, "frame", 0), i};
    qsort(p->findings, p->n_findings, sizeof *p->findings, by_frame);
    qsort(p->steps, p->n_steps, sizeof *p->steps, by_frame);
    return true;
}

/* The findings on the frames of a migration's story (a new array). */
static json_t *findings_of(const struct page *p, const json_t *m)
{
    json_t *out = json_array();
    size_t i;
    const json_t *s;
    json_array_foreach (json_object_get(m, "story"), i, s) {
        long long frame = r_int(s, "frame", 0);
        bool again = false; /* a frame twice in a story: its findings once */
        for (size_t k = 0; k < i && !again; k++)
            again = r_int(json_array_get(json_object_get(m, "story"), k), "frame", 0) == frame;
        for (const struct ix *x = first_at(p->findings, p->n_findings, frame);
             !again && x && x < p->findings + p->n_findings && x->frame == frame; x++)
            json_array_append(out, json_array_get(p->v, x->i));
    }
    return out;
}

static void summary(FILE *f, const json_t *r)
{
    const json_t *s = json_object_get(r, "summary"), *mig = json_object_get(s, "migrations"),
                 *sev = json_object_get(s, "severities"), *lat = json_object_get(mig, "latency");
    long long errors = r_int(sev, "error", 0), warnings = r_int(sev, "warning", 0), notes = r_int(sev, "note", 0);
    if (errors)
        r_printf(f,
                 "<p class=\"verdict bad\">\u2717 %lld error%s: a node broke a rule the draft says it must follow"
                 "</p>\n",
                 errors, errors == 1 ? "" : "s");
    else
        r_printf(f, "<p class=\"verdict ok\">\u2714 No errors%s</p>\n",
                 warnings || notes ? " (see the warnings and notes below)" : "");
    fputs("<section id=\"summary\"><h2>Summary</h2><table class=\"summary\">\n", f);
    r_printf(f, "<tr><th>Packets</th><td>%lld</td></tr><tr><th>Duration</th><td>%.3f s</td></tr>\n",
             r_int(r, "packets", 0), r_num(r, "duration", 0));
    r_printf(f, "<tr><th>Migrations</th><td>%lld requested: %lld succeeded, %lld failed, %lld unanswered</td></tr>\n",
             r_int(mig, "requested", 0), r_int(mig, "succeeded", 0), r_int(mig, "failed", 0),
             r_int(mig, "unanswered", 0));
    if (json_object_size(lat))
        r_printf(f, "<tr><th>Latency</th><td>min %.1f ms, median %.1f ms, max %.1f ms</td></tr>\n",
                 r_num(lat, "min_ms", 0), r_num(lat, "median_ms", 0), r_num(lat, "max_ms", 0));
    r_printf(f,
             "<tr><th>Findings</th><td><span class=\"sev-error\">\u2717 %lld error%s</span>, <span "
             "class=\"sev-warning\">\u25B2 %lld warning%s</span>, <span class=\"sev-note\">\u25CF %lld note%s</span>"
             "%s</td></tr>\n",
             errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s", notes, notes == 1 ? "" : "s",
             r_int(s, "suppressed", 0) ? " (more counted beyond --max-per-flow)" : "");
    fputs("</table>\n", f);
    const json_t *rules = json_object_get(s, "rules");
    if (json_object_size(rules)) {
        fputs("<h3>Findings by rule</h3><table class=\"rules\"><thead><tr><th>Rule</th><th>Severity</th>"
              "<th>Count</th><th>What it means</th><th>Cites</th></tr></thead><tbody>\n",
              f);
        const char *id;
        const json_t *n;
        json_object_foreach ((json_t *)rules, id, n) {
            int rid = mops_rule_parse(id);
            const struct mops_rule_info *ri = rid >= 0 ? mops_rule_info(rid) : NULL;
            const char *sv = ri ? mops_severity_name(ri->severity) : "note";
            r_printf(f,
                     "<tr data-rule=\"%s\"><td class=\"mono\">%s</td><td class=\"sev sev-%s\">%s %s</td><td>%lld</td>"
                     "<td>%s</td><td>%s</td></tr>\n",
                     id, id, sv, r_glyph(sv), sv, (long long)json_integer_value(n), ri ? ri->summary : "",
                     ri ? ri->spec : "");
        }
        fputs("</tbody></table>\n", f);
    }
    fputs("</section>\n", f);
}

static void legend(FILE *f)
{
    fputs("<details class=\"legend\"><summary>How to read this page</summary><dl>"
          "<dt>Migrate</dt><dd>A mobile node that changed address asks the server to move its open session "
          "(named by its <em>previous</em> address and port, as the server knew it) to its new address and port. "
          "Each NAT on the way rewrites the Migrate's source, as it does for any packet.</dd>"
          "<dt>NAT ack (NAT Acknowledgement)</dt><dd>A NAT tells the node behind it what it translated its "
          "address and port to. Level 1 comes from the nearest NAT; a NAT passes the levels it learns from "
          "NATs further out on, one level higher each time, so that the mobile node learns its whole chain.</dd>"
          "<dt>Migration Success / Failed</dt><dd>The server's reply; each NAT on the way back restores the "
          "address it had rewritten.</dd>"
          "<dt>Findings</dt><dd>The validator replays the capture through reference models of each node (server, "
          "mobile node, NAT) and reports where a node did what its model would not. <span class=\"sev-error\">"
          "\u2717 error</span>: the draft says <em>must</em>; <span class=\"sev-warning\">\u25B2 warning</span>: "
          "<em>should</em>; <span class=\"sev-note\">\u25CF note</span>: worth knowing. A finding names its "
          "frame: open it in Wireshark with <code>-Y \"frame.number == N\"</code>.</dd></dl></details>\n",
          f);
}

/* Which kept migration holds this frame in its story, or -1. */
static int migration_of(const struct page *p, long long frame)
{
    const struct ix *x = first_at(p->steps, p->n_steps, frame);
    return x ? (int)x->i : -1;
}

static void findings(FILE *f, const struct page *p, const char *input)
{
    const json_t *r = p->r, *v = p->v;
    fputs("<section id=\"findings\"><h2>Findings</h2>\n", f);
    if (!json_array_size(v)) {
        fputs("<p>None: every node the capture shows did what its model does (see the coverage for what could "
              "not be judged).</p></section>\n",
              f);
        return;
    }
    fputs("<div class=\"filters\"><label>Rule <select id=\"f-rule\"><option value=\"\">all</option>", f);
    const json_t *rules = json_object_get(json_object_get(r, "summary"), "rules");
    const char *id;
    const json_t *n;
    json_object_foreach ((json_t *)rules, id, n)
        r_printf(f, "<option>%s</option>", id);
    fputs("</select></label><label>Severity <select id=\"f-sev\"><option value=\"\">all</option><option>error"
          "</option><option>warning</option><option>note</option></select></label><label>Text <input id=\"f-text\" "
          "type=\"search\"></label> <span id=\"f-shown\"></span> shown</div>\n",
          f);
    fputs("<table id=\"findings-table\"><thead><tr><th class=\"sort\">Frame</th><th class=\"sort\">Time</th>"
          "<th class=\"sort\">Severity</th><th class=\"sort\">Rule</th><th class=\"sort\">Node</th><th>What "
          "happened</th><th>Expected</th><th>Actual</th><th>Diagram</th></tr></thead><tbody>\n",
          f);
    size_t i;
    const json_t *x;
    json_array_foreach (v, i, x) {
        const char *sev = r_str(x, "severity", "note"), *rule = r_str(x, "rule", "?");
        long long frame = r_int(x, "frame", 0);
        const char *file = r_str(x, "file", input);
        long long ff = r_int(x, "file_frame", frame);
        r_printf(
            f,
            "<tr data-rule=\"%s\" data-sev=\"%s\" id=\"f-%zu\"><td class=\"mono\" data-v=\"%lld\" title=\"wireshark "
            "-r %s -Y &quot;frame.number == %lld&quot;\">%lld</td>",
            rule, sev, i + 1, frame, file, ff, frame);
        r_printf(f,
                 "<td class=\"mono\">%s</td><td class=\"sev sev-%s\" data-v=\"%d\">%s %s</td><td class=\"mono\">%s"
                 "</td>",
                 r_str(x, "time", ""), sev, rank(sev), r_glyph(sev), sev, rule);
        r_printf(f, "<td>%s %s</td><td>%s</td><td>%s</td><td>%s</td>", r_str(x, "role", ""), r_str(x, "node", ""),
                 r_str(x, "message", ""), r_str(x, "expected", ""), r_str(x, "actual", ""));
        int m = migration_of(p, frame);
        if (m >= 0)
            r_printf(f, "<td><a href=\"#m-%d\">migration %d</a></td></tr>\n", m + 1, m + 1);
        else
            fputs("<td></td></tr>\n", f);
    }
    fputs("</tbody></table>\n<p>Open a finding's frame in Wireshark: <code>wireshark -r FILE -Y \"frame.number == N\""
          "</code> (the frame cell's tooltip has the command).</p></section>\n",
          f);
}

/* The server the migration reached: its first Migrate's destination. */
static const char *server_of(const json_t *m) { return r_str(r_story_step(m, "migrate", false), "dst", NULL); }

/* Where the session reached the server from after the move: the last hop
 * its Migrate was seen on. */
static const char *outermost(const json_t *m) { return r_str(r_story_step(m, "migrate", true), "migrated", NULL); }

static void one_migration(FILE *f, const json_t *r, const json_t *m, const json_t *v, int index)
{
    const json_t *chains = json_object_get(r, "nat_chains");
    const char *prev = r_str(m, "previous", "?"), *mig = r_str(m, "migrated", "?"), *out = outermost(m),
               *server = server_of(m), *outcome = r_str(m, "outcome", "?");
    r_printf(f,
             "<article class=\"migration\" id=\"m-%d\" data-outcome=\"%s\"><h3>Migration %d: %s \u2192 %s, "
             "%s</h3>\n",
             index, outcome, index, prev, mig, outcome);
    const json_t *before = r_chain_to(chains, prev), *after = r_chain_of(chains, mig);
    char was[64] = "";
    if (before && json_array_size(json_object_get(before, "levels")))
        snprintf(was, sizeof was, "%s:%lld", r_str(before, "mobile", "?"), r_int(before, "port", 0));
    r_printf(f, "<p class=\"story\">The mobile node, ");
    if (was[0])
        r_printf(f, "at %s before (the server saw it as %s through its NATs), ", was, prev);
    else
        r_printf(f, "known to the server as %s before, ", prev);
    r_printf(f, "moved to %s", mig);
    if (out && strcmp(out, mig))
        r_printf(f, ", which its NATs translate to %s", out);
    r_printf(f, ", and asked the server %s (port %lld) to move its session there (frame %lld). ", server ? server : "?",
             r_int(m, "server_port", 0), r_int(m, "request_frame", 0));
    if (!strcmp(outcome, "succeeded") || !strcmp(outcome, "failed"))
        r_printf(f, "The server <strong>%s</strong> the move (Migration %s, frame %lld) %.1f ms later",
                 !strcmp(outcome, "succeeded") ? "accepted" : "refused",
                 !strcmp(outcome, "succeeded") ? "Success" : "Failed", r_int(m, "reply_frame", 0),
                 r_num(m, "latency_ms", 0));
    else
        r_printf(f, "No reply reached the mobile node's link");
    long long rt = r_int(m, "retransmissions", 0);
    if (rt)
        r_printf(f, ", after %lld resend%s", rt, rt == 1 ? "" : "s");
    fputs(".</p>\n", f);
    r_sequence(f, m, v, index);
    if (before && json_array_size(json_object_get(before, "levels")))
        r_chain(f, before, "NAT chain before the move");
    if (after && json_array_size(json_object_get(after, "levels")))
        r_chain(f, after, "NAT chain after the move");
    if (json_object_get(m, "story_dropped"))
        r_printf(f, "<p class=\"nodiagram\">%lld more steps not kept.</p>\n", r_int(m, "story_dropped", 0));
    fputs("</article>\n", f);
}

static void migrations(FILE *f, const struct page *p)
{
    const json_t *r = p->r, *migs = p->migs;
    size_t n = json_array_size(migs);
    long long requested = r_int(json_object_get(json_object_get(r, "summary"), "migrations"), "requested", 0);
    fputs("<section id=\"migrations\"><h2>Migrations</h2>\n", f);
    if (!n) {
        fputs("<p>No migration was seen from a mobile node's own link.</p></section>\n", f);
        return;
    }
    /* Each migration's findings, once; every migration with one is drawn,
     * then the others in order up to the page's bound. */
    json_t **own = calloc(n, sizeof *own);
    if (!own)
        return;
    size_t with = 0, drawn = 0, i;
    const json_t *m;
    json_array_foreach (migs, i, m)
        with += json_array_size(own[i] = findings_of(p, m)) > 0;
    size_t room = with >= MOPS_HTML_DIAGRAMS ? 0 : MOPS_HTML_DIAGRAMS - with;
    if ((long long)n < requested)
        r_printf(f, "<p>The report keeps the last %zu of %lld migrations.</p>\n", n, requested);
    /* A long table is laid out only when opened (thousands of rows took
     * Chromium seconds). */
    r_printf(f, "<details class=\"all-migrations\"%s><summary>All %zu migrations kept, as a table</summary>\n",
             n <= MOPS_HTML_DIAGRAMS ? " open" : "", n);
    fputs("<table class=\"migrations\"><thead><tr><th>#</th><th>Request</th><th>Previous</th><th>Migrated</th>"
          "<th>Outcome</th><th>Latency</th><th>Resends</th></tr></thead><tbody>\n",
          f);
    /* Drawn: every migration with a finding, then the others in order up
     * to the page's bound; the rest are rows of the table only. */
    bool *draw = calloc(n, sizeof *draw);
    size_t others = 0;
    json_array_foreach (migs, i, m) {
        draw[i] = draw && (json_array_size(own[i]) || others++ < room);
        drawn += draw && draw[i];
    }
    json_array_foreach (migs, i, m) {
        if (draw && draw[i])
            r_printf(f, "<tr><td><a href=\"#m-%zu\">%zu</a></td>", i + 1, i + 1);
        else
            r_printf(f, "<tr><td>%zu</td>", i + 1);
        r_printf(f,
                 "<td class=\"mono\">%lld</td><td class=\"mono\">%s</td><td "
                 "class=\"mono\">%s</td><td>%s%s</td>",
                 r_int(m, "request_frame", 0), r_str(m, "previous", ""), r_str(m, "migrated", ""),
                 json_array_size(own[i]) ? "\u2717 " : "", r_str(m, "outcome", "?"));
        if (json_is_number(json_object_get(m, "latency_ms")))
            r_printf(f, "<td>%.1f ms</td>", r_num(m, "latency_ms", 0));
        else
            fputs("<td></td>", f);
        r_printf(f, "<td>%lld</td></tr>\n", r_int(m, "retransmissions", 0));
    }
    fputs("</tbody></table></details>\n", f);
    if (drawn < n)
        r_printf(f,
                 "<p>%zu of %zu migrations drawn: every migration with a finding, then the first %zu others; the "
                 "table lists them all.</p>\n",
                 drawn, n, room);
    json_array_foreach (migs, i, m) {
        if (draw && draw[i])
            one_migration(f, r, m, own[i], (int)i + 1);
        json_decref(own[i]);
    }
    free(draw);
    free(own);
    fputs("</section>\n", f);
}

static void chains(FILE *f, const json_t *r)
{
    const json_t *c = json_object_get(r, "nat_chains");
    fputs("<section id=\"chains\"><h2>NAT chains</h2>\n", f);
    if (!json_array_size(c)) {
        fputs("<p>No NAT acknowledgement was seen: no mobile node learned a chain.</p></section>\n", f);
        return;
    }
    fputs("<p>What each mobile node learned from NAT acks: its own address and port, then what each NAT level "
          "translates it to, inside out (MOPS \u00a74.3).</p>\n",
          f);
    size_t i, shown = 0;
    const json_t *x;
    json_array_foreach (c, i, x) {
        if (shown++ == MOPS_HTML_DIAGRAMS)
            break;
        char t[80];
        snprintf(t, sizeof t, "Mobile node %s, port %lld", r_str(x, "mobile", "?"), r_int(x, "port", 0));
        r_chain(f, x, t);
    }
    if (json_array_size(c) > MOPS_HTML_DIAGRAMS)
        r_printf(f, "<p>%d of %zu chains drawn.</p>\n", MOPS_HTML_DIAGRAMS, json_array_size(c));
    fputs("</section>\n", f);
}

static void coverage(FILE *f, const json_t *r)
{
    fputs("<section id=\"coverage\"><h2>Coverage: what was judged, and what not</h2>\n<table class=\"coverage\">"
          "<thead><tr><th>Role</th><th>Node</th><th>Judged</th><th>Not judged</th><th>Why</th></tr></thead><tbody>\n",
          f);
    size_t i;
    const json_t *c;
    json_array_foreach (json_object_get(r, "coverage"), i, c)
        r_printf(f, "<tr><td>%s</td><td class=\"mono\">%s</td><td>%lld</td><td>%lld</td><td>%s</td></tr>\n",
                 r_str(c, "role", ""), r_str(c, "node", ""), r_int(c, "judged", 0), r_int(c, "not_judged", 0),
                 r_str(c, "text", ""));
    fputs("</tbody></table>\n", f);
    const json_t *o = json_object_get(r, "state_overflow");
    const char *k;
    const json_t *n;
    bool any = false;
    json_object_foreach ((json_t *)o, k, n)
        any |= json_is_integer(n) && json_integer_value(n) > 0;
    if (any) {
        fputs("<p>Retired early to stay within the validator's memory (what they would have let it judge was not "
              "judged):",
              f);
        json_object_foreach ((json_t *)o, k, n)
            if (json_is_integer(n) && json_integer_value(n) > 0)
                r_printf(f, " %s %lld;", k, (long long)json_integer_value(n));
        fputs("</p>\n", f);
    }
    fputs("</section>\n", f);
}

int mops_report_html(FILE *f, const json_t *r)
{
    const char *input = r_str(r, "input", "capture");
    r_printf(f,
             "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
             "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
             "script-src 'unsafe-inline'; img-src data:\">"
             "<title>MOPS validation: %s</title>",
             input);
    fprintf(f, "<style>%s</style></head><body>\n", css);
    r_printf(f,
             "<header><h1>MOPS validation of <code>%s</code></h1><p>%s %s, replaying the capture through the "
             "reference models of each node.</p></header>\n",
             input, r_str(r, "tool", "mopsdump"), r_str(r, "version", ""));
    fputs("<nav><a href=\"#summary\">Summary</a><a href=\"#findings\">Findings</a><a href=\"#migrations\">"
          "Migrations</a><a href=\"#chains\">NAT chains</a><a href=\"#coverage\">Coverage</a></nav>\n",
          f);
    struct page p;
    if (!page_init(&p, r)) {
        free(p.findings);
        free(p.steps);
        errno = ENOMEM;
        return -1;
    }
    summary(f, r);
    legend(f);
    findings(f, &p, input);
    migrations(f, &p);
    free(p.findings);
    free(p.steps);
    chains(f, r);
    coverage(f, r);
    fprintf(f, "<script>%s</script>\n</body></html>\n", script);
    fflush(f);
    return ferror(f) ? -1 : 0;
}
