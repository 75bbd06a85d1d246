/* bulk.c - phones in bulk: the CSV import and export.
 *
 * An import runs in one transaction; rows go in as they are read and any bad
 * line rolls every row back.  Each column is checked with the words a single
 * create would use, but the model and the profile are answered from what the
 * job loaded once, so 100,000 rows cost no query each.  The export writes the
 * same format, header first, so it imports back to the same bytes.  The call
 * control columns (a device pool, "DN n" and "Label n") are bulk_cc.c's. */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "csvio.h"
#include "limits.h"
#include "log.h"
#include "service/internal.h"

#define IMPORT_PROGRESS_EVERY 4096   /* rows between progress calls */
#define IMPORT_MAX_MODELS     64
#define IMPORT_NO_COLUMN      (-1)

/* The columns of the CSV format, in export order: phone fields by their REST
 * names.  Phone fields not listed keep their defaults on import. */
enum import_column { COL_NAME, COL_MODEL, COL_DESCRIPTION, COL_PROFILE, COL_COUNT };
static const char *const import_columns[COL_COUNT] = {
    "name", "model", "description", "common_phone_profile",
};

/* Names of the file, in file order (the cache evicts them afterwards), with
 * an open-addressing index over them that finds a name repeated in the file. */
struct name_index {
    char (*names)[16];
    long *lines;
    size_t n, cap;
    uint32_t *slots;          /* 1 + position in names, 0 for empty */
    size_t n_slots;           /* a power of two, kept at least twice n */
};

/* Profiles by name, each looked up in the store once: a site has a handful. */
struct profile_ref {
    char name[4 * UCPROV_NAME_MAX + 1];   /* characters of up to 4 bytes */
    int64_t id;               /* 0: no such profile */
};

/* Rows read but not yet inserted: they go in together (store_phone_insert_many).
 * Their text is copied, since the CSV reader reuses its fields line by line. */
struct pending_rows {
    struct phone_row rows[STORE_INSERT_BATCH];
    long lines[STORE_INSERT_BATCH];
    char names[STORE_INSERT_BATCH][16], models[STORE_INSERT_BATCH][64];
    char *descriptions[STORE_INSERT_BATCH];
    size_t n;
};

struct import_job {
    struct service *sv;
    struct store *s;
    struct import_result *res;
    struct problem *p;
    int position[COL_COUNT];            /* where each column is in the file */
    size_t n_columns;                   /* fields per line, from the header */
    bool header_seen;
    char models[IMPORT_MAX_MODELS][64];
    size_t n_models;
    struct profile_ref *profiles;
    size_t n_profiles;
    struct name_index names;
    struct cc_columns cc;
    struct pending_rows *pending;
    size_t rows, bytes_total;
    import_progress_fn progress;
    void *progress_ctx;
};

static uint64_t name_hash(const char *s);
static bool name_index_grow(struct name_index *x);
static long name_index_add(struct name_index *x, const char *name, long line);
static void name_index_free(struct name_index *x);
static void import_error(struct import_job *job, long line, const char *column,
                         const char *message);
static void record_error(struct import_job *job, long line, const char *column,
                         const char *message);
static void import_flush(struct import_job *job);
static bool import_queue(struct import_job *job, const struct phone_row *row, long line);
static int64_t import_profile_id(struct import_job *job, const char *name);
static bool import_model_known(const struct import_job *job, const char *model);
static int import_column_of(const char *name);
static int import_header(struct import_job *job, const struct csv_record *rec);
static void import_check(struct import_job *job, const struct field_def *f, const char *text,
                         char name[16], int64_t *profile_id, struct problem *fp);
static void import_row(struct import_job *job, const struct csv_record *rec);
static void import_insert(struct import_job *job, const struct phone_row *row,
                          const struct line_appearance *lines, size_t n_lines, long line);
static int import_record(void *ctx, const struct csv_record *rec);
static enum store_status notify_and_commit(struct service *sv, struct store *s,
                                           const struct name_index *names);
static void export_row(void *ctx, const struct phone_row *row);

