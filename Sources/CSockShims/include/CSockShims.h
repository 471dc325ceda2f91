// C shims for what Swift cannot import directly: macros, variadic calls and
// kernel structures that Glibc's module map does not expose. Every symbol is
// prefixed `csock_` so it never collides with libc.
#ifndef SOCKTUI_CSOCKSHIMS_H
#define SOCKTUI_CSOCKSHIMS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/ioctl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <linux/netlink.h>
#include <linux/tipc.h>
#include <poll.h>

/// Current thread's h_errno (a macro in C).
int csock_h_errno(void);

/// fcntl(F_GETFL)/fcntl(F_SETFL) without variadics.
int csock_get_flags(int fd);
int csock_set_flags(int fd, int flags);
int csock_set_cloexec(int fd);
/// pipe2(fds, O_CLOEXEC): both ends close-on-exec from the moment they exist, so no child spawned
/// by another thread meanwhile inherits them (pipe + fcntl leaves that window open).
int csock_pipe_cloexec(int fds[2]);
/// stdio's standard output stream (a global variable Swift 6 refuses to touch from Swift).
void *csock_stdout(void);
/// mkostemp(template, O_CLOEXEC) (a GNU extension): a new file, close-on-exec from the start.
int csock_mkstemp_cloexec(char *template_path);
/// posix_spawn_file_actions_addclosefrom_np (a GNU extension): close every descriptor >= from in the child.
int csock_spawn_addclosefrom(void *actions, int from);
/// posix_spawn_file_actions_addchdir_np (a GNU extension): the child's working directory.
int csock_spawn_addchdir(void *actions, const char *path);

/// ioctl with an int argument (FIONREAD, SIOCINQ, SIOCOUTQ, ...).
int csock_ioctl_int(int fd, unsigned long request, int *value);
/// ioctl with a pointer argument (SIOCGIFINDEX, SIOCGSTAMP, ...).
int csock_ioctl_ptr(int fd, unsigned long request, void *argument);

/// Reentrant resolver calls. Each returns 0 on success, or the error code the
/// libc call reported (an errno for the *_r functions, h_errno for host lookups
/// through `*herr`). ERANGE means the buffer was too small.
int csock_gethostbyname2_r(const char *name, int af, struct hostent *ret, char *buf,
                           size_t buflen, struct hostent **result, int *herr);
int csock_gethostbyaddr_r(const void *addr, socklen_t len, int type, struct hostent *ret,
                          char *buf, size_t buflen, struct hostent **result, int *herr);
int csock_getservbyname_r(const char *name, const char *proto, struct servent *ret,
                          char *buf, size_t buflen, struct servent **result);
int csock_getservbyport_r(int port, const char *proto, struct servent *ret, char *buf,
                          size_t buflen, struct servent **result);
int csock_getprotobyname_r(const char *name, struct protoent *ret, char *buf,
                           size_t buflen, struct protoent **result);
int csock_getprotobynumber_r(int proto, struct protoent *ret, char *buf,
                             size_t buflen, struct protoent **result);

/// accept4(2) (a GNU extension Glibc's module does not export).
int csock_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);

/// pidfd_open(2) and pidfd_getfd(2) through syscall(2) (Linux 5.3 / 5.6).
int csock_pidfd_open(int pid, unsigned int flags);
int csock_pidfd_getfd(int pidfd, int targetfd, unsigned int flags);

/// Size of the sun_path member of sockaddr_un.
size_t csock_sun_path_size(void);

/// Control-message helpers (CMSG_* are macros).
size_t csock_cmsg_space(size_t len);
size_t csock_cmsg_len(size_t len);
struct cmsghdr *csock_cmsg_firsthdr(struct msghdr *msg);
struct cmsghdr *csock_cmsg_nxthdr(struct msghdr *msg, struct cmsghdr *cmsg);
unsigned char *csock_cmsg_data(struct cmsghdr *cmsg);

/// Acquire load and release store of a 32-bit word shared with the kernel (the status word of
/// a TPACKET_V3 ring block).
static inline uint32_t csock_load_acquire_u32(const uint32_t *pointer) { return __atomic_load_n(pointer, __ATOMIC_ACQUIRE); }
static inline void csock_store_release_u32(uint32_t *pointer, uint32_t value) { __atomic_store_n(pointer, value, __ATOMIC_RELEASE); }

// ---------------------------------------------------------------------------------------------
// SIGBUS guard for read-only file mappings (sigbus_guard.c; issue #17 C5).
//
// A file mapped with mmap that shrinks while it is read raises SIGBUS on the first access past
// its new end. A mapping registered here is protected instead: the handler maps anonymous zero
// pages over the rest of the mapping from the faulting page, sets the mapping's `faulted` flag and
// returns, so the read sees zeros and the reader, which checks the flag, reports the damage. A
// SIGBUS anywhere else goes to the handler that was installed before (the default: the process
// dies), as if the guard were not there.

/// Registers `[base, base + length)` (a read-only mapping) and installs the handler on first use.
/// Returns the slot (for `csock_sigbus_guard_flag` and `csock_sigbus_guard_unregister`), or -1
/// when every slot is taken (1024 mappings at once) or the handler cannot be installed.
int csock_sigbus_guard_register(const void *base, size_t length);
/// The slot's flag: non-zero once a fault in the mapping was handled. Valid until unregistered.
const int *csock_sigbus_guard_flag(int slot);
/// Puts the handler back on top when another SIGBUS handler was installed after it (a terminal
/// UI's "restore the terminal and re-raise"), which would otherwise see a guarded fault first.
void csock_sigbus_guard_install(void);
/// Forgets the slot (before the mapping is unmapped).
void csock_sigbus_guard_unregister(int slot);
/// Loads a flag from `csock_sigbus_guard_flag` (one acquire load: cheap enough per record).
static inline int csock_sigbus_guard_faulted(const int *flag) { return __atomic_load_n(flag, __ATOMIC_ACQUIRE); }

#endif
