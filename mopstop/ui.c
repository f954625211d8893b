/* mopstop's curses screen (see ui.h). It draws at most once per interval
 * (or at a key), erasing and redrawing into curses' buffer and updating the
 * terminal once, so nothing flickers; the capture runs in its own thread. */
#include "mops/capture/sandbox.h"
#include "ui.h"

#include <curses.h>
#include <locale.h>
#include <string.h>
#include <time.h>

#include "mops/core/timers.h"

#include "view.h"

#define MIN_COLS 80
#define MIN_LINES 12

struct ui {
    enum mt_pane pane;
    enum mt_sort sort;
    int sel[MT_PANE_COUNT], top[MT_PANE_COUNT];
    bool detail, help, frozen, paused;
    char filter[64];
    bool editing;
    char edit[64];
    /* Frozen order: the keys as they were when `o` was pressed. */
    char order[MT_MAX_ROWS][64];
    unsigned n_order;
};

static struct mt_rows rows;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t wall_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (uint64_t)t.tv_sec * MOPS_NS_PER_SEC + (uint64_t)t.tv_nsec;
}

static int order_of(const struct ui *u, const char *key)
{
    for (unsigned i = 0; i < u->n_order; i++)
        if (strcmp(u->order[i], key) == 0)
            return (int)i;
    return MT_MAX_ROWS;
}

/* Frozen: rows keep the order they had; rows that came since go last. */
static void apply_freeze(const struct ui *u, struct mt_rows *r)
{
    if (!u->frozen)
        return;
    for (unsigned i = 1; i < r->n; i++)
        for (unsigned j = i; j > 0 && order_of(u, r->detail_key[j - 1]) > order_of(u, r->detail_key[j]); j--) {
            static char tl[MT_LINE], tk[64];
            memcpy(tl, r->line[j], MT_LINE);
            memcpy(r->line[j], r->line[j - 1], MT_LINE);
            memcpy(r->line[j - 1], tl, MT_LINE);
            memcpy(tk, r->detail_key[j], 64);
            memcpy(r->detail_key[j], r->detail_key[j - 1], 64);
            memcpy(r->detail_key[j - 1], tk, 64);
        }
}

static void line_at(int y, const char *s, int attr)
{
    attron(attr);
    mvaddnstr(y, 0, s, COLS);
    attroff(attr);
}

static void draw_help(void)
{
    static const char *const lines[] = {
        "mopstop keys",
        "",
        "  q            quit",
        "  p            pause / resume the capture",
        "  Tab, 1-4     Migrations, NAT chains, Sessions, Violations",
        "  Up, Down     select a row;  PgUp, PgDn  a page",
        "  Enter        detail of the selected row (Enter or Esc to close)",
        "  s            cycle the sort: time, state, latency",
        "  /            filter rows by address (empty: all)",
        "  o            freeze the row order / let it follow the sort",
        "  h            this help (any key closes it)",
    };
    int h = (int)(sizeof lines / sizeof lines[0]) + 2, w = 66;
    int y0 = (LINES - h) / 2, x0 = (COLS - w) / 2;
    for (int y = 0; y < h; y++) {
        move(y0 + y, x0);
        for (int x = 0; x < w; x++)
            addch(' ' | A_REVERSE);
    }
    attron(A_REVERSE);
    for (int i = 0; i < h - 2; i++)
        mvaddnstr(y0 + 1 + i, x0 + 2, lines[i], w - 4);
    attroff(A_REVERSE);
}

static void draw(struct mt_state *st, struct ui *u)
{
    erase();
    if (COLS < MIN_COLS || LINES < MIN_LINES) {
        char msg[128];
        snprintf(msg, sizeof msg, "terminal too small (%d x %d): mopstop needs %d x %d", COLS, LINES, MIN_COLS,
                 MIN_LINES);
        mvaddnstr(LINES / 2, 0, msg, COLS);
        refresh();
        return;
    }
    char h[3][MT_LINE];
    pthread_mutex_lock(&st->lock);
    mt_view_header(st, h, (unsigned)COLS);
    mt_view_rows(st, u->pane, u->filter, u->sort, (unsigned)COLS, &rows);
    apply_freeze(u, &rows);
    static char detail[64][MT_LINE];
    unsigned n_detail = 0;
    if (u->detail && u->sel[u->pane] < (int)rows.n)
        n_detail = mt_view_detail(st, u->pane, rows.detail_key[u->sel[u->pane]], detail, 64);
    pthread_mutex_unlock(&st->lock);
    for (int i = 0; i < 3; i++)
        line_at(i, h[i], i == 0 ? A_BOLD : 0);
    /* The pane tabs. */
    move(3, 0);
    for (int p = 0; p < MT_PANE_COUNT; p++) {
        char tab[48];
        snprintf(tab, sizeof tab, " %d %s ", p + 1, mt_pane_title((enum mt_pane)p));
        attron(p == (int)u->pane ? A_REVERSE : 0);
        addstr(tab);
        attroff(A_REVERSE);
        addstr(" ");
    }
    line_at(4, mt_pane_heading(u->pane, (unsigned)COLS), A_UNDERLINE);
    int body = LINES - 6;
    int *sel = &u->sel[u->pane], *top = &u->top[u->pane];
    if (*sel >= (int)rows.n)
        *sel = rows.n ? (int)rows.n - 1 : 0;
    if (*sel < *top)
        *top = *sel;
    if (*sel >= *top + body)
        *top = *sel - body + 1;
    if (u->detail) {
        for (unsigned i = 0; i < n_detail && (int)i < body; i++)
            line_at(5 + (int)i, detail[i], i == 0 ? A_BOLD : 0);
        if (!n_detail)
            line_at(5, "(nothing selected)", 0);
    } else {
        for (int i = 0; i < body && *top + i < (int)rows.n; i++)
            line_at(5 + i, rows.line[*top + i], *top + i == *sel ? A_REVERSE : 0);
        if (!rows.n)
            line_at(5, u->filter[0] ? "(no rows match the filter)" : "(nothing yet)", A_DIM);
    }
    char status[MT_LINE];
    if (u->editing)
        snprintf(status, sizeof status, "filter: %s_   (Enter to apply, Esc to cancel)", u->edit);
    else
        snprintf(status, sizeof status, "%u rows  sort: %s%s%s%s%s  |  h help  q quit", rows.n, mt_sort_name(u->sort),
                 u->frozen ? "  [order frozen]" : "", u->paused ? "  [paused]" : "", u->filter[0] ? "  filter: " : "",
                 u->filter);
    line_at(LINES - 1, status, A_REVERSE);
    if (u->help)
        draw_help();
    refresh();
}

