/* provider.h - what phones may fetch, by name: the one place that maps a
 * requested file name to bytes, for the TFTP engine and the HTTP config port.
 *
 *   SEP<MAC>.cnf.xml      the phone's rendered config (render cache)
 *   XMLDefault.cnf.xml    the rendered default config
 *   ITLFile.tlv, ITLSEP<MAC>.tlv, CTLFile.tlv (when enabled)   trust lists
 *   SEP<MAC>.cnf.xml.sgn, .enc.sgn, XMLDefault.cnf.xml.sgn    signed configs
 *   X.sgn                 a static file X signed, unless X.sgn itself exists
 *   anything else         a regular file below --tftp-root, if set, in
 *                         subdirectories too (United_States/g3-tones.xml)
 * Names are matched case-insensitively; nothing outside the static root is
 * reachable (strict name pattern, then openat2 RESOLVE_BENEATH: beneath.h),
 * and only regular files are served (a FIFO or a device is refused). */
#ifndef UCPROV_PROVIDER_H
#define UCPROV_PROVIDER_H

#include <stddef.h>

#include "fetchlog.h"
#include "http.h"
#include "service/service.h"
#include "tftpd/provider.h"

struct config_provider;   /* opaque */

/* UNAVAILABLE: a config that is not cached could not be rendered because the
 * database does not answer (HTTP 503; TFTP has only its ERROR). */
/* DENIED: a name refused (out of the root, not a regular file): answered as
 * not found, logged as denied.  HOST_REFUSED: the asking host is refused
 * (a flagged MAC scan, --refuse-mac-scans). */
enum provider_status {
    PROVIDER_OK, PROVIDER_NOT_FOUND, PROVIDER_DENIED, PROVIDER_UNAVAILABLE, PROVIDER_HOST_REFUSED
};

struct provider_file {
    const unsigned char *data;
    size_t len;
    char device[16];
    char version_stamp[48];
    struct cache_blob *blob;   /* rendered files */
    void *map;                 /* static files */
    size_t map_len;
    int64_t mtime_ns;          /* static files: what a signed copy is keyed by */
};

/* static_root may be NULL (no static files).  log may be NULL. */
struct config_provider *provider_new(struct service *sv, struct fetchlog *log,
                                     const char *static_root, char *err, size_t errlen);
void provider_free(struct config_provider *cp);

enum provider_status provider_open(struct config_provider *cp, const char *name,
                                   struct provider_file *out);
void provider_close(struct provider_file *f);

/* The TFTP engine's view of this provider. */
void provider_tftp(struct config_provider *cp, struct tftp_provider *out);
/* http_handler for the config port (ctx is the provider): GET/HEAD, no auth. */
void provider_cnf_http(void *ctx, const struct http_req *req, struct http_resp *resp);

#endif
