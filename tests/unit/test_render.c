/* test_render.c - SEP<MAC>.cnf.xml and XMLDefault.cnf.xml from hand-built views.
 *
 * Golden files in tests/unit/golden/ were written by the renderer once and then
 * reviewed by hand against the CUCM reference (sections 1 and 2); the tests
 * compare byte for byte.  Structure is also checked with libxml2 XPath on the
 * parsed output, so a failure says which element is wrong.
 *
 * To rewrite the golden files after an intended change, run the test with
 * UCPROV_WRITE_GOLDEN=1, then review the diff before committing it. */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "server/model.h"
#include "server/render.h"
#include "render_fixtures.h"
#include "xmltest.h"

/* certHash values of the fixtures, computed with the openssl CLI. */
#define HASH_ASA "toOpERyhsAPsJTM2Q708z+oWaZw="
#define HASH_EC  "hwJyZg/oM5cbabFMt9m5N5XoqWk="
#define HASH_CA  "al7l0IiIiIowNI2knefFkW+29eA="

struct render_templates *tpl;

void setup(void)
{
    char err[256] = "";
    tpl = render_templates_load(err, sizeof err);
    ck_assert_msg(tpl != NULL, "render_templates_load: %s", err);
}

void teardown(void)
{
    render_templates_free(tpl);
    tpl = NULL;
}

/* ---- views ---------------------------------------------------------------- */

void set_sys(struct system_settings *sys)
{
    memset(sys, 0, sizeof *sys);
    snprintf(sys->call_manager_host, sizeof sys->call_manager_host, "ucprov.example.lab");
    sys->sip_port = 5060;
    sys->secure_sip_port = 5061;
    sys->tvs_port = 2445;
    snprintf(sys->user_locale, sizeof sys->user_locale, "English_United_States");
    snprintf(sys->network_locale, sizeof sys->network_locale, "United_States");
    snprintf(sys->time_zone, sizeof sys->time_zone, "Greenwich Standard Time");
}

/* A phone of the lab: a VPN group of two gateways carrying three certificates. */
void vpn_view(struct device_view *v)
{
    memset(v, 0, sizeof *v);
    snprintf(v->name, sizeof v->name, "SEP00562B043615");
    snprintf(v->model, sizeof v->model, "Cisco 8861");
    v->model_id = 685;
    snprintf(v->load, sizeof v->load, "sip88xx.14-2-1-0001-14");
    snprintf(v->description, sizeof v->description, "Home worker 1");
    snprintf(v->phone_password, sizeof v->phone_password, "2468");
    v->background_image_access = 1;
    v->dnd_call_alert = 5;
    v->dnd_option = 1;
    v->phone_personalization = 1;
    v->services_provisioning = 2;
    v->always_use_prime_line = 1;
    v->always_use_prime_line_vm = 0;
    snprintf(v->ssh_user_id, sizeof v->ssh_user_id, "support");
    snprintf(v->ssh_password, sizeof v->ssh_password, "Ssh-Pa55");
    snprintf(v->feature_control_policy, sizeof v->feature_control_policy, "Home Workers");
    v->has_vpn = true;
    v->vpn.mtu = 1290;
    v->vpn.fail_to_connect = 30;
    v->vpn.client_auth_method = 2;
    v->vpn.password_persistence = 0;
    v->vpn.auto_network_detect = 0;
    v->vpn.host_id_check = 1;
    snprintf(v->urls[0], sizeof v->urls[0], "https://asa.example.lab/phone");
    snprintf(v->urls[1], sizeof v->urls[1], "https://vpn.example.lab:8443/phone");
    v->n_urls = 2;
    snprintf(v->cert_hashes[0], sizeof v->cert_hashes[0], HASH_ASA);
    snprintf(v->cert_hashes[1], sizeof v->cert_hashes[1], HASH_EC);
    snprintf(v->cert_hashes[2], sizeof v->cert_hashes[2], HASH_CA);
    v->n_hashes = 3;
    set_sys(&v->sys);
}

/* A phone whose common phone profile names no VPN group (the defaults of a
 * fresh profile). */
