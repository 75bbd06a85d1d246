/* provider.h - what the TFTP engine asks for a file's bytes.
 *
 * The engine knows nothing of SQL, HTTP or rendering: it hands a requested name
 * to a provider and gets back bytes, "not found" or "access denied".  The
 * provider owns the memory; the engine holds a reference until release().
 */
#ifndef UCPROV_TFTPD_PROVIDER_H
#define UCPROV_TFTPD_PROVIDER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

enum tftp_open_result {
    TFTP_OPEN_OK = 0,
    TFTP_OPEN_NOT_FOUND,   /* answered with ERROR 1 at once */
    TFTP_OPEN_DENIED,      /* answered with ERROR 2 */
};

/* Bytes lent by the provider for the length of one transfer. */
struct tftp_file {
    const unsigned char *data;
    size_t len;
    void *ref;                 /* provider's handle, given back to release() */
    char version_stamp[64];    /* optional; copied into the transfer report */
    char device[32];           /* optional: device name the file belongs to */
};

/* One finished (or failed) transfer, reported after the fact for the fetch log. */
enum tftp_result {
    TFTP_RESULT_OK = 0,
    TFTP_RESULT_NOT_FOUND,
    TFTP_RESULT_DENIED,        /* WRQ, traversal, bad name */
    TFTP_RESULT_TIMEOUT,       /* retries exhausted */
    TFTP_RESULT_ABORTED,       /* client sent ERROR */
    TFTP_RESULT_BUSY,          /* transfer cap reached */
    TFTP_RESULT_BAD_REQUEST,   /* malformed request or options */
};

struct tftp_transfer_report {
    const struct sockaddr *peer;
    socklen_t peer_len;
    const char *filename;      /* as requested, after dropping a leading '/' */
    const char *device;        /* from tftp_file, "" when none */
    const char *version_stamp; /* from tftp_file, "" when none */
    uint64_t bytes;            /* payload bytes acknowledged */
    enum tftp_result result;
    uint64_t duration_us;
};

struct tftp_provider {
    void *ctx;
    /* Look a name up.  name is NUL-terminated, at most 255 bytes, a leading '/'
     * already dropped.  Called on the engine thread; must not block for long. */
    enum tftp_open_result (*open)(void *ctx, const char *name,
                                  const struct sockaddr *peer, socklen_t peer_len,
                                  struct tftp_file *out);
    /* Give back what open() lent.  May be NULL. */
    void (*release)(void *ctx, struct tftp_file *file);
    /* Told once per request, whatever its outcome.  May be NULL. */
    void (*report)(void *ctx, const struct tftp_transfer_report *report);
};

#endif