static uint64_t name_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;   /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static bool name_index_grow(struct name_index *x)
{
    size_t n_slots = x->n_slots ? x->n_slots * 2 : 1024;
    uint32_t *slots = calloc(n_slots, sizeof *slots);
    if (slots == NULL)
        return false;
    for (size_t i = 0; i < x->n; i++) {
        size_t k = name_hash(x->names[i]) & (n_slots - 1);
        while (slots[k] != 0)
            k = (k + 1) & (n_slots - 1);
        slots[k] = (uint32_t)i + 1;
    }
    free(x->slots);
    x->slots = slots;
    x->n_slots = n_slots;
    return true;
}

/* Add name from line; 0 when new, the earlier line when the file repeats it,
 * -1 when out of memory. */
static long name_index_add(struct name_index *x, const char *name, long line)
{
    if (2 * (x->n + 1) > x->n_slots && !name_index_grow(x))
        return -1;
    size_t k = name_hash(name) & (x->n_slots - 1);
    for (; x->slots[k] != 0; k = (k + 1) & (x->n_slots - 1))
        if (strcmp(x->names[x->slots[k] - 1], name) == 0)
            return x->lines[x->slots[k] - 1];
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 1024;
        char (*names)[16] = realloc(x->names, cap * sizeof *names);
        long *lines = names ? realloc(x->lines, cap * sizeof *lines) : NULL;
        if (names != NULL)
            x->names = names;
        if (lines == NULL)
            return -1;
        x->lines = lines;
        x->cap = cap;
    }
    snprintf(x->names[x->n], sizeof x->names[0], "%s", name);
    x->lines[x->n] = line;
    x->slots[k] = (uint32_t)++x->n;
    return 0;
}

static void name_index_free(struct name_index *x)
{
    free(x->names);
    free(x->lines);
    free(x->slots);
}

/* One refusal: "line 12, column model: <the message a single create gives>".
 * The rows queued before it go in first, so that refusals stay in line order. */
static void import_error(struct import_job *job, long line, const char *column,
                         const char *message)
{
    import_flush(job);
    record_error(job, line, column, message);
}

static void record_error(struct import_job *job, long line, const char *column,
                         const char *message)
{
    struct problem *p = job->p;
    if (p->n_errors == PROBLEM_MAX_ERRORS) {
        job->res->more_errors++;
        return;
    }
    struct import_where *w = &job->res->where[p->n_errors];
    w->line = line;
    snprintf(w->column, sizeof w->column, "%s", column);
    char field[64];
    if (*column)
        snprintf(field, sizeof field, "line %ld, column %s", line, column);
    else
        snprintf(field, sizeof field, "line %ld", line);
    problem_field(p, field, "%s", message);
}

/* Insert the queued rows; a name the database already has is refused on its line. */
static void import_flush(struct import_job *job)
{
    struct pending_rows *q = job->pending;
    if (q == NULL || q->n == 0)
        return;
    size_t n = q->n;
    q->n = 0;   /* the refusals below must not flush again */
    bool taken[STORE_INSERT_BATCH];
    enum store_status ss = store_phone_insert_many(job->s, q->rows, n, taken);
    char msg[128];
    for (size_t i = 0; i < n; i++) {
        if (ss != STORE_OK && i == 0) {
            snprintf(msg, sizeof msg, "the phones of lines %ld to %ld break a database "
                     "constraint", q->lines[0], q->lines[n - 1]);
            record_error(job, q->lines[0], "", msg);
        } else if (ss == STORE_OK && taken[i]) {
            snprintf(msg, sizeof msg, "a phone named '%s' already exists", q->names[i]);
            record_error(job, q->lines[i], import_columns[COL_NAME], msg);
        }
        free(q->descriptions[i]);
    }
}

/* Queue a row without lines; false when out of memory. */
static bool import_queue(struct import_job *job, const struct phone_row *row, long line)
{
    if (job->pending == NULL && (job->pending = calloc(1, sizeof *job->pending)) == NULL)
        return false;
    struct pending_rows *q = job->pending;
    size_t i = q->n;
    if ((q->descriptions[i] = strdup(row->description ? row->description : "")) == NULL)
        return false;
    snprintf(q->names[i], sizeof q->names[i], "%s", row->name);
    snprintf(q->models[i], sizeof q->models[i], "%s", row->model);
    q->rows[i] = *row;
    q->rows[i].name = q->names[i];
    q->rows[i].model = q->models[i];
    q->rows[i].description = q->descriptions[i];
    q->lines[i] = line;
    if (++q->n == STORE_INSERT_BATCH)
        import_flush(job);
    return true;
}