void novpn_view(struct device_view *v)
{
    memset(v, 0, sizeof *v);
    snprintf(v->name, sizeof v->name, "SEP0011223344AA");
    snprintf(v->model, sizeof v->model, "Cisco 7841");
    v->model_id = 622;
    snprintf(v->load, sizeof v->load, "sip78xx.14-2-1-0001-14");
    v->background_image_access = 1;
    v->dnd_call_alert = 5;
    set_sys(&v->sys);
}

static const struct model_load catalogue[] = {
    { "Cisco 7821", 621, "sip78xx.14-2-1-0001-14" },
    { "Cisco 7841", 622, "sip78xx.14-2-1-0001-14" },
    { "Cisco 7861", 623, "sip78xx.14-2-1-0001-14" },
    { "Cisco 8841", 683, "sip88xx.14-2-1-0001-14" },
    { "Cisco 8851", 684, "sip88xx.14-2-1-0001-14" },
    { "Cisco 8861", 685, "sip88xx.14-2-1-0001-14" },
    { "Cisco 7811", 36213, "sip78xx.14-2-1-0001-14" },
    { "Cisco 8811", 36217, "sip88xx.14-2-1-0001-14" },
    { "Cisco 8845", 36224, "sip8845_65.14-2-1-0001-14" },
    { "Cisco 8865", 36225, "sip8845_65.14-2-1-0001-14" },
};

static void default_view_init(struct default_view *v)
{
    memset(v, 0, sizeof *v);
    set_sys(&v->sys);
    for (size_t i = 0; i < sizeof catalogue / sizeof catalogue[0]; i++)
        v->models[v->n_models++] = catalogue[i];
}

void render_ok(const struct device_view *v, struct rendered *out)
{
    ck_assert_int_eq(render_device(tpl, v, out), 0);
    ck_assert_ptr_nonnull(out->data);
    ck_assert_uint_gt(out->len, 0);
    ck_assert_uint_eq(strlen(out->version_stamp), RENDER_STAMP_LEN);
}

/* ---- golden files --------------------------------------------------------- */

START_TEST(golden_vpn)
{
    struct device_view v;
    struct rendered r;
    vpn_view(&v);
    render_ok(&v, &r);
    compare_golden("SEP_vpn.cnf.xml", &r);
    render_free(&r);
}
END_TEST

START_TEST(golden_novpn)
{
    struct device_view v;
    struct rendered r;
    novpn_view(&v);
    render_ok(&v, &r);
    compare_golden("SEP_novpn.cnf.xml", &r);
    render_free(&r);
}
END_TEST

START_TEST(golden_default)
{
    struct default_view v;
    struct rendered r;
    default_view_init(&v);
    ck_assert_int_eq(render_default(tpl, &v, &r), 0);
    compare_golden("XMLDefault.cnf.xml", &r);
    render_free(&r);
}
END_TEST

/* ---- structure ------------------------------------------------------------ */

/* CUCM's order of <device>'s children (reference section 2, and the skeleton). */
#define DEVICE_HEAD "fullConfig deviceProtocol ipAddressMode allowAutoConfig devicePool TVS"
#define DEVICE_TAIL                                                                    \
    "sipProfile featurePolicyFile commonProfile loadInformation inactiveLoadInformation " \
    "vendorConfig versionStamp userLocale networkLocale networkLocaleInfo "               \
    "deviceSecurityMode authenticationURL servicesURL directoryURL idleURL "              \
    "informationURL messagesURL proxyServerURL phoneServices transportLayerProtocol "     \
    "phonePersonalization dndCallAlert dndReminderTimer capfAuthMode capfList certHash "   \
    "encrConfig sshUserId sshPassword"

