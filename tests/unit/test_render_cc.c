/* test_render_cc.c - SEP<MAC>.cnf.xml of a phone with call control: device
 * pool (date/time group, NTP servers, call managers by priority), SIP profile,
 * lines, locales and the feature policy file.
 *
 * The golden file tests/unit/golden/SEP_callcontrol.cnf.xml was written by
 * the renderer and reviewed against CUCM's element order (a CUCM 12.5
 * SEP<MAC>.cnf.xml and usecallmanager.nz's sample SEPMAC.cnf.xml); the tests
 * below check each element path on their own, so a failure names the element. */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "server/model.h"
#include "server/render.h"
#include "render_fixtures.h"
#include "xmltest.h"

#define POOL   "/device/devicePool"
#define DTS    POOL "/dateTimeSetting"
#define MEMBER POOL "/callManagerGroup/members/member"
#define SIPP   "/device/sipProfile"
#define LINE1  SIPP "/sipLines/line[1]"
#define LINE2  SIPP "/sipLines/line[2]"

/* <device>'s children without a VPN group (reference section 2). */
#define DEVICE_ORDER                                                                      \
    "fullConfig deviceProtocol ipAddressMode allowAutoConfig devicePool TVS sipProfile "    \
    "featurePolicyFile commonProfile loadInformation inactiveLoadInformation vendorConfig " \
    "versionStamp userLocale networkLocale networkLocaleInfo deviceSecurityMode "           \
    "authenticationURL servicesURL directoryURL idleURL informationURL messagesURL "        \
    "proxyServerURL phoneServices transportLayerProtocol phonePersonalization "             \
    "dndCallAlert dndReminderTimer capfAuthMode capfList certHash encrConfig sshUserId "    \
    "sshPassword"
#define SIP_PROFILE_ORDER                                                                 \
    "sipProxies sipCallFeatures sipStack autoAnswerTimer autoAnswerAltBehavior "            \
    "autoAnswerOverride transferOnhookEnabled enableVad preferredCodec dtmfAvtPayload "     \
    "dtmfDbLevel dtmfOutofBand offhookToFirstDigitTimer silentPeriodBetweenCallWaitingBursts " \
    "startMediaPort stopMediaPort natEnabled natAddress sipLines voipControlPort "           \
    "alwaysUsePrimeLine alwaysUsePrimeLineVoiceMail"
#define LINE_HEAD                                                                         \
    "featureID featureLabel proxy port name displayName autoAnswer callWaiting authName "   \
    "authPassword sharedLine messageWaitingLampPolicy messageWaitingAMWI messagesNumber "   \
    "ringSettingIdle ringSettingActive"
#define LINE_TAIL "forwardCallInfoDisplay maxNumCalls busyTrigger"

static void text(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src);
}
#define SET(field, value) text((field), sizeof (field), (value))

/* CUCM's Standard SIP Profile with TCP (schema 0005's defaults). */
static void standard_sip_profile(struct sip_profile_view *sp)
{
    memset(sp, 0, sizeof *sp);
    SET(sp->name, "Standard SIP Profile");
    sp->transport = 1;
    sp->device_security_mode = 1;
    sp->timer_register_expires = 3600;
    sp->timer_register_delta = 5;
    sp->timer_invite_expires = 180;
    sp->timer_keepalive_expires = 120;
    sp->timer_subscribe_expires = 120;
    sp->timer_subscribe_delta = 5;
    sp->timer_t1 = 500;
    sp->timer_t2 = 4000;
    sp->sip_retx = 10;
    sp->sip_invite_retx = 6;
    sp->max_redirects = 70;
    sp->remote_party_id = 1;
    sp->user_info = 0;
    sp->dtmf_avt_payload = 101;
    sp->start_media_port = 16384;
    sp->stop_media_port = 32766;
    sp->voip_control_port = 5060;
    sp->cnf_join_enabled = 1;
    sp->semi_attended_transfer = 1;
    SET(sp->call_forward_uri, "x-cisco-serviceuri-cfwdall");
    SET(sp->call_pickup_uri, "x-cisco-serviceuri-pickup");
    SET(sp->call_pickup_list_uri, "x-cisco-serviceuri-opickup");
    SET(sp->call_pickup_group_uri, "x-cisco-serviceuri-gpickup");
    SET(sp->meet_me_service_uri, "x-cisco-serviceuri-meetme");
    SET(sp->abbreviated_dial_uri, "x-cisco-serviceuri-abbrdial");
}

