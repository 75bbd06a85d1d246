/* render.c - fill the XML skeletons of templates/ through libxml2 trees.
 *
 * User data only ever becomes a text node, so escaping is libxml2's job and a
 * description holding "</device>" stays a description. */
#include <config.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/sha.h>

#include "embedded.h"
#include "hex.h"
#include "locales.h"
#include "render.h"
#include "render_tables.h"

/* Stands in for the digest while the digest is computed; '<versionStamp>' in
 * front of it cannot come from user text, which libxml2 escapes. */
static const char stamp_placeholder[RENDER_STAMP_LEN + 1] =
    "0000000000000000000000000000000000000000";
static const char stamp_marker[] = "<versionStamp>";

/* XMLDefault holds the first F_COMMON fields at the same paths, except that its
 * callManagerGroup sits under the root instead of under devicePool. */
static const char *default_path(size_t field)
{
    const char *p = device_paths[field];
    return strncmp(p, "devicePool/", 11) == 0 ? p + 11 : p;
}

static xmlNodePtr at(xmlNodePtr root, const char *path);

static void strip_comments(xmlNodePtr node)
{
    xmlNodePtr child = node->children;
    while (child != NULL) {
        xmlNodePtr next = child->next;
        if (child->type == XML_COMMENT_NODE) {
            xmlUnlinkNode(child);
            xmlFreeNode(child);
        } else if (child->type == XML_ELEMENT_NODE) {
            strip_comments(child);
        }
        child = next;
    }
}

