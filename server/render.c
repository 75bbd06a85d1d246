/* render.c - fill the XML skeletons of templates/ through libxml2 trees.
 *
 * User data only ever becomes a text node, so escaping is libxml2's job and a
 * description holding "</device>" stays a description. */
#include <config.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/sha.h>

#include "embedded.h"
#include "render.h"

/* Stands in for the digest while the digest is computed; '<versionStamp>' in
 * front of it cannot come from user text, which libxml2 escapes. */
static const char stamp_placeholder[RENDER_STAMP_LEN + 1] =
    "0000000000000000000000000000000000000000";
static const char stamp_marker[] = "<versionStamp>";

/* The elements a render fills.  The first ones are common to both files. */
enum field {
    F_SIP_PORT, F_SECURE_SIP_PORT, F_PROCESS_NODE, F_TVS_PORT, F_TVS_ADDRESS,
    F_VERSION_STAMP, F_LOAD,
    F_COMMON,                                   /* XMLDefault has no more */
    F_TIME_ZONE = F_COMMON, F_VPN_GROUP, F_DND_CONTROL, F_PRIME_LINE, F_PRIME_LINE_VM,
    F_FEATURE_POLICY, F_PHONE_PASSWORD, F_BACKGROUND_ACCESS, F_USER_LOCALE,
    F_NETWORK_LOCALE, F_NETWORK_LOCALE_INFO, F_PROVISIONING, F_PERSONALIZATION,
    F_DND_ALERT, F_SSH_USER, F_SSH_PASSWORD,
    F_COUNT
};

#define CM "devicePool/callManagerGroup/members/member/callManager/"
static const char *const device_paths[F_COUNT] = {
    [F_SIP_PORT] = CM "ports/sipPort",
    [F_SECURE_SIP_PORT] = CM "ports/securedSipPort",
    [F_PROCESS_NODE] = CM "processNodeName",
    [F_TVS_PORT] = "TVS/members/member/port",
    [F_TVS_ADDRESS] = "TVS/members/member/address",
    [F_VERSION_STAMP] = "versionStamp",
    [F_LOAD] = "loadInformation",
    [F_TIME_ZONE] = "devicePool/dateTimeSetting/timeZone",
    [F_VPN_GROUP] = "vpnGroup",
    [F_DND_CONTROL] = "sipProfile/sipCallFeatures/dndControl",
    [F_PRIME_LINE] = "sipProfile/alwaysUsePrimeLine",
    [F_PRIME_LINE_VM] = "sipProfile/alwaysUsePrimeLineVoiceMail",
    [F_FEATURE_POLICY] = "featurePolicyFile",
    [F_PHONE_PASSWORD] = "commonProfile/phonePassword",
    [F_BACKGROUND_ACCESS] = "commonProfile/backgroundImageAccess",
    [F_USER_LOCALE] = "userLocale/name",
    [F_NETWORK_LOCALE] = "networkLocale",
    [F_NETWORK_LOCALE_INFO] = "networkLocaleInfo/name",
    [F_PROVISIONING] = "phoneServices/provisioning",
    [F_PERSONALIZATION] = "phonePersonalization",
    [F_DND_ALERT] = "dndCallAlert",
    [F_SSH_USER] = "sshUserId",
    [F_SSH_PASSWORD] = "sshPassword",
};
#undef CM
#define CM "callManagerGroup/members/member/callManager/"
static const char *const default_paths[F_COMMON] = {
    [F_SIP_PORT] = CM "ports/sipPort",
    [F_SECURE_SIP_PORT] = CM "ports/securedSipPort",
    [F_PROCESS_NODE] = CM "processNodeName",
    [F_TVS_PORT] = "TVS/members/member/port",
    [F_TVS_ADDRESS] = "TVS/members/member/address",
    [F_VERSION_STAMP] = "versionStamp",
    [F_LOAD] = "loadInformation",
};
#undef CM

/* Where a field's element sits: its position among its parent's children
 * at each level below the root.  Found by name once, when the skeleton is
 * parsed; a copy of the skeleton has the same shape, so a render follows
 * positions instead of comparing names along the path for every field. */
#define PATH_DEPTH_MAX 12
struct node_path {
    unsigned depth;                  /* 0: the template lacks the element */
    unsigned short pos[PATH_DEPTH_MAX];
};

struct render_templates {
    xmlDocPtr device;
    xmlDocPtr fallback;   /* XMLDefault */
    struct node_path device_at[F_COUNT], fallback_at[F_COMMON];
};

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

