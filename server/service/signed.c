/* signed.c - the files phones fetch signed: trust lists, <file>.sgn and
 * <file>.enc.sgn, the stub an encrypted phone gets first, and the phone's own
 * certificate they are encrypted for.
 *
 * A signed form is made once from the rendered bytes and kept with them in
 * the render cache (a companion of the plain blob), so an eviction drops both
 * and a warm fetch of .sgn costs what a plain one costs.  Each companion
 * records the trust generation it was signed under (its name "g<N>"): after a
 * rotation a stale one is signed again, by the fetch or by the warmer. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <openssl/crypto.h>
#include <openssl/x509.h>

#include "log.h"
#include "service/internal.h"
#include "trust/itl.h"
#include "trust/keys.h"
#include "trust/sgn.h"

#define CAPF_PORT 3804   /* CUCM's CAPF service */

static bool fresh(const struct cache_blob *c, int64_t generation);
static struct cache_blob *companion_new(const uint8_t *data, size_t len, int64_t generation,
                                        const char *stamp);
static void file_name(const char *name, char *out, size_t len);
static struct cache_blob *sign_companion(struct service *sv, struct trust_set *t,
                                         struct cache_blob *b, const struct cache_blob *seen);
static struct cache_blob *stub_render(const struct device_view *v, const char *cert_hash,
                                      const char *stamp);
static struct cache_blob *cached_as_of(struct cache *c, const char *key, const char *stamp);
static struct cache_blob *keep_signed(struct cache *c, uint64_t gen, const char *key,
                                      const char *stamp, bool ok, uint8_t *out, size_t len);
static struct cache_blob *itlsep(struct service *sv, struct trust_set *t, const char *device);

static bool fresh(const struct cache_blob *c, int64_t generation)
{
    return c != NULL && c->generation == generation;
}

static struct cache_blob *companion_new(const uint8_t *data, size_t len, int64_t generation,
                                        const char *stamp)
{
    struct cache_blob *c = cache_blob_new("", data, len, stamp);
    if (c != NULL)
        c->generation = generation;
    return c;
}

/* The file a rendered blob is served as: SEP<MAC>.cnf.xml, XMLDefault.cnf.xml. */
static void file_name(const char *name, char *out, size_t len)
{
    snprintf(out, len, "%s%s", name, strchr(name, '.') ? "" : ".cnf.xml");
}

/* b's bytes signed by the set's TFTP key, attached to b unless another thread
 * attached its own since the caller saw seen (which it still holds); the
 * signed file in place is returned. */
static struct cache_blob *sign_companion(struct service *sv, struct trust_set *t,
                                         struct cache_blob *b, const struct cache_blob *seen)
{
    struct trust_signer signer;
    svc_trust_tftp_signer(t, &signer);
    char name[64], err[256];
    file_name(b->name, name, sizeof name);
    uint8_t *out = NULL;
    size_t out_len = 0;
    if (sgn_build(&signer, name, b->data, b->len, &out, &out_len, err, sizeof err) != 0) {
        log_error("trust: cannot sign %s: %s", name, err);
        return NULL;
    }
    struct cache_blob *c = companion_new(out, out_len, svc_trust_generation(t), b->version_stamp);
    free(out);
    if (c == NULL)
        return NULL;
    struct cache_blob *now = cache_offer_companion(sv->cache, b, CACHE_SGN, seen, c);
    cache_blob_unref(c);
    return now;
}

struct cache_blob *service_render_signed(struct service *sv, const char *name, bool encrypted)
{
    struct cache_blob *b = service_render(sv, name);
    struct trust_set *t = b ? svc_trust_current(sv) : NULL;
    if (t == NULL) {
        cache_blob_unref(b);
        return NULL;
    }
    int64_t gen = svc_trust_generation(t);
    enum cache_companion which = encrypted ? CACHE_ENC_SGN : CACHE_SGN;
    struct cache_blob *c = cache_companion(b, which);
    if (!fresh(c, gen) && encrypted && c != NULL) {
        /* Encrypted at render time: render again under the new key. */
        cache_blob_unref(c);
        cache_blob_unref(b);
        cache_evict_name(sv->cache, name);
        b = service_render(sv, name);
        c = b ? cache_companion(b, which) : NULL;
    } else if (!fresh(c, gen) && !encrypted) {
        struct cache_blob *now = sign_companion(sv, t, b, c);
        cache_blob_unref(c);
        c = now;
    }
    svc_trust_unref(t);
    cache_blob_unref(b);
    return c;
}