START_TEST(vpn_block_structure)
{
    struct device_view v;
    struct rendered r;
    vpn_view(&v);
    render_ok(&v, &r);
    xmlDocPtr doc = parse(&r);

    char *order = child_names(doc, "/device");
    ck_assert_str_eq(order, DEVICE_HEAD " vpnGroup " DEVICE_TAIL);
    free(order);
    order = child_names(doc, "/device/vpnGroup");
    ck_assert_str_eq(order, "mtu failConnectTime authMethod pswdPersistent autoNetDetect "
                            "enableHostIDCheck addresses credentials");
    free(order);

    ck_assert_int_eq(count(doc, "/device/vpnGroup"), 1);
    ck_assert_xpath_str(doc, "/device/vpnGroup/mtu", "1290");
    ck_assert_xpath_str(doc, "/device/vpnGroup/failConnectTime", "30");
    ck_assert_xpath_str(doc, "/device/vpnGroup/authMethod", "2");
    ck_assert_xpath_str(doc, "/device/vpnGroup/pswdPersistent", "0");
    ck_assert_xpath_str(doc, "/device/vpnGroup/autoNetDetect", "0");
    ck_assert_xpath_str(doc, "/device/vpnGroup/enableHostIDCheck", "1");

    order = child_names(doc, "/device/vpnGroup/addresses");
    ck_assert_str_eq(order, "url1 url2");
    free(order);
    ck_assert_xpath_str(doc, "/device/vpnGroup/addresses/url1", "https://asa.example.lab/phone");
    ck_assert_xpath_str(doc, "/device/vpnGroup/addresses/url2",
                        "https://vpn.example.lab:8443/phone");

    order = child_names(doc, "/device/vpnGroup/credentials");
    ck_assert_str_eq(order, "hashAlg certHash1 certHash2 certHash3");
    free(order);
    ck_assert_xpath_str(doc, "/device/vpnGroup/credentials/hashAlg", "0");
    ck_assert_xpath_str(doc, "/device/vpnGroup/credentials/certHash1", HASH_ASA);
    ck_assert_xpath_str(doc, "/device/vpnGroup/credentials/certHash2", HASH_EC);
    ck_assert_xpath_str(doc, "/device/vpnGroup/credentials/certHash3", HASH_CA);
    ck_assert_int_eq(count(doc, "/device/vpnGroup/credentials/certHash4"), 0);

    /* the rest of the phone's data landed where the reference puts it */
    ck_assert_xpath_str(doc, "/device/devicePool/dateTimeSetting/timeZone",
                        "Greenwich Standard Time");
    ck_assert_xpath_str(doc, "/device/devicePool/callManagerGroup/members/member/callManager/"
                             "ports/sipPort", "5060");
    ck_assert_xpath_str(doc, "/device/devicePool/callManagerGroup/members/member/callManager/"
                             "ports/securedSipPort", "5061");
    ck_assert_xpath_str(doc, "/device/devicePool/callManagerGroup/members/member/callManager/"
                             "processNodeName", "ucprov.example.lab");
    ck_assert_xpath_str(doc, "/device/TVS/members/member/port", "2445");
    ck_assert_xpath_str(doc, "/device/TVS/members/member/address", "ucprov.example.lab");
    ck_assert_xpath_str(doc, "/device/sipProfile/sipCallFeatures/dndControl", "1");
    ck_assert_xpath_str(doc, "/device/sipProfile/alwaysUsePrimeLine", "true");
    ck_assert_xpath_str(doc, "/device/sipProfile/alwaysUsePrimeLineVoiceMail", "false");
    ck_assert_xpath_str(doc, "/device/featurePolicyFile", "Home_Workers.xml");
    ck_assert_xpath_str(doc, "/device/commonProfile/phonePassword", "2468");
    ck_assert_xpath_str(doc, "/device/commonProfile/backgroundImageAccess", "true");
    ck_assert_xpath_str(doc, "/device/loadInformation", "sip88xx.14-2-1-0001-14");
    ck_assert_xpath_str(doc, "/device/userLocale/name", "English_United_States");
    ck_assert_xpath_str(doc, "/device/networkLocale", "United_States");
    ck_assert_xpath_str(doc, "/device/networkLocaleInfo/name", "United_States");
    ck_assert_xpath_str(doc, "/device/phoneServices/provisioning", "2");
    ck_assert_xpath_str(doc, "/device/phonePersonalization", "1");
    ck_assert_xpath_str(doc, "/device/dndCallAlert", "5");
    ck_assert_xpath_str(doc, "/device/sshUserId", "support");
    ck_assert_xpath_str(doc, "/device/sshPassword", "Ssh-Pa55");
    /* the template's comments do not reach the phone */
    ck_assert_int_eq(count(doc, "//comment()"), 0);
    xmlFreeDoc(doc);
    render_free(&r);
}
END_TEST

