/* libFuzzer: lib's frame decoder on every carrier, then the encoder on what
 * it decoded (mops_build_packet), the JSON-facing helpers and the problem
 * texts. The frame is copied to a buffer of exactly its size, so any read
 * past it is an ASan report. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "mops/build/build.h"
#include "mops/track/migrate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct mops_packet pkt;
    static struct mops_builder b;
    if (size < 1)
        return 0;
    uint32_t linktype = fuzz_linktype(data[0]);
    size_t n = size - 1;
    uint8_t *frame = malloc(n ? n : 1);
    memcpy(frame, data + 1, n);
    mops_decode_frame(NULL, linktype, frame, (uint32_t)n, (uint32_t)n + (data[0] & 0x80 ? 16 : 0), &pkt);
    /* Whatever decoded must re-encode without trouble. */
    if (pkt.status == MOPS_ST_OK && (pkt.layers & MOPS_L_IPFF)) {
        mops_build_init(&b, NULL);
        mops_build_packet(&b, &pkt);
        mops_build_finish(&b);
    }
    for (unsigned i = 0; i < pkt.n_problems; i++)
        if (!mops_problem_info(pkt.problems[i].id) || !memchr(pkt.problems[i].text, 0, MOPS_PROBLEM_TEXT))
            abort();
    (void)mops_packet_content_key(&pkt);
    free(frame);
    return 0;
}