xmlDocPtr skeleton_parse(const char *xml, size_t len, const char *root, char *err,
                         size_t errlen)
{
    /* NODICT: copies of the skeleton are filled on several threads at once, and a
     * shared name dictionary is not safe for that. */
    xmlDocPtr doc = xmlReadMemory(xml, (int)len, "skeleton.xml", "UTF-8",
                                  XML_PARSE_NOBLANKS | XML_PARSE_NONET | XML_PARSE_NODICT |
                                  XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (doc == NULL) {
        snprintf(err, errlen, "the skeleton of <%s> is not well-formed XML", root);
        return NULL;
    }
    xmlNodePtr r = xmlDocGetRootElement(doc);
    if (r == NULL || xmlStrcmp(r->name, BAD_CAST root) != 0) {
        snprintf(err, errlen, "the skeleton's root element is not <%s>", root);
        xmlFreeDoc(doc);
        return NULL;
    }
    strip_comments((xmlNodePtr)doc);
    return doc;
}

/* Record where node sits below root; depth 0 when it is not there. */
static void locate_node(xmlNodePtr root, xmlNodePtr node, struct node_path *np)
{
    unsigned depth = 0;
    np->depth = 0;
    for (xmlNodePtr n = node; n != NULL && n != root; n = n->parent)
        depth++;
    if (node == NULL || depth == 0 || depth > PATH_DEPTH_MAX)
        return;
    np->depth = depth;
    for (xmlNodePtr n = node; n != root; n = n->parent) {
        unsigned short pos = 0;
        for (xmlNodePtr c = n->parent->children; c != n; c = c->next)
            pos++;
        np->pos[--depth] = pos;
    }
}

/* Record where path leads in the skeleton. */
static void locate(xmlNodePtr root, const char *path, struct node_path *np)
{
    locate_node(root, at(root, path), np);
}

/* Record a table of paths below base (a prototype, or the root). */
static void locate_map(xmlNodePtr base, const struct field_map *map, size_t n,
                       struct node_path *nps)
{
    for (size_t i = 0; i < n; i++)
        if (base != NULL)
            locate(base, map[i].path, &nps[i]);
}

/* Take the call-control markers off the skeleton, recording the outermost
 * marked elements (dropping one drops what it holds).  false on a marker
 * this renderer does not know or on too many of them. */
static bool take_markers(struct render_templates *t, xmlNodePtr root, xmlNodePtr node,
                         bool inside, char *err, size_t errlen)
{
    for (xmlNodePtr c = node->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        xmlAttrPtr a = xmlHasProp(c, BAD_CAST cc_marker);
        if (a != NULL) {
            xmlChar *value = xmlNodeListGetString(c->doc, a->children, 1);
            bool known = value != NULL && xmlStrcmp(value, BAD_CAST cc_marker_value) == 0;
            xmlFree(value);
            xmlRemoveProp(a);
            if (!known || (!inside && t->n_cc_only == CC_ONLY_MAX)) {
                snprintf(err, errlen, "<%s>: %s", (const char *)c->name,
                         known ? "too many call-control elements"
                               : "the only ucprov marker is ucprov=\"call-control\"");
                return false;
            }
            if (!inside)
                locate_node(root, c, &t->cc_only_at[t->n_cc_only++]);
        }
        if (!take_markers(t, root, c, inside || a != NULL, err, errlen))
            return false;
    }
    return true;
}

/* The copy's element at a recorded position, or NULL. */
static xmlNodePtr follow(xmlNodePtr root, const struct node_path *np)
{
    if (np->depth == 0)
        return NULL;
    xmlNodePtr node = root;
    for (unsigned d = 0; d < np->depth && node != NULL; d++) {
        xmlNodePtr c = node->children;
        for (unsigned k = 0; k < np->pos[d] && c != NULL; k++)
            c = c->next;
        node = c;
    }
    return node;
}

struct render_templates *render_templates_parse(const char *device_xml, size_t device_len,
                                                const char *default_xml, size_t default_len,
                                                char *err, size_t errlen)
{
    struct render_templates *t = calloc(1, sizeof *t);
    if (t == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    t->device = skeleton_parse(device_xml, device_len, "device", err, errlen);
    t->fallback = t->device ? skeleton_parse(default_xml, default_len, "Default", err, errlen)
                            : NULL;
    if (t->fallback == NULL) {
        render_templates_free(t);
        return NULL;
    }
    xmlNodePtr root = xmlDocGetRootElement(t->device);
    if (!take_markers(t, root, root, false, err, errlen)) {
        render_templates_free(t);
        return NULL;
    }
    for (size_t i = 0; i < F_COUNT; i++)
        locate(root, device_paths[i], &t->device_at[i]);
    for (size_t i = 0; i < F_COMMON; i++)
        locate(xmlDocGetRootElement(t->fallback), default_path(i), &t->fallback_at[i]);
    locate_map(root, sip_fields, N_OF(sip_fields), t->sip_at);
    locate_map(at(root, device_paths[F_MEMBER]), member_fields, N_OF(member_fields),
               t->member_at);
    locate_map(at(root, device_paths[F_NTP]), ntp_fields, N_OF(ntp_fields), t->ntp_at);
    xmlNodePtr line = at(root, device_paths[F_LINE]);
    locate_map(line, line_fields, N_OF(line_fields), t->line_at);
    if (line != NULL)
        locate(line, "port", &t->line_port_at);
    return t;
}

static const struct embedded_file *embedded(const char *name)
{
    for (const struct embedded_file *f = embedded_files; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

struct render_templates *render_templates_load(char *err, size_t errlen)
{
    const struct embedded_file *dev = embedded("SEPMAC.cnf.xml");
    const struct embedded_file *def = embedded("XMLDefault.cnf.xml");
    if (dev == NULL || def == NULL) {
        snprintf(err, errlen, "config templates are missing from this build");
        return NULL;
    }
    return render_templates_parse((const char *)dev->data, dev->len, (const char *)def->data,
                                  def->len, err, errlen);
}

void render_templates_free(struct render_templates *t)
{
    if (t == NULL)
        return;
    xmlFreeDoc(t->device);
    xmlFreeDoc(t->fallback);
    free(t);
}

void render_free(struct rendered *r)
{
    if (r == NULL)
        return;
    xmlFree(r->data);
    r->data = NULL;
    r->len = 0;
}

/* ------------------------------------------------------------ tree helpers */

static xmlNodePtr child_named(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && xmlStrcmp(c->name, BAD_CAST name) == 0)
            return c;
    return NULL;
}

/* The element at a '/'-separated path below root, or NULL. */
static xmlNodePtr at(xmlNodePtr root, const char *path)
{
    char step[64];
    xmlNodePtr node = root;
    while (node != NULL && *path) {
        size_t n = strcspn(path, "/");
        if (n >= sizeof step)
            return NULL;
        memcpy(step, path, n);
        step[n] = '\0';
        node = child_named(node, step);
        path += n + (path[n] == '/');
    }
    return node;
}

/* Replace an element's content with text; a missing element is a template the
 * admin trimmed, which is allowed. */
static void put_text(xmlNodePtr node, const char *text)
{
    if (node == NULL)
        return;
    xmlNodeSetContent(node, NULL);
    xmlNodeAddContent(node, BAD_CAST text);
}

static void put_int(xmlNodePtr node, long value)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%ld", value);
    put_text(node, buf);
}

/* Every field's element in a fresh copy, found before anything is edited
 * (unlinking vpnGroup would shift the positions after it). */
static void find_fields(xmlNodePtr root, const struct node_path *paths, size_t n,
                        xmlNodePtr *nodes)
{
    for (size_t i = 0; i < n; i++)
        nodes[i] = follow(root, &paths[i]);
}

/* A fresh copy of a template with its n fields in f, or NULL. */
static xmlDocPtr start(xmlDocPtr tmpl, const struct node_path *paths, size_t n, xmlNodePtr *f,
                       struct rendered *out)
{
    memset(out, 0, sizeof *out);
    xmlDocPtr doc = xmlCopyDoc(tmpl, 1);
    if (doc != NULL)
        find_fields(xmlDocGetRootElement(doc), paths, n, f);
    return doc;
}

static xmlNodePtr add_text_child(xmlNodePtr parent, const char *name, const char *text)
{
    xmlNodePtr node = xmlNewChild(parent, NULL, BAD_CAST name, NULL);
    if (node != NULL)
        xmlNodeAddContent(node, BAD_CAST text);
    return node;
}

static void add_int_child(xmlNodePtr parent, const char *name, long value)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%ld", value);
    add_text_child(parent, name, buf);
}

/* Dump the document, then write the content digest over the placeholder. */
static int finish(xmlDocPtr doc, xmlNodePtr *f, struct rendered *out)
{
    put_text(f[F_VERSION_STAMP], stamp_placeholder);
    xmlChar *buf = NULL;
    int len = 0;
    xmlDocDumpFormatMemoryEnc(doc, &buf, &len, "UTF-8", 1);
    xmlFreeDoc(doc);
    if (buf == NULL || len <= 0)
        return -1;

    unsigned char md[32];
    SHA256(buf, (size_t)len, md);   /* one-shot: no EVP fetch per render */
    hex_encode(md, RENDER_STAMP_LEN / 2, out->version_stamp);

    char *mark = strstr((char *)buf, stamp_marker);
    if (mark != NULL &&
        strncmp(mark + sizeof stamp_marker - 1, stamp_placeholder, RENDER_STAMP_LEN) == 0)
        memcpy(mark + sizeof stamp_marker - 1, out->version_stamp, RENDER_STAMP_LEN);
    out->data = buf;
    out->len = (size_t)len;
    return 0;
}

/* ---------------------------------------------------------------- vpnGroup */

static void fill_vpn_group(xmlNodePtr vpn, const struct device_view *v)
{
    add_int_child(vpn, "mtu", v->vpn.mtu);
    add_int_child(vpn, "failConnectTime", v->vpn.fail_to_connect);
    add_int_child(vpn, "authMethod", v->vpn.client_auth_method);
    add_int_child(vpn, "pswdPersistent", v->vpn.password_persistence);
    add_int_child(vpn, "autoNetDetect", v->vpn.auto_network_detect);
    add_int_child(vpn, "enableHostIDCheck", v->vpn.host_id_check);
    xmlNodePtr addresses = xmlNewChild(vpn, NULL, BAD_CAST "addresses", NULL);
    for (size_t i = 0; i < v->n_urls; i++) {
        char name[32];
        snprintf(name, sizeof name, "url%u", (unsigned)(i + 1) % 100);
        add_text_child(addresses, name, v->urls[i]);
    }
    xmlNodePtr credentials = xmlNewChild(vpn, NULL, BAD_CAST "credentials", NULL);
    add_int_child(credentials, "hashAlg", 0);   /* 0 = SHA-1, the only value phones use */
    for (size_t i = 0; i < v->n_hashes; i++) {
        char name[32];
        snprintf(name, sizeof name, "certHash%u", (unsigned)(i + 1) % 100);
        add_text_child(credentials, name, v->cert_hashes[i]);
    }
}

/* ------------------------------------------------------- call control */

static const char *const user_info_names[] = { "None", "Phone", "IP" };

static void unlink_free(xmlNodePtr node)
{
    if (node == NULL)
        return;
    xmlUnlinkNode(node);
    xmlFreeNode(node);
}

/* One value at p (as kind says it is kept) into its element. */
static void put_value(xmlNodePtr el, enum kind kind, const char *p)
{
    int iv = 0;
    bool flag = false;
    if (kind == K_INT || kind == K_BOOL || kind == K_USER_INFO)
        memcpy(&iv, p, sizeof iv);
    else if (kind == K_FLAG)
        memcpy(&flag, p, sizeof flag);
    switch (kind) {
    case K_INT: put_int(el, iv); break;
    case K_BOOL: put_text(el, iv ? "true" : "false"); break;
    case K_FLAG: put_text(el, flag ? "true" : "false"); break;
    case K_TEXT: put_text(el, p); break;
    case K_OPTIONAL:
        if (*p == '\0')
            unlink_free(el);
        else
            put_text(el, p);
        break;
    case K_USER_INFO:
        put_text(el, iv >= 0 && iv < 3 ? user_info_names[iv] : user_info_names[0]);
        break;
    }
}

/* Copy a table of values from base (a view struct) into el, the table's
 * elements as found in a copy of the skeleton. */
static void put_map(xmlNodePtr *el, const struct field_map *map, size_t n, const void *base)
{
    for (size_t i = 0; i < n; i++)
        put_value(el[i], map[i].kind, (const char *)base + map[i].off);
}

/* The same into the file's own elements f[]. */
static void put_values(xmlNodePtr *f, const struct element_value *vals, size_t n,
                       const void *base)
{
    for (size_t i = 0; i < n; i++)
        put_value(f[vals[i].field], vals[i].kind, (const char *)base + vals[i].off);
}

/* The same below a fresh copy of a prototype. */
static void fill_below(xmlNodePtr node, const struct node_path *nps, const struct field_map *map,
                       size_t n, const void *base)
{
    xmlNodePtr el[N_OF(line_fields)];   /* the longest prototype table */
    if (n > N_OF(el))
        return;
    find_fields(node, nps, n, el);
    put_map(el, map, n, base);
}

/* n copies of a prototype element in its place, the prototype being the
 * first; none removes it.  Copies are made before anything is filled in. */
static void repeat(xmlNodePtr proto, size_t n, xmlNodePtr *copies)
{
    if (proto == NULL)
        return;
    if (n == 0) {
        unlink_free(proto);
        return;
    }
    copies[0] = proto;
    for (size_t i = 1; i < n; i++)
        copies[i] = xmlAddNextSibling(copies[i - 1], xmlDocCopyNode(proto, proto->doc, 1));
}

static void set_int_prop(xmlNodePtr node, const char *name, long value)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%ld", value);
    xmlSetProp(node, BAD_CAST name, BAD_CAST buf);
}

