#ifndef SOCKTUI_CNCURSES_SHIM_H
#define SOCKTUI_CNCURSES_SHIM_H
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <ncursesw/curses.h>

/* ncurses exposes these as macros (some function-like), which Swift cannot import. */
static inline WINDOW *CNcurses_stdscr(void) { return stdscr; }
static inline int CNcurses_COLORS(void) { return COLORS; }
static inline int CNcurses_COLOR_PAIRS(void) { return COLOR_PAIRS; }
static inline int CNcurses_KEY_F(int n) { return KEY_F(n); }
static inline int CNcurses_getmaxy(WINDOW *w) { return getmaxy(w); }
static inline int CNcurses_getmaxx(WINDOW *w) { return getmaxx(w); }
static inline attr_t CNcurses_A_NORMAL(void) { return A_NORMAL; }
static inline attr_t CNcurses_A_BOLD(void) { return A_BOLD; }
static inline attr_t CNcurses_A_DIM(void) { return A_DIM; }
static inline attr_t CNcurses_A_ITALIC(void) { return A_ITALIC; }
static inline attr_t CNcurses_A_UNDERLINE(void) { return A_UNDERLINE; }
static inline attr_t CNcurses_A_REVERSE(void) { return A_REVERSE; }
static inline attr_t CNcurses_A_BLINK(void) { return A_BLINK; }

/* eventfd(2) lives in <sys/eventfd.h>, which the Glibc module does not export. */
static inline int CNcurses_eventfd_nonblocking(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }
#endif