static void line(struct line_view *l, int button, const char *dn, const char *label,
                 const char *display, const char *user, const char *password)
{
    memset(l, 0, sizeof *l);
    l->button = button;
    SET(l->name, dn);
    SET(l->feature_label, label);
    SET(l->display_name, display);
    SET(l->auth_name, user);
    SET(l->auth_password, password);
    SET(l->messages_number, "8000");
    l->max_num_calls = 4;
    l->busy_trigger = 2;
}

/* A Tokyo desk phone: two call managers, two NTP servers, its own line and a
 * reception line shared with other phones. */
static void cc_view(struct device_view *v)
{
    novpn_view(v);
    SET(v->name, "SEP0011223344CC");
    SET(v->model, "Cisco 8851");
    v->model_id = 684;
    SET(v->load, "sip88xx.14-2-1-0001-14");
    SET(v->feature_control_policy, "Home Workers");   /* a display name: not rendered */
    v->has_call_control = true;
    struct call_control_view *cc = &v->cc;
    SET(cc->device_pool, "Tokyo Phones");
    SET(cc->call_manager_group, "Tokyo CMG");
    cc->call_managers[0] = (struct call_manager_view){ "cucm-tokyo-1", "cm1.tokyo.example.lab",
                                                       5060, 5061 };
    cc->call_managers[1] = (struct call_manager_view){ "cucm-tokyo-2", "10.20.0.12", 5070, 5071 };
    cc->n_call_managers = 2;
    SET(cc->date_time_group, "Tokyo");
    SET(cc->time_zone, "Tokyo Standard Time");
    SET(cc->date_template, "Y/M/D");
    SET(cc->ntp_servers[0], "ntp1.tokyo.example.lab");
    SET(cc->ntp_servers[1], "10.20.0.1");
    cc->n_ntp_servers = 2;
    SET(cc->user_locale, "Japanese_Japan");
    SET(cc->network_locale, "Japan");
    standard_sip_profile(&cc->sip);
    line(&cc->lines[0], 1, "1001", "1001 Taro", "Taro Yamada", "taro", "Tar0-Secret");
    line(&cc->lines[1], 2, "2000", "Reception", "Reception", "reception", "R3ception!");
    SET(cc->lines[1].contact, "2000");
    cc->lines[1].shared = true;
    cc->lines[1].max_num_calls = 6;
    cc->lines[1].busy_trigger = 4;
    cc->n_lines = 2;
    SET(cc->feature_policy_file, "FeaturePolicy.xml");
}

static xmlDocPtr render_parse(const struct device_view *v, struct rendered *r)
{
    render_ok(v, r);
    return parse(r);
}

/* ---- golden --------------------------------------------------------------- */

START_TEST(golden_call_control)
{
    struct device_view v;
    struct rendered r;
    cc_view(&v);
    render_ok(&v, &r);
    compare_golden("SEP_callcontrol.cnf.xml", &r);
    render_free(&r);
    /* The golden file is what phones get: xmllint must accept it as it is. */
    if (system("command -v xmllint >/dev/null 2>&1") == 0)
        ck_assert_int_eq(system("xmllint --noout '" GOLDEN_DIR "/SEP_callcontrol.cnf.xml'"), 0);
}
END_TEST

START_TEST(without_call_control_unchanged)
{
    /* Call control data in a view without a device pool reaches nothing:
     * the file is byte for byte the one before issue 12. */
    struct device_view v;
    struct rendered r;
    cc_view(&v);
    struct call_control_view cc = v.cc;
    novpn_view(&v);
    v.cc = cc;
    v.has_call_control = false;
    render_ok(&v, &r);
    compare_golden("SEP_novpn.cnf.xml", &r);
    ck_assert_ptr_null(strstr((const char *)r.data, "Tar0-Secret"));
    ck_assert_ptr_null(strstr((const char *)r.data, "ucprov="));
    render_free(&r);
}
END_TEST

/* ---- element paths -------------------------------------------------------- */

