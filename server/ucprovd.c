/* ucprovd - the ucprov daemon: admin REST on one port, phone configs over
 * TFTP (69) and HTTP (6970) on the others. */
#include <config.h>

#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "admin.h"
#include "admin_tls.h"
#include "daemon_options.h"
#include "dblock.h"
#include "fetchlog.h"
#include "http.h"
#include "limits.h"
#include "log.h"
#include "prometheus.h"
#include "provider.h"
#include "scanwatch.h"
#include "secretbox.h"
#include "service/service.h"
#include "tftpd/tftpd.h"

struct daemon;

static int read_pem_file(const char *path, char **out);
static void free_pem(char **pem);
static int write_ready_file(const char *path, uint16_t http, uint16_t tftp, uint16_t cnf);
static int drop_privileges(const char *user, const char *db, const char *key_file);
static void hand_over_files(const char *db, const char *key_file, uid_t uid, gid_t gid);
static void raise_file_limit(unsigned max_transfers);
static bool enabled(const char *listen);
static void *tftp_thread(void *arg);
static void prepare_process(struct daemon *d);
static int open_service(struct daemon *d);
static int bind_ports(struct daemon *d);
static int bind_admin(struct daemon *d);
static bool admin_needs_tls(const struct daemon *d);
static int admin_selfsigned(struct daemon *d, char *cert, size_t certlen, char *key,
                            size_t keylen);
static int bind_config_port(struct daemon *d);
static int bind_tftp(struct daemon *d);
static int run(struct daemon *d);
static void announce(const struct daemon *d);
static void shut_down(struct daemon *d);

/* A PEM file for the admin port's TLS, whole and NUL-terminated. */
static int read_pem_file(const char *path, char **out)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        log_error("cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    char *buf = calloc(1, UCPROV_MAX_TLS_FILE + 1);
    size_t n = buf ? fread(buf, 1, UCPROV_MAX_TLS_FILE + 1, f) : 0;
    bool failed = ferror(f) != 0;
    fclose(f);
    if (buf == NULL || failed || n == 0 || n > UCPROV_MAX_TLS_FILE) {
        log_error("%s: %s", path, buf == NULL ? "out of memory" : failed ? "read error"
                  : n == 0 ? "empty file" : "larger than a certificate chain or key should be");
        free(buf);
        return -1;
    }
    *out = buf;
    return 0;
}

static void free_pem(char **pem)
{
    if (*pem != NULL)
        explicit_bzero(*pem, strlen(*pem));
    free(*pem);
    *pem = NULL;
}

static int write_ready_file(const char *path, uint16_t http, uint16_t tftp, uint16_t cnf)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return -1;
    fprintf(f, "http=%u\ntftp=%u\ncnf_http=%u\n", http, tftp, cnf);
    if (fclose(f) != 0)
        return -1;
    return rename(tmp, path);
}

/* Ports below 1024 are bound first; then the daemon gives up root for good. */
static int drop_privileges(const char *user, const char *db, const char *key_file)
{
    struct passwd *pw = getpwnam(user);
    if (pw == NULL) {
        log_error("--user %s: no such user", user);
        return -1;
    }
    hand_over_files(db, key_file, pw->pw_uid, pw->pw_gid);
    if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
        log_error("cannot switch to user %s: %s", user, strerror(errno));
        return -1;
    }
    if (setuid(0) == 0) {
        log_error("privileges could be regained after dropping them; refusing to run");
        return -1;
    }
    log_info("running as user %s", user);
    return 0;
}

/* The database was opened (and perhaps created) as root: the files SQLite
 * writes later, and the key, must belong to the user the daemon becomes.
 * Their mode stays 0600. */
