/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Loads multipath.conf and its conf.d folder, adds the compiled-in and built-in tables, and checks the result. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_internal.h"
#include "log.h"
#include "util.h"

#define CFG_FILE_MAX (16u << 20)
#define DEFAULT_DEVNODE_BLACKLIST "^(ram|zram|raw|loop|fd|md|dm-|sr|scd|st|dcssblk|nvme)[0-9]"

struct mp_config *mp_config_free(struct mp_config *cfg)
{
	if (!cfg)
		return NULL;
	for (size_t i = 0; i < CFG_SEC_TOP_COUNT; i++)
		cfg_section_free(cfg->top[i]);
	cfg_section_free(cfg->compiled);
	cfg_section_free(cfg->default_blacklist);
	cfg_section_free(cfg->builtin);
	for (size_t i = 0; i < cfg->n_files; i++)
		free(cfg->files[i]);
	free(cfg->files);
	free(cfg->iscsi_nics);
	free(cfg->iscsi_discovery);
	free(cfg->iscsi_excludes);
	free(cfg->iscsi_volumes);
	free(cfg);
	return NULL;
}

/* Items point at their file name, so every name read lives in the config. */
static const char *intern_file(struct mp_config *cfg, const char *name)
{
	char **files = realloc(cfg->files, (cfg->n_files + 1) * sizeof(*files));

	if (!files)
		return NULL;
	cfg->files = files;
	files[cfg->n_files] = strdup(name);
	return files[cfg->n_files] ? files[cfg->n_files++] : NULL;
}

/* The compiled-in defaults go through the same keyword handlers as files do,
 * which also proves they are valid. */
static int load_compiled(struct cfg_parser *p)
{
	for (enum mp_key key = 0; key < MP_KEY_COUNT; key++) {
		const struct cfg_keyword *kw = cfg_keyword_by_key(key);
		int r;

		if (!kw || !kw->fallback)
			continue;
		r = cfg_apply(p, p->cfg->compiled, kw->name, kw->fallback);
		if (r < 0)
			return r;
	}
	return cfg_apply(p, p->cfg->default_blacklist, "devnode", DEFAULT_DEVNODE_BLACKLIST);
}

static int config_new(unsigned flags, struct mp_config_diag *diag, struct mp_config **ret)
{
	_cleanup_(mp_config_freep) struct mp_config *cfg = calloc(1, sizeof(*cfg));
	struct cfg_parser p = { .diag = diag, .main_file = true };
	int r;

	if (!cfg)
		return -ENOMEM;
	for (size_t i = 0; i < CFG_SEC_TOP_COUNT; i++)
		if (!(cfg->top[i] = cfg_section_new(i, NULL, 0)))
			return -ENOMEM;
	cfg->compiled = cfg_section_new(CFG_SEC_DEFAULTS, NULL, 0);
	cfg->default_blacklist = cfg_section_new(CFG_SEC_BLACKLIST, NULL, 0);
	cfg->builtin = cfg_section_new(CFG_SEC_DEVICES, NULL, 0);
	if (!cfg->compiled || !cfg->default_blacklist || !cfg->builtin)
		return -ENOMEM;
	p.cfg = cfg;
	r = load_compiled(&p);
	if (r >= 0 && !(flags & MP_CONFIG_NO_BUILTIN))
		r = cfg_hwtable_load(&p, cfg->builtin);
	if (r < 0 || p.oom)
		return r == -ENOMEM || p.oom ? -ENOMEM : r;
	*ret = TAKE_PTR(cfg);
	return 0;
}

static int parse_named(struct mp_config *cfg, struct mp_config_diag *diag, const char *name,
		       const char *text, size_t len, bool main_file)
{
	struct cfg_parser p = { .cfg = cfg, .diag = diag, .main_file = main_file };

	p.file = intern_file(cfg, name);
	if (!p.file)
		return -ENOMEM;
	return cfg_parse_text(&p, text, len);
}

static int read_fd(int fd, char **ret, size_t *ret_len)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, size = 0;

	for (;;) {
		ssize_t n;

		if (len == size) {
			char *b;

			if (size >= CFG_FILE_MAX)
				return -EFBIG;
			size = size ? size * 2 : 16384;
			b = realloc(buf, size);
			if (!b)
				return -ENOMEM;
			buf = b;
		}
		n = read(fd, buf + len, size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += n;
	}
	*ret = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

static int read_file(const char *path, char **ret, size_t *ret_len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	return read_fd(fd, ret, ret_len);
}

static int report_file(struct mp_config_diag *diag, const char *path, int error)
{
	char text[256];

	snprintf(text, sizeof(text), "cannot read: %s", strerror(-error));
	return cfg_diag_add(diag, MP_DIAG_ERROR, path, 0, text);
}

/* Return 0 with the file parsed, -ENOENT if missing, or -errno after reporting it. */
static int load_file(struct mp_config *cfg, struct mp_config_diag *diag, const char *path,
		     bool main_file)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = read_file(path, &text, &len);

	if (r == -ENOENT)
		return r;
	if (r < 0)
		return report_file(diag, path, r) < 0 ? -ENOMEM : r;
	return parse_named(cfg, diag, path, text, len, main_file);
}

