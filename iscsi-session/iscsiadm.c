/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The iscsiadm command lines of the manager and the parser of SendTargets output. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iscsiadm.h"
#include "util.h"

void iscsiadm_iface_name(const char *nic, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s", ISCSIADM_IFACE_PREFIX, nic);
}

const char *iscsiadm_iface_nic(const char *iface)
{
	size_t n = strlen(ISCSIADM_IFACE_PREFIX);

	return iface && strncmp(iface, ISCSIADM_IFACE_PREFIX, n) == 0 && iface[n] ? iface + n : NULL;
}

static void cmd_init(struct iscsiadm_cmd *cmd, const char *prog)
{
	cmd->used = 0;
	cmd->argc = 0;
	cmd->argv[cmd->argc++] = (char *)prog;
	cmd->argv[cmd->argc] = NULL;
}

/* Append one word (copied into the buffer); -ENAMETOOLONG when it does not fit. */
static int __attribute__((format(printf, 2, 3))) cmd_add(struct iscsiadm_cmd *cmd, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (cmd->argc + 1 >= ISCSIADM_ARGV_MAX)
		return -ENAMETOOLONG;
	va_start(ap, fmt);
	n = vsnprintf(cmd->buf + cmd->used, sizeof(cmd->buf) - cmd->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(cmd->buf) - cmd->used)
		return -ENAMETOOLONG;
	cmd->argv[cmd->argc++] = cmd->buf + cmd->used;
	cmd->argv[cmd->argc] = NULL;
	cmd->used += (size_t)n + 1;
	return 0;
}

/* Several words at once: cmd_words(cmd, "-m", "node", NULL). */
static int cmd_words(struct iscsiadm_cmd *cmd, ...)
{
	va_list ap;
	const char *w;
	int r = 0;

	va_start(ap, cmd);
	while (r == 0 && (w = va_arg(ap, const char *)))
		r = cmd_add(cmd, "%s", w);
	va_end(ap);
	return r;
}

/* "ADDR:PORT[,TPGT]", with brackets for IPv6, as iscsiadm takes a portal. */
static int cmd_portal(struct iscsiadm_cmd *cmd, const char *addr, unsigned port, int tpgt)
{
	const char *open = strchr(addr, ':') ? "[" : "", *close = *open ? "]" : "";
	int r = cmd_add(cmd, "-p");

	if (r < 0)
		return r;
	if (tpgt >= 0)
		return cmd_add(cmd, "%s%s%s:%u,%d", open, addr, close, port ? port : 3260, tpgt);
	return cmd_add(cmd, "%s%s%s:%u", open, addr, close, port ? port : 3260);
}

static int cmd_node(struct iscsiadm_cmd *cmd, const struct iscsiadm_node *n)
{
	int r = cmd_words(cmd, "-T", n->target, NULL);

	if (r >= 0)
		r = cmd_portal(cmd, n->addr, n->port, n->tpgt);
	return r < 0 ? r : cmd_words(cmd, "-I", n->iface, NULL);
}

int iscsiadm_iface_new(struct iscsiadm_cmd *cmd, const char *prog, const char *iface)
{
	cmd_init(cmd, prog);
	return cmd_words(cmd, "-m", "iface", "-I", iface, "-o", "new", NULL);
}

int iscsiadm_iface_bind(struct iscsiadm_cmd *cmd, const char *prog, const char *iface, const char *nic)
{
	cmd_init(cmd, prog);
	return cmd_words(cmd, "-m", "iface", "-I", iface, "-o", "update", "-n", "iface.net_ifacename",
			 "-v", nic, NULL);
}

int iscsiadm_iface_delete(struct iscsiadm_cmd *cmd, const char *prog, const char *iface)
{
	cmd_init(cmd, prog);
	return cmd_words(cmd, "-m", "iface", "-I", iface, "-o", "delete", NULL);
}

