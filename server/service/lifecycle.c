/* lifecycle.c - open and close the service; back up and restore its database.
 *
 * The database is opened once to migrate it; after that every thread opens a
 * connection of its own on first use (svc_conn), and service_close() closes
 * them all. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "cache.h"
#include "limits.h"
#include "log.h"
#include "render.h"
#include "service/internal.h"

static char *slurp(const char *path, size_t *len);
static struct render_templates *load_templates(char *err, size_t errlen);

/* The calling thread's connection: SQLite connections are not shared between
 * threads, and WAL lets the readers run beside the one writer. */
struct store *svc_conn(struct service *sv)
{
    struct store *s = pthread_getspecific(sv->conn_key);
    if (s != NULL)
        return s;
    char err[256];
    s = store_open(sv->db_path, err, sizeof err);
    if (s == NULL) {
        /* An unreachable database was logged once, when it went. */
        if (store_reachable())
            log_error("%s", err);
        return NULL;
    }
    struct conn *c = malloc(sizeof *c);
    if (c == NULL) {
        store_close(s);
        return NULL;
    }
    c->store = s;
    pthread_mutex_lock(&sv->conns_lock);
    c->next = sv->conns;
    sv->conns = c;
    pthread_mutex_unlock(&sv->conns_lock);
    pthread_setspecific(sv->conn_key, s);
    return s;
}

/* A whole small file into memory; NULL when it cannot be read. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (*len == cap) {
            if (cap >= UCPROV_TEMPLATE_MAX)
                break;
            cap = cap ? cap * 2 : 8192;
            char *grown = realloc(buf, cap + 1);
            if (grown == NULL)
                break;
            buf = grown;
        }
        size_t n = fread(buf + *len, 1, cap - *len, f);
        *len += n;
        if (n == 0)
            break;
    }
    bool ok = !ferror(f) && feof(f);
    fclose(f);
    if (!ok) {
        free(buf);
        return NULL;
    }
    buf[*len] = '\0';
    return buf;
}

/* The config skeletons: a site's copies under the installed data directory
 * (pkgdatadir/templates) win over the ones compiled in, so an admin can add
 * elements every phone gets without rebuilding. */
static struct render_templates *load_templates(char *err, size_t errlen)
{
    size_t dev_len, def_len;
    char *dev = slurp(UCPROV_PKGDATADIR "/templates/SEPMAC.cnf.xml", &dev_len);
    char *def = slurp(UCPROV_PKGDATADIR "/templates/XMLDefault.cnf.xml", &def_len);
    struct render_templates *t = NULL;
    if (dev != NULL && def != NULL) {
        t = render_templates_parse(dev, dev_len, def, def_len, err, errlen);
        if (t != NULL)
            log_info("config templates from " UCPROV_PKGDATADIR "/templates");
    }
    free(dev);
    free(def);
    return t != NULL ? t : render_templates_load(err, errlen);
}

struct service *service_open(const char *db_path, char *err, size_t errlen)
{
    struct service *sv = calloc(1, sizeof *sv);
    if (sv == NULL || (sv->db_path = strdup(db_path)) == NULL) {
        snprintf(err, errlen, "out of memory");
        free(sv);
        return NULL;
    }
    pthread_key_create(&sv->conn_key, NULL);
    pthread_mutex_init(&sv->conns_lock, NULL);
    svc_cluster_init(sv);
    pthread_mutex_init(&sv->auth_lock, NULL);
    RAND_bytes(sv->auth_secret, sizeof sv->auth_secret);
    sv->cache = cache_new();
    if (svc_trust_init(sv) != 0) {
        snprintf(err, errlen, "out of memory");
        service_close(sv);
        return NULL;
    }
    sv->templates = load_templates(err, errlen);
    if (sv->cache == NULL || sv->templates == NULL) {
        service_close(sv);
        return NULL;
    }
    struct store *s = NULL;
    if (svc_private_files(db_path, err, errlen) != 0 ||
        svc_load_key(sv, db_path, err, errlen) != 0 || svc_session_keys(sv, err, errlen) != 0 ||
        (s = store_open(db_path, err, errlen)) == NULL) {
        service_close(sv);
        return NULL;
    }
    int rc = store_migrate(s, err, errlen);
    sv->cluster.shared = store_shared(s);
    store_close(s);
    /* A fresh connection: a migration may have changed the schema's text. */
    if (rc == 0 && (s = store_open(db_path, err, errlen)) == NULL)
        rc = -1;
    else if (rc == 0 && svc_key_check(sv, s, err, errlen) != 0)
        rc = -1;
    else if (rc == 0 && svc_seal_existing(sv, s) != 0) {
        snprintf(err, errlen, "cannot seal the secrets stored in clear");
        rc = -1;
    }
    store_close(s);
    if (rc == 0)
        return sv;
    service_close(sv);
    return NULL;
}