static int64_t import_profile_id(struct import_job *job, const char *name)
{
    /* A name longer than any profile's is none of them, and is not kept:
     * cut short, it would never be found again and grow the list per row. */
    if (strlen(name) >= sizeof job->profiles[0].name)
        return 0;
    for (size_t i = 0; i < job->n_profiles; i++)
        if (strcmp(job->profiles[i].name, name) == 0)
            return job->profiles[i].id;
    struct profile_ref *grown = realloc(job->profiles, (job->n_profiles + 1) * sizeof *grown);
    if (grown == NULL)
        return 0;
    job->profiles = grown;
    struct profile_ref *r = &job->profiles[job->n_profiles++];
    snprintf(r->name, sizeof r->name, "%s", name);
    if (store_record_id_by_name(job->s, ENT_COMMON_PHONE_PROFILE, name, &r->id) != STORE_OK)
        r->id = 0;
    return r->id;
}

static bool import_model_known(const struct import_job *job, const char *model)
{
    for (size_t i = 0; i < job->n_models; i++)
        if (strcmp(job->models[i], model) == 0)
            return true;
    return false;
}

static int import_column_of(const char *name)
{
    for (int c = 0; c < COL_COUNT; c++)
        if (strcmp(import_columns[c], name) == 0)
            return c;
    return IMPORT_NO_COLUMN;
}

/* The header names the columns in any order; only the description may be
 * left out, as it may be in a single create. */
static int import_header(struct import_job *job, const struct csv_record *rec)
{
    const struct entity_def *e = entity_get(ENT_PHONE);
    for (int c = 0; c < COL_COUNT; c++)
        job->position[c] = IMPORT_NO_COLUMN;
    job->n_columns = rec->n_fields;
    job->header_seen = true;
    if (rec->n_fields > CSV_MAX_FIELDS) {
        import_error(job, rec->line, "", "the header has too many columns; it is "
                     IMPORT_HEADER);
        return 0;
    }
    for (size_t i = 0; i < rec->n_fields; i++) {
        int c = import_column_of(rec->field[i]);
        int cc = c == IMPORT_NO_COLUMN ? cc_column(&job->cc, rec->field[i], (int)i) : 0;
        if (cc == 1)
            continue;
        if (c == IMPORT_NO_COLUMN || job->position[c] != IMPORT_NO_COLUMN) {
            char msg[160];
            const char *cell = rec->field[i];
            if (!service_utf8_valid(cell))
                snprintf(msg, sizeof msg, "column %zu is not valid UTF-8; the header is "
                         IMPORT_HEADER, i + 1);
            else
                snprintf(msg, sizeof msg, "'%.*s' is %s; the header is " IMPORT_HEADER,
                         svc_echo_len(cell, 60), cell,
                         c == IMPORT_NO_COLUMN && cc == 0 ? "not a column"
                                  : "named twice");
            import_error(job, rec->line, "", msg);
            continue;
        }
        job->position[c] = (int)i;
    }
    for (int c = 0; c < COL_COUNT; c++) {
        const struct field_def *f = &e->fields[entity_field_index(e, import_columns[c])];
        if (f->required && job->position[c] == IMPORT_NO_COLUMN) {
            char msg[160];
            snprintf(msg, sizeof msg, "the header has no '%s' column; it is " IMPORT_HEADER,
                     import_columns[c]);
            import_error(job, rec->line, "", msg);
        }
    }
    char msg[160];
    if (cc_header_problem(&job->cc, msg, sizeof msg))
        import_error(job, rec->line, "", msg);
    return 0;
}

/* One column of one phone: the checks svc_validate_record() makes of that field,
 * with the model and the profile answered from what the job loaded once
 * rather than by a query each.  Adds to fp as svc_validate_record() would. */
