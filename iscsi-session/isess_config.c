/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The manager's settings from the iscsi section, with defaults, and the root-only CHAP file. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "isess_config.h"
#include "layout.h"
#include "util.h"

static void secret_free(const char *s)
{
	if (s) {
		explicit_bzero((char *)s, strlen(s));
		free((char *)s);
	}
}

static void chap_clear(struct iscsiadm_chap *c)
{
	free((char *)c->username);
	secret_free(c->password);
	free((char *)c->username_in);
	secret_free(c->password_in);
	*c = (struct iscsiadm_chap) { 0 };
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

struct isess_config *isess_config_free(struct isess_config *c)
{
	if (!c)
		return NULL;
	free(c->discovery);
	strv_free(c->nics, c->n_nics);
	free(c->heartbeat);
	free(c->excludes);
	strv_free(c->volumes, c->n_volumes);
	free(c->chap_file);
	chap_clear(&c->chap);
	free(c->iscsiadm);
	free(c);
	return NULL;
}

DEFINE_FREE_FUNC(struct isess_config, isess_config_free)

static int strv_copy(const char *const *src, size_t n, char ***ret)
{
	char **v = calloc(n ? n : 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!(v[i] = strdup(src[i]))) {
			strv_free(v, i);
			return -ENOMEM;
		}
	*ret = v;
	return 0;
}

static int chap_set(const char **field, const char *value)
{
	secret_free(*field);
	*field = strdup(value);
	return *field ? 0 : -ENOMEM;
}

int isess_chap_parse(const char *text, struct iscsiadm_chap *ret, char *err, size_t err_size)
{
	struct iscsiadm_chap c = { 0 };
	unsigned lineno = 0;
	int r = 0;

	while (r == 0 && *text) {
		size_t len = strcspn(text, "\n");
		char line[512], key[32], value[256];
		int n;

		lineno++;
		snprintf(line, sizeof(line), "%.*s", (int)(len < sizeof(line) ? len : sizeof(line) - 1), text);
		text += len + (text[len] == '\n');
		line[strcspn(line, "#")] = '\0';
		n = sscanf(line, "%31s %255s", key, value);
		if (n <= 0)
			continue;
		if (n != 2) {
			snprintf(err, err_size, "line %u: expected \"KEY VALUE\"", lineno);
			r = -EINVAL;
		} else if (streq(key, "username")) {
			r = chap_set(&c.username, value);
		} else if (streq(key, "password")) {
			r = chap_set(&c.password, value);
		} else if (streq(key, "username_in")) {
			r = chap_set(&c.username_in, value);
		} else if (streq(key, "password_in")) {
			r = chap_set(&c.password_in, value);
		} else {
			snprintf(err, err_size, "line %u: unknown key \"%s\"", lineno, key);
			r = -EINVAL;
		}
		explicit_bzero(line, sizeof(line));
		explicit_bzero(value, sizeof(value));
	}
	if (r == 0 && (!c.username || !c.password)) {
		snprintf(err, err_size, "it needs both username and password");
		r = -EINVAL;
	}
	if (r == 0 && !c.username_in != !c.password_in) {
		snprintf(err, err_size, "username_in and password_in go together");
		r = -EINVAL;
	}
	if (r < 0) {
		chap_clear(&c);
		return r;
	}
	*ret = c;
	return 0;
}

/* Root-only, or refused: the file holds the group's secret. */
static void chap_load(struct isess_config *c)
{
	char text[4096];
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(c->chap_file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		snprintf(c->chap_error, sizeof(c->chap_error), "cannot open it: %s", strerror(errno));
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(c->chap_error, sizeof(c->chap_error), "it is not a regular file");
	} else if (st.st_uid != 0) {
		snprintf(c->chap_error, sizeof(c->chap_error), "it is owned by uid %u, not root", (unsigned)st.st_uid);
	} else if (st.st_mode & 077) {
		snprintf(c->chap_error, sizeof(c->chap_error),
			 "its mode is %04o: others can read it (fix: chmod 600 %s)", (unsigned)(st.st_mode & 07777),
			 c->chap_file);
	} else if ((n = read(fd, text, sizeof(text) - 1)) < 0) {
		snprintf(c->chap_error, sizeof(c->chap_error), "cannot read it: %s", strerror(errno));
	} else {
		char err[96] = "";

		text[n] = '\0';
		if (isess_chap_parse(text, &c->chap, err, sizeof(err)) == 0)
			c->have_chap = true;
		else
			snprintf(c->chap_error, sizeof(c->chap_error), "%s", err);
		explicit_bzero(text, sizeof(text));
	}
	close(fd);
}

/* iscsi section > defaults section > EHCM's default. */
static unsigned limit(unsigned section, const struct mp_setting *dflt, unsigned fallback)
{
	if (section)
		return section;
	if (dflt->set && dflt->kind == MP_ORIGIN_DEFAULTS)
		return (unsigned)dflt->num;
	return fallback;
}

static unsigned or_default(unsigned v, unsigned d)
{
	return v ? v : d;
}

static int copy_lists(struct isess_config *c, const struct mp_iscsi_settings *is)
{
	c->discovery = calloc(is->n_discovery ? is->n_discovery : 1, sizeof(*c->discovery));
	c->excludes = calloc(is->n_excludes ? is->n_excludes : 1, sizeof(*c->excludes));
	if (!c->discovery || !c->excludes)
		return -ENOMEM;
	memcpy(c->discovery, is->discovery, is->n_discovery * sizeof(*c->discovery));
	c->n_discovery = is->n_discovery;
	memcpy(c->excludes, is->excludes, is->n_excludes * sizeof(*c->excludes));
	c->n_excludes = is->n_excludes;
	if (strv_copy(is->nics, is->n_nics, &c->nics) < 0)
		return -ENOMEM;
	c->n_nics = is->n_nics;
	if (strv_copy(is->volumes, is->n_volumes, &c->volumes) < 0)
		return -ENOMEM;
	c->n_volumes = is->n_volumes;
	if (is->heartbeat && !(c->heartbeat = strdup(is->heartbeat)))
		return -ENOMEM;
	if (is->chap_file && !(c->chap_file = strdup(is->chap_file)))
		return -ENOMEM;
	return 0;
}

int isess_config_new(const struct mp_config *cfg, struct isess_config **ret)
{
	_cleanup_(isess_config_freep) struct isess_config *c = NULL;
	struct mp_iscsi_settings is;
	struct mp_map_settings dflt;
	int r;

	*ret = NULL;
	r = mp_config_iscsi(cfg, &is);
	if (r < 0 || !is.present)
		return r < 0 ? r : 0;
	r = mp_config_resolve(cfg, &(struct mp_path_ident) { 0 }, &dflt);
	if (r < 0)
		return r;
	c = calloc(1, sizeof(*c));
	if (!c || copy_lists(c, &is) < 0 || !(c->iscsiadm = strdup("iscsiadm")))
		return -ENOMEM;
	c->membersessions = limit(is.membersessions, &dflt.key[MP_KEY_MEMBERSESSIONS], ISESS_DEFAULT_MEMBERSESSIONS);
	c->volumesessions = limit(is.volumesessions, &dflt.key[MP_KEY_VOLUMESESSIONS], ISESS_DEFAULT_VOLUMESESSIONS);
	c->totalsessions = limit(is.totalsessions, &dflt.key[MP_KEY_TOTALSESSIONS], ISESS_DEFAULT_TOTALSESSIONS);
	c->mtu = is.mtu;
	c->probe_interval_ms = or_default(is.probe_interval_ms, ISESS_DEFAULT_PROBE_INTERVAL_MS);
	c->login_timeout_s = or_default(is.login_timeout_s, ISESS_DEFAULT_LOGIN_TIMEOUT_S);
	c->discovery_interval_s = or_default(is.discovery_interval_s, ISESS_DEFAULT_DISCOVERY_INTERVAL_S);
	if (c->chap_file)
		chap_load(c);
	*ret = TAKE_PTR(c);
	return 0;
}

bool isess_config_nic_excluded(const struct isess_config *c, const char *nic)
{
	for (size_t i = 0; i < c->n_excludes; i++)
		if (c->excludes[i].nic[0] && streq(c->excludes[i].nic, nic))
			return true;
	return false;
}

bool isess_config_addr_excluded(const struct isess_config *c, const char *addr)
{
	for (size_t i = 0; i < c->n_excludes; i++) {
		const struct mp_iscsi_exclude *ex = &c->excludes[i];
		struct layout_subnet net = { .family = ex->family, .prefix = ex->prefix };

		if (ex->nic[0] || inet_pton(ex->family, ex->addr, net.addr) != 1)
			continue;
		if (layout_subnet_contains(&net, addr))
			return true;
	}
	return false;
}

bool isess_config_wants_volume(const struct isess_config *c, const char *target)
{
	if (c->n_volumes == 0)
		return true;
	for (size_t i = 0; i < c->n_volumes; i++)
		if (strcasecmp(c->volumes[i], target) == 0)
			return true;
	return false;
}
