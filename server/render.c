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
#include <openssl/evp.h>

#include "embedded.h"
#include "render.h"

/* Stands in for the digest while the digest is computed; '<versionStamp>' in
 * front of it cannot come from user text, which libxml2 escapes. */
static const char stamp_placeholder[RENDER_STAMP_LEN + 1] =
    "0000000000000000000000000000000000000000";
static const char stamp_marker[] = "<versionStamp>";

struct render_templates {
    xmlDocPtr device;
    xmlDocPtr fallback;   /* XMLDefault */
};

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

static xmlDocPtr parse_skeleton(const char *xml, size_t len, const char *root, char *err,
                                size_t errlen)
{
    /* NODICT: copies of the skeleton are filled on several threads at once, and a
     * shared name dictionary is not safe for that. */
    xmlDocPtr doc = xmlReadMemory(xml, (int)len, "template.xml", "UTF-8",
                                  XML_PARSE_NOBLANKS | XML_PARSE_NONET | XML_PARSE_NODICT | XML_PARSE_NOERROR |
                                  XML_PARSE_NOWARNING);
    if (doc == NULL) {
        snprintf(err, errlen, "template for <%s> is not well-formed XML", root);
        return NULL;
    }
    xmlNodePtr r = xmlDocGetRootElement(doc);
    if (r == NULL || xmlStrcmp(r->name, BAD_CAST root) != 0) {
        snprintf(err, errlen, "template root element is not <%s>", root);
        xmlFreeDoc(doc);
        return NULL;
    }
    strip_comments((xmlNodePtr)doc);
    return doc;
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
    t->device = parse_skeleton(device_xml, device_len, "device", err, errlen);
    t->fallback = t->device ? parse_skeleton(default_xml, default_len, "Default", err, errlen)
                            : NULL;
    if (t->fallback == NULL) {
        render_templates_free(t);
        return NULL;
    }
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
static void put_text(xmlNodePtr root, const char *path, const char *text)
{
    xmlNodePtr node = at(root, path);
    if (node == NULL)
        return;
    xmlNodeSetContent(node, NULL);
    xmlNodeAddContent(node, BAD_CAST text);
}

static void put_int(xmlNodePtr root, const char *path, long value)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%ld", value);
    put_text(root, path, buf);
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

static void fill_cluster(xmlNodePtr root, const struct system_settings *sys, const char *cm)
{
    char path[160];
    snprintf(path, sizeof path, "%s/members/member/callManager/ports/sipPort", cm);
    put_int(root, path, sys->sip_port);
    snprintf(path, sizeof path, "%s/members/member/callManager/ports/securedSipPort", cm);
    put_int(root, path, sys->secure_sip_port);
    snprintf(path, sizeof path, "%s/members/member/callManager/processNodeName", cm);
    put_text(root, path, sys->call_manager_host);
    put_int(root, "TVS/members/member/port", sys->tvs_port);
    put_text(root, "TVS/members/member/address", sys->call_manager_host);
}

/* Dump the document, then write the content digest over the placeholder. */
static int finish(xmlDocPtr doc, xmlNodePtr root, struct rendered *out)
{
    put_text(root, "versionStamp", stamp_placeholder);
    xmlChar *buf = NULL;
    int len = 0;
    xmlDocDumpFormatMemoryEnc(doc, &buf, &len, "UTF-8", 1);
    xmlFreeDoc(doc);
    if (buf == NULL || len <= 0)
        return -1;

    unsigned char md[32];
    EVP_Digest(buf, (size_t)len, md, NULL, EVP_sha256(), NULL);
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
    xmlNodePtr root = xmlDocGetRootElement(doc);

    put_text(root, "devicePool/dateTimeSetting/timeZone", v->sys.time_zone);
    fill_cluster(root, &v->sys, "devicePool/callManagerGroup");

    xmlNodePtr vpn = at(root, "vpnGroup");
    if (vpn != NULL && v->has_vpn) {
        xmlNodeSetContent(vpn, NULL);
        fill_vpn_group(vpn, v);
    } else if (vpn != NULL) {
        xmlUnlinkNode(vpn);
        xmlFreeNode(vpn);
    }

    put_int(root, "sipProfile/sipCallFeatures/dndControl", v->dnd_option);
    put_text(root, "sipProfile/alwaysUsePrimeLine", v->always_use_prime_line ? "true" : "false");
    put_text(root, "sipProfile/alwaysUsePrimeLineVoiceMail",
             v->always_use_prime_line_vm ? "true" : "false");
    put_text(root, "featurePolicyFile", v->feature_control_policy);
    put_text(root, "commonProfile/phonePassword", v->phone_password);
    put_text(root, "commonProfile/backgroundImageAccess",
             v->background_image_access ? "true" : "false");
    put_text(root, "loadInformation", v->load);
    put_text(root, "userLocale/name", v->sys.user_locale);
    put_text(root, "networkLocale", v->sys.network_locale);
    put_text(root, "networkLocaleInfo/name", v->sys.network_locale);
    put_int(root, "phoneServices/provisioning", v->services_provisioning);
    put_int(root, "phonePersonalization", v->phone_personalization);
    put_int(root, "dndCallAlert", v->dnd_call_alert);
    put_text(root, "sshUserId", v->ssh_user_id);
    put_text(root, "sshPassword", v->ssh_password);
    return finish(doc, root, out);
}

/* ------------------------------------------------------------ XMLDefault */

int render_default(const struct render_templates *t, const struct default_view *v,
                   struct rendered *out)
{
    memset(out, 0, sizeof *out);
    xmlDocPtr doc = xmlCopyDoc(t->fallback, 1);
    if (doc == NULL)
        return -1;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    fill_cluster(root, &v->sys, "callManagerGroup");

    xmlNodePtr loads = at(root, "loadInformation");
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
    return finish(doc, root, out);
}
