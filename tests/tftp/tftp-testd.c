/* tftp-testd - serve one directory read-only over TFTP, for tests with real
 * clients.  Prints the bound port on stdout, logs one line per request on
 * stderr, and stops cleanly on SIGTERM or SIGINT.
 *
 *   tftp-testd DIR [ADDR [PORT]]
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tftpd/tftpd.h"

static struct tftpd *server;

static const char *const result_names[] = {
    "OK", "NOT_FOUND", "DENIED", "TIMEOUT", "ABORTED", "BUSY", "BAD_REQUEST",
};

static enum tftp_open_result dir_open(void *ctx, const char *name,
                                      const struct sockaddr *peer, socklen_t peer_len,
                                      struct tftp_file *out)
{
    int dirfd = *(int *)ctx;
    struct stat st;
    unsigned char *buf;
    size_t got = 0;
    (void)peer;
    (void)peer_len;

    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == EACCES ? TFTP_OPEN_DENIED : TFTP_OPEN_NOT_FOUND;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
        !(buf = malloc(st.st_size ? (size_t)st.st_size : 1))) {
        close(fd);
        return TFTP_OPEN_NOT_FOUND;
    }
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    out->data = buf;
    out->len = got;
    out->ref = buf;
    return TFTP_OPEN_OK;
}

static void dir_release(void *ctx, struct tftp_file *file)
{
    (void)ctx;
    free(file->ref);
}

static void dir_report(void *ctx, const struct tftp_transfer_report *r)
{
    (void)ctx;
    fprintf(stderr, "tftp-testd: %s %s %llu bytes\n", r->filename,
            result_names[r->result], (unsigned long long)r->bytes);
}

static void on_signal(int sig)
{
    (void)sig;
    tftpd_stop(server);
}

int main(int argc, char **argv)
{
    char err[256];
    int dirfd;

    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: %s DIR [ADDR [PORT]]\n", argv[0]);
        return 2;
    }
    if ((dirfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        perror(argv[1]);
        return 1;
    }
    struct tftpd_config cfg = {
        .addr = argc > 2 ? argv[2] : "127.0.0.1",
        .port = argc > 3 ? (uint16_t)atoi(argv[3]) : 0,
    };
    struct tftp_provider provider = {
        .ctx = &dirfd, .open = dir_open, .release = dir_release, .report = dir_report,
    };
    if (!(server = tftpd_new(&cfg, &provider, err, sizeof err))) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    printf("%u\n", tftpd_port(server));
    fflush(stdout);
    int rc = tftpd_run(server);
    tftpd_free(server);
    close(dirfd);
    return rc == 0 ? 0 : 1;
}
