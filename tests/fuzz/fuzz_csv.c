/* fuzz_csv: the CSV reader of the bulk import.  Every record read is written
 * back with the CSV writer; reading that output must give the same records,
 * field for field (quoting round trip). */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/csvio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct pass {
    struct textbuf out;
    char **fields;      /* first pass: every field in order; second: compared */
    size_t n, cap, at;
    bool compare;
};

static int on_record(void *ctx, const struct csv_record *rec)
{
    struct pass *ps = ctx;
    size_t kept = rec->n_fields < CSV_MAX_FIELDS ? rec->n_fields : CSV_MAX_FIELDS;
    if (!ps->compare) {
        csv_write_record(&ps->out, rec->field, kept);
        for (size_t i = 0; i < kept; i++) {
            if (ps->n == ps->cap) {
                ps->cap = ps->cap ? ps->cap * 2 : 16;
                ps->fields = realloc(ps->fields, ps->cap * sizeof *ps->fields);
                if (ps->fields == NULL)
                    abort();
            }
            ps->fields[ps->n++] = strdup(rec->field[i]);
        }
        return 0;
    }
    for (size_t i = 0; i < kept; i++)
        if (ps->at >= ps->n || strcmp(ps->fields[ps->at++], rec->field[i]) != 0)
            abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pass ps = { 0 };
    long line;
    char err[128];
    if (csv_read((const char *)data, size, on_record, &ps, &line, err, sizeof err) == 0 &&
        !ps.out.failed) {
        ps.compare = true;
        if (csv_read(ps.out.buf ? ps.out.buf : "", ps.out.len, on_record, &ps, &line, err,
                     sizeof err) != 0 || ps.at != ps.n)
            abort();
    }
    for (size_t i = 0; i < ps.n; i++)
        free(ps.fields[i]);
    free(ps.fields);
    textbuf_free(&ps.out);
    return 0;
}
