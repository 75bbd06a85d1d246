/* render.h - phone config files from views: pure, deterministic, no I/O.
 * Same view, same bytes; versionStamp is a digest of the content. */
#ifndef UCPROV_RENDER_H
#define UCPROV_RENDER_H

#include <stddef.h>

#include "model.h"

#define RENDER_STAMP_LEN 40

struct render_templates;   /* opaque: parsed skeletons */

struct rendered {
    unsigned char *data;   /* free with render_free() */
    size_t len;
    char version_stamp[RENDER_STAMP_LEN + 1];
};

/* Parse the embedded skeletons; NULL with a message in err on failure (also
 * for a ucprov marker other than ucprov="call-control"). */
struct render_templates *render_templates_load(char *err, size_t errlen);
/* Parse skeletons from memory (tests, fuzzing). */
struct render_templates *render_templates_parse(const char *device_xml, size_t device_len,
                                                const char *default_xml, size_t default_len,
                                                char *err, size_t errlen);
void render_templates_free(struct render_templates *t);

/* SEP<MAC>.cnf.xml for one phone; 0 on success.  With v->has_call_control
 * the device pool, SIP profile, lines and locales come from v->cc and the
 * skeleton's elements marked ucprov="call-control" are kept (ntp, member and
 * line written once per item); without it they are dropped and the call
 * manager comes from v->sys, as for files rendered before call control. */
int render_device(const struct render_templates *t, const struct device_view *v,
                  struct rendered *out);
/* XMLDefault.cnf.xml; 0 on success. */
int render_default(const struct render_templates *t, const struct default_view *v,
                   struct rendered *out);
void render_free(struct rendered *r);

/* Parse a skeleton (a config template, the web page layout) whose root element
 * must be root: without a shared name dictionary, so copies can be filled on
 * several threads, and without its comments, which are notes for whoever edits
 * the file.  NULL with a message in err. */
struct _xmlDoc;
struct _xmlDoc *skeleton_parse(const char *xml, size_t len, const char *root, char *err,
                               size_t errlen);

/* featurePolicyFile names a file the phone fetches next: the feature control
 * policy's name as a file name ("Home Workers" -> "Home_Workers.xml"). */
void render_policy_file(const char *policy, char *out, size_t len);

#endif
