/* The host terminal behind the guest's console vty. */
#ifndef PVMM_TTY_H
#define PVMM_TTY_H

struct machine;

/* Put the terminal in raw mode if stdin is one (restored at exit, on
 * fatal signals too) and have the event loop (m->io.loop) read it for
 * the console.  0 or -errno. */
int tty_start(struct machine *m);
void tty_stop(struct machine *m);

/* Give the terminal back its own settings now, if pvmm changed them.
 * Async-signal-safe: for a handler about to end pvmm (sandbox.c). */
void tty_restore_now(void);

#endif