START_TEST(device_pool)
{
    struct device_view v;
    struct rendered r;
    cc_view(&v);
    xmlDocPtr doc = render_parse(&v, &r);
    ck_assert_children(doc, "/device", DEVICE_ORDER);
    ck_assert_children(doc, POOL, "name dateTimeSetting callManagerGroup");
    ck_assert_xpath_str(doc, POOL "/name", "Tokyo Phones");
    ck_assert_children(doc, DTS, "name dateTemplate timeZone ntps");
    ck_assert_xpath_str(doc, DTS "/name", "Tokyo");
    ck_assert_xpath_str(doc, DTS "/dateTemplate", "Y/M/D");
    ck_assert_xpath_str(doc, DTS "/timeZone", "Tokyo Standard Time");
    ck_assert_children(doc, DTS "/ntps", "ntp ntp");
    ck_assert_children(doc, DTS "/ntps/ntp[1]", "name ntpMode");
    ck_assert_xpath_str(doc, DTS "/ntps/ntp[1]/name", "ntp1.tokyo.example.lab");
    ck_assert_xpath_str(doc, DTS "/ntps/ntp[1]/ntpMode", "Unicast");
    ck_assert_xpath_str(doc, DTS "/ntps/ntp[2]/name", "10.20.0.1");
    ck_assert_xpath_str(doc, DTS "/ntps/ntp[2]/ntpMode", "Unicast");

    ck_assert_children(doc, POOL "/callManagerGroup", "name members");
    ck_assert_xpath_str(doc, POOL "/callManagerGroup/name", "Tokyo CMG");
    ck_assert_children(doc, POOL "/callManagerGroup/members", "member member");
    ck_assert_xpath_str(doc, MEMBER "[1]/@priority", "0");
    ck_assert_xpath_str(doc, MEMBER "[2]/@priority", "1");
    ck_assert_children(doc, MEMBER "[1]/callManager", "name ports processNodeName");
    ck_assert_children(doc, MEMBER "[1]/callManager/ports",
                       "ethernetPhonePort sipPort securedSipPort");
    ck_assert_xpath_str(doc, MEMBER "[1]/callManager/name", "cucm-tokyo-1");
    ck_assert_xpath_str(doc, MEMBER "[1]/callManager/ports/sipPort", "5060");
    ck_assert_xpath_str(doc, MEMBER "[1]/callManager/ports/securedSipPort", "5061");
    ck_assert_xpath_str(doc, MEMBER "[1]/callManager/processNodeName", "cm1.tokyo.example.lab");
    ck_assert_xpath_str(doc, MEMBER "[2]/callManager/name", "cucm-tokyo-2");
    ck_assert_xpath_str(doc, MEMBER "[2]/callManager/ports/ethernetPhonePort", "2000");
    ck_assert_xpath_str(doc, MEMBER "[2]/callManager/ports/sipPort", "5070");
    ck_assert_xpath_str(doc, MEMBER "[2]/callManager/ports/securedSipPort", "5071");
    ck_assert_xpath_str(doc, MEMBER "[2]/callManager/processNodeName", "10.20.0.12");
    /* the system settings' call manager is not a member; TVS keeps it */
    ck_assert_int_eq(count(doc, "//processNodeName[. = 'ucprov.example.lab']"), 0);
    ck_assert_xpath_str(doc, "/device/TVS/members/member/address", "ucprov.example.lab");
    ck_assert_int_eq(count(doc, "//@ucprov"), 0);
    xmlFreeDoc(doc);
    render_free(&r);
}
END_TEST

