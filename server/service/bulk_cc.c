/* bulk_cc.c - the call control columns of the phones CSV (issue 12), as
 * Cisco's Bulk Administration names them: "device_pool", then "DN 1",
 * "Label 1", "DN 2", "Label 2", ... for the phone's buttons.
 *
 * A directory number the database does not have yet is created bare (its
 * pattern only) inside the import's transaction, as BAT creates the lines
 * of the phones it inserts; its caller ID and credentials are set afterwards
 * like any other number's.  The export writes only the columns some phone
 * needs, so a site without call control keeps the four-column format. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/internal.h"

static const struct field_def label_field = {
    "label", "Label", FT_TEXT, false, 0, LINE_TEXT_MAX, 0, NULL, 0,
};

static void column_name(char *out, size_t len, bool label, int button);
static bool row_pool(struct cc_columns *c, struct store *s, const char *name, int64_t *id,
                     struct cc_refusal *r);
static bool row_line(struct cc_columns *c, struct store *s, const struct csv_record *rec,
                     int b, struct line_appearance *lines, size_t *n, struct cc_refusal *r);

static void column_name(char *out, size_t len, bool label, int button)
{
    snprintf(out, len, "%s %d", label ? "Label" : "DN", button & 0x7f);   /* 1..64 */
}

/* ---------------------------------------------------------------- import */

void cc_columns_init(struct cc_columns *c)
{
    memset(c, 0, sizeof *c);
    c->pool = -1;
    for (int b = 0; b < VIEW_MAX_LINES; b++)
        c->dn[b] = c->label[b] = -1;
}

void cc_columns_free(struct cc_columns *c)
{
    free(c->pools);
    c->pools = NULL;
    c->n_pools = 0;
}

int cc_column(struct cc_columns *c, const char *name, int pos)
{
    int *slot = NULL, button = 0, used = 0;
    if (strcmp(name, "device_pool") == 0) {
        slot = &c->pool;
    } else if (sscanf(name, "DN %d%n", &button, &used) == 1 && name[used] == '\0' &&
               button >= 1 && button <= VIEW_MAX_LINES) {
        slot = &c->dn[button - 1];
    } else if (sscanf(name, "Label %d%n", &button, &used) == 1 && name[used] == '\0' &&
               button >= 1 && button <= VIEW_MAX_LINES) {
        slot = &c->label[button - 1];
    }
    if (slot == NULL)
        return 0;
    if (*slot >= 0)
        return -1;
    *slot = pos;
    return 1;
}

bool cc_header_problem(const struct cc_columns *c, char *msg, size_t len)
{
    for (int b = 0; b < VIEW_MAX_LINES; b++)
        if (c->label[b] >= 0 && c->dn[b] < 0) {
            snprintf(msg, len, "the header has a 'Label %d' column but no 'DN %d'", b + 1,
                     b + 1);
            return true;
        }
    return false;
}

static bool refuse(struct cc_refusal *r, const char *column, const char *message)
{
    snprintf(r->column, sizeof r->column, "%s", column);
    snprintf(r->message, sizeof r->message, "%s", message);
    return false;
}

/* Pools by name, each looked up once: a site has a handful. */
static bool row_pool(struct cc_columns *c, struct store *s, const char *name, int64_t *id,
                     struct cc_refusal *r)
{
    *id = 0;
    if (*name == '\0')
        return true;
    for (size_t i = 0; i < c->n_pools; i++)
        if (strcmp(c->pools[i].name, name) == 0)
            *id = c->pools[i].id;
    if (*id == 0) {
        struct cc_pool_ref *grown = realloc(c->pools, (c->n_pools + 1) * sizeof *grown);
        if (grown == NULL)
            return refuse(r, "device_pool", "out of memory");
        c->pools = grown;
        struct cc_pool_ref *ref = &c->pools[c->n_pools++];
        snprintf(ref->name, sizeof ref->name, "%s", name);
        if (store_record_id_by_name(s, ENT_DEVICE_POOL, name, &ref->id) != STORE_OK)
            ref->id = -1;
        *id = ref->id;
    }
    if (*id > 0)
        return true;
    char msg[160];
    snprintf(msg, sizeof msg, "there is no device pool named '%.60s'", name);
    return refuse(r, "device_pool", msg);
}

