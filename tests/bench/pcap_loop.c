/* The benchmark's floor: a bare libpcap read loop (pcap_next_ex and nothing
 * else) over a capture file, printing the frame and octet counts. */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    char err[PCAP_ERRBUF_SIZE];
    if (argc != 2) {
        fprintf(stderr, "usage: pcap-loop FILE\n");
        return 2;
    }
    pcap_t *p = pcap_open_offline(argv[1], err);
    if (!p) {
        fprintf(stderr, "pcap-loop: %s\n", err);
        return 2;
    }
    struct pcap_pkthdr *h;
    const u_char *data;
    uint64_t frames = 0, octets = 0;
    int rc;
    while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
        frames++;
        octets += h->caplen;
    }
    if (rc == PCAP_ERROR)
        fprintf(stderr, "pcap-loop: %s\n", pcap_geterr(p));
    printf("%llu frames, %llu octets\n", (unsigned long long)frames, (unsigned long long)octets);
    pcap_close(p);
    return rc == PCAP_ERROR ? 2 : 0;
}
