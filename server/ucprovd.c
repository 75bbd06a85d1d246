/* ucprovd - the ucprov daemon: admin UI and REST on one port, phone configs
 * over TFTP and HTTP on the others. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "api.h"
#include "http.h"
#include "limits.h"
#include "log.h"
#include "service.h"

struct options {
    const char *db;
    const char *http;
    const char *ready_file;
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ucprovd [options]\n"
            "  --db PATH          SQLite database (default %s); created and migrated at start\n"
            "  --http ADDR:PORT   admin UI and REST API (default %s; port 0 = any)\n"
            "  --ready-file PATH  write the bound ports there once listening (for scripts)\n"
            "  --verbose          debug logging\n"
            "  --help\n",
            UCPROV_DEFAULT_DB, UCPROV_DEFAULT_HTTP);
}

static int parse_options(int argc, char **argv, struct options *o)
{
    static const struct option longopts[] = {
        { "db", required_argument, NULL, 'd' },
        { "http", required_argument, NULL, 'H' },
        { "ready-file", required_argument, NULL, 'r' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    o->db = UCPROV_DEFAULT_DB;
    o->http = UCPROV_DEFAULT_HTTP;
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': o->db = optarg; break;
        case 'H': o->http = optarg; break;
        case 'r': o->ready_file = optarg; break;
        case 'v': log_set_level(LOG_LEVEL_DEBUG); break;
        case 'h': usage(stdout); exit(0);
        default:  usage(stderr); return -1;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "ucprovd: unexpected argument '%s'\n", argv[optind]);
        return -1;
    }
    return 0;
}

static int write_ready_file(const char *path, uint16_t http_port)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return -1;
    fprintf(f, "http=%u\n", http_port);
    if (fclose(f) != 0)
        return -1;
    return rename(tmp, path);
}

int main(int argc, char **argv)
{
    struct options opt = { 0 };
    if (parse_options(argc, argv, &opt) != 0)
        return 2;

    /* Signals are taken by sigwait() in main; every thread inherits the mask. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);
    xmlInitParser();

    char err[512];
    struct service *sv = service_open(opt.db, err, sizeof err);
    if (sv == NULL) {
        log_error("%s", err);
        return 1;
    }
    if (service_admin_count(sv) == 0)
        log_warn("no admin account yet: create one with 'ucprov --db %s admin add NAME'", opt.db);

    struct http_config admin = { opt.http, true, UCPROV_MAX_JSON_BODY, UCPROV_HTTP_THREADS };
    struct http_server *http = http_start(&admin, sv, api_handle, sv, err, sizeof err);
    if (http == NULL) {
        log_error("%s", err);
        service_close(sv);
        return 1;
    }
    log_info("ucprovd %s: database %s, admin and REST on %s (port %u)", PACKAGE_VERSION, opt.db,
             opt.http, http_port(http));
    if (opt.ready_file && write_ready_file(opt.ready_file, http_port(http)) != 0)
        log_error("cannot write %s: %s", opt.ready_file, strerror(errno));

    int sig = 0;
    sigwait(&stop_signals, &sig);
    log_info("signal %d: shutting down", sig);
    http_stop(http);
    service_close(sv);
    xmlCleanupParser();
    return 0;
}
