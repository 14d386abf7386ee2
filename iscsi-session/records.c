/* SPDX-License-Identifier: GPL-2.0-or-later */
/* iface and node records through libopeniscsiusr: small files, read without touching any device. */
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

int records_iface_netdev(const char *name, char *buf, size_t size)
{
	struct iscsi_context *ctx = context();
	struct iscsi_iface *iface = NULL;
	const char *netdev;
	int r;

	buf[0] = '\0';
	if (!ctx)
		return -EIO;
	r = iscsi_iface_get(ctx, name, &iface);
	if (r == LIBISCSI_OK) {
		netdev = iscsi_iface_netdev_get(iface);
		snprintf(buf, size, "%s", netdev && !streq(netdev, "<empty>") ? netdev : "");
		iscsi_iface_free(iface);
	}
	iscsi_context_free(ctx);
	return r == LIBISCSI_OK ? 0 : r == LIBISCSI_ERR_IDBM || r == LIBISCSI_ERR_ACCESS ? -ENOENT : -EIO;
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

static bool config_has(const char *dump, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = dump; (p = strstr(p, line)); p += n)
		if ((p == dump || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

static bool node_is(struct iscsi_node *node, const struct iscsiadm_node *n)
{
	const char *t = iscsi_node_target_name_get(node), *a = iscsi_node_conn_address_get(node);
	const char *i = iscsi_node_iface_name_get(node);

	return t && a && i && streq(t, n->target) && streq(a, n->addr) && streq(i, n->iface) &&
	       iscsi_node_conn_port_get(node) == (n->port ? n->port : 3260) &&
	       (n->tpgt < 0 || iscsi_node_tpgt_get(node) == n->tpgt);
}

struct records_nodes {
	struct iscsi_context *ctx;
	struct iscsi_node **nodes;
	uint32_t count;
};

int records_nodes_read(struct records_nodes **ret)
{
	struct records_nodes *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	r->ctx = context();
	if (!r->ctx) {
		free(r);
		return -ENOMEM;
	}
	if (iscsi_nodes_get(r->ctx, &r->nodes, &r->count) != LIBISCSI_OK) {
		r->nodes = NULL;
		r->count = 0;	/* none readable: every login writes its record */
	}
	*ret = r;
	return 0;
}

struct records_nodes *records_nodes_free(struct records_nodes *r)
{
	if (!r)
		return NULL;
	if (r->nodes)
		iscsi_nodes_free(r->nodes, r->count);
	iscsi_context_free(r->ctx);
	free(r);
	return NULL;
}

bool records_node_ready(const struct records_nodes *r, const struct iscsiadm_node *n, unsigned login_timeout,
			const char *chap_user)
{
	bool ready = false;
	char want[96];

	for (uint32_t k = 0; r && k < r->count && !ready; k++) {
		const char *dump;

		if (!node_is(r->nodes[k], n))
			continue;
		dump = iscsi_node_dump_config(r->nodes[k], false);
		snprintf(want, sizeof(want), "node.conn[0].timeo.login_timeout = %u", login_timeout);
		ready = dump && config_has(dump, "node.startup = manual") && config_has(dump, want);
		if (ready && chap_user) {
			snprintf(want, sizeof(want), "node.session.auth.username = %s", chap_user);
			ready = config_has(dump, want);
		}
		free((char *)dump);
	}
	return ready;
}
