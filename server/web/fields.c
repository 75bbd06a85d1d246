/* fields.c - the rows of the forms: a label, a control, a hint and the error
 * that belongs there.  A configuration form has one row per field of the
 * entity table in model.h, its control chosen by the field's type from the
 * controls table; a list of references becomes CUCM's two list boxes. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "page.h"

#define MAX_MODELS 64

/* Builds the control of field i of a configuration form into control. */
typedef void control_fn(struct ctx *c, xmlNodePtr control, const struct form_view *v, size_t i,
                        const char *id, const char *value);

static const char *field_hint(const char *field);
static const char *shown_value(const struct form_view *v, size_t i, char *buf, size_t len);
static control_fn text_control, secret_control, int_control, bool_control, enum_control,
    ref_control, reflist_control, model_control, store_control;
static void listbox(xmlNodePtr control, const struct field_def *f, const char *csv,
                    const struct name_map *all);
static xmlNodePtr listbox_side(xmlNodePtr box, const char *label, const char *id,
                               const char *name, const char *role);
static void move_buttons(xmlNodePtr box, const char *field, size_t first);

static control_fn *const controls[] = {
    [FT_TEXT] = text_control, [FT_URL] = text_control, [FT_DEVICE_NAME] = text_control,
    [FT_DATE] = text_control, [FT_SECRET] = secret_control, [FT_INT] = int_control,
    [FT_BOOL] = bool_control, [FT_ENUM] = enum_control, [FT_REF] = ref_control,
    [FT_REFLIST] = reflist_control, [FT_MODEL] = model_control, [FT_STORE] = store_control,
    [FT_HOST] = text_control, [FT_LOCALE] = text_control,
    [FT_HOSTLIST] = hostlist_control, [FT_LINES] = lines_control,
};

static const struct { const char *name, *label; } enum_labels[] = {
    { "user_and_password", "User and Password" }, { "password_only", "Password Only" },
    { "certificate", "Certificate" },
    { "disable", "Disable" }, { "flash_only", "Flash Only" }, { "beep_only", "Beep Only" },
    { "ringer_off", "Ringer Off" }, { "call_reject", "Call Reject" },
    { "internal", "Internal" }, { "external_url", "External URL" }, { "both", "Both" },
    { "mic", "MIC (manufacturing installed)" }, { "lsc", "LSC (issued by CAPF)" },
    { "tcp", "TCP" }, { "udp", "UDP" }, { "tls", "TLS" }, { "non_secure", "Non Secure" },
    { "authenticated", "Authenticated" }, { "encrypted", "Encrypted" }, { "none", "None" },
    { "phone", "Phone" }, { "ip", "IP" },
};

/* What a label alone does not say. */
static const struct { const char *field, *hint; } field_hints[] = {
    { "mtu", "bytes; 256 to 1406 (default 1290)" },
    { "fail_to_connect", "seconds; 0 to 600 (default 30)" },
    { "keep_alive", "seconds; 0 to 120 (default 60)" },
    { "url", "the ASA's group-url, e.g. https://asa.example.com/phone" },
    { "auto_network_detect", "the phone pings the TFTP server at power-on; no reply starts the VPN" },
    { "host_id_check", "the gateway URL's host must match the certificate's CN or a SAN" },
    { "vpn_profile", "< None >: the VPN Feature Configuration applies" },
    { "time_zone", "CUCM's name, e.g. Tokyo Standard Time or Pacific Standard/Daylight Time" },
    { "date_template", "M/D/Y, D/M/Y or Y/M/D with '/', '-' or '.'; YY: 4-digit year; "
      "A: 12-hour clock" },
    { "call_managers", "the phone registers to the first and fails over in this order (1 to 3)" },
    { "device_pool", "< None >: the call manager, clock and locales of System Settings" },
    { "sip_profile", "< None >: the Standard SIP Profile" },
    { "host", "the registrar's host name or IP address (processNodeName)" },
    { "pattern", "digits, *, # and a leading +" },
};

/* The left box of a list field, CUCM's words. */
static const struct { const char *field, *available; } listbox_titles[] = {
    { "certificates", "VPN Certificates in your Truststore" },
    { "gateways", "All Available VPN Gateways" },
    { "call_managers", "Available Cisco Unified Communications Managers" },
};

/* The buttons between and beside the boxes: ucprov.js moves the options without
 * a round trip; without script they post _move=FIELD:OP (objects.c). */
static const struct { const char *op, *text, *title; } moves[] = {
    { "add", "→", "Move the highlighted items into the right box" },
    { "remove", "←", "Move the highlighted items back" },
    { "up", "↑", "Move the highlighted items up" },
    { "down", "↓", "Move the highlighted items down" },
};

