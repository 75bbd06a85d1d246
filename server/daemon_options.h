/* daemon_options.h - ucprovd's settings: each is a long option on the command
 * line and a "key = value" line of the configuration file alike. */
#ifndef UCPROV_DAEMON_OPTIONS_H
#define UCPROV_DAEMON_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

struct options {
    const char *config;
    const char *db;
    const char *http;
    const char *tls_cert, *tls_key;   /* HTTPS on the admin port when both are set */
    const char *tftp;                 /* "off" disables */
    const char *cnf_http;             /* "off" disables */
    const char *tftp_root;
    const char *user;
    const char *ready_file;
    unsigned max_transfers, timeout_ms, retries;
    unsigned cache_mb;                /* 0: the default budget */
    unsigned warm_threads;            /* 0: one per core */
    bool syslog;
    const char *key_file;             /* NULL: ucprov.key beside the database */
    bool refuse_mac_scans;            /* refuse flagged hosts on TFTP and 6970 */
    bool insecure_http;               /* plain HTTP off loopback, asked for by name */
    char *owned[64];                  /* copies of the file's values, freed at exit */
    size_t n_owned;
};

/* The file first (--config, or the default one if present), then the command
 * line, which wins.  0, or -1 with the reason on standard error; --help and
 * --list-routes print and exit here. */
int options_parse(int argc, char **argv, struct options *o);
/* Free the copies made of the file's values. */
void options_free(struct options *o);

#endif