/* Record where path leads in the skeleton; depth 0 when nowhere. */
static void locate(xmlNodePtr root, const char *path, struct node_path *np)
{
    xmlNodePtr node = at(root, path);
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
    for (size_t i = 0; i < F_COUNT; i++)
        locate(xmlDocGetRootElement(t->device), device_paths[i], &t->device_at[i]);
    for (size_t i = 0; i < F_COMMON; i++)
        locate(xmlDocGetRootElement(t->fallback), default_paths[i], &t->fallback_at[i]);
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

static void fill_cluster(xmlNodePtr *f, const struct system_settings *sys)
{
    put_int(f[F_SIP_PORT], sys->sip_port);
    put_int(f[F_SECURE_SIP_PORT], sys->secure_sip_port);
    put_text(f[F_PROCESS_NODE], sys->call_manager_host);
    put_int(f[F_TVS_PORT], sys->tvs_port);
    put_text(f[F_TVS_ADDRESS], sys->call_manager_host);
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
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < RENDER_STAMP_LEN / 2; i++) {
        out->version_stamp[i * 2] = hex[md[i] >> 4];
        out->version_stamp[i * 2 + 1] = hex[md[i] & 15];
    }
    out->version_stamp[RENDER_STAMP_LEN] = '\0';

    char *mark = strstr((char *)buf, stamp_marker);
    if (mark != NULL &&
        strncmp(mark + sizeof stamp_marker - 1, stamp_placeholder, RENDER_STAMP_LEN) == 0)
        memcpy(mark + sizeof stamp_marker - 1, out->version_stamp, RENDER_STAMP_LEN);
    out->data = buf;
    out->len = (size_t)len;
    return 0;
}

/* ------------------------------------------------------------- the device */

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

int render_device(const struct render_templates *t, const struct device_view *v,
                  struct rendered *out)
{
    memset(out, 0, sizeof *out);
    xmlDocPtr doc = xmlCopyDoc(t->device, 1);
    if (doc == NULL)
        return -1;
    xmlNodePtr f[F_COUNT];
    find_fields(xmlDocGetRootElement(doc), t->device_at, F_COUNT, f);

    put_text(f[F_TIME_ZONE], v->sys.time_zone);
    fill_cluster(f, &v->sys);

    xmlNodePtr vpn = f[F_VPN_GROUP];
    if (vpn != NULL && v->has_vpn) {
        xmlNodeSetContent(vpn, NULL);
        fill_vpn_group(vpn, v);
    } else if (vpn != NULL) {
        xmlUnlinkNode(vpn);
        xmlFreeNode(vpn);
    }

    put_int(f[F_DND_CONTROL], v->dnd_option);
    put_text(f[F_PRIME_LINE], v->always_use_prime_line ? "true" : "false");
    put_text(f[F_PRIME_LINE_VM], v->always_use_prime_line_vm ? "true" : "false");
    put_text(f[F_FEATURE_POLICY], v->feature_control_policy);
    put_text(f[F_PHONE_PASSWORD], v->phone_password);
    put_text(f[F_BACKGROUND_ACCESS], v->background_image_access ? "true" : "false");
    put_text(f[F_LOAD], v->load);
    put_text(f[F_USER_LOCALE], v->sys.user_locale);
    put_text(f[F_NETWORK_LOCALE], v->sys.network_locale);
    put_text(f[F_NETWORK_LOCALE_INFO], v->sys.network_locale);
    put_int(f[F_PROVISIONING], v->services_provisioning);
    put_int(f[F_PERSONALIZATION], v->phone_personalization);
    put_int(f[F_DND_ALERT], v->dnd_call_alert);
    put_text(f[F_SSH_USER], v->ssh_user_id);
    put_text(f[F_SSH_PASSWORD], v->ssh_password);
    return finish(doc, f, out);
}

/* ------------------------------------------------------------ XMLDefault */

int render_default(const struct render_templates *t, const struct default_view *v,
                   struct rendered *out)
{
    memset(out, 0, sizeof *out);
    xmlDocPtr doc = xmlCopyDoc(t->fallback, 1);
    if (doc == NULL)
        return -1;
    xmlNodePtr f[F_COMMON];
    find_fields(xmlDocGetRootElement(doc), t->fallback_at, F_COMMON, f);
    fill_cluster(f, &v->sys);

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
    if (loads != NULL) {
        xmlUnlinkNode(loads);
        xmlFreeNode(loads);
    }
    return finish(doc, f, out);
}