const char *enum_label(const char *name)
{
    for (size_t i = 0; name && i < sizeof enum_labels / sizeof enum_labels[0]; i++)
        if (strcmp(enum_labels[i].name, name) == 0)
            return enum_labels[i].label;
    return name ? name : "";
}

static const char *field_hint(const char *field)
{
    for (size_t i = 0; i < sizeof field_hints / sizeof field_hints[0]; i++)
        if (strcmp(field_hints[i].field, field) == 0)
            return field_hints[i].hint;
    return NULL;
}

const char *error_for(const struct problem *p, const char *field)
{
    for (size_t i = 0; p && i < p->n_errors; i++)
        if (strcmp(p->errors[i].field, field) == 0)
            return p->errors[i].message;
    return NULL;
}

/* ------------------------------------------------------------ rows */

xmlNodePtr labelled_row(xmlNodePtr parent, const char *name, const char *label,
                        const char *error, unsigned flags)
{
    xmlNodePtr row = html_el(parent, "div", NULL);
    html_attr(row, "class", error ? "row invalid" : "row");
    if (flags & ROW_ANCHOR)
        html_attr(row, "id", name);
    xmlNodePtr l = html_el(row, flags & ROW_NO_FOR ? "span" : "label", label);
    if (flags & ROW_NO_FOR)
        html_attr(l, "class", "label");
    else
        html_attrf(l, "for", "f-%s", name);
    if (flags & ROW_REQUIRED)
        html_attr(html_el(l, "span", "*"), "class", "req");
    xmlNodePtr control = html_el(row, "div", NULL);
    if (flags & ROW_BOXED)
        html_attr(control, "class", "control");
    return control;
}

void hint(xmlNodePtr parent, const char *text)
{
    html_attr(html_el(parent, "p", text), "class", "hint");
}

/* The id "NAME-error" is what the control's aria-describedby and the tests look for. */
void field_error(xmlNodePtr control, const char *error, const char *name)
{
    if (error == NULL)
        return;
    xmlNodePtr e = html_el(control, "p", error);
    html_attr(e, "class", "field-error");
    if (name != NULL)
        html_attrf(e, "id", "%s-error", name);
}

xmlNodePtr input_row(xmlNodePtr parent, const char *name, const char *label,
                     const char *value, const char *hint_text, const struct problem *p)
{
    char id[64];
    snprintf(id, sizeof id, "f-%s", name);
    const char *error = error_for(p, name);
    xmlNodePtr control = labelled_row(parent, name, label, error, ROW_ANCHOR | ROW_BOXED);
    xmlNodePtr in = html_input(control, "text", id, name, value ? value : "");
    if (hint_text != NULL)
        hint(control, hint_text);
    field_error(control, error, name);
    return in;
}

void checkbox_row(xmlNodePtr parent, const char *name, const char *label, bool on,
                  const char *hint_text, const struct problem *p)
{
    char id[64];
    snprintf(id, sizeof id, "f-%s", name);
    const char *error = error_for(p, name);
    xmlNodePtr control = labelled_row(parent, name, label, error, ROW_ANCHOR | ROW_BOXED);
    xmlNodePtr in = html_input(control, "checkbox", id, name, "1");
    if (on)
        html_attr(in, "checked", "checked");
    if (hint_text != NULL)
        hint(control, hint_text);
    field_error(control, error, name);
}

xmlNodePtr select_el(xmlNodePtr parent, const char *id, const char *name)
{
    xmlNodePtr sel = html_el(parent, "select", NULL);
    html_attr(sel, "id", id);
    html_attr(sel, "name", name);
    return sel;
}

void store_options(xmlNodePtr select, const char *chosen)
{
    for (size_t k = 0; trust_store_names[k]; k++)
        html_option(select, trust_store_names[k], trust_store_names[k],
                    chosen ? strcmp(chosen, trust_store_names[k]) == 0 : k == 0);
}

/* ------------------------------------------------------------ configuration forms */

/* The value of field i as the form shows it. */
static const char *shown_value(const struct form_view *v, size_t i, char *buf, size_t len)
{
    const struct field_def *f = &v->e->fields[i];
    const struct value *val = &v->rec->v[i];
    if (v->typed != NULL && form_field(v->typed, f->name) != NULL) {
        if (f->type == FT_BOOL)
            return form_has_value(v->typed, f->name, "1") ? "1" : "0";
        return form_get(v->typed, f->name);
    }
    switch (f->type) {
    case FT_INT:
    case FT_BOOL:
        snprintf(buf, len, "%lld", (long long)val->i);
        return buf;
    case FT_ENUM: {
        const char *name = enum_name(f->enums, val->i);
        return name ? name : "";
    }
    case FT_REF:
        if (val->is_null)
            return "";
        snprintf(buf, len, "%lld", (long long)val->i);
        return buf;
    case FT_REFLIST:
        format_ids(val->ids, val->n_ids, buf, len);
        return buf;
    case FT_SECRET:
        return "";   /* never sent back to the browser */
    default:
        return val->s ? val->s : "";
    }
}