START_TEST(sip_profile)
{
    struct device_view v;
    struct rendered r;
    cc_view(&v);
    xmlDocPtr doc = render_parse(&v, &r);
    ck_assert_children(doc, SIPP, SIP_PROFILE_ORDER);
    ck_assert_children(doc, SIPP "/sipProxies", "registerWithProxy");
    ck_assert_xpath_str(doc, SIPP "/sipProxies/registerWithProxy", "true");
    ck_assert_children(doc, SIPP "/sipCallFeatures",
                       "cnfJoinEnabled callForwardURI callPickupURI callPickupListURI "
                       "callPickupGroupURI meetMeServiceURI abbreviatedDialURI rfc2543Hold "
                       "localCfwdEnable semiAttendedTransfer dndControl remoteCcEnable");
    ck_assert_xpath_str(doc, SIPP "/sipCallFeatures/cnfJoinEnabled", "true");
    ck_assert_xpath_str(doc, SIPP "/sipCallFeatures/callForwardURI", "x-cisco-serviceuri-cfwdall");
    ck_assert_xpath_str(doc, SIPP "/sipCallFeatures/callPickupGroupURI",
                        "x-cisco-serviceuri-gpickup");
    ck_assert_xpath_str(doc, SIPP "/sipCallFeatures/abbreviatedDialURI",
                        "x-cisco-serviceuri-abbrdial");
    ck_assert_xpath_str(doc, SIPP "/sipCallFeatures/rfc2543Hold", "false");
    ck_assert_xpath_str(doc, SIPP "/sipCallFeatures/semiAttendedTransfer", "true");
    ck_assert_xpath_str(doc, SIPP "/sipCallFeatures/dndControl", "0");
    ck_assert_xpath_str(doc, SIPP "/sipCallFeatures/remoteCcEnable", "true");
    ck_assert_children(doc, SIPP "/sipStack",
                       "sipInviteRetx sipRetx timerInviteExpires timerRegisterExpires "
                       "timerRegisterDelta timerKeepAliveExpires timerSubscribeExpires "
                       "timerSubscribeDelta timerT1 timerT2 maxRedirects remotePartyID userInfo");
    ck_assert_xpath_str(doc, SIPP "/sipStack/sipInviteRetx", "6");
    ck_assert_xpath_str(doc, SIPP "/sipStack/sipRetx", "10");
    ck_assert_xpath_str(doc, SIPP "/sipStack/timerInviteExpires", "180");
    ck_assert_xpath_str(doc, SIPP "/sipStack/timerRegisterExpires", "3600");
    ck_assert_xpath_str(doc, SIPP "/sipStack/timerRegisterDelta", "5");
    ck_assert_xpath_str(doc, SIPP "/sipStack/timerKeepAliveExpires", "120");
    ck_assert_xpath_str(doc, SIPP "/sipStack/timerSubscribeExpires", "120");
    ck_assert_xpath_str(doc, SIPP "/sipStack/timerSubscribeDelta", "5");
    ck_assert_xpath_str(doc, SIPP "/sipStack/timerT1", "500");
    ck_assert_xpath_str(doc, SIPP "/sipStack/timerT2", "4000");
    ck_assert_xpath_str(doc, SIPP "/sipStack/maxRedirects", "70");
    ck_assert_xpath_str(doc, SIPP "/sipStack/remotePartyID", "true");
    ck_assert_xpath_str(doc, SIPP "/sipStack/userInfo", "None");
    ck_assert_xpath_str(doc, SIPP "/enableVad", "false");
    ck_assert_xpath_str(doc, SIPP "/dtmfAvtPayload", "101");
    ck_assert_xpath_str(doc, SIPP "/startMediaPort", "16384");
    ck_assert_xpath_str(doc, SIPP "/stopMediaPort", "32766");
    ck_assert_xpath_str(doc, SIPP "/natEnabled", "false");
    ck_assert_xpath_str(doc, SIPP "/natAddress", "");
    ck_assert_xpath_str(doc, SIPP "/voipControlPort", "5060");
    ck_assert_xpath_str(doc, "/device/transportLayerProtocol", "1");
    ck_assert_xpath_str(doc, "/device/deviceSecurityMode", "1");
    ck_assert_xpath_str(doc, "/device/featurePolicyFile", "FeaturePolicy.xml");
    xmlFreeDoc(doc);
    render_free(&r);
}
END_TEST

