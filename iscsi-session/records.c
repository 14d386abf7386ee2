/* SPDX-License-Identifier: GPL-2.0-or-later */
/* iface records through libopeniscsiusr: small files, read off the loop (they are files on a disk). */
#include <errno.h>
#include <libopeniscsiusr.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "records.h"
#include "log.h"
#include "util.h"

/* The library reports malformed records; they are worth a debug line, not stderr. */
static void lib_log(struct iscsi_context *ctx, int priority, const char *file, int line,
		    const char *func, const char *format, va_list args)
{
	char msg[256];

	vsnprintf(msg, sizeof(msg), format, args);
	msg[strcspn(msg, "\n")] = '\0';
	log_debug("libopeniscsiusr: %s", msg);
}

static struct iscsi_context *context(void)
{
	struct iscsi_context *ctx = iscsi_context_new();

	if (ctx)
		iscsi_context_log_func_set(ctx, lib_log);
	return ctx;
}

int records_ifaces_bound_to(const char *netdev, char *buf, size_t size)
{
	struct iscsi_context *ctx = context();
	struct iscsi_iface **ifaces = NULL;
	uint32_t n = 0;
	size_t used = 0;
	int found = 0;

	buf[0] = '\0';
	if (!ctx)
		return -EIO;
	if (iscsi_ifaces_get(ctx, &ifaces, &n) != LIBISCSI_OK) {
		iscsi_context_free(ctx);
		return -EIO;
	}
	for (uint32_t i = 0; i < n; i++) {
		const char *dev = iscsi_iface_netdev_get(ifaces[i]);

		if (!dev || !streq(dev, netdev))
			continue;
		found++;
		if (used < size)
			used += snprintf(buf + used, size - used, "%s%s", used ? " " : "", iscsi_iface_name_get(ifaces[i]));
	}
	iscsi_ifaces_free(ifaces, n);
	iscsi_context_free(ctx);
	return found;
}
