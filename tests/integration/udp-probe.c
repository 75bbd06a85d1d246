/* udp-probe: send one datagram (given in hex) to HOST PORT and print the first
 * reply from any source port as hex, or "timeout".  Lets the shell tests throw
 * malformed TFTP packets at ucprovd and read what comes back. */
#include <config.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: udp-probe HOST PORT HEX [TIMEOUT_MS]\n");
        return 2;
    }
    static unsigned char out[70000], in[70000];
    size_t n = 0;
    for (const char *h = argv[3]; h[0] && h[1] && n < sizeof out; h += 2) {
        int hi = hex_value(h[0]), lo = hex_value(h[1]);
        if (hi < 0 || lo < 0) {
            fprintf(stderr, "udp-probe: bad hex\n");
            return 2;
        }
        out[n++] = (unsigned char)(hi << 4 | lo);
    }
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2])) };
    if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
        fprintf(stderr, "udp-probe: bad address\n");
        return 2;
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0 || sendto(fd, out, n, 0, (struct sockaddr *)&to, sizeof to) != (ssize_t)n) {
        perror("udp-probe");
        return 1;
    }
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    if (poll(&pfd, 1, argc == 5 ? atoi(argv[4]) : 2000) <= 0) {
        printf("timeout\n");
        return 0;
    }
    ssize_t r = recv(fd, in, sizeof in, 0);
    for (ssize_t i = 0; i < r; i++)
        printf("%02x", in[i]);
    printf("\n");
    close(fd);
    return 0;
}