START_TEST(lines)
{
    struct device_view v;
    struct rendered r;
    cc_view(&v);
    xmlDocPtr doc = render_parse(&v, &r);
    ck_assert_children(doc, SIPP "/sipLines", "line line");
    /* line 1 has no contact of its own: the element is left out */
    ck_assert_children(doc, LINE1, LINE_HEAD " " LINE_TAIL);
    ck_assert_children(doc, LINE2, LINE_HEAD " contact " LINE_TAIL);
    ck_assert_xpath_str(doc, LINE1 "/@button", "1");
    ck_assert_xpath_str(doc, LINE1 "/@lineIndex", "1");
    ck_assert_xpath_str(doc, LINE1 "/featureID", "9");
    ck_assert_xpath_str(doc, LINE1 "/featureLabel", "1001 Taro");
    ck_assert_xpath_str(doc, LINE1 "/proxy", "USECALLMANAGER");
    ck_assert_xpath_str(doc, LINE1 "/port", "5060");
    ck_assert_xpath_str(doc, LINE1 "/name", "1001");
    ck_assert_xpath_str(doc, LINE1 "/displayName", "Taro Yamada");
    ck_assert_xpath_str(doc, LINE1 "/autoAnswer/autoAnswerEnabled", "0");
    ck_assert_xpath_str(doc, LINE1 "/callWaiting", "1");
    ck_assert_xpath_str(doc, LINE1 "/authName", "taro");
    ck_assert_xpath_str(doc, LINE1 "/authPassword", "Tar0-Secret");
    ck_assert_xpath_str(doc, LINE1 "/sharedLine", "false");
    ck_assert_xpath_str(doc, LINE1 "/messageWaitingLampPolicy", "3");
    ck_assert_xpath_str(doc, LINE1 "/messagesNumber", "8000");
    ck_assert_xpath_str(doc, LINE1 "/maxNumCalls", "4");
    ck_assert_xpath_str(doc, LINE1 "/busyTrigger", "2");
    ck_assert_xpath_str(doc, LINE2 "/@button", "2");
    ck_assert_xpath_str(doc, LINE2 "/@lineIndex", "2");
    ck_assert_xpath_str(doc, LINE2 "/featureLabel", "Reception");
    ck_assert_xpath_str(doc, LINE2 "/name", "2000");
    ck_assert_xpath_str(doc, LINE2 "/authName", "reception");
    ck_assert_xpath_str(doc, LINE2 "/authPassword", "R3ception!");
    ck_assert_xpath_str(doc, LINE2 "/sharedLine", "true");
    ck_assert_xpath_str(doc, LINE2 "/contact", "2000");
    ck_assert_xpath_str(doc, LINE2 "/maxNumCalls", "6");
    ck_assert_xpath_str(doc, LINE2 "/busyTrigger", "4");
    xmlFreeDoc(doc);
    render_free(&r);
}
END_TEST

START_TEST(locales)
{
    struct device_view v;
    struct rendered r;
    cc_view(&v);
    xmlDocPtr doc = render_parse(&v, &r);
    ck_assert_children(doc, "/device/userLocale", "name uid langCode version winCharSet");
    ck_assert_xpath_str(doc, "/device/userLocale/name", "Japanese_Japan");
    ck_assert_xpath_str(doc, "/device/userLocale/langCode", "ja_JP");
    ck_assert_xpath_str(doc, "/device/userLocale/winCharSet", "utf-8");
    ck_assert_xpath_str(doc, "/device/networkLocale", "Japan");
    ck_assert_xpath_str(doc, "/device/networkLocaleInfo/name", "Japan");
    xmlFreeDoc(doc);
    render_free(&r);

    /* CUCM writes iso-8859-1 for English; a site's own locale directory keeps
     * its name and the template's language */
    static const struct { const char *name, *lang, *charset; } other[] = {
        { "English_United_Kingdom", "en_GB", "iso-8859-1" },
        { "New_Zealand_Maori", "en_US", "utf-8" },
    };
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        SET(v.cc.user_locale, other[i].name);
        doc = render_parse(&v, &r);
        ck_assert_xpath_str(doc, "/device/userLocale/name", other[i].name);
        ck_assert_xpath_str(doc, "/device/userLocale/langCode", other[i].lang);
        ck_assert_xpath_str(doc, "/device/userLocale/winCharSet", other[i].charset);
        xmlFreeDoc(doc);
        render_free(&r);
    }
}
END_TEST

/* ---- variations ----------------------------------------------------------- */

