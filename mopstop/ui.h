/* mopstop's curses screen: header, four panes, detail, help, filter. */
#ifndef MOPSTOP_UI_H
#define MOPSTOP_UI_H

#include "source.h"
#include "state.h"

/* Runs until q (or the terminal goes away); returns the exit status. */
/* sandbox: enter the seccomp filter once the screen is set up. */
int mt_ui_run(struct mt_state *st, struct mt_source *src, double interval, bool sandbox);

#endif
