// LD_PRELOAD shim for scripts/close-check: every close() that fails with EBADF is logged with the
// process, its executable and a backtrace to the file named by $CLOSE_CHECK_LOG (appended with
// O_APPEND, one record per write). A close that fails with EBADF means some code closed a descriptor
// it did not own, or closed one twice: if the number had been reused meanwhile, it would have closed
// someone else's pipe or socket.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int (*real_close)(int);

int close(int fd) {
    if (!real_close) real_close = (int (*)(int))dlsym(RTLD_NEXT, "close");
    int result = real_close(fd);
    if (result == -1 && errno == EBADF) {
        int saved = errno;
        const char *path = getenv("CLOSE_CHECK_LOG");
        if (path) {
            int log = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
            if (log >= 0) {
                char exe[512] = {0};
                ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
                if (n < 0) strcpy(exe, "?");
                void *frames[48];
                int count = backtrace(frames, 48);
                char head[768];
                int len = snprintf(head, sizeof head, "EBADF close(%d) pid %d exe %s\n", fd, (int)getpid(), exe);
                // One buffer, one write: records of concurrent threads do not interleave.
                char **symbols = backtrace_symbols(frames, count);
                size_t size = (size_t)len + 2;
                for (int i = 0; symbols && i < count; i++) size += strlen(symbols[i]) + 4;
                char *record = malloc(size);
                if (record) {
                    size_t at = 0;
                    memcpy(record, head, (size_t)len); at += (size_t)len;
                    for (int i = 0; symbols && i < count; i++) {
                        at += (size_t)snprintf(record + at, size - at, "  %s\n", symbols[i]);
                    }
                    record[at++] = '\n';
                    (void)!write(log, record, at);
                    free(record);
                }
                free(symbols);
                real_close(log);
            }
        }
        errno = saved;
    }
    return result;
}