START_TEST(empty_and_full_lists)
{
    struct device_view v;
    struct rendered r;
    cc_view(&v);
    v.cc.n_ntp_servers = 0;
    v.cc.n_lines = 0;
    xmlDocPtr doc = render_parse(&v, &r);
    ck_assert_int_eq(count(doc, DTS "/ntps"), 1);
    ck_assert_int_eq(count(doc, DTS "/ntps/*"), 0);
    ck_assert_int_eq(count(doc, SIPP "/sipLines"), 1);
    ck_assert_int_eq(count(doc, SIPP "/sipLines/*"), 0);
    xmlFreeDoc(doc);
    render_free(&r);

    cc_view(&v);
    v.cc.call_managers[2] = (struct call_manager_view){ "cucm-osaka", "cm.osaka.example.lab",
                                                        5060, 5061 };
    v.cc.n_call_managers = VIEW_MAX_CALL_MANAGERS;
    for (size_t i = 0; i < VIEW_MAX_NTP_SERVERS; i++)
        snprintf(v.cc.ntp_servers[i], sizeof v.cc.ntp_servers[i], "ntp%zu.example.lab", i);
    v.cc.n_ntp_servers = VIEW_MAX_NTP_SERVERS;
    for (size_t i = 0; i < VIEW_MAX_LINES; i++) {
        char dn[16];
        snprintf(dn, sizeof dn, "%zu", 3000 + i);
        line(&v.cc.lines[i], (int)i + 1, dn, dn, dn, dn, "pw");
    }
    v.cc.n_lines = VIEW_MAX_LINES;
    doc = render_parse(&v, &r);
    ck_assert_int_eq(count(doc, MEMBER), 3);
    ck_assert_xpath_str(doc, MEMBER "[3]/@priority", "2");
    ck_assert_xpath_str(doc, MEMBER "[3]/callManager/processNodeName", "cm.osaka.example.lab");
    ck_assert_int_eq(count(doc, DTS "/ntps/ntp"), VIEW_MAX_NTP_SERVERS);
    ck_assert_xpath_str(doc, DTS "/ntps/ntp[4]/name", "ntp3.example.lab");
    ck_assert_int_eq(count(doc, SIPP "/sipLines/line"), VIEW_MAX_LINES);
    ck_assert_xpath_str(doc, SIPP "/sipLines/line[64]/@button", "64");
    ck_assert_xpath_str(doc, SIPP "/sipLines/line[64]/name", "3063");
    xmlFreeDoc(doc);
    render_free(&r);
}
END_TEST

START_TEST(tls_nat_and_user_info)
{
    struct device_view v;
    struct rendered r;
    cc_view(&v);
    v.cc.sip.transport = 3;
    v.cc.sip.device_security_mode = 3;
    v.cc.sip.nat_enabled = 1;
    SET(v.cc.sip.nat_address, "203.0.113.7");
    v.cc.sip.user_info = 1;
    v.cc.sip.rfc2543_hold = 1;
    xmlDocPtr doc = render_parse(&v, &r);
    ck_assert_xpath_str(doc, "/device/transportLayerProtocol", "3");
    ck_assert_xpath_str(doc, "/device/deviceSecurityMode", "3");
    ck_assert_xpath_str(doc, SIPP "/natEnabled", "true");
    ck_assert_xpath_str(doc, SIPP "/natAddress", "203.0.113.7");
    ck_assert_xpath_str(doc, SIPP "/sipStack/userInfo", "Phone");
    ck_assert_xpath_str(doc, SIPP "/sipCallFeatures/rfc2543Hold", "true");
    xmlFreeDoc(doc);
    render_free(&r);
    v.cc.sip.user_info = 2;
    doc = render_parse(&v, &r);
    ck_assert_xpath_str(doc, SIPP "/sipStack/userInfo", "IP");
    xmlFreeDoc(doc);
    render_free(&r);
}
END_TEST

START_TEST(line_text_is_escaped)
{
    struct device_view v;
    struct rendered r;
    cc_view(&v);
    SET(v.cc.lines[0].display_name, "<b>&\"Zoë\"</b>");
    SET(v.cc.lines[0].auth_password, "]]></authPassword>");
    SET(v.cc.device_pool, "</devicePool>");
    xmlDocPtr doc = render_parse(&v, &r);
    ck_assert_xpath_str(doc, LINE1 "/displayName", "<b>&\"Zoë\"</b>");
    ck_assert_xpath_str(doc, LINE1 "/authPassword", "]]></authPassword>");
    ck_assert_xpath_str(doc, POOL "/name", "</devicePool>");
    ck_assert_int_eq(count(doc, "//b"), 0);
    ck_assert_children(doc, "/device", DEVICE_ORDER);
    xmlFreeDoc(doc);
    render_free(&r);
}
END_TEST