START_TEST(no_vpn_group_element)
{
    struct device_view v;
    struct rendered r;
    novpn_view(&v);
    /* Leftovers in the VPN part of the view must not leak out. */
    v.vpn.mtu = 1000;
    snprintf(v.urls[0], sizeof v.urls[0], "https://stale.example.lab/");
    v.n_urls = 1;
    render_ok(&v, &r);
    xmlDocPtr doc = parse(&r);
    ck_assert_int_eq(count(doc, "//vpnGroup"), 0);
    ck_assert_int_eq(count(doc, "//url1"), 0);
    ck_assert_int_eq(count(doc, "//hashAlg"), 0);
    char *order = child_names(doc, "/device");
    ck_assert_str_eq(order, DEVICE_HEAD " " DEVICE_TAIL);
    free(order);
    ck_assert_ptr_null(strstr((const char *)r.data, "stale.example.lab"));
    xmlFreeDoc(doc);
    render_free(&r);
}
END_TEST

START_TEST(three_urls_ten_hashes)
{
    struct device_view v;
    struct rendered r;
    vpn_view(&v);
    for (size_t i = 0; i < VIEW_MAX_URLS; i++)
        snprintf(v.urls[i], sizeof v.urls[i], "https://gw%zu.example.lab/phone", i + 1);
    v.n_urls = VIEW_MAX_URLS;
    for (size_t i = 0; i < VIEW_MAX_HASHES; i++)
        snprintf(v.cert_hashes[i], sizeof v.cert_hashes[i], "hash%02zuAAAAAAAAAAAAAAAAAAAAA=",
                 i + 1);
    v.n_hashes = VIEW_MAX_HASHES;
    render_ok(&v, &r);
    xmlDocPtr doc = parse(&r);
    char *order = child_names(doc, "/device/vpnGroup/addresses");
    ck_assert_str_eq(order, "url1 url2 url3");
    free(order);
    order = child_names(doc, "/device/vpnGroup/credentials");
    ck_assert_str_eq(order, "hashAlg certHash1 certHash2 certHash3 certHash4 certHash5 "
                            "certHash6 certHash7 certHash8 certHash9 certHash10");
    free(order);
    ck_assert_xpath_str(doc, "/device/vpnGroup/addresses/url3", "https://gw3.example.lab/phone");
    ck_assert_xpath_str(doc, "/device/vpnGroup/credentials/certHash1",
                        "hash01AAAAAAAAAAAAAAAAAAAAA=");
    ck_assert_xpath_str(doc, "/device/vpnGroup/credentials/certHash10",
                        "hash10AAAAAAAAAAAAAAAAAAAAA=");
    xmlFreeDoc(doc);
    render_free(&r);
}
END_TEST

/* ---- versionStamp --------------------------------------------------------- */

START_TEST(deterministic)
{
    struct device_view v;
    struct rendered a, b;
    vpn_view(&v);
    render_ok(&v, &a);
    render_ok(&v, &b);
    ck_assert_uint_eq(a.len, b.len);
    ck_assert_mem_eq(a.data, b.data, a.len);
    ck_assert_str_eq(a.version_stamp, b.version_stamp);
    /* a fresh copy of the templates gives the same bytes too */
    render_templates_free(tpl);
    setup();
    struct rendered c;
    render_ok(&v, &c);
    ck_assert_uint_eq(a.len, c.len);
    ck_assert_mem_eq(a.data, c.data, a.len);
    render_free(&a);
    render_free(&b);
    render_free(&c);
}
END_TEST

