/* What the libFuzzer harnesses share: the carriers an input can be decoded
 * as, chosen by its first byte (make_corpus.py writes inputs that way). */
#ifndef MOPS_FUZZ_COMMON_H
#define MOPS_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "mops/decode/decode.h"
#include "mops/core/settings.h"

static const uint32_t fuzz_linktypes[] = {
    MOPS_LINKTYPE_ETHERNET, MOPS_LINKTYPE_USER0, MOPS_LINKTYPE_SLL,  MOPS_LINKTYPE_SLL2, MOPS_LINKTYPE_RAW,
    MOPS_LINKTYPE_IPV4,     MOPS_LINKTYPE_IPV6,  MOPS_LINKTYPE_NULL, MOPS_LINKTYPE_LOOP,
};
#define FUZZ_N_LINKTYPES (sizeof fuzz_linktypes / sizeof fuzz_linktypes[0])

static inline uint32_t fuzz_linktype(uint8_t b) { return fuzz_linktypes[b % FUZZ_N_LINKTYPES]; }

#endif
