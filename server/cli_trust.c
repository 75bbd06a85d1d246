/* cli_trust.c - `ucprov trust ...`: the trust list, key rotation, and the
 * ITLRecovery key's offline copy (PKCS#12 under a passphrase read from
 * standard input or --passphrase-file, never from the command line). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli.h"
#include "limits.h"

#define P12_MAX (64 * 1024)

static const struct actor cli_actor = { 0, "cli" };

static int read_passphrase(const char *file, char *buf, size_t len);
static int passphrase_args(const char *cmd, int argc, char **args, const char **path, char *pass,
                           size_t len);

/* First line of file, or of standard input when file is NULL. */
static int read_passphrase(const char *file, char *buf, size_t len)
{
    FILE *f = file ? fopen(file, "r") : stdin;
    if (f == NULL) {
        fprintf(stderr, "ucprov: cannot open %s: %s\n", file, strerror(errno));
        return -1;
    }
    if (file == NULL && isatty(STDIN_FILENO))
        fprintf(stderr, "passphrase: ");
    char *line = fgets(buf, (int)len, f);
    if (file != NULL)
        fclose(f);
    if (line == NULL) {
        fprintf(stderr, "ucprov: no passphrase %s\n", file ? "in the file" : "on standard input");
        return -1;
    }
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

/* `trust CMD [--passphrase-file PATH] FILE`: FILE into *path, the passphrase
 * into pass; 0, or 2 (the exit status) after the usage line. */
static int passphrase_args(const char *cmd, int argc, char **args, const char **path, char *pass,
                           size_t len)
{
    static const struct option longopts[] = {
        { "passphrase-file", required_argument, NULL, 'p' },
        { NULL, 0, NULL, 0 },
    };
    const char *pass_file = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, args, "", longopts, NULL)) != -1) {
        if (c != 'p')
            goto usage;
        pass_file = optarg;
    }
    if (optind != argc - 1)
        goto usage;
    *path = args[optind];
    if (read_passphrase(pass_file, pass, len) == 0)
        return 0;
usage:
    fprintf(stderr, "ucprov: usage: ucprov trust %s [--passphrase-file F] FILE\n", cmd);
    return 2;
}

int cmd_trust_export(struct service *sv, int argc, char **args)
{
    char pass[256];
    const char *path = NULL;
    if (passphrase_args("export-recovery", argc, args, &path, pass, sizeof pass) != 0)
        return 2;
    struct problem p = { 0 };
    uint8_t *p12 = NULL;
    size_t len = 0;
    int rc = service_trust_export_recovery(sv, &cli_actor, pass, &p12, &len, &p);
    OPENSSL_cleanse(pass, sizeof pass);
    if (rc != 0)
        return cli_report(&p);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    bool ok = fd >= 0 && write(fd, p12, len) == (ssize_t)len;
    if (fd >= 0 && close(fd) != 0)
        ok = false;
    OPENSSL_cleanse(p12, len);
    free(p12);
    if (!ok) {
        fprintf(stderr, "ucprov: cannot write %s: %s\n", path, strerror(errno));
        return 1;
    }
    printf("ITLRecovery key written to %s (PKCS#12, mode 600); keep it offline\n", path);
    return 0;
}

int cmd_trust_import(struct service *sv, int argc, char **args)
{
    char pass[256];
    const char *path = NULL;
    if (passphrase_args("import-recovery", argc, args, &path, pass, sizeof pass) != 0)
        return 2;
    uint8_t *buf = malloc(P12_MAX);
    FILE *f = fopen(path, "rb");
    size_t len = f && buf ? fread(buf, 1, P12_MAX, f) : 0;
    if (f != NULL)
        fclose(f);
    int rc = 1;
    struct problem p = { 0 };
    if (len == 0 || len == P12_MAX)
        fprintf(stderr, "ucprov: cannot read %s\n", path);
    else if (service_trust_import_recovery(sv, &cli_actor, buf, len, pass, &p) != 0)
        rc = cli_report(&p);
    else
        rc = 0;
    OPENSSL_cleanse(pass, sizeof pass);
    if (buf != NULL)
        OPENSSL_cleanse(buf, P12_MAX);
    free(buf);
    if (rc == 0)
        printf("ITLRecovery key imported from %s; it signs the trust list from now on\n", path);
    return rc;
}

int cmd_trust_rotate(struct service *sv, int argc, char **args)
{
    (void)argc;
    enum trust_role role;
    if (strcmp(args[0], "tftp") == 0) {
        role = TRUST_ROLE_TFTP;
    } else if (strcmp(args[0], "sast") == 0) {
        role = TRUST_ROLE_SAST;
    } else {
        fprintf(stderr, "ucprov: rotate tftp or sast\n");
        return 2;
    }
    struct problem p = { 0 };
    if (service_trust_rotate(sv, &cli_actor, role, &p) != 0)
        return cli_report(&p);
    printf("%s key replaced; a running ucprovd serves the new trust list on its next fetch\n",
           args[0]);
    return 0;
}

int cmd_trust_ctl(struct service *sv, int argc, char **args)
{
    (void)argc;
    bool on = strcmp(args[0], "on") == 0;
    if (!on && strcmp(args[0], "off") != 0) {
        fprintf(stderr, "ucprov: trust ctl on or off\n");
        return 2;
    }
    struct problem p = { 0 };
    if (service_trust_set_ctl(sv, &cli_actor, on, &p) != 0)
        return cli_report(&p);
    printf("CTLFile.tlv is %s\n", on ? "served" : "no longer served");
    return 0;
}

int cmd_trust_list(struct service *sv, int argc, char **args)
{
    (void)argc;
    (void)args;
    struct problem p = { 0 };
    struct trust_entry *e = NULL;
    size_t n = 0;
    if (service_trust_list(sv, &e, &n, &p) != 0)
        return cli_report(&p);
    for (size_t i = 0; i < n; i++) {
        char date[16] = "";
        time_t t = (time_t)e[i].not_after;
        struct tm tm;
        if (gmtime_r(&t, &tm) != NULL)
            strftime(date, sizeof date, "%Y-%m-%d", &tm);
        printf("%-6s %-9s %s serial %s expires %s%s\n", e[i].role, e[i].key[0] ? e[i].key : "-",
               e[i].subject, e[i].serial, date, e[i].signs_list ? " (signs the list)" : "");
    }
    trust_entries_free(e, n);
    return 0;
}
