// The SIGBUS guard declared at the end of CSockShims.h: a fixed table of registered read-only
// mappings and a handler that turns a fault inside one of them (the mapped file shrank, or its
// disk failed) into zero pages plus a flag, instead of killing the process.
#define _GNU_SOURCE 1
#include "CSockShims.h"
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

enum { SLOT_FREE = 0, SLOT_CLAIMED = 1, SLOT_ACTIVE = 2, SLOT_COUNT = 1024 };

struct guarded_mapping {
    int state;            // SLOT_*, atomic
    int faulted;          // atomic; read through csock_sigbus_guard_faulted
    uintptr_t base;
    size_t length;
};

static struct guarded_mapping slots[SLOT_COUNT];
static struct sigaction previous;
static uintptr_t page_size;
static int installed;     // 1 installed, -1 failed
static int declined;      // atomic: a SIGBUS was passed on to the previous handler once
static pthread_once_t install_once = PTHREAD_ONCE_INIT;

static void restore_previous(void) { sigaction(SIGBUS, &previous, NULL); }

static void handler(int signal_number, siginfo_t *info, void *context) {
    (void)signal_number;
    (void)context;
    // si_code > 0: raised by the kernel for this thread's access (not sent with kill/raise).
    if (info->si_code > 0) {
        uintptr_t address = (uintptr_t)info->si_addr;
        for (int index = 0; index < SLOT_COUNT; index++) {
            struct guarded_mapping *slot = &slots[index];
            if (__atomic_load_n(&slot->state, __ATOMIC_ACQUIRE) != SLOT_ACTIVE) continue;
            if (address < slot->base || address - slot->base >= slot->length) continue;
            uintptr_t start = address & ~(page_size - 1);
            uintptr_t end = slot->base + slot->length;
            // mmap is a plain system call, safe here. The pages before the faulting one stay the
            // file's: a later fault there comes back here and zeroes from that page on.
            void *zeros = mmap((void *)start, end - start, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
            if (zeros == MAP_FAILED) break;
            __atomic_store_n(&slot->faulted, 1, __ATOMIC_RELEASE);
            return;   // the access is retried and reads zeros
        }
    }
    if (__atomic_exchange_n(&declined, 1, __ATOMIC_ACQ_REL)) {
        // Back again after passing it on (a handler installed after this one, such as a terminal
        // UI's "restore the terminal", re-raised it to us): the default ends the process. The
        // signal is blocked until this handler returns.
        signal(SIGBUS, SIG_DFL);
        raise(SIGBUS);
        return;
    }
    // Not ours: give it to whoever handled SIGBUS before (the backtracer, the terminal's handler,
    // or the default). A fault is retried when this returns and lands there; a sent signal is
    // sent again (it is blocked until this handler returns).
    restore_previous();
    if (info->si_code <= 0) raise(SIGBUS);
}

static int put_on_top(void) {
    struct sigaction current;
    if (sigaction(SIGBUS, NULL, &current) != 0) return -1;
    if ((current.sa_flags & SA_SIGINFO) && current.sa_sigaction == handler) return 0;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = handler;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    return sigaction(SIGBUS, &action, &previous);
}

static void install(void) {
    page_size = (uintptr_t)sysconf(_SC_PAGESIZE);
    installed = put_on_top() == 0 ? 1 : -1;
}

void csock_sigbus_guard_install(void) {
    pthread_once(&install_once, install);
    if (installed == 1) put_on_top();
}

int csock_sigbus_guard_register(const void *base, size_t length) {
    pthread_once(&install_once, install);
    if (installed != 1) return -1;
    for (int index = 0; index < SLOT_COUNT; index++) {
        int expected = SLOT_FREE;
        if (!__atomic_compare_exchange_n(&slots[index].state, &expected, SLOT_CLAIMED, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) continue;
        slots[index].base = (uintptr_t)base;
        slots[index].length = length;
        __atomic_store_n(&slots[index].faulted, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&slots[index].state, SLOT_ACTIVE, __ATOMIC_RELEASE);
        return index;
    }
    return -1;
}

const int *csock_sigbus_guard_flag(int slot) { return &slots[slot].faulted; }

void csock_sigbus_guard_unregister(int slot) {
    if (slot < 0 || slot >= SLOT_COUNT) return;
    __atomic_store_n(&slots[slot].state, SLOT_FREE, __ATOMIC_RELEASE);
}
