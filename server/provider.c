/* provider.c - config files and static files by name, for TFTP and HTTP 6970. */
#include <config.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "beneath.h"
#include "limits.h"
#include "log.h"
#include "provider.h"
#include "scanwatch.h"
#include "timefmt.h"

struct config_provider {
    struct service *sv;
    struct fetchlog *log;
    int root_fd;               /* -1 without a static root */
};

static const char *const tftp_result_names[] = {
    [TFTP_RESULT_OK] = "ok",
    [TFTP_RESULT_NOT_FOUND] = "not_found",
    [TFTP_RESULT_DENIED] = "denied",
    [TFTP_RESULT_TIMEOUT] = "timeout",
    [TFTP_RESULT_ABORTED] = "aborted",
    [TFTP_RESULT_BUSY] = "busy",
    [TFTP_RESULT_BAD_REQUEST] = "bad_request",
};

struct config_provider *provider_new(struct service *sv, struct fetchlog *log,
                                     const char *static_root, char *err, size_t errlen)
{
    struct config_provider *cp = calloc(1, sizeof *cp);
    if (cp == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    cp->sv = sv;
    cp->log = log;
    cp->root_fd = -1;
    if (static_root != NULL) {
        cp->root_fd = open(static_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (cp->root_fd < 0) {
            snprintf(err, errlen, "cannot open TFTP root %s: %s", static_root, strerror(errno));
            provider_free(cp);
            cp = NULL;
        }
    }
    return cp;
}

void provider_free(struct config_provider *cp)
{
    if (cp == NULL)
        return;
    if (cp->root_fd >= 0)
        close(cp->root_fd);
    free(cp);
}

static bool has_suffix_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* prefix "SEP<12 hex>" suffix in any case -> the upper-case device name. */
static bool device_name_in(const char *name, const char *prefix, const char *suffix,
                           char device[16])
{
    size_t n = strlen(name), p = strlen(prefix), m = strlen(suffix);
    if (n != p + UCPROV_DEVICE_NAME_LEN + m || strncasecmp(name, prefix, p) != 0 ||
        !has_suffix_ci(name, suffix))
        return false;
    char raw[UCPROV_DEVICE_NAME_LEN + 1];
    memcpy(raw, name + p, UCPROV_DEVICE_NAME_LEN);
    raw[UCPROV_DEVICE_NAME_LEN] = '\0';
    return device_name_normalise(raw, device);
}

/* "SEP<12 hex>.cnf.xml" in any case -> the upper-case device name. */
static bool device_config_name(const char *name, char device[16])
{
    return device_name_in(name, "", ".cnf.xml", device) ||
           device_name_in(name, "", ".cnf.xml.sgn", device) ||
           device_name_in(name, "", ".cnf.xml.enc.sgn", device);
}

/* The directory entry below dirfd whose name equals comp (len bytes) but for
 * case, copied to out; false when there is none. */
static bool entry_ignoring_case(int dirfd, const char *comp, size_t len, char *out,
                                size_t outlen)
{
    DIR *dir = fdopendir(dirfd);
    if (dir == NULL) {
        close(dirfd);
        return false;
    }
    bool found = false;
    struct dirent *de;
    while (!found && (de = readdir(dir)) != NULL)
        if (strlen(de->d_name) == len && strncasecmp(de->d_name, comp, len) == 0 &&
            len < outlen) {
            memcpy(out, de->d_name, len + 1);
            found = true;
        }
    closedir(dir);
    return found;
}

/* name as the directory entries below the root spell it, component by
 * component: phones ask for "ringlist.xml" and "english_united_states/...". */
static bool spell_as_on_disk(int root_fd, const char *name, char *out, size_t outlen)
{
    size_t used = 0;
    for (const char *comp = name; *comp != '\0';) {
        size_t len = strcspn(comp, "/");
        if (used + len + 2 > outlen)
            return false;
        int dfd = used == 0 ? openat(root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                            : beneath_open(root_fd, out, O_RDONLY | O_DIRECTORY);
        if (dfd < 0)
            return false;
        if (used > 0)
            out[used++] = '/';
        if (!entry_ignoring_case(dfd, comp, len, out + used, outlen - used))
            return false;
        used += len;
        comp += len + (comp[len] == '/');
    }
    return used > 0 && beneath_name_ok(out, outlen - 1);
}

/* The exact name first; its spelling may differ in case from the file's. */
static int open_static(int root_fd, const char *name)
{
    int fd = beneath_open(root_fd, name, O_RDONLY);
    if (fd >= 0 || errno != ENOENT)
        return fd;
    char disk[UCPROV_STATIC_NAME_MAX + 1];
    if (!spell_as_on_disk(root_fd, name, disk, sizeof disk)) {
        errno = ENOENT;
        return -1;
    }
    return beneath_open(root_fd, disk, O_RDONLY);
}

/* A regular file below --tftp-root.  What leads out of the root (a symbolic
 * link, "..", an absolute name) and what is not a regular file (a FIFO, a
 * device, a directory) is refused; a FIFO was opened without blocking. */
static enum provider_status provide_static(struct config_provider *cp, const char *name,
                                           struct provider_file *out)
{
    if (cp->root_fd < 0)
        return PROVIDER_NOT_FOUND;
    if (!beneath_name_ok(name, UCPROV_STATIC_NAME_MAX))
        return PROVIDER_DENIED;
    int fd = open_static(cp->root_fd, name);
    if (fd < 0)
        return errno == EXDEV || errno == ELOOP || errno == EACCES || errno == EPERM ||
                       errno == EINVAL ? PROVIDER_DENIED : PROVIDER_NOT_FOUND;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return PROVIDER_DENIED;
    }
    out->len = (size_t)st.st_size;
    out->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    if (out->len == 0) {
        out->data = (const unsigned char *)"";
    } else {
        out->map = mmap(NULL, out->len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (out->map == MAP_FAILED) {
            out->map = NULL;
            close(fd);
            return PROVIDER_NOT_FOUND;
        }
        out->map_len = out->len;
        out->data = out->map;
    }
    close(fd);
    return PROVIDER_OK;
}

/* X.sgn of a static file X that has no signed copy of its own: signed once
 * per content (service_sign_static), the mapping released at once. */
static enum provider_status provide_static_signed(struct config_provider *cp, const char *name,
                                                  struct provider_file *out)
{
    char plain[UCPROV_STATIC_NAME_MAX + 1];
    size_t n = strlen(name) - 4;
    if (n == 0 || n > UCPROV_STATIC_NAME_MAX)
        return PROVIDER_NOT_FOUND;
    memcpy(plain, name, n);
    plain[n] = '\0';
    struct provider_file f = { 0 };
    enum provider_status ps = provide_static(cp, plain, &f);
    if (ps != PROVIDER_OK)
        return ps;
    out->blob = service_sign_static(cp->sv, plain, f.data, f.len, f.mtime_ns);
    provider_close(&f);
    return out->blob != NULL ? PROVIDER_OK : PROVIDER_NOT_FOUND;
}

/* Trust lists and signed files: made by the service, NULL blob when none. */
static bool provide_trust(struct config_provider *cp, const char *name,
                          struct provider_file *out)
{
    char device[16];
    if (strcasecmp(name, TRUST_ITL_NAME) == 0)
        out->blob = service_trust_file(cp->sv, TRUST_ITL_NAME, NULL);
    else if (strcasecmp(name, TRUST_CTL_NAME) == 0 || device_name_in(name, "CTL", ".tlv", device))
        out->blob = service_trust_file(cp->sv, TRUST_CTL_NAME, NULL);
    else if (device_name_in(name, "ITL", ".tlv", device))
        out->blob = service_trust_file(cp->sv, name, device);
    else if (device_name_in(name, "", ".cnf.xml.sgn", device))
        out->blob = service_render_signed(cp->sv, device, false);
    else if (device_name_in(name, "", ".cnf.xml.enc.sgn", device))
        out->blob = service_render_signed(cp->sv, device, true);
    else if (strcasecmp(name, XMLDEFAULT_NAME ".sgn") == 0)
        out->blob = service_render_signed(cp->sv, XMLDEFAULT_NAME, false);
    else if (has_suffix_ci(name, ".tlv"))
        return true;   /* another trust list name: not found, without the disk */
    else
        return false;
    return true;
}

enum provider_status provider_open(struct config_provider *cp, const char *name,
                                   struct provider_file *out)
{
    memset(out, 0, sizeof *out);
    if (*name == '/')
        name++;
    char device[16];
    if (provide_trust(cp, name, out)) {
        if (out->blob == NULL)
            return PROVIDER_NOT_FOUND;
        (void)device_config_name(name, out->device);
    } else if (device_name_in(name, "", ".cnf.xml", device)) {
        snprintf(out->device, sizeof out->device, "%s", device);
        out->blob = service_render(cp->sv, device);
    } else if (strcasecmp(name, XMLDEFAULT_NAME) == 0) {
        out->blob = service_render(cp->sv, XMLDEFAULT_NAME);
    } else {
        enum provider_status ps = provide_static(cp, name, out);
        if (ps == PROVIDER_NOT_FOUND && has_suffix_ci(name, ".sgn"))
            ps = provide_static_signed(cp, name, out);
        if (ps != PROVIDER_OK || out->blob == NULL)
            return ps;
    }
    if (out->blob == NULL)
        return service_database_up(cp->sv) ? PROVIDER_NOT_FOUND : PROVIDER_UNAVAILABLE;
    out->data = out->blob->data;
    out->len = out->blob->len;
    snprintf(out->version_stamp, sizeof out->version_stamp, "%s", out->blob->version_stamp);
    return PROVIDER_OK;
}

void provider_close(struct provider_file *f)
{
    if (f->blob != NULL)
        cache_blob_unref(f->blob);
    if (f->map != NULL)
        munmap(f->map, f->map_len);
    memset(f, 0, sizeof *f);
}

/* --------------------------------------------------------------- fetch log */

/* ----------------------------------------------------------- TFTP adapter */

struct tftp_handle {
    struct provider_file file;
};

static enum tftp_open_result tftp_open(void *ctx, const char *name, const struct sockaddr *peer,
                                       socklen_t peer_len, struct tftp_file *out)
{
    (void)peer_len;
    char client[64];
    uint16_t port;
    sockaddr_text(peer, client, sizeof client, &port);
    if (scanwatch_refuses(client, time_now_ms()))
        return TFTP_OPEN_DENIED;
    struct tftp_handle *h = malloc(sizeof *h);
    if (h == NULL)
        return TFTP_OPEN_NOT_FOUND;
    enum provider_status ps = provider_open(ctx, name, &h->file);
    if (ps != PROVIDER_OK) {
        free(h);
        return ps == PROVIDER_DENIED ? TFTP_OPEN_DENIED : TFTP_OPEN_NOT_FOUND;
    }
    out->data = h->file.data;
    out->len = h->file.len;
    out->ref = h;
    snprintf(out->version_stamp, sizeof out->version_stamp, "%s", h->file.version_stamp);
    snprintf(out->device, sizeof out->device, "%s", h->file.device);
    return TFTP_OPEN_OK;
}

static void tftp_release(void *ctx, struct tftp_file *file)
{
    (void)ctx;
    struct tftp_handle *h = file->ref;
    if (h == NULL)
        return;
    provider_close(&h->file);
    free(h);
    file->ref = NULL;
}

static void tftp_report(void *ctx, const struct tftp_transfer_report *r)
{
    struct config_provider *cp = ctx;
    struct fetch_record rec = { 0 };
    rec.at_ms = time_now_ms();
    uint16_t port;
    sockaddr_text(r->peer, rec.client, sizeof rec.client, &port);
    rec.client_port = port;
    snprintf(rec.filename, sizeof rec.filename, "%s", r->filename ? r->filename : "");
    snprintf(rec.device, sizeof rec.device, "%s", r->device ? r->device : "");
    if (rec.device[0] == '\0')
        device_config_name(rec.filename, rec.device);
    snprintf(rec.protocol, sizeof rec.protocol, "tftp");
    rec.bytes = (int64_t)r->bytes;
    size_t ri = (size_t)r->result;
    snprintf(rec.result, sizeof rec.result, "%s",
             ri < sizeof tftp_result_names / sizeof tftp_result_names[0] && tftp_result_names[ri]
                 ? tftp_result_names[ri] : "error");
    snprintf(rec.version_stamp, sizeof rec.version_stamp, "%s",
             r->version_stamp ? r->version_stamp : "");
    rec.duration_us = (int64_t)r->duration_us;
    fetchlog_record(cp->log, &rec);
}

void provider_tftp(struct config_provider *cp, struct tftp_provider *out)
{
    out->ctx = cp;
    out->open = tftp_open;
    out->release = tftp_release;
    out->report = tftp_report;
}

/* ------------------------------------------------------ HTTP config port */

static void release_blob(void *cls)
{
    cache_blob_unref(cls);
}

/* What the config port answers when there is no file to send. */
static void provider_refusal(enum provider_status ps, struct http_resp *resp,
                             struct fetch_record *rec)
{
    static const struct {
        int status;
        const char *msg, *result;
    } refusals[] = {
        [PROVIDER_NOT_FOUND] = { 404, "not found\n", "not_found" },
        /* A name that would leave the root reveals nothing: it is not found. */
        [PROVIDER_DENIED] = { 404, "not found\n", "denied" },
        [PROVIDER_HOST_REFUSED] = { 403, "forbidden\n", "denied" },
        [PROVIDER_UNAVAILABLE] = { 503, "database unreachable; try again\n", "error" },
    };
    const char *msg = refusals[ps].msg;
    http_resp_set(resp, refusals[ps].status, "text/plain", strdup(msg), strlen(msg));
    snprintf(rec->result, sizeof rec->result, "%s", refusals[ps].result);
}

void provider_cnf_http(void *ctx, const struct http_req *req, struct http_resp *resp)
{
    struct config_provider *cp = ctx;
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
        snprintf(resp->allow, sizeof resp->allow, "GET, HEAD");
        http_resp_set(resp, 405, "text/plain", strdup("method not allowed\n"), 19);
        return;
    }
    struct provider_file f;
    /* "/" names no file: it is not found, as CUCM lists nothing either. */
    enum provider_status ps = scanwatch_refuses(req->peer, time_now_ms()) ? PROVIDER_HOST_REFUSED
                              : req->path[strspn(req->path, "/")] == '\0' ? PROVIDER_NOT_FOUND
                              : provider_open(cp, req->path, &f);
    struct fetch_record rec = { 0 };
    const char *name = req->path[0] == '/' ? req->path + 1 : req->path;
    snprintf(rec.filename, sizeof rec.filename, "%s", name);
    snprintf(rec.protocol, sizeof rec.protocol, "http");
    snprintf(rec.client, sizeof rec.client, "%s", req->peer);
    rec.client_port = req->peer_port;
    if (ps == PROVIDER_OK) {
        const char *type = has_suffix_ci(name, ".xml") ? "text/xml" : "application/octet-stream";
        if (f.blob != NULL) {
            /* A rendered config: MHD sends the cached bytes themselves, and
             * the reference taken here keeps them until it is done. */
            http_resp_set(resp, 200, type, (char *)f.blob->data, f.len);
            resp->release = release_blob;
            resp->release_cls = f.blob;
            f.blob = NULL;   /* now the response's */
        } else {
            /* A static file is mapped only while the provider holds it. */
            char *copy = malloc(f.len ? f.len : 1);
            if (copy != NULL && f.len)
                memcpy(copy, f.data, f.len);
            http_resp_set(resp, copy ? 200 : 500, type, copy, copy ? f.len : 0);
        }
        snprintf(rec.device, sizeof rec.device, "%s", f.device);
        snprintf(rec.version_stamp, sizeof rec.version_stamp, "%s", f.version_stamp);
        snprintf(rec.result, sizeof rec.result, "ok");
        rec.bytes = (int64_t)f.len;
        provider_close(&f);
    } else {
        provider_refusal(ps, resp, &rec);
        device_config_name(name, rec.device);
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    rec.duration_us = (end.tv_sec - start.tv_sec) * 1000000 + (end.tv_nsec - start.tv_nsec) / 1000;
    rec.at_ms = time_now_ms();
    fetchlog_record(cp->log, &rec);
}
