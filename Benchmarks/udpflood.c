/* A loopback UDP flood for the capture benchmark: COUNT datagrams of SIZE bytes to
 * 127.0.0.1:PORT as fast as sendmmsg allows, optionally paced to RATE datagrams per second.
 * Build: cc -O2 -o udpflood Benchmarks/udpflood.c
 * Usage: udpflood COUNT [SIZE=64] [PORT=9] [RATE=0 (unpaced)] */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s COUNT [SIZE] [PORT] [RATE]\n", argv[0]); return 2; }
    long count = atol(argv[1]);
    int size = argc > 2 ? atoi(argv[2]) : 64;
    int port = argc > 3 ? atoi(argv[3]) : 9;
    double rate = argc > 4 ? atof(argv[4]) : 0;
    if (count < 1 || size < 1 || size > 65000 || port < 1 || port > 65535) { fprintf(stderr, "bad arguments\n"); return 2; }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    /* A sink that never reads: datagrams are dropped at its full queue instead of drawing
     * ICMP port-unreachable replies (which would be captured too). */
    int sink = socket(AF_INET, SOCK_DGRAM, 0);
    if (bind(sink, (struct sockaddr *)&to, sizeof to) != 0) { perror("bind sink"); return 1; }
    if (connect(fd, (struct sockaddr *)&to, sizeof to) != 0) { perror("connect"); return 1; }
    enum { BATCH = 64 };
    char *payload = calloc(1, size);
    struct iovec iov = { payload, (size_t)size };
    struct mmsghdr messages[BATCH];
    memset(messages, 0, sizeof messages);
    for (int i = 0; i < BATCH; i++) { messages[i].msg_hdr.msg_iov = &iov; messages[i].msg_hdr.msg_iovlen = 1; }
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    long sent = 0;
    while (sent < count) {
        if (rate > 0) {
            clock_gettime(CLOCK_MONOTONIC, &now);
            double elapsed = (now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9;
            if (sent > elapsed * rate) { struct timespec pause = { 0, 20000 }; nanosleep(&pause, NULL); continue; }
        }
        int batch = count - sent < BATCH ? (int)(count - sent) : BATCH;
        int done = sendmmsg(fd, messages, batch, 0);
        if (done < 0) continue;  /* ENOBUFS or ECONNREFUSED from an earlier ICMP: keep going */
        sent += done;
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
    double elapsed = (now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9;
    fprintf(stderr, "udpflood: %ld datagrams in %.3f s (%.0f/s)\n", sent, elapsed, sent / elapsed);
    return 0;
}
