/* tftp_limits.h - defaults and hard limits of the TFTP engine, in one place. */
#ifndef UCPROV_TFTP_LIMITS_H
#define UCPROV_TFTP_LIMITS_H

/* Concurrent transfers when the config says 0.  Each one costs a socket and a
 * few hundred bytes; a site rebooting every phone at once lands near this. */
#define TFTP_DEFAULT_MAX_TRANSFERS   4096u

/* First retransmission timeout when the config says 0.  Phones sit on a LAN,
 * so one second is generous yet keeps a lost packet from stalling a boot. */
#define TFTP_DEFAULT_TIMEOUT_MS      1000u

/* Retransmissions of one window before the transfer is given up. */
#define TFTP_DEFAULT_RETRIES         5u

/* The retransmission timeout doubles on each retry but never beyond this, so
 * a transfer that has been silent a while is still retried at a useful pace. */
#define TFTP_MAX_BACKOFF_MS          8000u

/* RFC 1350 block size, used whenever the client negotiates none. */
#define TFTP_DEFAULT_BLKSIZE         512u

/* RFC 2348 bounds.  Requests under the minimum are refused; requests over the
 * maximum are answered with the maximum, as the RFC lets a server do. */
#define TFTP_BLKSIZE_MIN             8u
#define TFTP_BLKSIZE_MAX             65464u

/* RFC 2349 timeout option, in seconds. */
#define TFTP_TIMEOUT_OPT_MIN         1u
#define TFTP_TIMEOUT_OPT_MAX         255u

/* RFC 7440 allows 1..65535; windows past a few dozen blocks only overrun the
 * client's socket buffer, so larger requests are answered with this. */
#define TFTP_WINDOWSIZE_WIRE_MAX     65535u
#define TFTP_WINDOWSIZE_MAX          64u

/* Longest file name accepted in a request (provider.h promises this). */
#define TFTP_FILENAME_MAX            255u

/* Largest datagram either side may send: DATA header plus the largest block. */
#define TFTP_PACKET_MAX              (4u + TFTP_BLKSIZE_MAX)

/* Receive buffer asked for on the listening socket, so that a boot storm of
 * RRQs queues in the kernel instead of being dropped while we are busy. */
#define TFTP_LISTEN_RCVBUF           (4 * 1024 * 1024)

/* Datagrams read from one socket per wakeup before looking at the others;
 * keeps a flood on the listening socket from starving running transfers. */
#define TFTP_RECV_BATCH              64u

/* Events taken from epoll per wakeup. */
#define TFTP_EPOLL_BATCH             256u

#endif