bool svc_sign_warm(struct service *sv, struct cache_blob *b)
{
    struct trust_set *t = svc_trust_current(sv);
    if (t == NULL)
        return false;
    bool made = false;
    struct cache_blob *c = cache_companion(b, CACHE_SGN);
    if (!fresh(c, svc_trust_generation(t))) {
        struct cache_blob *now = sign_companion(sv, t, b, c);
        made = now != NULL;
        cache_blob_unref(now);
    }
    cache_blob_unref(c);
    c = cache_companion(b, CACHE_ENC_SGN);
    if (c != NULL && !fresh(c, svc_trust_generation(t))) {
        char name[32];
        snprintf(name, sizeof name, "%s", b->name);
        cache_evict_name(sv->cache, name);
        struct cache_blob *again = service_render(sv, name);
        if (again != NULL)
            made |= svc_sign_warm(sv, again);
        cache_blob_unref(again);
    }
    cache_blob_unref(c);
    svc_trust_unref(t);
    return made;
}

/* --------------------------------------------------- the encrypted phone */

/* What an encrypted phone reads first: not its config, but where to get it
 * (encrConfig) and which certificate it is encrypted for (certHash). */
static struct cache_blob *stub_render(const struct device_view *v, const char *cert_hash,
                                      const char *stamp)
{
    static const struct { const char *name, *value; } fixed[] = {
        { "fullConfig", "false" }, { "deviceProtocol", "SIP" }, { "ipAddressMode", "0" },
        { "allowAutoConfig", "true" }, { "capfAuthMode", "0" },
    };
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "device");
    xmlDocSetRootElement(doc, root);
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        xmlNewTextChild(root, NULL, BAD_CAST fixed[i].name, BAD_CAST fixed[i].value);
    xmlNewTextChild(root, NULL, BAD_CAST "loadInformation", BAD_CAST v->load);
    xmlNodePtr capf = xmlNewChild(xmlNewChild(root, NULL, BAD_CAST "capfList", NULL), NULL,
                                  BAD_CAST "capf", NULL);
    char port[8];
    snprintf(port, sizeof port, "%d", CAPF_PORT);
    xmlNewTextChild(capf, NULL, BAD_CAST "phonePort", BAD_CAST port);
    xmlNewTextChild(capf, NULL, BAD_CAST "processNodeName", BAD_CAST v->sys.call_manager_host);
    xmlNewTextChild(root, NULL, BAD_CAST "certHash", BAD_CAST cert_hash);
    xmlNewTextChild(root, NULL, BAD_CAST "encrConfig", BAD_CAST "true");
    xmlChar *text = NULL;
    int len = 0;
    xmlDocDumpFormatMemoryEnc(doc, &text, &len, "UTF-8", 1);
    xmlFreeDoc(doc);
    struct cache_blob *b = text ? cache_blob_new(v->name, text, (size_t)len, stamp) : NULL;
    xmlFree(text);
    return b;
}

const char *svc_encryption_blocker(const char *pem, const X509 *cert)
{
    if (pem[0] == '\0')
        return "has no certificate";
    if (cert == NULL)
        return "has a certificate that cannot be read";
    if (!EVP_PKEY_is_a(X509_get0_pubkey(cert), "RSA"))
        return "has a certificate whose key is not RSA";
    return NULL;
}

struct cache_blob *svc_render_encrypted(struct service *sv, const struct phone_security *ps,
                                        const struct device_view *v, const char *full,
                                        size_t full_len, const char *stamp)
{
    if (!ps->sec.encrypted_config)
        return NULL;
    X509 *cert = ps->cert_pem[0] ? trust_cert_from_pem(ps->cert_pem) : NULL;
    char hash[33] = "", name[64], err[256];
    const char *why = svc_encryption_blocker(ps->cert_pem, cert);
    if (why != NULL || sgn_cert_hash(cert, hash) != 0)
        log_warn("trust: %s has encrypted config but %s: only the stub is served", v->name,
                 why ? why : "no certificate hash");
    struct cache_blob *stub = stub_render(v, hash, stamp);
    struct trust_set *t = why == NULL && stub ? svc_trust_current(sv) : NULL;
    if (t != NULL) {
        struct trust_signer signer;
        svc_trust_tftp_signer(t, &signer);
        file_name(v->name, name, sizeof name);
        uint8_t *out = NULL;
        size_t out_len = 0;
        if (sgn_build_enc(&signer, X509_get0_pubkey(cert), name, (const uint8_t *)full,
                          full_len, &out, &out_len, err, sizeof err) == 0) {
            struct cache_blob *c = companion_new(out, out_len, svc_trust_generation(t), stamp);
            if (c != NULL)
                cache_set_companion(stub, CACHE_ENC_SGN, c);
            cache_blob_unref(c);
        } else {
            log_error("trust: cannot encrypt %s: %s", name, err);
        }
        free(out);
        svc_trust_unref(t);
    }
    X509_free(cert);
    return stub;
}

