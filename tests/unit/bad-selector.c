/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Broken selector plugins for test-selector-load: built once per FLAW_* define. */
#include <errno.h>

#include "mpath-selector.h"

/* Defined by libmpath (and linked into the test), but never exported to plugins. */
int mp_log_internal(int level, int error, const char *file, int line, const char *func,
		    const char *fmt, ...);

static __attribute__((unused)) int bad_build_layout(const struct mpath_sel_map *map, struct mpath_sel_layout *layout)
{
#ifdef FLAW_UNDEFINED_SYMBOL
	return mp_log_internal(3, 0, "", 0, "", "plugins cannot call the daemon");
#else
	return -ENOSYS;
#endif
}

#ifdef FLAW_NO_SYMBOL
/* exported under the wrong name */
MPATH_SELECTOR_EXPORT const struct mpath_selector_ops mpath_selector_v1 = {
	.abi_version = MPATH_SELECTOR_ABI_VERSION,
	.name = "no-symbol",
	.build_layout = bad_build_layout,
};
#else
MPATH_SELECTOR_EXPORT const struct mpath_selector_ops mpath_selector = {
#ifdef FLAW_BAD_ABI
	.abi_version = MPATH_SELECTOR_ABI_VERSION + 41,
#else
	.abi_version = MPATH_SELECTOR_ABI_VERSION,
#endif
#ifdef FLAW_WRONG_NAME
	.name = "round-robin",
#elif defined(FLAW_BAD_ABI)
	.name = "bad-abi",
#elif defined(FLAW_NO_BUILD_LAYOUT)
	.name = "no-build-layout",
#else
	.name = "undefined-symbol",
#endif
	.description = "broken on purpose",
#ifndef FLAW_NO_BUILD_LAYOUT
	.build_layout = bad_build_layout,
#endif
};
#endif