int iscsiadm_discover(struct iscsiadm_cmd *cmd, const char *prog, const char *addr, unsigned port,
		      const char *iface)
{
	int r;

	cmd_init(cmd, prog);
	r = cmd_words(cmd, "-m", "discovery", "-t", "st", NULL);
	if (r >= 0)
		r = cmd_portal(cmd, addr, port, -1);
	if (r >= 0 && iface)
		r = cmd_words(cmd, "-I", iface, NULL);
	return r < 0 ? r : cmd_words(cmd, "-o", "nonpersistent", NULL);
}

int iscsiadm_node_new(struct iscsiadm_cmd *cmd, const char *prog, const struct iscsiadm_node *n)
{
	int r;

	cmd_init(cmd, prog);
	r = cmd_words(cmd, "-m", "node", "-o", "new", NULL);
	return r < 0 ? r : cmd_node(cmd, n);
}

static int cmd_setting(struct iscsiadm_cmd *cmd, const char *name, const char *value)
{
	return cmd_words(cmd, "-n", name, "-v", value, NULL);
}

/* CHAP's method and user names; the secrets never go on a command line (noderec.c writes them). */
static int cmd_chap(struct iscsiadm_cmd *cmd, const struct iscsiadm_chap *chap)
{
	int r = cmd_setting(cmd, "node.session.auth.authmethod", "CHAP");

	if (r >= 0 && chap->username)
		r = cmd_setting(cmd, "node.session.auth.username", chap->username);
	if (r >= 0 && chap->username_in)
		r = cmd_setting(cmd, "node.session.auth.username_in", chap->username_in);
	return r;
}

int iscsiadm_node_settings(struct iscsiadm_cmd *cmd, const char *prog, const struct iscsiadm_node *n,
			   unsigned login_timeout, const struct iscsiadm_chap *chap)
{
	char tmo[16];
	int r;

	snprintf(tmo, sizeof(tmo), "%u", login_timeout);
	cmd_init(cmd, prog);
	r = cmd_words(cmd, "-m", "node", "-o", "update", NULL);
	if (r >= 0)
		r = cmd_node(cmd, n);
	if (r >= 0)
		r = cmd_setting(cmd, "node.startup", "manual");
	if (r >= 0)
		r = cmd_setting(cmd, "node.conn[0].timeo.login_timeout", tmo);
	if (r >= 0)
		r = cmd_setting(cmd, "node.session.initial_login_retry_max", "1");
	if (r >= 0 && chap)
		r = cmd_chap(cmd, chap);
	return r;
}

int iscsiadm_node_login(struct iscsiadm_cmd *cmd, const char *prog, const struct iscsiadm_node *n)
{
	int r;

	cmd_init(cmd, prog);
	r = cmd_words(cmd, "-m", "node", NULL);
	if (r >= 0)
		r = cmd_node(cmd, n);
	return r < 0 ? r : cmd_words(cmd, "--login", NULL);
}

int iscsiadm_node_delete(struct iscsiadm_cmd *cmd, const char *prog, const struct iscsiadm_node *n)
{
	int r;

	cmd_init(cmd, prog);
	r = cmd_words(cmd, "-m", "node", "-o", "delete", NULL);
	return r < 0 ? r : cmd_node(cmd, n);
}

int iscsiadm_target_delete(struct iscsiadm_cmd *cmd, const char *prog, const char *target)
{
	cmd_init(cmd, prog);
	return cmd_words(cmd, "-m", "node", "-o", "delete", "-T", target, NULL);
}

int iscsiadm_session_logout(struct iscsiadm_cmd *cmd, const char *prog, unsigned sid)
{
	cmd_init(cmd, prog);
	return cmd_words(cmd, "-m", "session", "-r", NULL) ?: cmd_add(cmd, "%u", sid) ?:
	       cmd_words(cmd, "--logout", NULL);
}

int iscsiadm_session_new(struct iscsiadm_cmd *cmd, const char *prog, unsigned sid)
{
	cmd_init(cmd, prog);
	return cmd_words(cmd, "-m", "session", "-r", NULL) ?: cmd_add(cmd, "%u", sid) ?:
	       cmd_words(cmd, "-o", "new", NULL);
}

bool iscsiadm_is_secret(char *const *argv, size_t i)
{
	return i >= 2 && streq(argv[i - 1], "-v") && strstr(argv[i - 2], ".password") != NULL;
}