static void import_check(struct import_job *job, const struct field_def *f, const char *text,
                         char name[16], int64_t *profile_id, struct problem *fp)
{
    /* Checked first: the messages below quote the text back. */
    if (!service_utf8_valid(text)) {
        problem_field(fp, f->name, "%s is not valid UTF-8", f->label);
        return;
    }
    switch (f->type) {
    case FT_DEVICE_NAME:
        if (!device_name_normalise(text, name))
            problem_field(fp, f->name, "%s must be SEP followed by the 12 hex digits of the "
                          "phone's MAC address", f->label);
        break;
    case FT_MODEL:
        if (*text == '\0')
            problem_field(fp, f->name, "%s is required", f->label);
        else if (!import_model_known(job, text))
            problem_field(fp, f->name, "%s '%.*s' is not in the model catalogue", f->label,
                          svc_echo_len(text, SVC_ECHO_MAX), text);
        break;
    case FT_REF:
        if (*text == '\0')
            problem_field(fp, f->name, "%s is required", f->label);
        else if ((*profile_id = import_profile_id(job, text)) == 0)
            problem_field(fp, f->name, "there is no %s named '%.*s'",
                          entity_get(f->ref)->label, svc_echo_len(text, SVC_ECHO_MAX), text);
        break;
    default:
        svc_validate_text(f, text, fp);
        break;
    }
}

static void import_row(struct import_job *job, const struct csv_record *rec)
{
    const struct entity_def *e = entity_get(ENT_PHONE);
    const char *text[COL_COUNT];
    char name[16] = "";
    int64_t profile_id = 0;
    bool bad = false;

    if (rec->n_fields != job->n_columns) {
        char msg[96];
        snprintf(msg, sizeof msg, "%zu fields where the header has %zu columns",
                 rec->n_fields, job->n_columns);
        import_error(job, rec->line, "", msg);
        return;
    }
    for (int c = 0; c < COL_COUNT; c++) {
        const struct field_def *f = &e->fields[entity_field_index(e, import_columns[c])];
        struct problem fp = { 0 };
        text[c] = job->position[c] == IMPORT_NO_COLUMN ? "" : rec->field[job->position[c]];
        import_check(job, f, text[c], name, &profile_id, &fp);
        for (size_t k = 0; k < fp.n_errors; k++)
            import_error(job, rec->line, import_columns[c], fp.errors[k].message);
        bad |= fp.n_errors > 0;
    }
    if (bad)
        return;
    long first = name_index_add(&job->names, name, rec->line);
    if (first < 0) {
        import_error(job, rec->line, "", "out of memory");
        return;
    }
    char msg[128];
    if (first > 0) {
        snprintf(msg, sizeof msg, "%s is already on line %ld of this file", name, first);
        import_error(job, rec->line, import_columns[COL_NAME], msg);
        return;
    }
    struct line_appearance lines[VIEW_MAX_LINES];
    size_t n_lines = 0;
    struct cc_refusal refusal;
    struct phone_row row = { name, text[COL_MODEL], text[COL_DESCRIPTION], profile_id, NULL,
                             0, NULL, NULL };
    if (!cc_row(&job->cc, job->s, rec, &row.pool_id, lines, &n_lines, &refusal)) {
        import_error(job, rec->line, refusal.column, refusal.message);
        return;
    }
    import_insert(job, &row, lines, n_lines, rec->line);
}

/* Rows go in as they are read, a batch at a time (a round trip each over
 * PostgreSQL): the UNIQUE index finds a name the database already has, and a
 * refusal rolls every row back anyway.  A row with lines needs its id at
 * once, so it goes in alone, after those queued before it. */
static void import_insert(struct import_job *job, const struct phone_row *row,
                          const struct line_appearance *lines, size_t n_lines, long line)
{
    if (n_lines == 0) {
        if (!import_queue(job, row, line))
            record_error(job, line, "", "out of memory");
        return;
    }
    import_flush(job);
    int64_t id = 0;
    enum store_status ss = store_phone_insert(job->s, row, &id);
    if (ss == STORE_OK)
        ss = store_phone_lines_insert(job->s, id, lines, n_lines);
    if (ss == STORE_OK)
        return;
    char msg[128];
    if (ss == STORE_CONFLICT)
        snprintf(msg, sizeof msg, "a phone named '%s' already exists", row->name);
    else
        snprintf(msg, sizeof msg, "the phone breaks a database constraint");
    import_error(job, line, ss == STORE_CONFLICT ? import_columns[COL_NAME] : "", msg);
}