static void hand_over_files(const char *db, const char *key_file, uid_t uid, gid_t gid)
{
    static const char *const suffixes[] = { "", "-wal", "-shm", ".lock" };
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s%s", db, suffixes[i]);
        if (chown(path, uid, gid) != 0 && errno != ENOENT)
            log_warn("cannot give %s to the daemon's user: %s", path, strerror(errno));
    }
    /* The key that seals the phones' secrets: the CLI, run as that user, reads it too. */
    char key[4096];
    secretbox_key_path(db, key, sizeof key);
    if (key_file != NULL)
        snprintf(key, sizeof key, "%s", key_file);
    bool file = key_file != NULL || (strstr(db, "://") == NULL && strncmp(db, "postgres", 8) != 0);
    if (file && chown(key, uid, gid) != 0 && errno != ENOENT)
        log_warn("cannot give %s to the daemon's user: %s", key, strerror(errno));
}

/* Each TFTP transfer holds a socket: make room for the cap plus the HTTP
 * listeners' connections before the first boot storm finds the limit. */
static void raise_file_limit(unsigned max_transfers)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)(max_transfers ? max_transfers : 4096) + UCPROV_HTTP_CONN_LIMIT * 2 + 256;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
        return;
    rl.rlim_cur = want < rl.rlim_max ? want : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < want)
        log_warn("open file limit %llu is below the %llu the TFTP transfer cap needs",
                 (unsigned long long)rl.rlim_cur, (unsigned long long)want);
}

static bool enabled(const char *listen)
{
    return strcmp(listen, "off") != 0;
}

static void *tftp_thread(void *arg)
{
    tftpd_run(arg);
    return NULL;
}

/* Everything the daemon holds while it runs; shut_down() releases what is set. */
struct daemon {
    struct options opt;
    sigset_t stop_signals;            /* taken by sigwait() in run() */
    struct service *sv;
    struct fetchlog *fetchlog;
    struct config_provider *provider;
    struct admin *router;
    char *tls_cert, *tls_key;
    struct http_server *http, *cnf;
    struct tftpd *tftp;
    pthread_t tftp_tid;
    bool tftp_running;
    int db_lock;                      /* held while serving: ucprov restore asks (dblock.h) */
};

int main(int argc, char **argv)
{
    struct daemon d = { .db_lock = -1 };
    if (options_parse(argc, argv, &d.opt) != 0) {
        options_free(&d.opt);
        return 2;
    }
    prepare_process(&d);
    int rc = 1;
    if (open_service(&d) == 0 && bind_ports(&d) == 0 &&
        (d.opt.user == NULL || drop_privileges(d.opt.user, d.opt.db, d.opt.key_file) == 0) &&
        run(&d) == 0)
        rc = 0;
    shut_down(&d);
    return rc;
}

/* Before any thread starts: logging, signals, libxml2, the file limit. */
static void prepare_process(struct daemon *d)
{
    umask(077);   /* the database, its -wal and -shm, the key and certificate files */
    if (d->opt.syslog)
        log_to_syslog("ucprovd");
    /* Signals are taken by sigwait() in run(); every thread inherits the mask. */
    sigemptyset(&d->stop_signals);
    sigaddset(&d->stop_signals, SIGINT);
    sigaddset(&d->stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &d->stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);
    xmlInitParser();
    raise_file_limit(d->opt.max_transfers);
}

/* The database, the fetch log's writer and the file provider. */
static int open_service(struct daemon *d)
{
    char err[512];
    pid_t other = 0;
    d->db_lock = dblock_take(d->opt.db, &other);
    service_set_key_file(d->opt.key_file);
    if (d->db_lock == -2)
        log_warn("another ucprovd (pid %ld) serves %s too", (long)other, d->opt.db);
    if ((d->sv = service_open(d->opt.db, err, sizeof err)) == NULL) {
        log_error("%s", err);
        return -1;
    }
    if (d->opt.cache_mb > 0)
        service_set_cache_budget(d->sv, (size_t)d->opt.cache_mb << 20);
    char label[512];
    service_database_label(d->opt.db, label, sizeof label);
    if (service_admin_count(d->sv) == 0)
        log_warn("no admin account yet: create one with 'ucprov --db %s admin add NAME'",
                 label);
    scanwatch_set_refusal(d->opt.refuse_mac_scans);
    d->fetchlog = fetchlog_start(d->sv);
    d->provider = provider_new(d->sv, d->fetchlog, d->opt.tftp_root, err, sizeof err);
    if (d->fetchlog == NULL || d->provider == NULL) {
        log_error("%s", d->provider ? "cannot start the fetch log writer" : err);
        return -1;
    }
    return 0;
}

