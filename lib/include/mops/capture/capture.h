/* Capture I/O: files (pcap, pcapng, "-" for stdin) and live interfaces
 * through libpcap, BPF filters, frame loops, stats; and writers (dump.h). */
#ifndef MOPS_CAPTURE_H
#define MOPS_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MOPS_CAP_ERRLEN 512
#define MOPS_CAP_DEFAULT_SNAPLEN 262144

struct mops_frame {
    uint64_t ts_ns; /* nanoseconds since the epoch */
    uint32_t caplen, wirelen;
    uint32_t linktype;
    uint32_t ifid;       /* pcapng interface id; 0 for pcap files and live */
    const uint8_t *data; /* valid until the next call on the capture */
    /* The frame's first comment (pcapng opt_comment: UTF-8, not
     * terminated), valid as data is; comment_len 0 when it has none. */
    const char *comment;
    uint32_t comment_len;
};

struct mops_cap_opts {
    const char *path; /* file, or "-" for stdin; NULL for live */
    /* Or several files read as one (merged by timestamp; a series of rotated
     * files one after the other, its interfaces shared; each probe's kept
     * apart): path is then NULL. */
    const char *const *paths;
    unsigned n_paths;
    const char *iface; /* live interface ("any" included) */
    int snaplen;       /* 0: MOPS_CAP_DEFAULT_SNAPLEN */
    bool no_promisc;
    bool immediate;
    int buffer_kib;     /* 0: libpcap's default */
    int timeout_ms;     /* live read timeout; 0: 100 ms */
    const char *filter; /* BPF expression, or NULL */
};

struct mops_cap_iface {
    uint32_t linktype;
    uint32_t snaplen;
    char name[64];         /* if_name, or "" */
    uint8_t ts_digits;     /* decimal digits of the timestamps' precision: 6, 9, ... */
    char description[128]; /* if_description, or "" */
};

struct mops_cap_stats {
    uint64_t frames;  /* delivered after the filter */
    uint64_t seen;    /* read, before the filter */
    bool have_kernel; /* live: what pcap_stats says */
    uint64_t received, dropped, if_dropped;
};

struct mops_cap;

enum { MOPS_CAP_ERROR = -1, MOPS_CAP_END = 0, MOPS_CAP_FRAME = 1, MOPS_CAP_TIMEOUT = 2 };

/* Opens a file or an interface. Returns 0, or -1 with a message in err. */
int mops_cap_open(const struct mops_cap_opts *o, struct mops_cap **out, char err[MOPS_CAP_ERRLEN]);
/* The next frame that passes the filter: MOPS_CAP_FRAME, MOPS_CAP_END (end of
 * file or mops_cap_break), MOPS_CAP_TIMEOUT (live, nothing arrived), or
 * MOPS_CAP_ERROR with mops_cap_error() saying why. Frames read before an
 * error in the file were delivered. */
int mops_cap_next(struct mops_cap *c, struct mops_frame *f);
/* Up to max frames at once, all valid until the next call: as many as a
 * pcap file's read buffer holds, else one. Returns as mops_cap_next, with
 * *n frames when MOPS_CAP_FRAME. For consumers that overlap the work of
 * several frames (the validator's prefetching). */
int mops_cap_next_batch(struct mops_cap *c, struct mops_frame *f, unsigned max, unsigned *n);
/* Safe in a signal handler. */
void mops_cap_break(struct mops_cap *c);
const char *mops_cap_error(const struct mops_cap *c);
/* A non-fatal remark from opening (e.g. promiscuous mode unsupported), or NULL. */
const char *mops_cap_warning(const struct mops_cap *c);
bool mops_cap_is_live(const struct mops_cap *c);
/* The source is a pcapng file (so "-w -" can keep the format). */
bool mops_cap_is_pcapng(const struct mops_cap *c);
/* The first section's comment (pcapng shb_comment; of the first file of
 * several), or "". */
const char *mops_cap_comment(const struct mops_cap *c);
/* The interfaces seen so far (pcapng grows as IDBs are read; others have 1). */
unsigned mops_cap_n_ifaces(const struct mops_cap *c);
const struct mops_cap_iface *mops_cap_iface(const struct mops_cap *c, unsigned i);
void mops_cap_stats(struct mops_cap *c, struct mops_cap_stats *st);
/* A file descriptor to poll on for live captures (-1 otherwise). */
int mops_cap_fd(const struct mops_cap *c);
void mops_cap_close(struct mops_cap *c);
/* Of several files: how many, each one's name, and where a frame (the
 * capture's 1-based number) came from. mops_cap_origin is false for one
 * file (the frame is its own) or a frame not read. */
unsigned mops_cap_n_files(const struct mops_cap *c);
const char *mops_cap_file_name(const struct mops_cap *c, unsigned file);
bool mops_cap_origin(const struct mops_cap *c, uint64_t frame, unsigned *file, uint64_t *file_frame);

/* Interfaces for `-D`. */
struct mops_if_info {
    char name[64];
    char description[128];
    bool up, running, loopback;
};
/* Returns the number listed (into at most max), or -1 with err set. */
int mops_cap_list_interfaces(struct mops_if_info *out, int max, char err[MOPS_CAP_ERRLEN]);

/* libpcap speaks DLT_ numbers, files and this library LINKTYPE_ numbers; they
 * differ for raw IP (LINKTYPE_RAW 101 is DLT_RAW 12 on Linux). */
int mops_linktype_to_dlt(uint32_t linktype);
uint32_t mops_dlt_to_linktype(int dlt);

/* Compiles a BPF expression for a link type, for checking a filter without
 * opening anything. Returns 0 or -1 with err set. */
int mops_cap_check_filter(const char *expr, uint32_t linktype, char err[MOPS_CAP_ERRLEN]);

#endif
