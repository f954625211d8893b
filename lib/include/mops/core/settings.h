/* The numbers the drafts leave "to be assigned by IANA", pinned by the wire
 * profile, in one place. Every tool exposes them as settings. */
#ifndef MOPS_SETTINGS_H
#define MOPS_SETTINGS_H

#include <stdint.h>

#define MOPS_DEFAULT_ETHERTYPE 0x88B5u       /* profile §1: IEEE Local Experimental 1 */
#define MOPS_DEFAULT_UDP_PORT 5505u          /* profile §1: IPFF-in-UDP overlay */
#define MOPS_LINKTYPE_USER0 147u             /* profile §1: bare IPFF */
#define MOPS_DEFAULT_TYPE_MIGRATE 100u       /* MOPS §4.1 */
#define MOPS_DEFAULT_TYPE_ANYCAST_ACK 101u   /* MOPS §4.2 */
#define MOPS_DEFAULT_TYPE_NAT_ACK 102u       /* MOPS §4.3 */
#define MOPS_DEFAULT_MOBILE_CAPABLE_KIND 32u /* MOPS §3.1 */
#define MOPS_DEFAULT_RECV_SRC_OPTION 0x22u   /* profile §4: MOPS §3.2 option type */
#define MOPS_DEFAULT_TYPE_DAD_REQUEST 16u    /* LARA §3, profile §9 */
#define MOPS_DEFAULT_TYPE_DAD_REPLY 17u      /* LARA §3 */
#define MOPS_DEFAULT_TYPE_LARA_ADVERT 18u    /* LARA §5.1 */

struct mops_settings {
    uint16_t ethertype;
    uint16_t udp_port;
    uint16_t type_migrate;
    uint16_t type_anycast_ack;
    uint16_t type_nat_ack;
    uint16_t type_dad_request;
    uint16_t type_dad_reply;
    uint16_t type_lara_advert;
    uint8_t mobile_capable_kind;
    uint8_t recv_src_option;
};

extern const struct mops_settings mops_settings_default;

/* Parses "100,101,102" into the three MOPS ICMPv5 types. Returns 0 or -1 with
 * *why set. */
int mops_settings_parse_types(struct mops_settings *s, const char *text, const char **why);
/* Parses "16,17,18" into the LARA types: DAD request, DAD reply, advertisement. */
int mops_settings_parse_lara_types(struct mops_settings *s, const char *text, const char **why);
/* Returns NULL when the settings are usable, else why not. */
const char *mops_settings_check(const struct mops_settings *s);

#endif