/* Button b + 1's cells: a line when its DN cell is not empty. */
static bool row_line(struct cc_columns *c, struct store *s, const struct csv_record *rec,
                     int b, struct line_appearance *lines, size_t *n, struct cc_refusal *r)
{
    const char *dn = c->dn[b] >= 0 ? rec->field[c->dn[b]] : "";
    const char *label = c->label[b] >= 0 ? rec->field[c->label[b]] : "";
    char dn_col[16], label_col[16];
    column_name(dn_col, sizeof dn_col, false, b + 1);
    column_name(label_col, sizeof label_col, true, b + 1);
    if (*dn == '\0')
        return *label == '\0' ? true : refuse(r, label_col, "a label needs a directory number");
    struct problem fp = { 0 };
    svc_validate_text(&label_field, label, &fp);
    if (fp.n_errors)
        return refuse(r, label_col, fp.errors[0].message);
    if (strlen(dn) > LINE_TEXT_MAX || !svc_dialable(dn))
        return refuse(r, dn_col, "a directory number is 1 to 30 digits, '*', '#' and a "
                      "leading '+'");
    struct line_appearance *l = &lines[*n];
    memset(l, 0, sizeof *l);
    l->button = b + 1;
    snprintf(l->label, sizeof l->label, "%s", label);
    if (store_directory_number_ensure(s, dn, &l->directory_number) != STORE_OK)
        return refuse(r, dn_col, "the directory number could not be stored");
    for (size_t i = 0; i < *n; i++)
        if (lines[i].directory_number == l->directory_number)
            return refuse(r, dn_col, "the directory number is on another button of this "
                          "phone already");
    (*n)++;
    return true;
}

bool cc_row(struct cc_columns *c, struct store *s, const struct csv_record *rec,
            int64_t *pool_id, struct line_appearance *lines, size_t *n, struct cc_refusal *r)
{
    *n = 0;
    if (!row_pool(c, s, c->pool >= 0 ? rec->field[c->pool] : "", pool_id, r))
        return false;
    for (int b = 0; b < VIEW_MAX_LINES; b++)
        if ((c->dn[b] >= 0 || c->label[b] >= 0) && !row_line(c, s, rec, b, lines, n, r))
            return false;
    return true;
}

/* ---------------------------------------------------------------- export */

int cc_export_init(struct cc_export *x, struct store *s)
{
    memset(x, 0, sizeof *x);
    if (store_phones_cc_shape(s, &x->pools, &x->max_button) != STORE_OK)
        return -1;
    for (int b = 0; b < x->max_button; b++) {
        column_name(x->names[b][0], sizeof x->names[b][0], false, b + 1);
        column_name(x->names[b][1], sizeof x->names[b][1], true, b + 1);
    }
    return 0;
}

size_t cc_export_header(struct cc_export *x, const char **fields)
{
    size_t n = 0;
    if (x->pools || x->max_button > 0)
        fields[n++] = "device_pool";
    for (int b = 0; b < x->max_button; b++) {
        fields[n++] = x->names[b][0];
        fields[n++] = x->names[b][1];
    }
    return n;
}

size_t cc_export_row(struct cc_export *x, const struct phone_row *row, const char **fields)
{
    size_t n = 0;
    if (x->pools || x->max_button > 0)
        fields[n++] = row->pool ? row->pool : "";
    for (int b = 0; b < x->max_button; b++)
        fields[n + 2 * b] = fields[n + 2 * b + 1] = "";
    snprintf(x->scratch, sizeof x->scratch, "%s", row->lines ? row->lines : "");
    for (char *line = x->scratch, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char *pattern = strchr(line, '\t'), *label = pattern ? strchr(pattern + 1, '\t') : NULL;
        int button = atoi(line);
        if (label == NULL || button < 1 || button > x->max_button)
            continue;
        *pattern++ = '\0';
        *label++ = '\0';
        fields[n + 2 * (button - 1)] = pattern;
        fields[n + 2 * (button - 1) + 1] = label;
    }
    return n + 2 * (size_t)x->max_button;
}