static void freeze(struct mt_state *st, struct ui *u)
{
    u->frozen = !u->frozen;
    if (!u->frozen)
        return;
    pthread_mutex_lock(&st->lock);
    mt_view_rows(st, u->pane, u->filter, u->sort, (unsigned)COLS, &rows);
    pthread_mutex_unlock(&st->lock);
    u->n_order = rows.n;
    for (unsigned i = 0; i < rows.n; i++)
        memcpy(u->order[i], rows.detail_key[i], 64);
}

/* A key; false to quit. */
static bool key(struct mt_state *st, struct mt_source *src, struct ui *u, int ch)
{
    if (u->editing) {
        size_t n = strlen(u->edit);
        if (ch == '\n' || ch == KEY_ENTER) {
            snprintf(u->filter, sizeof u->filter, "%s", u->edit);
            u->editing = false;
            u->sel[u->pane] = u->top[u->pane] = 0;
        } else if (ch == 27) {
            u->editing = false;
        } else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n) {
            u->edit[n - 1] = 0;
        } else if (ch >= 32 && ch < 127 && n + 1 < sizeof u->edit) {
            u->edit[n] = (char)ch;
            u->edit[n + 1] = 0;
        }
        return true;
    }
    if (u->help) {
        u->help = false;
        return ch != 'q';
    }
    int page = LINES - 6 > 1 ? LINES - 6 : 1;
    switch (ch) {
        case 'q': return false;
        case 'p':
            u->paused = !u->paused;
            src->paused = u->paused;
            break;
        case '\t':
            u->pane = (enum mt_pane)((u->pane + 1) % MT_PANE_COUNT);
            u->detail = false;
            break;
        case KEY_BTAB:
            u->pane = (enum mt_pane)((u->pane + MT_PANE_COUNT - 1) % MT_PANE_COUNT);
            u->detail = false;
            break;
        case '1':
        case '2':
        case '3':
        case '4':
            u->pane = (enum mt_pane)(ch - '1');
            u->detail = false;
            break;
        case KEY_UP:
            if (u->sel[u->pane] > 0)
                u->sel[u->pane]--;
            break;
        case KEY_DOWN: u->sel[u->pane]++; break;
        case KEY_PPAGE: u->sel[u->pane] = u->sel[u->pane] > page ? u->sel[u->pane] - page : 0; break;
        case KEY_NPAGE: u->sel[u->pane] += page; break;
        case KEY_HOME: u->sel[u->pane] = 0; break;
        case '\n':
        case KEY_ENTER: u->detail = !u->detail; break;
        case 27: u->detail = false; break;
        case 's': u->sort = (enum mt_sort)((u->sort + 1) % MT_SORT_COUNT); break;
        case '/':
            u->editing = true;
            snprintf(u->edit, sizeof u->edit, "%s", u->filter);
            break;
        case 'o': freeze(st, u); break;
        case 'h':
        case '?': u->help = true; break;
        default: break;
    }
    return true;
}

int mt_ui_run(struct mt_state *st, struct mt_source *src, double interval, bool sandbox)
{
    setlocale(LC_ALL, "");
    if (!initscr())
        return 2;
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
    timeout(100);
    /* curses has read its terminfo: nothing needs opening from here on. */
    char err[256];
    if (sandbox && mops_sandbox_enter(&(struct mops_sandbox_opts){.dir_fd = -1, .terminal = true}, err) < 0) {
        endwin();
        fprintf(stderr, "mopstop: %s\n", err);
        return 2;
    }
    static struct ui u;
    double next = 0;
    bool dirty = true;
    for (;;) {
        double t = now_s();
        if (dirty || t >= next) {
            pthread_mutex_lock(&st->lock);
            mt_state_tick(st, src->live ? wall_ns() : st->now_ns);
            pthread_mutex_unlock(&st->lock);
            draw(st, &u);
            next = t + interval;
            dirty = false;
        }
        int ch = getch();
        if (ch == ERR)
            continue;
        if (ch == KEY_RESIZE) {
            dirty = true;
            continue;
        }
        if (!key(st, src, &u, ch))
            break;
        dirty = true;
    }
    endwin();
    return 0;
}
