/* Sample packets of every message type and the carriers of profile §1, built
 * with lib/'s encoders. Used by the round-trip and bad-input tests and by the
 * generator of captures/vectors.pcapng. */
#ifndef MOPS_TEST_SAMPLES_H
#define MOPS_TEST_SAMPLES_H

#include <stdint.h>

#include "mops/build/build.h"
#include "mops/core/packet.h"

int sample_count(void);
const char *sample_name(int i);
/* Builds and finishes sample i in b (bare IPFF). */
void sample_build(int i, struct mops_builder *b);

int carrier_count(void);
const char *carrier_name(int c);
/* Wraps the finished packet in b in carrier c; returns the link type. */
uint32_t carrier_wrap(int c, struct mops_builder *b);

/* Finishes b, copies the bare IPFF packet into frame (at least its length)
 * and decodes it into pkt: the tests' packet made by hand. */
void sample_decode_built(struct mops_builder *b, uint8_t *frame, struct mops_packet *pkt);

#endif