void service_close(struct service *sv)
{
    if (sv == NULL)
        return;
    svc_cluster_stop(sv);   /* first: it evicts, and it listens on a connection of its own */
    svc_warm_stop(sv);      /* it renders through a connection of its own */
    svc_trust_free(sv);
    struct conn *c = sv->conns;
    while (c != NULL) {
        struct conn *next = c->next;
        store_close(c->store);
        free(c);
        c = next;
    }
    pthread_key_delete(sv->conn_key);
    pthread_mutex_destroy(&sv->conns_lock);
    pthread_mutex_destroy(&sv->auth_lock);
    svc_cluster_free(sv);
    OPENSSL_cleanse(sv->auth_secret, sizeof sv->auth_secret);
    OPENSSL_cleanse(sv->secret_key, sizeof sv->secret_key);
    OPENSSL_cleanse(sv->form_key, sizeof sv->form_key);
    OPENSSL_cleanse(sv->login_key, sizeof sv->login_key);
    cache_free(sv->cache);
    render_templates_free(sv->templates);
    free(sv->db_path);
    free(sv);
}

/* ------------------------------------------------------- backup and restore */

int service_backup(struct service *sv, const char *path, char *err, size_t errlen)
{
    struct store *s = svc_conn(sv);
    if (s == NULL) {
        snprintf(err, errlen, "cannot open the database");
        return -1;
    }
    /* Into a temporary name first, so a failed backup never replaces a good one. */
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    unlink(tmp);
    /* An empty file is an empty database: the copy is private from its first byte. */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0)
        close(fd);
    if (fd < 0 || store_backup(s, tmp, err, errlen) != 0) {
        if (fd < 0)
            snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

void service_database_label(const char *target, char *out, size_t len)
{
    store_target_redacted(target, out, len);
}

/* Open and migrate one side of a copy; the source must already exist. */
static struct store *open_side(const char *target, bool source, char *err, size_t errlen)
{
    if (source && store_target_is_file(target) && access(target, R_OK) != 0) {
        snprintf(err, errlen, "cannot read %s: %s", target, strerror(errno));
        return NULL;
    }
    struct store *s = store_open(target, err, errlen);
    if (s != NULL && store_migrate(s, err, errlen) != 0) {
        store_close(s);
        return NULL;
    }
    return s;
}

int service_copy_site(const char *from, const char *to, int64_t *rows, char *err,
                      size_t errlen)
{
    *rows = 0;
    struct store *src = open_side(from, true, err, errlen);
    struct store *dst = src ? open_side(to, false, err, errlen) : NULL;
    int rc = dst ? store_copy(src, dst, rows, err, errlen) : -1;
    if (rc == 0)
        svc_cluster_announce_site(dst);
    store_close(src);
    store_close(dst);
    return rc;
}

int service_restore(struct service *sv, const char *path, char *err, size_t errlen)
{
    struct store *s = svc_conn(sv);
    if (s == NULL) {
        snprintf(err, errlen, "cannot open the database");
        return -1;
    }
    if (store_restore(s, path, err, errlen) != 0 || store_migrate(s, err, errlen) != 0)
        return -1;
    /* Who was logged in when the backup was made is not who is now. */
    if (store_sessions_clear(s) != STORE_OK) {
        snprintf(err, errlen, "restored, but the web sessions could not be ended");
        return -1;
    }
    svc_evict_all(sv);
    svc_auth_cache_clear(sv);
    svc_cluster_notify_all(sv, s);   /* other nodes over the same database */
    svc_cluster_notify_auth(sv, s);
    log_info("database restored from %s", path);
    return 0;
}