void field_row(struct ctx *c, xmlNodePtr parent, const struct form_view *v, size_t i)
{
    const struct field_def *f = &v->e->fields[i];
    char buf[MAX_IDS * 20], id[80];
    const char *value = shown_value(v, i, buf, sizeof buf);
    const char *error = error_for(v->p, f->name);
    snprintf(id, sizeof id, "f-%s", f->name);
    unsigned flags = ROW_ANCHOR | ROW_BOXED | (f->required ? ROW_REQUIRED : 0) |
                     (f->type == FT_REFLIST || f->type == FT_LINES ? ROW_NO_FOR : 0);
    xmlNodePtr control = labelled_row(parent, f->name, f->label, error, flags);
    if ((size_t)f->type < sizeof controls / sizeof controls[0] && controls[f->type] != NULL)
        controls[f->type](c, control, v, i, id, value);
    const char *text = field_hint(f->name);
    if (text != NULL)
        hint(control, text);
    field_error(control, error, f->name);
}

static void text_control(struct ctx *c, xmlNodePtr control, const struct form_view *v, size_t i,
                         const char *id, const char *value)
{
    (void)c;
    const struct field_def *f = &v->e->fields[i];
    xmlNodePtr in = html_input(control, "text", id, f->name, value);
    if (f->type == FT_DEVICE_NAME) {
        html_attr(in, "maxlength", "15");
        html_attr(in, "placeholder", "SEP001122334455");
    } else if (f->type == FT_DATE) {
        html_attr(in, "placeholder", "YYYY-MM-DD");
        html_attr(in, "class", "short");
    } else if (f->max > 0) {
        html_attrf(in, "maxlength", "%lld", (long long)f->max);
    }
}

/* A secret is never shown: the form says whether one is set and offers to clear it. */
static void secret_control(struct ctx *c, xmlNodePtr control, const struct form_view *v,
                           size_t i, const char *id, const char *value)
{
    (void)c, (void)value;
    const struct field_def *f = &v->e->fields[i];
    xmlNodePtr in = html_input(control, "password", id, f->name, "");
    html_attr(in, "autocomplete", "new-password");
    const char *stored = v->rec->v[i].s;
    if (stored == NULL || *stored == '\0')
        return;
    html_attr(in, "placeholder", "(set) leave empty to keep");
    html_attr(html_el(control, "span", "(set)"), "class", "secret-note");
    xmlNodePtr clear = html_el(control, "label", NULL);
    html_attr(clear, "class", "secret-note");
    char name[80];
    snprintf(name, sizeof name, "%s__clear", f->name);
    html_input(clear, "checkbox", NULL, name, "1");
    html_text(clear, " clear");
}

/* Text, not type=number: what the admin typed comes back as typed. */
static void int_control(struct ctx *c, xmlNodePtr control, const struct form_view *v, size_t i,
                        const char *id, const char *value)
{
    (void)c;
    xmlNodePtr in = html_input(control, "text", id, v->e->fields[i].name, value);
    html_attr(in, "inputmode", "numeric");
    html_attr(in, "class", "short");
}

/* The hidden 0 is what an unticked box sends. */
static void bool_control(struct ctx *c, xmlNodePtr control, const struct form_view *v, size_t i,
                         const char *id, const char *value)
{
    (void)c;
    const char *name = v->e->fields[i].name;
    html_hidden(control, name, "0");
    xmlNodePtr in = html_input(control, "checkbox", id, name, "1");
    if (strcmp(value, "1") == 0)
        html_attr(in, "checked", "checked");
}

static void enum_control(struct ctx *c, xmlNodePtr control, const struct form_view *v, size_t i,
                         const char *id, const char *value)
{
    (void)c;
    const struct field_def *f = &v->e->fields[i];
    xmlNodePtr sel = select_el(control, id, f->name);
    for (const struct enum_value *ev = f->enums; ev && ev->name; ev++)
        html_option(sel, ev->name, enum_label(ev->name), strcmp(ev->name, value) == 0);
}

static void ref_control(struct ctx *c, xmlNodePtr control, const struct form_view *v, size_t i,
                        const char *id, const char *value)
{
    const struct field_def *f = &v->e->fields[i];
    struct name_map m;
    names_load(c->sv, f->ref, &m);
    xmlNodePtr sel = select_el(control, id, f->name);
    if (!f->required || *value == '\0')
        html_option(sel, "", f->required ? "-- choose --" : "< None >", *value == '\0');
    for (size_t k = 0; k < m.n; k++) {
        char num[24];
        snprintf(num, sizeof num, "%lld", (long long)m.ids[k]);
        html_option(sel, num, m.names[k], strcmp(num, value) == 0);
    }
    names_free(&m);
}

