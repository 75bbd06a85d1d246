/* lines.c - the form controls of call control's two list fields (issue 12):
 * a Date/Time Group's NTP servers, one host a line in a text box, and a
 * phone's line appearances, CUCM's "Association" rows: a button, the
 * directory number on it, its label and its caller ID.  Rows whose number is
 * left at < None > are dropped on Save, so a row is removed by clearing it;
 * a few empty rows past the last line add new ones. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "page.h"

#define SPARE_ROWS 2    /* empty rows offered past the phone's lines */
#define MIN_ROWS   4

static void line_row(xmlNodePtr tbody, const char *button, const char *dn, int64_t dn_id,
                     const char *label, const char *display);
static size_t typed_rows(const struct form *typed, xmlNodePtr tbody);
static size_t stored_rows(struct ctx *c, const struct value *v, xmlNodePtr tbody);

/* ------------------------------------------------------------ NTP servers */

void hostlist_control(struct ctx *c, xmlNodePtr control, const struct form_view *v, size_t i,
                      const char *id, const char *value)
{
    (void)c;
    const struct field_def *f = &v->e->fields[i];
    xmlNodePtr area = html_el(control, "textarea", value);
    html_attr(area, "id", id);
    html_attr(area, "name", f->name);
    html_attrf(area, "rows", "%lld", (long long)f->max);
    html_attr(area, "spellcheck", "false");
    hint(control, "one host name or IP address a line, in order of preference");
}

/* The box's lines, trimmed, blank ones dropped, joined by newlines. */
void hostlist_patch(const char *text, struct value *v)
{
    size_t len = strlen(text);
    char *out = malloc(len + 1), *o = out;
    if (out == NULL)
        return;
    while (*text) {
        size_t n = strcspn(text, "\r\n");
        const char *s = text, *e = text + n;
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if (e > s) {
            if (o > out)
                *o++ = '\n';
            memcpy(o, s, (size_t)(e - s));
            o += e - s;
        }
        text += n;
        text += strspn(text, "\r\n");
    }
    *o = '\0';
    free(v->s);
    v->s = out;
    v->set = true;
    v->is_null = false;
}

/* ------------------------------------------------------- line appearances */

/* A row: the number is typed, as in CUCM's line configuration, since a site
 * may have more numbers than a list box can offer. */
static void line_row(xmlNodePtr tbody, const char *button, const char *dn, int64_t dn_id,
                     const char *label, const char *display)
{
    xmlNodePtr tr = html_el(tbody, "tr", NULL);
    xmlNodePtr in = html_input(html_el(tr, "td", NULL), "text", NULL, "lines__button", button);
    html_attr(in, "class", "short");
    html_attr(in, "inputmode", "numeric");
    html_attr(in, "aria-label", "Button");
    xmlNodePtr td = html_el(tr, "td", NULL);
    in = html_input(td, "text", NULL, "lines__dn", dn);
    html_attrf(in, "maxlength", "%d", LINE_TEXT_MAX);
    html_attr(in, "aria-label", "Directory Number");
    if (dn_id > 0) {
        char href[64];
        snprintf(href, sizeof href, "/directory-numbers/%lld", (long long)dn_id);
        html_text(td, " ");
        html_link(td, href, "Edit");
    }
    in = html_input(html_el(tr, "td", NULL), "text", NULL, "lines__label", label);
    html_attrf(in, "maxlength", "%d", LINE_TEXT_MAX);
    html_attr(in, "aria-label", "Line Text Label");
    in = html_input(html_el(tr, "td", NULL), "text", NULL, "lines__display", display);
    html_attrf(in, "maxlength", "%d", LINE_TEXT_MAX);
    html_attr(in, "aria-label", "Display (Caller ID)");
}

/* The rows as the admin typed them, when the form comes back refused. */
static size_t typed_rows(const struct form *typed, xmlNodePtr tbody)
{
    size_t pb = 0, pd = 0, pl = 0, px = 0, n = 0;
    const char *button;
    while ((button = form_next(typed, "lines__button", &pb)) != NULL) {
        const char *dn = form_next(typed, "lines__dn", &pd);
        const char *label = form_next(typed, "lines__label", &pl);
        const char *display = form_next(typed, "lines__display", &px);
        line_row(tbody, button, dn ? dn : "", 0, label ? label : "", display ? display : "");
        n++;
    }
    return n;
}

static size_t stored_rows(struct ctx *c, const struct value *v, xmlNodePtr tbody)
{
    for (size_t k = 0; k < v->n_lines; k++) {
        const struct line_appearance *l = &v->lines[k];
        struct record dn;
        struct problem p = { 0 };
        char button[24], pattern[4 * LINE_TEXT_MAX + 1] = "";
        if (service_get(c->sv, ENT_DIRECTORY_NUMBER, l->directory_number, &dn, &p) == 0) {
            snprintf(pattern, sizeof pattern, "%s", record_text(&dn, "pattern"));
            record_free(&dn);
        }
        snprintf(button, sizeof button, "%lld", (long long)l->button);
        line_row(tbody, button, pattern, l->directory_number, l->label, l->display_name);
    }
    return v->n_lines;
}

