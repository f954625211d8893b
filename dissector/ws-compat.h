/* What differs between the Wireshark versions the plugin is built against
 * (4.0, 4.4 and 4.6 are tested: tests/compat/run), in one place and by
 * Wireshark's own version macros. 4.2 took C99 bool for callbacks and
 * preferences and added the tvb_get_uint8 family; 4.4 deprecated
 * tvb_get_guint8; 4.6 renamed pntoh64/phton64 and dissector_try_uint_new.
 * plugin_describe (plugin.c) came with 4.2. */
#ifndef MOPS_WS_COMPAT_H
#define MOPS_WS_COMPAT_H

#include <stdbool.h>
#include <stdint.h>

#include <epan/packet.h>
#include <wiretap/wtap.h> /* wtap_rec is opaque to packet.h from 4.4 */
#include <ws_version.h>

#define MOPS_WS_AT_LEAST(major, minor)                                                                                 \
    (WIRESHARK_VERSION_MAJOR > (major) || (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

#if MOPS_WS_AT_LEAST(4, 2)
typedef bool mops_ws_bool; /* callbacks' and preferences' booleans */
#else
typedef gboolean mops_ws_bool;
#define tvb_get_uint8 tvb_get_guint8
#endif

#if !MOPS_WS_AT_LEAST(4, 6)
#define pntohu64 pntoh64
#define phtonu64 phton64
#define dissector_try_uint_with_data dissector_try_uint_new
#endif

/* The capture interface a frame came from; 0 when the file names none. */
static inline uint32_t mops_ws_interface(const packet_info *pinfo)
{
    const wtap_rec *r = pinfo->rec;
    if (!r || r->rec_type != REC_TYPE_PACKET || !(r->presence_flags & WTAP_HAS_INTERFACE_ID))
        return 0;
    return r->rec_header.packet_header.interface_id;
}

#endif