static int conf_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && streq(d->d_name + n - 5, ".conf");
}

/* strcmp(), not alphasort(): the order must not depend on the locale. */
static int conf_compare(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int load_one_conf(struct mp_config *cfg, struct mp_config_diag *diag, const char *dir,
			 const char *name)
{
	_cleanup_free_ char *path = NULL;
	struct stat st;
	int r;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return -ENOMEM;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return 0;
	r = load_file(cfg, diag, path, false);
	if (r == -ENOENT)	/* removed while we read the folder */
		return 0;
	return r == -ENOMEM ? r : 0;
}

static int load_conf_dir(struct mp_config *cfg, struct mp_config_diag *diag, const char *dir)
{
	struct dirent **list = NULL;
	int n = scandir(dir, &list, conf_filter, conf_compare);
	int r = 0;

	if (n < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return report_file(diag, dir, -errno) < 0 ? -ENOMEM : 0;
	}
	for (int i = 0; i < n; i++) {
		if (r >= 0)
			r = load_one_conf(cfg, diag, dir, list[i]->d_name);
		free(list[i]);
	}
	free(list);
	return r;
}

static int conclude(struct mp_config_diag *diag, struct mp_config_diag *local,
		    size_t errors_before, int r)
{
	if (r >= 0 && diag->n_errors > errors_before)
		r = -EINVAL;
	if (diag == local) {
		cfg_diag_log(local);
		mp_config_diag_clear(local);
	}
	return r;
}

int mp_config_parse_string(const char *text, size_t len, const char *name, unsigned flags,
			   struct mp_config **ret, struct mp_config_diag *diag)
{
	_cleanup_(mp_config_freep) struct mp_config *cfg = NULL;
	struct mp_config_diag local = MP_CONFIG_DIAG_INIT;
	struct mp_config_diag *d = diag ? diag : &local;
	size_t errors_before = d->n_errors;
	int r;

	if (!ret || (!text && len))
		return -EINVAL;
	r = config_new(flags, d, &cfg);
	if (r >= 0)
		r = parse_named(cfg, d, name ? name : "<string>", text ? text : "", len, true);
	if (r >= 0)
		r = cfg_finalize(&(struct cfg_parser) { .cfg = cfg, .diag = d });
	r = conclude(d, &local, errors_before, r);
	if (r >= 0)
		*ret = TAKE_PTR(cfg);
	return r;
}

static int load_all(struct mp_config *cfg, struct mp_config_diag *diag, const char *file,
		    const char *conf_dir, unsigned flags)
{
	const struct mp_item *dir;
	int r = load_file(cfg, diag, file, true), main_r = 0;

	if (r == -ENOENT && (flags & MP_CONFIG_STRICT)) {
		report_file(diag, file, r);
		return r;
	}
	if (r == -ENOENT)
		log_debug("%s does not exist, using the built-in configuration", file);
	else if (r == -ENOMEM)
		return r;
	else if (r < 0)
		main_r = r;	/* reported; still check the drop-ins so all errors show */
	dir = cfg_section_find(cfg->top[CFG_SEC_DEFAULTS], MP_KEY_CONFIG_DIR);
	if (dir)
		conf_dir = dir->str;
	r = conf_dir ? load_conf_dir(cfg, diag, conf_dir) : 0;
	if (r >= 0)
		r = cfg_finalize(&(struct cfg_parser) { .cfg = cfg, .diag = diag });
	return r < 0 ? r : main_r;
}

int mp_config_load(const char *file, const char *conf_dir, unsigned flags,
		   struct mp_config **ret, struct mp_config_diag *diag)
{
	_cleanup_(mp_config_freep) struct mp_config *cfg = NULL;
	struct mp_config_diag local = MP_CONFIG_DIAG_INIT;
	struct mp_config_diag *d = diag ? diag : &local;
	size_t errors_before = d->n_errors;
	int r;

	if (!file || !ret)
		return -EINVAL;
	r = config_new(flags, d, &cfg);
	if (r >= 0)
		r = load_all(cfg, d, file, conf_dir, flags);
	r = conclude(d, &local, errors_before, r);
	if (r >= 0)
		*ret = TAKE_PTR(cfg);
	return r;
}