/* One change of call control per loop index; each must give a new stamp. */
static void cc_change(struct device_view *v, int which)
{
    struct call_control_view *cc = &v->cc;
    switch (which) {
    case 0: SET(cc->lines[1].auth_password, "new-secret"); break;
    case 1: cc->n_lines = 1; break;
    case 2: cc->lines[1].shared = false; break;
    case 3: SET(cc->ntp_servers[0], "10.20.0.1"); SET(cc->ntp_servers[1], "ntp1"); break;
    case 4: cc->call_managers[0] = cc->call_managers[1]; break;
    case 5: cc->sip.timer_register_expires = 1800; break;
    case 6: SET(cc->time_zone, "Pacific Standard/Daylight Time"); break;
    case 7: cc->sip.transport = 2; break;
    case 8: SET(cc->feature_policy_file, "Policy2.xml"); break;
    case 9: v->has_call_control = false; break;
    default: ck_abort_msg("no change %d", which);
    }
}
#define N_CC_CHANGES 10

START_TEST(stamp_follows_call_control)
{
    struct device_view v;
    struct rendered base, changed;
    cc_view(&v);
    render_ok(&v, &base);
    cc_change(&v, _i);
    render_ok(&v, &changed);
    ck_assert_msg(strcmp(base.version_stamp, changed.version_stamp) != 0,
                  "change %d kept versionStamp %s", _i, base.version_stamp);
    render_free(&base);
    render_free(&changed);
}
END_TEST

START_TEST(deterministic_call_control)
{
    struct device_view v;
    struct rendered a, b;
    cc_view(&v);
    render_ok(&v, &a);
    render_templates_free(tpl);
    setup();
    render_ok(&v, &b);
    ck_assert_uint_eq(a.len, b.len);
    ck_assert_mem_eq(a.data, b.data, a.len);
    render_free(&a);
    render_free(&b);
}
END_TEST

/* ---- templates ------------------------------------------------------------ */

START_TEST(template_markers)
{
    static const char def[] = "<Default><versionStamp/></Default>";
    static const char unknown[] = "<device><x ucprov=\"sometimes\"/><versionStamp/></device>";
    static const char nested[] =
        "<device><a ucprov=\"call-control\"><b ucprov=\"call-control\"/></a><c/>"
        "<versionStamp/></device>";
    char err[256] = "";
    struct render_templates *t =
        render_templates_parse(unknown, strlen(unknown), def, strlen(def), err, sizeof err);
    ck_assert_ptr_null(t);
    ck_assert_ptr_nonnull(strstr(err, "call-control"));

    /* a marked element inside a marked one goes with it, once */
    t = render_templates_parse(nested, strlen(nested), def, strlen(def), err, sizeof err);
    ck_assert_ptr_nonnull(t);
    struct device_view v;
    struct rendered r;
    novpn_view(&v);
    ck_assert_int_eq(render_device(t, &v, &r), 0);
    xmlDocPtr doc = parse(&r);
    ck_assert_children(doc, "/device", "c versionStamp");
    xmlFreeDoc(doc);
    render_free(&r);
    cc_view(&v);
    ck_assert_int_eq(render_device(t, &v, &r), 0);
    doc = parse(&r);
    ck_assert_children(doc, "/device", "a c versionStamp");
    ck_assert_children(doc, "/device/a", "b");
    ck_assert_int_eq(count(doc, "//@ucprov"), 0);
    xmlFreeDoc(doc);
    render_free(&r);
    render_templates_free(t);
}
END_TEST

void add_call_control_tests(Suite *s)
{
    TCase *tc = tcase_create("call control");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, golden_call_control);
    tcase_add_test(tc, without_call_control_unchanged);
    tcase_add_test(tc, device_pool);
    tcase_add_test(tc, sip_profile);
    tcase_add_test(tc, lines);
    tcase_add_test(tc, locales);
    tcase_add_test(tc, empty_and_full_lists);
    tcase_add_test(tc, tls_nat_and_user_info);
    tcase_add_test(tc, line_text_is_escaped);
    tcase_add_loop_test(tc, stamp_follows_call_control, 0, N_CC_CHANGES);
    tcase_add_test(tc, deterministic_call_control);
    tcase_add_test(tc, template_markers);
    suite_add_tcase(s, tc);
}