static void reflist_control(struct ctx *c, xmlNodePtr control, const struct form_view *v,
                            size_t i, const char *id, const char *value)
{
    (void)id;
    const struct field_def *f = &v->e->fields[i];
    struct name_map m;
    names_load(c->sv, f->ref, &m);
    listbox(control, f, value, &m);
    names_free(&m);
}

/* A model the catalogue no longer lists stays selectable as it is. */
static void model_control(struct ctx *c, xmlNodePtr control, const struct form_view *v,
                          size_t i, const char *id, const char *value)
{
    char models[MAX_MODELS][64];
    size_t n = models_load(c->sv, models, MAX_MODELS);
    xmlNodePtr sel = select_el(control, id, v->e->fields[i].name);
    bool found = false;
    if (*value == '\0')
        html_option(sel, "", "-- choose --", true);
    for (size_t k = 0; k < n; k++) {
        bool on = strcmp(models[k], value) == 0;
        found = found || on;
        html_option(sel, models[k], models[k], on);
    }
    if (!found && *value != '\0')
        html_option(sel, value, value, true);
}

static void store_control(struct ctx *c, xmlNodePtr control, const struct form_view *v,
                          size_t i, const char *id, const char *value)
{
    (void)c;
    store_options(select_el(control, id, v->e->fields[i].name), value);
}

/* ------------------------------------------------------------ list boxes */

/* Two list boxes and the buttons between them.  The hidden input holds the
 * chosen ids in order, as the form posts them. */
static void listbox(xmlNodePtr control, const struct field_def *f, const char *csv,
                    const struct name_map *all)
{
    int64_t ids[MAX_IDS];
    size_t n = 0;
    if (!parse_ids(csv, ids, MAX_IDS, &n))
        n = 0;
    const char *avail_title = "Available";
    for (size_t i = 0; i < sizeof listbox_titles / sizeof listbox_titles[0]; i++)
        if (strcmp(listbox_titles[i].field, f->name) == 0)
            avail_title = listbox_titles[i].available;
    xmlNodePtr box = html_el(control, "div", NULL);
    html_attr(box, "class", "listbox");
    html_attr(box, "data-listbox", f->name);
    char id[96], name[96], value[24];

    snprintf(id, sizeof id, "f-%s-available", f->name);
    snprintf(name, sizeof name, "%s__avail", f->name);
    xmlNodePtr avail = listbox_side(box, avail_title, id, name, "available");
    for (size_t i = 0; i < all->n; i++) {
        bool chosen = false;
        for (size_t j = 0; j < n; j++)
            chosen = chosen || ids[j] == all->ids[i];
        if (chosen || !all->eligible[i])
            continue;
        snprintf(value, sizeof value, "%lld", (long long)all->ids[i]);
        html_option(avail, value, all->names[i], false);
    }
    move_buttons(box, f->name, 0);

    snprintf(id, sizeof id, "f-%s", f->name);
    snprintf(name, sizeof name, "%s__sel", f->name);
    xmlNodePtr sel = listbox_side(box, f->label, id, name, "selected");
    for (size_t j = 0; j < n; j++) {
        char unknown[40];
        snprintf(value, sizeof value, "%lld", (long long)ids[j]);
        snprintf(unknown, sizeof unknown, "#%lld (deleted)", (long long)ids[j]);
        const char *label = names_find(all, ids[j]);
        html_option(sel, value, label ? label : unknown, false);
    }
    move_buttons(box, f->name, 2);
    html_attr(html_hidden(box, f->name, csv), "data-role", "value");
}

/* One box: its label and a multiple select whose data-role the script reads. */
static xmlNodePtr listbox_side(xmlNodePtr box, const char *label, const char *id,
                               const char *name, const char *role)
{
    xmlNodePtr side = html_el(box, "div", NULL);
    html_attr(side, "class", "box");
    html_attr(html_el(side, "label", label), "for", id);
    xmlNodePtr sel = select_el(side, id, name);
    html_attr(sel, "multiple", "multiple");
    html_attr(sel, "data-role", role);
    return sel;
}

/* The pair of buttons moves[first] and moves[first + 1]. */
static void move_buttons(xmlNodePtr box, const char *field, size_t first)
{
    xmlNodePtr div = html_el(box, "div", NULL);
    html_attr(div, "class", "moves");
    for (size_t i = first; i < first + 2; i++) {
        char move[96];
        snprintf(move, sizeof move, "%s:%s", field, moves[i].op);
        xmlNodePtr b = html_button(div, "_move", move, moves[i].text, "small");
        html_attr(b, "data-move", moves[i].op);
        html_attr(b, "title", moves[i].title);
        html_attr(b, "aria-label", moves[i].title);
    }
}