/* ---- SendTargets output ---- */

/* "ADDR:PORT,TPGT TARGET" or "[ADDR]:PORT,TPGT TARGET"; false for other lines. */
static bool parse_record(const char *line, struct iscsiadm_record *rec)
{
	char addr[64], target[ISESS_TARGET_MAX];
	const char *p = line, *end;
	unsigned char bin[16];
	unsigned port;
	int tpgt, used = 0;
	size_t n;

	if (*p == '[') {
		end = strchr(++p, ']');
		if (!end || end[1] != ':')
			return false;
	} else {
		end = strchr(p, ':');
		if (!end)
			return false;
	}
	n = (size_t)(end - p);
	if (n == 0 || n >= sizeof(addr))
		return false;
	memcpy(addr, p, n);
	addr[n] = '\0';
	p = end + (*end == ']' ? 2 : 1);
	if (sscanf(p, "%u,%d %223s%n", &port, &tpgt, target, &used) != 3 || port == 0 || port > 65535 ||
	    p[used] != '\0')
		return false;
	rec->port = port;
	rec->tpgt = tpgt;
	if (inet_pton(AF_INET, addr, bin) == 1) {
		inet_ntop(AF_INET, bin, rec->addr, sizeof(rec->addr));
	} else if (inet_pton(AF_INET6, addr, bin) == 1) {
		inet_ntop(AF_INET6, bin, rec->addr, sizeof(rec->addr));
	} else {
		return false;
	}
	memcpy(rec->target, target, sizeof(rec->target));
	return true;
}

static bool record_known(const struct iscsiadm_record *recs, size_t n, const struct iscsiadm_record *r)
{
	for (size_t i = 0; i < n; i++)
		if (recs[i].port == r->port && recs[i].tpgt == r->tpgt && streq(recs[i].addr, r->addr) &&
		    streq(recs[i].target, r->target))
			return true;
	return false;
}

int iscsiadm_parse_discovery(const char *text, struct iscsiadm_record **ret, size_t *ret_n)
{
	struct iscsiadm_record *recs = NULL, rec;
	size_t n = 0, cap = 0;

	while (text && *text) {
		size_t len = strcspn(text, "\n");
		char line[512];

		snprintf(line, sizeof(line), "%.*s", (int)(len < sizeof(line) ? len : sizeof(line) - 1), text);
		text += len + (text[len] == '\n');
		if (!parse_record(line, &rec) || record_known(recs, n, &rec))
			continue;
		if (n == cap) {
			struct iscsiadm_record *more;

			cap = cap ? cap * 2 : 16;
			more = realloc(recs, cap * sizeof(*recs));
			if (!more) {
				free(recs);
				return -ENOMEM;
			}
			recs = more;
		}
		recs[n++] = rec;
	}
	*ret = recs;
	*ret_n = n;
	return 0;
}

const char *iscsiadm_error_name(int status)
{
	static const char *const names[] = {
		[0] = "success", [1] = "error", [2] = "session not found", [3] = "out of memory",
		[4] = "transport error", [5] = "login error", [6] = "node database error",
		[7] = "invalid argument", [8] = "transport timeout", [9] = "internal error",
		[10] = "logout error", [11] = "PDU timeout", [12] = "transport not found",
		[13] = "access denied", [14] = "transport capabilities", [15] = "session exists",
		[16] = "invalid request", [17] = "iSNS unavailable", [18] = "iscsid communication error",
		[19] = "login failed (fatal)", [20] = "iscsid not connected", [21] = "no records found",
		[22] = "sysfs lookup failed", [23] = "host not found", [24] = "authentication failed",
		[25] = "iSNS query failed", [26] = "iSNS registration failed", [27] = "not supported",
		[28] = "busy", [29] = "try again", [30] = "unknown discovery type",
		[31] = "child terminated", [32] = "session not connected", [33] = "request timed out",
	};

	if (status == -ETIMEDOUT)
		return "timed out (killed)";
	if (status < 0)
		return "could not run";
	if ((size_t)status < ARRAY_SIZE(names) && names[status])
		return names[status];
	return "unknown error";
}
