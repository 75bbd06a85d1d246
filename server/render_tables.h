/* render_tables.h - the data a render is driven by: which elements of the
 * templates' skeletons each view field fills, how its value is spelled, and
 * where the skeleton's elements sit once located.  Included by render.c only;
 * the code that walks these tables is there. */
#ifndef UCPROV_RENDER_TABLES_H
#define UCPROV_RENDER_TABLES_H

#include <stddef.h>

#include <libxml/tree.h>

#include "render.h"

/* The elements a render fills.  The first ones are common to both files. */
enum field {
    F_SIP_PORT, F_SECURE_SIP_PORT, F_PROCESS_NODE, F_TVS_PORT, F_TVS_ADDRESS,
    F_VERSION_STAMP, F_LOAD,
    F_COMMON,                                   /* XMLDefault has no more */
    F_TIME_ZONE = F_COMMON, F_VPN_GROUP, F_DND_CONTROL, F_PRIME_LINE, F_PRIME_LINE_VM,
    F_FEATURE_POLICY, F_PHONE_PASSWORD, F_BACKGROUND_ACCESS, F_USER_LOCALE,
    F_NETWORK_LOCALE, F_NETWORK_LOCALE_INFO, F_PROVISIONING, F_PERSONALIZATION,
    F_DND_ALERT, F_SSH_USER, F_SSH_PASSWORD,
    /* call control: filled only for a phone with a device pool */
    F_POOL_NAME, F_DTS_NAME, F_DATE_TEMPLATE, F_NTP, F_CMG_NAME, F_MEMBER, F_LINE,
    F_TRANSPORT, F_SECURITY_MODE, F_LANG_CODE, F_WIN_CHARSET,
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
    [F_POOL_NAME] = "devicePool/name",
    [F_DTS_NAME] = "devicePool/dateTimeSetting/name",
    [F_DATE_TEMPLATE] = "devicePool/dateTimeSetting/dateTemplate",
    [F_NTP] = "devicePool/dateTimeSetting/ntps/ntp",
    [F_CMG_NAME] = "devicePool/callManagerGroup/name",
    [F_MEMBER] = "devicePool/callManagerGroup/members/member",
    [F_LINE] = "sipProfile/sipLines/line",
    [F_TRANSPORT] = "transportLayerProtocol",
    [F_SECURITY_MODE] = "deviceSecurityMode",
    [F_LANG_CODE] = "userLocale/langCode",
    [F_WIN_CHARSET] = "userLocale/winCharSet",
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

/* Values copied from a view into elements, described as data: where the
 * element is (below the root, or below a prototype), how the value is
 * spelled, and where it sits in its view struct. */
enum kind {
    K_INT,         /* int, decimal */
    K_BOOL,        /* int 0/1 as false/true */
    K_FLAG,        /* bool as false/true */
    K_TEXT,        /* char[] */
    K_OPTIONAL,    /* char[]; the element is dropped when the text is empty */
    K_USER_INFO,   /* int 0..2 as None/Phone/IP */
};

struct field_map {
    const char *path;
    enum kind kind;
    size_t off;
};

#define FEATURES "sipProfile/sipCallFeatures/"
#define STACK "sipProfile/sipStack/"
#define SP(m) offsetof(struct sip_profile_view, m)
/* The sipProfile block, in the skeleton's (CUCM's) order. */
static const struct field_map sip_fields[] = {
    { FEATURES "cnfJoinEnabled", K_BOOL, SP(cnf_join_enabled) },
    { FEATURES "callForwardURI", K_TEXT, SP(call_forward_uri) },
    { FEATURES "callPickupURI", K_TEXT, SP(call_pickup_uri) },
    { FEATURES "callPickupListURI", K_TEXT, SP(call_pickup_list_uri) },
    { FEATURES "callPickupGroupURI", K_TEXT, SP(call_pickup_group_uri) },
    { FEATURES "meetMeServiceURI", K_TEXT, SP(meet_me_service_uri) },
    { FEATURES "abbreviatedDialURI", K_TEXT, SP(abbreviated_dial_uri) },
    { FEATURES "rfc2543Hold", K_BOOL, SP(rfc2543_hold) },
    { FEATURES "semiAttendedTransfer", K_BOOL, SP(semi_attended_transfer) },
    { STACK "sipInviteRetx", K_INT, SP(sip_invite_retx) },
    { STACK "sipRetx", K_INT, SP(sip_retx) },
    { STACK "timerInviteExpires", K_INT, SP(timer_invite_expires) },
    { STACK "timerRegisterExpires", K_INT, SP(timer_register_expires) },
    { STACK "timerRegisterDelta", K_INT, SP(timer_register_delta) },
    { STACK "timerKeepAliveExpires", K_INT, SP(timer_keepalive_expires) },
    { STACK "timerSubscribeExpires", K_INT, SP(timer_subscribe_expires) },
    { STACK "timerSubscribeDelta", K_INT, SP(timer_subscribe_delta) },
    { STACK "timerT1", K_INT, SP(timer_t1) },
    { STACK "timerT2", K_INT, SP(timer_t2) },
    { STACK "maxRedirects", K_INT, SP(max_redirects) },
    { STACK "remotePartyID", K_BOOL, SP(remote_party_id) },
    { STACK "userInfo", K_USER_INFO, SP(user_info) },
    { "sipProfile/enableVad", K_BOOL, SP(enable_vad) },
    { "sipProfile/dtmfAvtPayload", K_INT, SP(dtmf_avt_payload) },
    { "sipProfile/startMediaPort", K_INT, SP(start_media_port) },
    { "sipProfile/stopMediaPort", K_INT, SP(stop_media_port) },
    { "sipProfile/natEnabled", K_BOOL, SP(nat_enabled) },
    { "sipProfile/natAddress", K_TEXT, SP(nat_address) },
    { "sipProfile/voipControlPort", K_INT, SP(voip_control_port) },
};
#undef SP
#undef STACK
#undef FEATURES

/* Below a member prototype: one call manager. */
static const struct field_map member_fields[] = {
    { "callManager/name", K_TEXT, offsetof(struct call_manager_view, name) },
    { "callManager/ports/sipPort", K_INT, offsetof(struct call_manager_view, sip_port) },
    { "callManager/ports/securedSipPort", K_INT,
      offsetof(struct call_manager_view, secured_sip_port) },
    { "callManager/processNodeName", K_TEXT, offsetof(struct call_manager_view, host) },
};

/* Below an ntp prototype: the server (a char[] of its own). */
static const struct field_map ntp_fields[] = {
    { "name", K_TEXT, 0 },
};

#define LV(m) offsetof(struct line_view, m)
/* Below a line prototype: one line appearance.  port is the call manager's. */
static const struct field_map line_fields[] = {
    { "featureLabel", K_TEXT, LV(feature_label) },
    { "name", K_TEXT, LV(name) },
    { "displayName", K_TEXT, LV(display_name) },
    { "authName", K_TEXT, LV(auth_name) },
    { "authPassword", K_TEXT, LV(auth_password) },
    { "sharedLine", K_FLAG, LV(shared) },
    { "messagesNumber", K_TEXT, LV(messages_number) },
    { "contact", K_OPTIONAL, LV(contact) },
    { "maxNumCalls", K_INT, LV(max_num_calls) },
    { "busyTrigger", K_INT, LV(busy_trigger) },
};
#undef LV

/* Values copied into the file's own elements, f[] by enum field. */
struct element_value {
    enum field field;
    enum kind kind;
    size_t off;
};

#define SS(m) offsetof(struct system_settings, m)
/* The cluster, in both files. */
static const struct element_value cluster_values[] = {
    { F_SIP_PORT, K_INT, SS(sip_port) },
    { F_SECURE_SIP_PORT, K_INT, SS(secure_sip_port) },
    { F_PROCESS_NODE, K_TEXT, SS(call_manager_host) },
    { F_TVS_PORT, K_INT, SS(tvs_port) },
    { F_TVS_ADDRESS, K_TEXT, SS(call_manager_host) },
};
#undef SS

#define DV(m) offsetof(struct device_view, m)
/* A phone's own values, with the system settings' clock and locales. */
static const struct element_value device_values[] = {
    { F_TIME_ZONE, K_TEXT, DV(sys.time_zone) },
    { F_DND_CONTROL, K_INT, DV(dnd_option) },
    { F_PRIME_LINE, K_BOOL, DV(always_use_prime_line) },
    { F_PRIME_LINE_VM, K_BOOL, DV(always_use_prime_line_vm) },
    { F_PHONE_PASSWORD, K_TEXT, DV(phone_password) },
    { F_BACKGROUND_ACCESS, K_BOOL, DV(background_image_access) },
    { F_LOAD, K_TEXT, DV(load) },
    { F_USER_LOCALE, K_TEXT, DV(sys.user_locale) },
    { F_NETWORK_LOCALE, K_TEXT, DV(sys.network_locale) },
    { F_NETWORK_LOCALE_INFO, K_TEXT, DV(sys.network_locale) },
    { F_PROVISIONING, K_INT, DV(services_provisioning) },
    { F_PERSONALIZATION, K_INT, DV(phone_personalization) },
    { F_DND_ALERT, K_INT, DV(dnd_call_alert) },
    { F_SSH_USER, K_TEXT, DV(ssh_user_id) },
    { F_SSH_PASSWORD, K_TEXT, DV(ssh_password) },
};
#undef DV

#define CC(m) offsetof(struct call_control_view, m)
/* A phone with call control: its pool's names and clock, its policy file and
 * locales (instead of the system settings'), its SIP profile's transport. */
static const struct element_value cc_values[] = {
    { F_POOL_NAME, K_TEXT, CC(device_pool) },
    { F_DTS_NAME, K_TEXT, CC(date_time_group) },
    { F_DATE_TEMPLATE, K_TEXT, CC(date_template) },
    { F_TIME_ZONE, K_TEXT, CC(time_zone) },
    { F_CMG_NAME, K_TEXT, CC(call_manager_group) },
    { F_FEATURE_POLICY, K_TEXT, CC(feature_policy_file) },
    { F_USER_LOCALE, K_TEXT, CC(user_locale) },
    { F_NETWORK_LOCALE, K_TEXT, CC(network_locale) },
    { F_NETWORK_LOCALE_INFO, K_TEXT, CC(network_locale) },
    { F_TRANSPORT, K_INT, CC(sip.transport) },
    { F_SECURITY_MODE, K_INT, CC(sip.device_security_mode) },
};
#undef CC

#define N_OF(a) (sizeof (a) / sizeof (a)[0])
#define CC_ONLY_MAX 64                  /* marked elements in a skeleton */
static const char cc_marker[] = "ucprov", cc_marker_value[] = "call-control";

struct render_templates {
    xmlDocPtr device;
    xmlDocPtr fallback;   /* XMLDefault */
    struct node_path device_at[F_COUNT], fallback_at[F_COMMON];
    struct node_path sip_at[N_OF(sip_fields)];
    struct node_path member_at[N_OF(member_fields)], ntp_at[N_OF(ntp_fields)];
    struct node_path line_at[N_OF(line_fields)], line_port_at;
    struct node_path cc_only_at[CC_ONLY_MAX];   /* outermost marked elements */
    size_t n_cc_only;
};

#endif