/* devicePool: the NTP servers, and the call managers by priority. */
static void fill_device_pool(const struct render_templates *t, xmlNodePtr *f,
                             const struct call_control_view *cc)
{
    xmlNodePtr ntp[VIEW_MAX_NTP_SERVERS] = { 0 };
    size_t n = cc->n_ntp_servers < VIEW_MAX_NTP_SERVERS ? cc->n_ntp_servers : VIEW_MAX_NTP_SERVERS;
    repeat(f[F_NTP], n, ntp);
    for (size_t i = 0; i < n && ntp[i] != NULL; i++)
        fill_below(ntp[i], t->ntp_at, ntp_fields, N_OF(ntp_fields), cc->ntp_servers[i]);

    xmlNodePtr member[VIEW_MAX_CALL_MANAGERS] = { 0 };
    n = cc->n_call_managers < VIEW_MAX_CALL_MANAGERS ? cc->n_call_managers
                                                     : VIEW_MAX_CALL_MANAGERS;
    repeat(f[F_MEMBER], n, member);
    for (size_t i = 0; i < n && member[i] != NULL; i++) {
        set_int_prop(member[i], "priority", (long)i);
        fill_below(member[i], t->member_at, member_fields, N_OF(member_fields),
                 &cc->call_managers[i]);
    }
}

