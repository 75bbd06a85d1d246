/* cli.h - inside the ucprov command line: the commands kept outside cli.c,
 * and how a refusal is printed.  Each command returns the exit status. */
#ifndef UCPROV_CLI_H
#define UCPROV_CLI_H

#include <sys/types.h>

#include "problem.h"
#include "service/service.h"

/* The problem on standard error, its field errors indented; returns 1. */
int cli_report(const struct problem *p);

/* A command's own options as a table: each says where its value goes. */
enum cli_value {
    CLI_TEXT,     /* const char *: the argument as given */
    CLI_NUMBER,   /* long in [min, max] */
    CLI_DEVICE,   /* char[16]: SEP + 12 hex digits, upper-cased */
    CLI_TIME,     /* int64_t milliseconds: RFC 3339 or epoch seconds */
};
struct cli_option {
    const char *name;   /* --name VALUE */
    enum cli_value type;
    void *dst;
    long min, max;      /* CLI_NUMBER */
};
/* Read the options in args (args[0] is the command's name) into their
 * destinations: the index of the first other argument, or -1 when an option
 * is unknown or its value refused (said on standard error). */
int cli_options(int argc, char **args, const struct cli_option *opts, size_t n);

/* len bytes into path, created or truncated with exactly mode; -1 after
 * saying why on standard error. */
int cli_write_file(const char *path, const void *data, size_t len, mode_t mode);

/* cli_admins.c */
int cmd_admin_add(struct service *sv, int argc, char **args);       /* NAME */
int cmd_admin_passwd(struct service *sv, int argc, char **args);    /* NAME */
int cmd_admin_delete(struct service *sv, int argc, char **args);    /* NAME */
int cmd_token_create(struct service *sv, int argc, char **args);    /* ADMIN [--expires DAYS] */
int cmd_token_list(struct service *sv, int argc, char **args);
int cmd_token_revoke(struct service *sv, int argc, char **args);    /* ID */

/* cli_export.c */
int cmd_export(struct service *sv, int argc, char **args);          /* --dir DIR */
int cmd_import_phones(struct service *sv, int argc, char **args);   /* FILE or - */
int cmd_export_phones(struct service *sv, int argc, char **args);   /* [FILE] */

/* cli_migrate.c: --from DATABASE --to DATABASE; opens both itself. */
int cmd_migrate(struct service *sv, int argc, char **args);

/* cli_trust.c */
int cmd_trust_list(struct service *sv, int argc, char **args);
int cmd_trust_rotate(struct service *sv, int argc, char **args);    /* tftp|sast */
int cmd_trust_ctl(struct service *sv, int argc, char **args);       /* on|off */
int cmd_trust_export(struct service *sv, int argc, char **args);    /* own options */
int cmd_trust_import(struct service *sv, int argc, char **args);    /* own options */

#endif
