/* tcpdump's -x/-X layout: offset, eight groups of two octets, ASCII. */
#include "print.h"

void md_format_hex(struct sbuf *sb, const uint8_t *data, uint32_t len, int ascii)
{
    for (uint32_t off = 0; off < len; off += 16) {
        uint32_t n = len - off < 16 ? len - off : 16;
        sb_printf(sb, "\t0x%04x:  ", off);
        for (uint32_t i = 0; i < 16; i++) {
            if (i < n)
                sb_printf(sb, "%02x", data[off + i]);
            else if (ascii)
                sb_puts(sb, "  ");
            if (i % 2 == 1 && (i < n - 1 || (ascii && i < 15)))
                sb_puts(sb, " ");
        }
        if (ascii) {
            sb_puts(sb, "  ");
            for (uint32_t i = 0; i < n; i++) {
                uint8_t c = data[off + i];
                char ch = c >= 0x20 && c < 0x7f ? (char)c : '.';
                sb_add(sb, &ch, 1);
            }
        }
        sb_puts(sb, "\n");
    }
}
