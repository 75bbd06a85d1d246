/* hostile: the bad clients of a boot storm, bounded in count and time.
 *   hostile garbage ADDR PORT COUNT         COUNT random datagrams (1..600 bytes)
 *   hostile slowloris SRC ADDR PORT CONNS SECONDS
 *       CONNS TCP connections from source address SRC that send a request
 *       header one byte a second and never finish; prints how many the server
 *       closed before SECONDS passed. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 2000

static int parse_addr(const char *addr, const char *port, struct sockaddr_in *sa)
{
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)atoi(port));
    return inet_pton(AF_INET, addr, &sa->sin_addr) == 1 ? 0 : -1;
}

static int garbage(const char *addr, const char *port, long count)
{
    struct sockaddr_in to;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0 || parse_addr(addr, port, &to) != 0)
        return 2;
    unsigned char buf[600];
    unsigned seed = (unsigned)time(NULL);
    for (long i = 0; i < count; i++) {
        size_t len = 1 + (size_t)(rand_r(&seed) % (int)sizeof buf);
        for (size_t k = 0; k < len; k++)
            buf[k] = (unsigned char)rand_r(&seed);
        /* A third look like requests, so the parser's deeper paths are hit too. */
        if (i % 3 == 0 && len > 2) {
            buf[0] = 0;
            buf[1] = (unsigned char)(1 + i % 6);
        }
        if (sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof to) < 0 && errno != ENOBUFS)
            return 1;
    }
    close(fd);
    printf("%ld datagrams sent\n", count);
    return 0;
}

static int slowloris(const char *src, const char *addr, const char *port, int conns, int seconds)
{
    static int fds[MAX_CONNS];
    struct sockaddr_in to, from;
    if (conns > MAX_CONNS || parse_addr(addr, port, &to) != 0 || parse_addr(src, "0", &from) != 0)
        return 2;
    int open_conns = 0;
    for (int i = 0; i < conns; i++) {
        fds[i] = socket(AF_INET, SOCK_STREAM, 0);
        if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&from, sizeof from) != 0 ||
            connect(fds[i], (struct sockaddr *)&to, sizeof to) != 0) {
            if (fds[i] >= 0)
                close(fds[i]);
            fds[i] = -1;
            continue;
        }
        open_conns++;
        static const char start[] = "GET /SEP000000000000.cnf.xml HTTP/1.1\r\nHost: x\r\n";
        if (write(fds[i], start, sizeof start - 1) < 0) {
            close(fds[i]);
            fds[i] = -1;
        }
    }
    int closed = 0;
    time_t end = time(NULL) + seconds;
    while (time(NULL) < end) {
        for (int i = 0; i < conns; i++) {
            if (fds[i] < 0)
                continue;
            /* One more header byte, never the blank line that ends the request. */
            char buf[512];
            struct pollfd p = { fds[i], POLLIN, 0 };
            if ((poll(&p, 1, 0) == 1 && read(fds[i], buf, sizeof buf) <= 0) ||
                write(fds[i], "X", 1) < 0) {
                close(fds[i]);
                fds[i] = -1;
                closed++;
            }
        }
        sleep(1);
    }
    for (int i = 0; i < conns; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    printf("%d connected, %d closed by the server\n", open_conns, closed);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "garbage") == 0)
        return garbage(argv[2], argv[3], atol(argv[4]));
    if (argc == 7 && strcmp(argv[1], "slowloris") == 0)
        return slowloris(argv[2], argv[3], argv[4], atoi(argv[5]), atoi(argv[6]));
    fprintf(stderr, "usage: hostile garbage ADDR PORT COUNT\n"
                    "       hostile slowloris SRC ADDR PORT CONNS SECONDS\n");
    return 2;
}
