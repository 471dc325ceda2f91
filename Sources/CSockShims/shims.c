#define _GNU_SOURCE 1
#include "CSockShims.h"
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int csock_h_errno(void) { return h_errno; }

int csock_get_flags(int fd) { return fcntl(fd, F_GETFL); }
int csock_set_flags(int fd, int flags) { return fcntl(fd, F_SETFL, flags); }
int csock_set_cloexec(int fd) {
    int flags = fcntl(fd, F_GETFD);
    if (flags < 0) return -1;
    return fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}
int csock_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }
void *csock_stdout(void) { return stdout; }
int csock_mkstemp_cloexec(char *template_path) { return mkostemp(template_path, O_CLOEXEC); }
int csock_spawn_addclosefrom(void *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np((posix_spawn_file_actions_t *)actions, from);
}
int csock_spawn_addchdir(void *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np((posix_spawn_file_actions_t *)actions, path);
}

int csock_ioctl_int(int fd, unsigned long request, int *value) { return ioctl(fd, request, value); }
int csock_ioctl_ptr(int fd, unsigned long request, void *argument) { return ioctl(fd, request, argument); }

int csock_gethostbyname2_r(const char *name, int af, struct hostent *ret, char *buf,
                           size_t buflen, struct hostent **result, int *herr) {
    return gethostbyname2_r(name, af, ret, buf, buflen, result, herr);
}

int csock_gethostbyaddr_r(const void *addr, socklen_t len, int type, struct hostent *ret,
                          char *buf, size_t buflen, struct hostent **result, int *herr) {
    return gethostbyaddr_r(addr, len, type, ret, buf, buflen, result, herr);
}

int csock_getservbyname_r(const char *name, const char *proto, struct servent *ret,
                          char *buf, size_t buflen, struct servent **result) {
    return getservbyname_r(name, proto, ret, buf, buflen, result);
}

int csock_getservbyport_r(int port, const char *proto, struct servent *ret, char *buf,
                          size_t buflen, struct servent **result) {
    return getservbyport_r(port, proto, ret, buf, buflen, result);
}

int csock_getprotobyname_r(const char *name, struct protoent *ret, char *buf,
                           size_t buflen, struct protoent **result) {
    return getprotobyname_r(name, ret, buf, buflen, result);
}

int csock_getprotobynumber_r(int proto, struct protoent *ret, char *buf,
                             size_t buflen, struct protoent **result) {
    return getprotobynumber_r(proto, ret, buf, buflen, result);
}

int csock_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) { return accept4(fd, addr, len, flags); }

#include <sys/syscall.h>
#include <unistd.h>
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
int csock_pidfd_open(int pid, unsigned int flags) { return (int)syscall(SYS_pidfd_open, pid, flags); }
int csock_pidfd_getfd(int pidfd, int targetfd, unsigned int flags) { return (int)syscall(SYS_pidfd_getfd, pidfd, targetfd, flags); }

size_t csock_sun_path_size(void) { return sizeof(((struct sockaddr_un *)0)->sun_path); }

size_t csock_cmsg_space(size_t len) { return CMSG_SPACE(len); }
size_t csock_cmsg_len(size_t len) { return CMSG_LEN(len); }
struct cmsghdr *csock_cmsg_firsthdr(struct msghdr *msg) { return CMSG_FIRSTHDR(msg); }
struct cmsghdr *csock_cmsg_nxthdr(struct msghdr *msg, struct cmsghdr *cmsg) { return CMSG_NXTHDR(msg, cmsg); }
unsigned char *csock_cmsg_data(struct cmsghdr *cmsg) { return CMSG_DATA(cmsg); }