/* ----------------------------------------------------------- trust lists */

/* The blob cached under key while it is still stamped stamp, else NULL. */
static struct cache_blob *cached_as_of(struct cache *c, const char *key, const char *stamp)
{
    struct cache_blob *b = cache_get(c, key);
    if (b != NULL && strcmp(b->version_stamp, stamp) == 0)
        return b;
    cache_blob_unref(b);
    return NULL;
}

/* What a signer wrote into out (freed here) as a blob, cached unless the
 * cache moved past gen while it signed; NULL when signing failed (!ok). */
static struct cache_blob *keep_signed(struct cache *c, uint64_t gen, const char *key,
                                      const char *stamp, bool ok, uint8_t *out, size_t len)
{
    struct cache_blob *b = ok ? cache_blob_new(key, out, len, stamp) : NULL;
    free(out);
    if (b != NULL)
        cache_put(c, b, gen);
    return b;
}

/* ITLFile.tlv's records under a header that names the phone's own file. */
static struct cache_blob *itlsep(struct service *sv, struct trust_set *t, const char *device)
{
    char name[32], stamp[48], err[256];
    snprintf(name, sizeof name, "ITL%.15s.tlv", device);
    struct cache_blob *itl = svc_trust_blob(t, false);
    snprintf(stamp, sizeof stamp, "%s", itl->version_stamp);
    struct cache_blob *b = cached_as_of(sv->cache, name, stamp);
    if (b != NULL) {
        cache_blob_unref(itl);
        return b;
    }
    uint64_t cache_gen = cache_generation(sv->cache);
    struct sighdr h;
    if (sighdr_parse(itl->data, itl->len, &h, err, sizeof err) == 0) {
        struct sighdr_spec spec = { h.major, h.minor, h.signer_version, name, NULL, 0 };
        struct trust_signer signer;
        svc_trust_itl_signer(t, &signer);
        uint8_t *out = NULL;
        size_t out_len = 0;
        int rc = sighdr_sign(&signer, &spec, itl->data + h.header_len, itl->len - h.header_len,
                             &out, &out_len, err, sizeof err);
        b = keep_signed(sv->cache, cache_gen, name, stamp, rc == 0, out, out_len);
    }
    cache_blob_unref(itl);
    return b;
}

struct cache_blob *service_trust_file(struct service *sv, const char *name, const char *device)
{
    struct trust_set *t = svc_trust_current(sv);
    if (t == NULL)
        return NULL;
    struct cache_blob *b = NULL;
    if (device != NULL)
        b = itlsep(sv, t, device);
    else if (strcmp(name, TRUST_ITL_NAME) == 0)
        b = svc_trust_blob(t, false);
    else if (strcmp(name, TRUST_CTL_NAME) == 0)
        b = svc_trust_blob(t, true);
    svc_trust_unref(t);
    return b;
}

/* A static file under the TFTP root, signed once per content and key:
 * cached under a hash of its path, stamped with generation, mtime and size. */
struct cache_blob *service_sign_static(struct service *sv, const char *path, const void *data,
                                       size_t len, int64_t mtime_ns)
{
    uint64_t h = 1469598103934665603ULL;
    for (const char *c = path; *c; c++)
        h = (h ^ (unsigned char)*c) * 1099511628211ULL;
    struct trust_set *t = svc_trust_current(sv);
    if (t == NULL)
        return NULL;
    char key[32], stamp[48], err[256];
    snprintf(key, sizeof key, "static:%016llx", (unsigned long long)h);
    snprintf(stamp, sizeof stamp, "%lld:%lld:%zu", (long long)svc_trust_generation(t),
             (long long)mtime_ns, len);
    struct cache_blob *b = cached_as_of(sv->cache, key, stamp);
    if (b == NULL) {
        uint64_t cache_gen = cache_generation(sv->cache);
        const char *base = strrchr(path, '/');
        struct trust_signer signer;
        svc_trust_tftp_signer(t, &signer);
        uint8_t *out = NULL;
        size_t out_len = 0;
        int rc = sgn_build(&signer, base ? base + 1 : path, data, len, &out, &out_len, err,
                           sizeof err);
        b = keep_signed(sv->cache, cache_gen, key, stamp, rc == 0, out, out_len);
    }
    svc_trust_unref(t);
    return b;
}