static int import_record(void *ctx, const struct csv_record *rec)
{
    struct import_job *job = ctx;
    if (!job->header_seen)
        return import_header(job, rec);
    import_row(job, rec);
    if (++job->rows % IMPORT_PROGRESS_EVERY == 0 && job->progress)
        job->progress(job->progress_ctx, job->rows, rec->consumed, job->bytes_total);
    return 0;
}

/* Other nodes over the same database hear of the new names at the commit. */
static enum store_status notify_and_commit(struct service *sv, struct store *s,
                                           const struct name_index *names)
{
    svc_cluster_notify_names(sv, s, (const char (*)[16])names->names, names->n, false);
    return store_commit(s);
}

int service_import_phones(struct service *sv, const struct actor *who, const char *csv,
                          size_t len, import_progress_fn progress, void *progress_ctx,
                          struct import_result *res, struct problem *p)
{
    struct store *s = svc_conn(sv);
    memset(res, 0, sizeof *res);
    if (s == NULL)
        return svc_fail_internal(p);
    struct import_job job = {
        .sv = sv, .s = s, .res = res, .p = p, .bytes_total = len,
        .progress = progress, .progress_ctx = progress_ctx,
    };
    if (store_begin_write(s) != STORE_OK)
        return svc_fail_internal(p);
    cc_columns_init(&job.cc);
    job.n_models = store_model_names(s, job.models, IMPORT_MAX_MODELS);
    if (job.n_models > IMPORT_MAX_MODELS)
        job.n_models = IMPORT_MAX_MODELS;
    char err[256];
    long line = 0;
    if (csv_read(csv, len, import_record, &job, &line, err, sizeof err) != 0)
        import_error(&job, line, "", err);
    import_flush(&job);
    if (!job.header_seen && p->status == 0)
        import_error(&job, 1, "", "the file is empty; its first line is the header "
                     IMPORT_HEADER);
    if (progress)
        progress(progress_ctx, job.rows, len, len);

    int rc = 0;
    if (p->status != 0) {
        store_rollback(s);
        snprintf(p->detail, sizeof p->detail, "the file has %zu error%s; nothing was imported",
                 p->n_errors + res->more_errors, p->n_errors + res->more_errors > 1 ? "s" : "");
        rc = -1;
    } else if (notify_and_commit(sv, s, &job.names) != STORE_OK) {
        store_rollback(s);
        rc = svc_fail_internal(p);
    } else {
        /* A name cached before the import was an unknown phone or an older
         * phone of that name; either way its file is rendered anew. */
        cache_evict(sv->cache, (const char (*)[16])job.names.names, job.names.n);
        res->imported = job.names.n;
        log_info("%s imported %zu phones", who->name, job.names.n);
    }
    name_index_free(&job.names);
    cc_columns_free(&job.cc);
    free(job.profiles);
    free(job.pending);
    return rc;
}

struct export_job {
    struct textbuf w;
    struct cc_export cc;
};

static void export_row(void *ctx, const struct phone_row *row)
{
    struct export_job *x = ctx;
    const char *fields[CSV_MAX_FIELDS] = {
        [COL_NAME] = row->name,
        [COL_MODEL] = row->model,
        [COL_DESCRIPTION] = row->description,
        [COL_PROFILE] = row->profile,
    };
    size_t n = COL_COUNT + cc_export_row(&x->cc, row, fields + COL_COUNT);
    csv_write_record(&x->w, fields, n);
}

int service_export_phones(struct service *sv, char **out, size_t *len, struct problem *p)
{
    struct store *s = svc_conn(sv);
    *out = NULL;
    *len = 0;
    struct export_job *x = s ? calloc(1, sizeof *x) : NULL;
    if (x == NULL || cc_export_init(&x->cc, s) != 0) {
        free(x);
        return svc_fail_internal(p);
    }
    const char *header[CSV_MAX_FIELDS];
    memcpy(header, import_columns, sizeof import_columns);
    size_t n = COL_COUNT + cc_export_header(&x->cc, header + COL_COUNT);
    csv_write_record(&x->w, header, n);
    if (store_each_phone_row(s, export_row, x) != STORE_OK || x->w.failed) {
        textbuf_free(&x->w);
        free(x);
        return svc_fail_internal(p);
    }
    *out = textbuf_take(&x->w, len);
    free(x);
    return 0;
}