/* sipProfile: the SIP profile's values and one line element per appearance. */
static void fill_sip_profile(const struct render_templates *t, xmlNodePtr *f, xmlNodePtr *sip,
                             const struct device_view *v)
{
    const struct call_control_view *cc = &v->cc;
    put_map(sip, sip_fields, N_OF(sip_fields), &cc->sip);

    /* USECALLMANAGER: the line registers with the group, at its SIP port. */
    int port = cc->n_call_managers > 0 ? cc->call_managers[0].sip_port : v->sys.sip_port;
    xmlNodePtr line[VIEW_MAX_LINES] = { 0 };
    size_t n = cc->n_lines < VIEW_MAX_LINES ? cc->n_lines : VIEW_MAX_LINES;
    repeat(f[F_LINE], n, line);
    for (size_t i = 0; i < n && line[i] != NULL; i++) {
        set_int_prop(line[i], "button", cc->lines[i].button);
        set_int_prop(line[i], "lineIndex", (long)i + 1);
        put_int(follow(line[i], &t->line_port_at), port);
        fill_below(line[i], t->line_at, line_fields, N_OF(line_fields), &cc->lines[i]);
    }
}

/* The elements only a phone with call control gets, and its values where
 * the file otherwise carries the system settings'. */
static void fill_call_control(const struct render_templates *t, xmlNodePtr *f, xmlNodePtr *sip,
                              const struct device_view *v)
{
    put_values(f, cc_values, N_OF(cc_values), &v->cc);
    fill_device_pool(t, f, &v->cc);
    fill_sip_profile(t, f, sip, v);
    const struct user_locale *ul = user_locale_find(v->cc.user_locale);
    if (ul != NULL) {
        put_text(f[F_LANG_CODE], ul->lang_code);
        put_text(f[F_WIN_CHARSET], ul->win_char_set);
    }
}