/* Every listening socket, while the daemon may still be root. */
static int bind_ports(struct daemon *d)
{
    if (bind_admin(d) != 0)
        return -1;
    if (enabled(d->opt.cnf_http) && bind_config_port(d) != 0)
        return -1;
    if (enabled(d->opt.tftp) && bind_tftp(d) != 0)
        return -1;
    return 0;
}

/* The admin pages, the REST API and /metrics, over HTTPS when configured. */
static int bind_admin(struct daemon *d)
{
    char err[512];
    struct http_config admin = {
        .name = "admin", .listen = d->opt.http,
        .max_body = UCPROV_MAX_JSON_BODY, .threads = UCPROV_HTTP_THREADS,
        .body_limit = admin_body_limit,
        .authenticate = admin_authenticate, .refuse = admin_refuse,
    };
    const char *cert = d->opt.tls_cert, *key = d->opt.tls_key;
    char made_cert[4096], made_key[4096];
    if (cert == NULL && admin_needs_tls(d) &&
        admin_selfsigned(d, made_cert, sizeof made_cert, made_key, sizeof made_key) != 0)
        return -1;
    if (cert == NULL && admin_needs_tls(d)) {
        cert = made_cert;
        key = made_key;
    }
    bool tls = cert != NULL;
    if (tls && (read_pem_file(cert, &d->tls_cert) != 0 || read_pem_file(key, &d->tls_key) != 0))
        return -1;
    admin.tls_cert_pem = d->tls_cert;
    admin.tls_key_pem = d->tls_key;
    if ((d->router = admin_new(d->sv, tls, err, sizeof err)) == NULL) {
        log_error("admin pages: %s", err);
        return -1;
    }
    admin.guard_ctx = d->router;
    d->http = http_start(&admin, admin_handle, d->router, err, sizeof err);
    free_pem(&d->tls_key);   /* the TLS library holds its own copy now */
    if (d->http == NULL) {
        log_error("admin listener: %s", err);
        return -1;
    }
    if (tls)
        log_info("admin port speaks HTTPS with %s", cert);
    else if (!admin_tls_loopback(d->opt.http))
        log_warn("admin port %s speaks plain HTTP (--insecure-http): passwords and session "
                 "cookies cross the network in clear", d->opt.http);
    return 0;
}

/* Plain HTTP only on loopback, or when asked for by name. */
static bool admin_needs_tls(const struct daemon *d)
{
    return !d->opt.insecure_http && !admin_tls_loopback(d->opt.http);
}

/* The certificate made at first start beside the database, or made before. */
static int admin_selfsigned(struct daemon *d, char *cert, size_t certlen, char *key,
                            size_t keylen)
{
    char err[512];
    bool made;
    if (admin_tls_selfsigned(d->opt.db, cert, certlen, key, keylen, &made, err,
                             sizeof err) != 0) {
        log_error("admin port: cannot make its self-signed certificate: %s "
                  "(give --tls-cert/--tls-key, or --insecure-http)", err);
        return -1;
    }
    if (made)
        log_info("admin port: made a self-signed certificate %s (key %s, mode 600); replace "
                 "them with the site's own, or pass --tls-cert/--tls-key", cert, key);
    return 0;
}

/* Config files over HTTP, as CUCM's port 6970: no credentials, GET and HEAD. */
static int bind_config_port(struct daemon *d)
{
    char err[512];
    struct http_config cc = {
        .name = "config", .listen = d->opt.cnf_http, .max_body = UCPROV_CNF_HTTP_MAX_BODY,
        .threads = UCPROV_CNF_HTTP_THREADS, .quiet = true,
        .conn_timeout_s = UCPROV_CNF_HTTP_TIMEOUT_S,
        .conn_per_ip = UCPROV_CNF_HTTP_CONN_PER_IP, .turbo = true,
        .refuse = admin_refuse,   /* a 413 reads as on the admin port */
    };
    if ((d->cnf = http_start(&cc, provider_cnf_http, d->provider, err, sizeof err)) == NULL) {
        log_error("config port: %s", err);
        return -1;
    }
    return 0;
}

