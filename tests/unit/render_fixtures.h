/* render_fixtures.h - what the render suite's files share: the parsed templates
 * (one per test, from the checked fixture), the lab's views, and the call
 * control cases of test_render_cc.c. */
#ifndef UCPROV_RENDER_FIXTURES_H
#define UCPROV_RENDER_FIXTURES_H

#include <check.h>

#include "server/model.h"
#include "server/render.h"

extern struct render_templates *tpl;
void setup(void);
void teardown(void);

void set_sys(struct system_settings *sys);
/* A phone of the lab: a VPN group of two gateways carrying three certificates. */
void vpn_view(struct device_view *v);
/* A phone whose common phone profile names no VPN group. */
void novpn_view(struct device_view *v);
/* render_device() succeeded with a complete result. */
void render_ok(const struct device_view *v, struct rendered *out);

/* The call control test cases (test_render_cc.c). */
void add_call_control_tests(Suite *s);

#endif
