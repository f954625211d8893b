/* -Z: give up root once the capture is open, as tcpdump does. */
#ifndef MOPSDUMP_PRIVS_H
#define MOPSDUMP_PRIVS_H

/* Switches to user's uid, gid and groups. Returns 0, or -1 with a message printed. */
int md_drop_privileges(const char *user);

#endif