static int bind_tftp(struct daemon *d)
{
    char err[512], addr[128];
    uint16_t port;
    if (http_parse_listen(d->opt.tftp, addr, sizeof addr, &port) != 0) {
        log_error("bad --tftp address '%s' (want ADDR:PORT)", d->opt.tftp);
        return -1;
    }
    struct tftpd_config tc = { addr, port, d->opt.max_transfers, d->opt.timeout_ms,
                               d->opt.retries };
    struct tftp_provider tp;
    provider_tftp(d->provider, &tp);
    if ((d->tftp = tftpd_new(&tc, &tp, err, sizeof err)) == NULL) {
        log_error("TFTP: %s%s", err, port < 1024 && geteuid() != 0
                  ? " (port 69 needs root or CAP_NET_BIND_SERVICE; see README)" : "");
        return -1;
    }
    return 0;
}

/* Serve until SIGINT or SIGTERM. */
static int run(struct daemon *d)
{
    if (d->tftp != NULL) {
        if (pthread_create(&d->tftp_tid, NULL, tftp_thread, d->tftp) != 0) {
            log_error("cannot start the TFTP thread");
            return -1;
        }
        d->tftp_running = true;
    }
    /* After the listeners, so warming never delays serving. */
    if (service_warm_start(d->sv, d->opt.warm_threads) != 0)
        log_warn("cannot start the cache warmer; configs are rendered on first fetch");
    prometheus_set_sources(d->tftp, d->fetchlog);
    announce(d);
    /* The trust keys, made at first start: after the ready line, since RSA
     * key generation takes a while; a fetch meanwhile makes them itself. */
    struct problem p = { 0 };
    if (service_trust_ensure(d->sv, &p) != 0)
        log_error("cannot make or load the trust keys; signed files are not served");
    int sig = 0;
    sigwait(&d->stop_signals, &sig);
    log_info("signal %d: shutting down", sig);
    return 0;
}

/* What listens where, in the log and in --ready-file. */
static void announce(const struct daemon *d)
{
    const struct options *o = &d->opt;
    char label[512];
    service_database_label(o->db, label, sizeof label);   /* a password in a URI is masked */
    log_info("ucprovd %s: database %s; admin REST API on port %u", PACKAGE_VERSION, label,
             http_port(d->http));
    if (o->tftp_root)
        log_info("static files from %s", o->tftp_root);
    if (d->tftp)
        log_info("TFTP listening on port %u", tftpd_port(d->tftp));
    if (d->cnf)
        log_info("config HTTP listening on port %u", http_port(d->cnf));
    if (o->ready_file &&
        write_ready_file(o->ready_file, http_port(d->http), d->tftp ? tftpd_port(d->tftp) : 0,
                         d->cnf ? http_port(d->cnf) : 0) != 0)
        log_error("cannot write %s: %s", o->ready_file, strerror(errno));
}

/* Front ends first, then what they feed, then the service under them all. */
static void shut_down(struct daemon *d)
{
    prometheus_set_sources(NULL, NULL);
    if (d->tftp_running) {
        tftpd_stop(d->tftp);
        pthread_join(d->tftp_tid, NULL);
    }
    tftpd_free(d->tftp);
    http_stop(d->cnf);
    http_stop(d->http);
    admin_free(d->router);   /* after its listener: no request can reach it any more */
    free_pem(&d->tls_cert);
    free_pem(&d->tls_key);
    fetchlog_stop(d->fetchlog);   /* after the front ends: their last records are written */
    provider_free(d->provider);
    service_close(d->sv);
    if (d->db_lock >= 0)
        close(d->db_lock);
    xmlCleanupParser();
    options_free(&d->opt);
}
