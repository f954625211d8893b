/* Text into markup: every string of the report is escaped on its way out,
 * since captures come from strangers and their fields end up in messages. */
#include <stdarg.h>
#include <string.h>

#include "internal.h"

void r_esc(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
            case '&': fputs("&amp;", f); break;
            case '<': fputs("&lt;", f); break;
            case '>': fputs("&gt;", f); break;
            case '"': fputs("&quot;", f); break;
            case '\'': fputs("&#39;", f); break;
            default:
                if (c >= 0x20 || c == '\t' || c == '\n')
                    fputc(c, f);
        }
    }
}

void r_printf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char spec[32];
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            fputc(*p, f);
            continue;
        }
        /* One conversion: flags, width, precision, length, then the letter. */
        size_t n = strspn(p + 1, "-+ #0123456789.lhjzt");
        char conv = p[1 + n];
        if (n + 3 > sizeof spec || !conv)
            break;
        memcpy(spec, p, n + 2);
        spec[n + 2] = 0;
        switch (conv) {
            case 's': r_esc(f, va_arg(ap, const char *)); break;
            case '%': fputc('%', f); break;
            case 'f':
            case 'g':
            case 'e': fprintf(f, spec, va_arg(ap, double)); break;
            case 'c': fputc(va_arg(ap, int), f); break;
            default:
                if (strstr(spec, "ll"))
                    fprintf(f, spec, va_arg(ap, long long));
                else if (strchr(spec, 'l') || strchr(spec, 'z'))
                    fprintf(f, spec, va_arg(ap, long));
                else
                    fprintf(f, spec, va_arg(ap, int));
        }
        p += n + 1;
    }
    va_end(ap);
}

const char *r_str(const json_t *o, const char *key, const char *def)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : def;
}

long long r_int(const json_t *o, const char *key, long long def)
{
    const json_t *v = json_object_get(o, key);
    return json_is_integer(v) ? (long long)json_integer_value(v) : def;
}

double r_num(const json_t *o, const char *key, double def)
{
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : def;
}

const char *r_glyph(const char *severity)
{
    return !strcmp(severity, "error") ? "\u2717" : !strcmp(severity, "warning") ? "\u25B2" : "\u25CF";
}