void lines_control(struct ctx *c, xmlNodePtr control, const struct form_view *v, size_t i,
                   const char *id, const char *value)
{
    (void)value;
    static const char *const heads[] = {
        "Button", "Directory Number", "Line Text Label", "Display (Caller ID)",
    };
    html_hidden(control, v->e->fields[i].name, "1");   /* the rows were on the form */
    xmlNodePtr tbody = list_table(control, "lines", id, heads, 4);
    bool typed = v->typed != NULL && form_get(v->typed, "lines") != NULL;
    const struct value *val = &v->rec->v[i];
    size_t n = typed ? typed_rows(v->typed, tbody) : stored_rows(c, val, tbody);
    /* Empty rows for new lines, on the buttons after the last; the rows of a
     * refused form come back as they were posted, empty ones included. */
    int64_t next = 1;
    for (size_t k = 0; k < val->n_lines; k++)
        if (val->lines[k].button >= next)
            next = val->lines[k].button + 1;
    size_t rows = n + SPARE_ROWS > MIN_ROWS ? n + SPARE_ROWS : MIN_ROWS;
    for (size_t k = n; !typed && k < rows && next <= VIEW_MAX_LINES; k++, next++) {
        char button[24];
        snprintf(button, sizeof button, "%lld", (long long)next);
        line_row(tbody, button, "", 0, "", "");
    }
    hint(control, "the directory number's pattern; one on several phones is a shared line; "
         "empty it to remove a line");
}

/* The rows with a number become the lines, each number found by its pattern;
 * a bad button or an unknown number is a field error. */
void lines_from_form(struct ctx *c, const struct form *form, struct record *patch,
                     struct problem *p)
{
    const struct entity_def *e = entity_get(patch->kind);
    int idx = entity_field_index(e, "lines");
    if (idx < 0 || form_get(form, "lines") == NULL)
        return;
    const struct field_def *f = &e->fields[idx];
    struct value *v = &patch->v[idx];
    size_t pb = 0, pd = 0, pl = 0, px = 0, n = 0;
    struct line_appearance *lines = calloc(VIEW_MAX_LINES, sizeof *lines);
    const char *button;
    while (lines && (button = form_next(form, "lines__button", &pb)) != NULL) {
        const char *dn = form_next(form, "lines__dn", &pd);
        const char *label = form_next(form, "lines__label", &pl);
        const char *display = form_next(form, "lines__display", &px);
        int64_t b;
        if (dn == NULL || *dn == '\0')
            continue;
        struct line_appearance *l = &lines[n];
        if (n == VIEW_MAX_LINES || !parse_int(button, &b)) {
            problem_field(p, f->name, "%s: a line needs a button from 1 to %d", f->label,
                          VIEW_MAX_LINES);
            break;
        }
        if (service_lookup_name(c->sv, ENT_DIRECTORY_NUMBER, dn, &l->directory_number) != 0) {
            problem_field(p, f->name, "%s: button %lld names a directory number that does not "
                          "exist; add it first", f->label, (long long)b);
            break;
        }
        l->button = b;
        if ((label && strlen(label) >= sizeof l->label) ||
            (display && strlen(display) >= sizeof l->display_name)) {
            problem_field(p, f->name, "%s: a label or display name is at most %d characters",
                          f->label, LINE_TEXT_MAX);
            break;
        }
        snprintf(l->label, sizeof l->label, "%s", label ? label : "");
        snprintf(l->display_name, sizeof l->display_name, "%s", display ? display : "");
        n++;
    }
    free(v->lines);
    v->lines = lines;
    v->n_lines = n;
    v->set = true;
}

/* ------------------------------------------------------------ the file shown */

char *config_masked(const char *file)
{
    static const char open_tag[] = "<authPassword>", close_tag[] = "</authPassword>";
    static const char mask[] = "********";
    size_t count = 0;
    for (const char *at = file; (at = strstr(at, open_tag)) != NULL; at++)
        count++;
    char *out = malloc(strlen(file) + count * (sizeof mask - 1) + 1), *o = out;
    if (out == NULL)
        return NULL;
    for (const char *at; (at = strstr(file, open_tag)) != NULL;) {
        const char *value = at + sizeof open_tag - 1, *end = strstr(value, close_tag);
        if (end == NULL)
            break;
        memcpy(o, file, (size_t)(value - file));
        o += value - file;
        if (end > value) {   /* an empty one stays empty: nothing is set */
            memcpy(o, mask, sizeof mask - 1);
            o += sizeof mask - 1;
        }
        file = end;
    }
    strcpy(o, file);
    return out;
}

/* ------------------------------------------------ a number's line appearances */

#define DEVICES_SHOWN 100

/* CUCM's "Associated Devices": the phones this number rings, linked. */
void dn_devices(struct ctx *c, xmlNodePtr content, int64_t id)
{
    static const char *const heads[] = { "Device Name" };
    struct object_ref *users = calloc(DEVICES_SHOWN, sizeof *users);
    struct problem p = { 0 };
    int64_t total = users ? service_users(c->sv, ENT_DIRECTORY_NUMBER, id, users,
                                          DEVICES_SHOWN, &p) : -1;
    html_el(content, "h2", "Associated Devices");
    if (total <= 0) {
        html_el(content, "p", total == 0 ? "No phone has this number on a button."
                                         : "The phones could not be listed.");
        free(users);
        return;
    }
    record_count(content, total);
    xmlNodePtr tbody = list_table(content, "list", "dn-devices", heads, 1);
    for (int64_t i = 0; i < total && i < DEVICES_SHOWN; i++) {
        char href[64];
        snprintf(href, sizeof href, "/phones/%lld", (long long)users[i].id);
        html_link(html_el(html_el(tbody, "tr", NULL), "td", NULL), href, users[i].name);
    }
    free(users);
}
