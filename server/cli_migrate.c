/* cli_migrate.c - ucprov migrate: a site moved from the embedded SQLite file
 * onto PostgreSQL (or any database onto another), so that several ucprovd
 * nodes can share it.  The copy is one transaction on the target: all of it
 * or none of it. */
#include <config.h>

#include <inttypes.h>
#include <stdio.h>

#include "cli.h"

int cmd_migrate(struct service *sv, int argc, char **args)
{
    (void)sv;   /* it opens the two databases itself */
    const char *from = NULL, *to = NULL;
    const struct cli_option opts[] = {
        { "from", CLI_TEXT, &from, 0, 0 },
        { "to", CLI_TEXT, &to, 0, 0 },
    };
    int first = cli_options(argc, args, opts, 2);
    if (first < 0)
        return 2;
    if (from == NULL || to == NULL || first != argc) {
        fprintf(stderr, "ucprov: usage: ucprov migrate --from SQLITE_FILE --to URI\n");
        return 2;
    }
    char err[512], from_label[512], to_label[512];
    service_database_label(from, from_label, sizeof from_label);
    service_database_label(to, to_label, sizeof to_label);
    int64_t rows;
    if (service_copy_site(from, to, &rows, err, sizeof err) != 0) {
        fprintf(stderr, "ucprov: nothing was copied: %s\n", err);
        return 1;
    }
    printf("copied %" PRId64 " rows from %s to %s\n", rows, from_label, to_label);
    return 0;
}
