/* The plugin's entry points (the Wireshark 4.x plugin ABI; ws-compat.h). */
#include "mops-plugin.h"

#include <ws_version.h>

#ifndef MOPS_VERSION_STRING
#define MOPS_VERSION_STRING "0"
#endif

WS_DLL_PUBLIC_DEF const char plugin_version[] = MOPS_VERSION_STRING;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

#if MOPS_WS_AT_LEAST(4, 2)
#include <wsutil/plugins.h>
/* What `tshark -G plugins` and About → Plugins list as its type. */
WS_DLL_PUBLIC uint32_t plugin_describe(void);
uint32_t plugin_describe(void) { return WS_PLUGIN_DESC_DISSECTOR; }
#endif

static void register_all(void)
{
    mops_register_ipff();
    mops_register_icmpv5();
    mops_register_udpv5();
    mops_register_lara();
    mops_register_fields(); /* after the protocols, which own the fields */
    mops_register_stats();
    mops_register_conversations();
}

static void handoff_all(void)
{
    mops_handoff_ipff();
    mops_handoff_icmpv5();
    mops_handoff_udpv5();
    mops_handoff_lara();
}

void plugin_register(void)
{
    static proto_plugin plug;
    plug.register_protoinfo = register_all;
    plug.register_handoff = handoff_all;
    proto_register_plugin(&plug);
}
