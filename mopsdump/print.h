/* Printing decoded frames: text (print_text.c), JSON (print_json.c), hex. */
#ifndef MOPSDUMP_PRINT_H
#define MOPSDUMP_PRINT_H

#include <stdio.h>

#include "mops/capture/capture.h"
#include "mops/decode/decode.h"
#include "mops/track/migrate.h"

#include "options.h"
#include "sbuf.h"
#include "timefmt.h"

struct md_printer {
    const struct md_opts *o;
    struct md_clock clock;
    struct sbuf sb;
    FILE *out;
    const struct mops_cap *cap; /* for each interface's timestamp precision */
};

/* Builds the frame's text (and hex) into p->sb. */
void md_format_text(struct md_printer *p, uint64_t n, const struct mops_frame *f, const struct mops_packet *pkt,
                    const struct mops_track_result *tr);
/* Appends n octets of a capture's own text (a comment), control octets
 * escaped. */
void md_text_escaped(struct sbuf *sb, const char *s, size_t n);
/* Builds the frame's JSON object (one line) into p->sb. */
void md_format_json(struct md_printer *p, uint64_t n, const struct mops_frame *f, const struct mops_packet *pkt,
                    const struct mops_track_result *tr);
/* tcpdump's -x / -X block: hex (and ASCII) of len octets. */
/* aa:bb:cc:dd:ee:ff, as both printers write a MAC address. */
#define MD_MAC_STRLEN 18
char *md_mac_format(const uint8_t m[6], char buf[MD_MAC_STRLEN]);
void md_format_hex(struct sbuf *sb, const uint8_t *data, uint32_t len, int ascii);

#endif