START_TEST(stamp_is_in_the_file)
{
    struct device_view v;
    struct rendered r;
    vpn_view(&v);
    render_ok(&v, &r);
    xmlDocPtr doc = parse(&r);
    ck_assert_xpath_str(doc, "/device/versionStamp", r.version_stamp);
    for (const char *c = r.version_stamp; *c; c++)
        ck_assert_msg((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f'),
                      "versionStamp %s is not lower-case hex", r.version_stamp);
    ck_assert_str_ne(r.version_stamp, "0000000000000000000000000000000000000000");
    xmlFreeDoc(doc);
    render_free(&r);
}
END_TEST

/* One change of content per loop index; each must give a new stamp. */
static void change(struct device_view *v, int which)
{
    switch (which) {
    case 0: snprintf(v->urls[0], sizeof v->urls[0], "https://asa2.example.lab/phone"); break;
    case 1: v->cert_hashes[2][0] = 'b'; break;
    case 2: v->vpn.mtu = 1300; break;
    case 3: v->vpn.fail_to_connect = 31; break;
    case 4: v->vpn.client_auth_method = 0; break;
    case 5: v->vpn.host_id_check = 0; break;
    case 6: v->n_hashes = 2; break;                        /* a certificate dropped */
    case 7: v->n_urls = 1; break;                          /* a gateway dropped */
    case 8: v->has_vpn = false; break;
    case 9: snprintf(v->ssh_password, sizeof v->ssh_password, "other"); break;
    case 10: v->sys.sip_port = 5070; break;
    case 11: snprintf(v->load, sizeof v->load, "sip88xx.14-3-1-0001-1"); break;
    default: ck_abort_msg("no change %d", which);
    }
}
#define N_CHANGES 12

START_TEST(stamp_follows_content)
{
    struct device_view v;
    struct rendered base, again, changed;
    vpn_view(&v);
    render_ok(&v, &base);
    render_ok(&v, &again);
    ck_assert_str_eq(base.version_stamp, again.version_stamp);
    change(&v, _i);
    render_ok(&v, &changed);
    ck_assert_msg(strcmp(base.version_stamp, changed.version_stamp) != 0,
                  "change %d kept versionStamp %s", _i, base.version_stamp);
    xmlDocPtr doc = parse(&changed);
    ck_assert_xpath_str(doc, "/device/versionStamp", changed.version_stamp);
    xmlFreeDoc(doc);
    render_free(&base);
    render_free(&again);
    render_free(&changed);
}
END_TEST

START_TEST(url_order_matters)
{
    /* url1 is the primary gateway: swapping the two is a different file. */
    struct device_view v;
    struct rendered a, b;
    vpn_view(&v);
    render_ok(&v, &a);
    char tmp[256];
    memcpy(tmp, v.urls[0], sizeof tmp);
    memcpy(v.urls[0], v.urls[1], sizeof tmp);
    memcpy(v.urls[1], tmp, sizeof tmp);
    render_ok(&v, &b);
    ck_assert_str_ne(a.version_stamp, b.version_stamp);
    xmlDocPtr doc = parse(&b);
    ck_assert_xpath_str(doc, "/device/vpnGroup/addresses/url1",
                        "https://vpn.example.lab:8443/phone");
    xmlFreeDoc(doc);
    render_free(&a);
    render_free(&b);
}
END_TEST

/* ---- escaping ------------------------------------------------------------- */

START_TEST(user_text_is_escaped)
{
    static const char nasty_user[] = "<script>&\"'Zürich ✓";   /* 24 bytes of UTF-8 */
    static const char nasty_url[] = "https://asa.example.lab/<script>&]]>\"'";
    static const char nasty_pw[] = "]]></sshPassword>";
    static const char nasty_policy[] = "<versionStamp>x</versionStamp>";
    struct device_view v;
    struct rendered r;
    vpn_view(&v);
    snprintf(v.ssh_user_id, sizeof v.ssh_user_id, "%s", nasty_user);
    snprintf(v.urls[0], sizeof v.urls[0], "%s", nasty_url);
    snprintf(v.ssh_password, sizeof v.ssh_password, "%s", nasty_pw);
    snprintf(v.feature_control_policy, sizeof v.feature_control_policy, "%s", nasty_policy);
    snprintf(v.sys.time_zone, sizeof v.sys.time_zone, "A & B <C>");
    render_ok(&v, &r);
    xmlDocPtr doc = parse(&r);
    ck_assert_xpath_str(doc, "/device/sshUserId", nasty_user);
    ck_assert_xpath_str(doc, "/device/vpnGroup/addresses/url1", nasty_url);
    ck_assert_xpath_str(doc, "/device/sshPassword", nasty_pw);
    ck_assert_xpath_str(doc, "/device/featurePolicyFile", "<versionStamp>x<_versionStamp>.xml");
    ck_assert_xpath_str(doc, "/device/devicePool/dateTimeSetting/timeZone", "A & B <C>");
    /* nothing was turned into markup */
    ck_assert_int_eq(count(doc, "//script"), 0);
    ck_assert_int_eq(count(doc, "//versionStamp"), 1);
    ck_assert_xpath_str(doc, "/device/versionStamp", r.version_stamp);
    char *order = child_names(doc, "/device");
    ck_assert_str_eq(order, DEVICE_HEAD " vpnGroup " DEVICE_TAIL);
    free(order);
    /* and the raw bytes hold no unescaped '<script' */
    ck_assert_ptr_null(strstr((const char *)r.data, "<script"));
    xmlFreeDoc(doc);
    render_free(&r);
}
END_TEST

/* ---- XMLDefault ----------------------------------------------------------- */

START_TEST(default_file)
{
    struct default_view v;
    struct rendered r;
    default_view_init(&v);
    ck_assert_int_eq(render_default(tpl, &v, &r), 0);
    ck_assert_uint_eq(strlen(r.version_stamp), RENDER_STAMP_LEN);
    xmlDocPtr doc = parse(&r);
    ck_assert_int_eq(count(doc, "/Default"), 1);
    ck_assert_xpath_str(doc, "/Default/loadInformation685", "sip88xx.14-2-1-0001-14");
    ck_assert_xpath_str(doc, "/Default/loadInformation685/@model", "Cisco 8861");
    ck_assert_xpath_str(doc, "/Default/loadInformation36225/@model", "Cisco 8865");
    ck_assert_xpath_str(doc, "/Default/loadInformation36225", "sip8845_65.14-2-1-0001-14");
    ck_assert_int_eq(count(doc, "/Default/loadInformation"), 0);   /* the placeholder went */
    ck_assert_int_eq(count(doc, "/Default/*[starts-with(name(), 'loadInformation')]"),
                     (int)(sizeof catalogue / sizeof catalogue[0]));
    ck_assert_xpath_str(doc, "/Default/versionStamp", r.version_stamp);
    ck_assert_xpath_str(doc, "/Default/callManagerGroup/members/member/callManager/ports/sipPort",
                        "5060");
    ck_assert_xpath_str(doc, "/Default/callManagerGroup/members/member/callManager/"
                             "processNodeName", "ucprov.example.lab");
    ck_assert_xpath_str(doc, "/Default/TVS/members/member/port", "2445");
    char *order = child_names(doc, "/Default");
    ck_assert_str_eq(order, "callManagerGroup TVS loadInformation621 loadInformation622 "
                            "loadInformation623 loadInformation683 loadInformation684 "
                            "loadInformation685 loadInformation36213 loadInformation36217 "
                            "loadInformation36224 loadInformation36225 authenticationURL "
                            "directoryURL idleURL informationURL messagesURL servicesURL "
                            "versionStamp");
    free(order);
    xmlFreeDoc(doc);
    render_free(&r);
}
END_TEST

START_TEST(default_skips_models_without_load)
{
    struct default_view v;
    struct rendered a, b;
    default_view_init(&v);
    ck_assert_int_eq(render_default(tpl, &v, &a), 0);
    v.models[5].load[0] = '\0';   /* Cisco 8861 */
    ck_assert_int_eq(render_default(tpl, &v, &b), 0);
    xmlDocPtr doc = parse(&b);
    ck_assert_int_eq(count(doc, "/Default/loadInformation685"), 0);
    ck_assert_int_eq(count(doc, "/Default/loadInformation684"), 1);
    ck_assert_str_ne(a.version_stamp, b.version_stamp);
    xmlFreeDoc(doc);
    render_free(&a);
    render_free(&b);
}
END_TEST

START_TEST(default_escapes_model_names)
{
    struct default_view v;
    struct rendered r;
    memset(&v, 0, sizeof v);
    set_sys(&v.sys);
    v.models[0] = (struct model_load){ "Cisco \"8861\" <&>", 685, "load<&>" };
    v.n_models = 1;
    ck_assert_int_eq(render_default(tpl, &v, &r), 0);
    xmlDocPtr doc = parse(&r);
    ck_assert_xpath_str(doc, "/Default/loadInformation685/@model", "Cisco \"8861\" <&>");
    ck_assert_xpath_str(doc, "/Default/loadInformation685", "load<&>");
    xmlFreeDoc(doc);
    render_free(&r);
}
END_TEST

/* ---- templates ------------------------------------------------------------ */

START_TEST(template_errors)
{
    static const char good_dev[] = "<device><versionStamp/></device>";
    static const char good_def[] = "<Default><versionStamp/></Default>";
    static const char broken[] = "<device><versionStamp></device>";
    static const char wrong_root[] = "<phone/>";
    char err[256] = "";
    struct render_templates *t;
    t = render_templates_parse(broken, strlen(broken), good_def, strlen(good_def), err,
                               sizeof err);
    ck_assert_ptr_null(t);
    ck_assert_str_ne(err, "");
    err[0] = '\0';
    t = render_templates_parse(wrong_root, strlen(wrong_root), good_def, strlen(good_def), err,
                               sizeof err);
    ck_assert_ptr_null(t);
    ck_assert_ptr_nonnull(strstr(err, "device"));
    err[0] = '\0';
    t = render_templates_parse(good_dev, strlen(good_dev), good_dev, strlen(good_dev), err,
                               sizeof err);
    ck_assert_ptr_null(t);
    ck_assert_ptr_nonnull(strstr(err, "Default"));

    /* A trimmed template without vpnGroup is allowed: nothing is added. */
    t = render_templates_parse(good_dev, strlen(good_dev), good_def, strlen(good_def), err,
                               sizeof err);
    ck_assert_ptr_nonnull(t);
    struct device_view v;
    struct rendered r;
    vpn_view(&v);
    ck_assert_int_eq(render_device(t, &v, &r), 0);
    struct rendered *rp = &r;
    xmlDocPtr doc = parse(rp);
    ck_assert_int_eq(count(doc, "//vpnGroup"), 0);
    ck_assert_xpath_str(doc, "/device/versionStamp", r.version_stamp);
    xmlFreeDoc(doc);
    render_free(&r);
    render_templates_free(t);
}
END_TEST

static Suite *render_suite(void)
{
    Suite *s = suite_create("render");
    TCase *tc = tcase_create("golden");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, golden_vpn);
    tcase_add_test(tc, golden_novpn);
    tcase_add_test(tc, golden_default);
    suite_add_tcase(s, tc);

    tc = tcase_create("device");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, vpn_block_structure);
    tcase_add_test(tc, no_vpn_group_element);
    tcase_add_test(tc, three_urls_ten_hashes);
    tcase_add_test(tc, user_text_is_escaped);
    suite_add_tcase(s, tc);

    tc = tcase_create("stamp");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, deterministic);
    tcase_add_test(tc, stamp_is_in_the_file);
    tcase_add_loop_test(tc, stamp_follows_content, 0, N_CHANGES);
    tcase_add_test(tc, url_order_matters);
    suite_add_tcase(s, tc);

    tc = tcase_create("default");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, default_file);
    tcase_add_test(tc, default_skips_models_without_load);
    tcase_add_test(tc, default_escapes_model_names);
    tcase_add_test(tc, template_errors);
    suite_add_tcase(s, tc);

    add_call_control_tests(s);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(render_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    xmlCleanupParser();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
