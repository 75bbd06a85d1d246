/* pages.h - moved: the web admin's entry points are declared in web/web.h.
 * Kept only so that admin.c builds until it includes "web/web.h"; then delete. */
#include "web/web.h"
