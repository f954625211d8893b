/* Writing captures: pcap (through libpcap) or pcapng, to a file or stdout. */
#ifndef MOPS_DUMP_H
#define MOPS_DUMP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mops/capture/capture.h"

enum mops_dump_format { MOPS_DUMP_PCAP, MOPS_DUMP_PCAPNG };

struct mops_dump;

/* Opens path ("-" for stdout) for frames of the given interfaces (pcap holds
 * exactly one link type). Returns 0, or -1 with err set. */
int mops_dump_open(const char *path, enum mops_dump_format fmt, const struct mops_cap_iface *ifaces, unsigned n_ifaces,
                   struct mops_dump **out, char err[MOPS_CAP_ERRLEN]);
/* The same, a pcapng section with comment (shb_comment; NULL or "" for
 * none): what -w keeps of its source. Frames keep their comments and
 * interfaces their names and descriptions (pcapng) either way. */
int mops_dump_open_section(const char *path, enum mops_dump_format fmt, const struct mops_cap_iface *ifaces,
                           unsigned n_ifaces, const char *comment, struct mops_dump **out, char err[MOPS_CAP_ERRLEN]);
/* The same on a file opened already (fp, closed by mops_dump_close; the
 * sandbox's files: mops/capture/sandbox.h), path only for messages. */
int mops_dump_open_fp(FILE *fp, const char *path, enum mops_dump_format fmt, const struct mops_cap_iface *ifaces,
                      unsigned n_ifaces, const char *comment, struct mops_dump **out, char err[MOPS_CAP_ERRLEN]);
/* Adds an interface (pcapng; a pcap must keep its one link type). Returns
 * its id, or -1 with the reason in mops_dump_error(). */
int mops_dump_add_iface(struct mops_dump *d, const struct mops_cap_iface *iface);
/* Writes a frame; f->ifid names the interface. Returns 0 or -1. */
int mops_dump_write(struct mops_dump *d, const struct mops_frame *f);
int mops_dump_flush(struct mops_dump *d);
/* Flushes and closes; returns -1 if anything failed to reach the file. */
int mops_dump_close(struct mops_dump *d);
const char *mops_dump_error(const struct mops_dump *d);
uint64_t mops_dump_bytes(const struct mops_dump *d);
/* Picks the format from a file name: ".pcapng" / ".ntar" -> pcapng. */
enum mops_dump_format mops_dump_format_for(const char *path);

#endif