/* ------------------------------------------------------------- the device */

int render_device(const struct render_templates *t, const struct device_view *v,
                  struct rendered *out)
{
    xmlNodePtr f[F_COUNT], cc_only[CC_ONLY_MAX], sip[N_OF(sip_fields)];
    xmlDocPtr doc = start(t->device, t->device_at, F_COUNT, f, out);
    if (doc == NULL)
        return -1;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (v->has_call_control)
        find_fields(root, t->sip_at, N_OF(sip_fields), sip);
    else
        find_fields(root, t->cc_only_at, t->n_cc_only, cc_only);

    put_values(f, cluster_values, N_OF(cluster_values), &v->sys);
    put_values(f, device_values, N_OF(device_values), v);
    xmlNodePtr vpn = f[F_VPN_GROUP];
    if (vpn != NULL && v->has_vpn) {
        xmlNodeSetContent(vpn, NULL);
        fill_vpn_group(vpn, v);
    } else {
        unlink_free(vpn);
    }

    char policy[sizeof v->feature_control_policy + 4];
    render_policy_file(v->feature_control_policy, policy, sizeof policy);
    put_text(f[F_FEATURE_POLICY], policy);
    if (v->has_call_control) {
        fill_call_control(t, f, sip, v);
    } else {
        for (size_t i = 0; i < t->n_cc_only; i++)
            unlink_free(cc_only[i]);
    }
    if (v->sec.has_profile) {   /* the phone security profile wins (issue 13) */
        put_int(f[F_TRANSPORT], v->sec.transport);
        put_int(f[F_SECURITY_MODE], v->sec.device_security_mode);
    }
    return finish(doc, f, out);
}

/* ------------------------------------------------------------ XMLDefault */

int render_default(const struct render_templates *t, const struct default_view *v,
                   struct rendered *out)
{
    xmlNodePtr f[F_COMMON];
    xmlDocPtr doc = start(t->fallback, t->fallback_at, F_COMMON, f, out);
    if (doc == NULL)
        return -1;
    put_values(f, cluster_values, N_OF(cluster_values), &v->sys);

    xmlNodePtr loads = f[F_LOAD];
    for (size_t i = 0; loads != NULL && i < v->n_models; i++) {
        const struct model_load *m = &v->models[i];
        if (m->load[0] == '\0')
            continue;
        char name[40];
        snprintf(name, sizeof name, "loadInformation%d", m->model_id);
        xmlNodePtr node = xmlNewDocNode(doc, NULL, BAD_CAST name, NULL);
        xmlNodeAddContent(node, BAD_CAST m->load);
        xmlNewProp(node, BAD_CAST "model", BAD_CAST m->model);
        xmlAddPrevSibling(loads, node);
    }
    unlink_free(loads);
    return finish(doc, f, out);
}

void render_policy_file(const char *policy, char *out, size_t len)
{
    size_t n = strlen(policy);
    if (n == 0)
        snprintf(out, len, "%s", "");
    else if (n > 4 && strcmp(policy + n - 4, ".xml") == 0)
        snprintf(out, len, "%s", policy);
    else
        snprintf(out, len, "%s.xml", policy);
    for (char *c = out; *c; c++)
        if (*c == ' ' || *c == '/' || *c == '\\')
            *c = '_';
}
