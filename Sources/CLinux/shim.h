#ifndef CLINUX_SHIM_H
#define CLINUX_SHIM_H
// Linux kernel interfaces that Glibc's Swift module does not export: epoll, eventfd, inotify.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/socket.h>

// accept4 is declared only under _GNU_SOURCE, which Glibc's module is not built with.
extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
static inline int clinux_accept4(int fd, int flags) { return accept4(fd, 0, 0, flags); }
#endif
