/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Selector plugins: dlopen and ABI checks, a load-once registry, and the host services they get. */
#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomic-file.h"
#include "log.h"
#include "selector_layout.h"
#include "selector_load.h"
#include "util.h"

#define NAME_MAX_LEN 63
#define STATE_MAX (1024 * 1024)

/* A state file as read at preload time, or as last saved: path and text (NULL: removed). */
struct state_entry {
	char *path;
	char *text;
};

struct mp_selector_registry {
	char *plugin_dir;
	char *state_dir;
	mp_selector_setting_fn setting;
	struct mp_selector **plugins;
	size_t nr_plugins;
	struct state_entry *states;	/* after mp_selector_registry_preload(): every state file */
	size_t nr_states;
	bool states_cached;
};

static bool name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > NAME_MAX_LEN || name[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("-_.", name[i]))
			return false;
	return true;
}

/* ---- default host services ---- */

static void __attribute__((format(printf, 3, 4)))
host_log(const struct mpath_sel_host *host, enum mpath_sel_log_level level, const char *fmt, ...)
{
	enum mp_log_level l = (enum mp_log_level)level;
	char msg[1024];
	va_list ap;

	if (l < MP_LOG_ERR)
		l = MP_LOG_ERR;
	if (l > MP_LOG_DEBUG)
		l = MP_LOG_DEBUG;
	if (l > mp_log_get_level())
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mp_log_full(l, 0, "selector %s: %s", host->plugin_name, msg);
}

static uint64_t host_now_usec(const struct mpath_sel_host *host)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int host_no_setting(const struct mpath_sel_host *host, const struct mpath_sel_map *map,
			   const char *keyword, unsigned index, const char **ret_text)
{
	return -ENOENT;
}

static int host_no_state_load(const struct mpath_sel_host *host, const char *key, char **ret_text)
{
	return -ENOENT;
}

static int host_no_state_save(const struct mpath_sel_host *host, const char *key,
			      const char *text, size_t len)
{
	return -EROFS;
}

int mp_selector_state_path(const char *state_dir, const char *plugin, const char *key, char **ret)
{
	_cleanup_free_ char *escaped = NULL;
	size_t n = 0;
	char *path;

	if (!key || !key[0])
		return -EINVAL;
	escaped = malloc(strlen(key) * 3 + 1);
	if (!escaped)
		return -ENOMEM;
	for (const char *k = key; *k; k++) {
		unsigned char c = *k;

		if (isalnum(c) || c == '-' || c == '_' || c == ':' || (c == '.' && k != key))
			escaped[n++] = c;
		else
			n += sprintf(escaped + n, "%%%02X", c);
	}
	escaped[n] = '\0';
	if (asprintf(&path, "%s/selectors/%s/%s", state_dir, plugin, escaped) < 0)
		return -ENOMEM;
	*ret = path;
	return 0;
}

static int read_small_file(const char *path, char **ret)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t len = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EBADMSG;
	if (st.st_size > STATE_MAX)
		return -EFBIG;
	buf = malloc(st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	while (len < (size_t)st.st_size) {
		ssize_t k = read(fd, buf + len, st.st_size - len);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		if (k == 0)
			break;
		len += k;
	}
	buf[len] = '\0';
	if (strlen(buf) != len)
		return -EBADMSG;	/* a NUL inside: not a text file we wrote */
	*ret = TAKE_PTR(buf);
	return 0;
}

static struct state_entry *state_find(const struct mp_selector_registry *r, const char *path)
{
	for (size_t i = 0; i < r->nr_states; i++)
		if (streq(r->states[i].path, path))
			return &r->states[i];
	return NULL;
}

/* Remember @text (copied; NULL: the file is gone) as @path's content. */
static int state_put(struct mp_selector_registry *r, const char *path, const char *text, size_t len)
{
	struct state_entry *e = state_find(r, path);
	char *copy = NULL;

	if (text && !(copy = strndup(text, len)))
		return -ENOMEM;
	if (!e) {
		struct state_entry *v = realloc(r->states, (r->nr_states + 1) * sizeof(*v));

		if (!v || !(v[r->nr_states].path = strdup(path))) {
			if (v)
				r->states = v;
			free(copy);
			return -ENOMEM;
		}
		r->states = v;
		e = &r->states[r->nr_states++];
		e->text = NULL;
	}
	free(e->text);
	e->text = copy;
	return 0;
}

static int host_state_load(const struct mpath_sel_host *host, const char *key, char **ret_text)
{
	const struct mp_selector_registry *r = host->host_data;
	_cleanup_free_ char *path = NULL;
	int k;

	k = mp_selector_state_path(r->state_dir, host->plugin_name, key, &path);
	if (k < 0)
		return k;
	if (r->states_cached) {
		/* read at start-up: the daemon's loop never reads a file */
		const struct state_entry *e = state_find(r, path);

		if (!e || !e->text)
			return -ENOENT;
		*ret_text = strdup(e->text);
		return *ret_text ? 0 : -ENOMEM;
	}
	k = read_small_file(path, ret_text);
	if (k < 0 && k != -ENOENT)
		log_warn_errno(k, "selector %s: cannot read state file %s", host->plugin_name, path);
	else if (k == 0)
		log_debug("selector %s: read state file %s", host->plugin_name, path);
	return k;
}

/* Create the folders above @path that are missing (mode 0700). */
static int host_state_save(const struct mpath_sel_host *host, const char *key, const char *text,
			   size_t len)
{
	struct mp_selector_registry *r = host->host_data;
	_cleanup_free_ char *path = NULL;
	int k;

	k = mp_selector_state_path(r->state_dir, host->plugin_name, key, &path);
	if (k < 0)
		return k;
	if (r->states_cached && state_put(r, path, text, len) < 0)
		return -ENOMEM;
	/* text NULL removes the file; the daemon's writer does either off its loop */
	k = mp_file_write_atomic(path, text, len, 0600);
	if (k < 0)
		return log_warn_errno(k, "selector %s: cannot write state file %s", host->plugin_name, path);
	return 0;
}

static void host_defaults(struct mp_selector *s)
{
	mp_sel_host_init(&s->host);
	s->host.plugin_name = s->name;
	s->host.log = host_log;
	s->host.now_usec = host_now_usec;
	s->host.setting = host_no_setting;
	s->host.state_load = host_no_state_load;
	s->host.state_save = host_no_state_save;
}

/* ---- loading ---- */

int mp_selector_check_ops(const struct mpath_selector_ops *ops, const char *name, const char *where)
{
	/* Only abi_version can be trusted until it matches. */
	if (ops->abi_version != MPATH_SELECTOR_ABI_VERSION) {
		log_err("selector plugin %s: built for selector ABI version %u, this mpathd speaks version %u; rebuild it against this mpath-selector.h",
			where, ops->abi_version, MPATH_SELECTOR_ABI_VERSION);
		return -EPROTO;
	}
	if (!ops->name || !streq(ops->name, name)) {
		log_err("selector plugin %s: calls itself \"%s\", expected \"%s\" (the file name without .so)",
			where, ops->name ? ops->name : "(null)", name);
		return -ENOEXEC;
	}
	if (!ops->build_layout) {
		log_err("selector plugin %s: has no build_layout callback", where);
		return -ENOEXEC;
	}
	for (const struct mpath_sel_verb *v = ops->verbs; v && v->name; v++) {
		if (!v->run || !v->name[0]) {
			log_err("selector plugin %s: verb \"%s\" has no handler", where, v->name);
			return -ENOEXEC;
		}
	}
	return 0;
}

static struct mp_selector *selector_new(const char *name, const char *path)
{
	struct mp_selector *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->name = strdup(name);
	if (path)
		s->path = strdup(path);
	if (!s->name || (path && !s->path)) {
		free(s->name);
		free(s->path);
		free(s);
		return NULL;
	}
	host_defaults(s);
	return s;
}

int mp_selector_load(const char *dir, const char *name, struct mp_selector **ret)
{
	_cleanup_free_ char *path = NULL;
	const struct mpath_selector_ops *ops;
	struct mp_selector *s;
	struct stat st;
	void *handle;
	int r;

	if (!name_valid(name)) {
		log_err("invalid selector plugin name \"%s\": expected letters, digits, '-', '_' or '.'", name);
		return -EINVAL;
	}
	if (asprintf(&path, "%s/%s.so", dir, name) < 0) {
		path = NULL;
		return -ENOMEM;
	}
	if (stat(path, &st) < 0) {
		r = -errno;
		if (r == -ENOENT)
			log_err("selector plugin \"%s\" not found: %s does not exist", name, path);
		else
			log_err_errno(r, "selector plugin \"%s\": cannot access %s", name, path);
		return r;
	}
	handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		const char *e = dlerror();

		log_err("selector plugin %s: cannot load: %s", path, e ? e : "unknown error");
		return -ENOEXEC;
	}
	dlerror();
	ops = dlsym(handle, MPATH_SELECTOR_SYMBOL);
	if (!ops) {
		log_err("selector plugin %s: not a selector plugin: it exports no symbol \"%s\"", path,
			MPATH_SELECTOR_SYMBOL);
		dlclose(handle);
		return -ENOEXEC;
	}
	r = mp_selector_check_ops(ops, name, path);
	if (r < 0) {
		dlclose(handle);
		return r;
	}
	s = selector_new(name, path);
	if (!s) {
		dlclose(handle);
		return -ENOMEM;
	}
	s->handle = handle;
	s->ops = ops;
	log_debug("loaded selector plugin %s (%s)", path, ops->description ? ops->description : "");
	*ret = s;
	return 0;
}

struct mp_selector *mp_selector_unload(struct mp_selector *s)
{
	if (!s)
		return NULL;
	if (s->initialized && s->ops->fini)
		s->ops->fini(&s->host);
	if (s->handle)
		dlclose(s->handle);
	free(s->name);
	free(s->path);
	free(s);
	return NULL;
}

/* ---- the registry ---- */

int mp_selector_registry_new(const char *plugin_dir, const char *state_dir,
			     mp_selector_setting_fn setting, struct mp_selector_registry **ret)
{
	struct mp_selector_registry *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	r->plugin_dir = strdup(plugin_dir);
	r->state_dir = strdup(state_dir);
	r->setting = setting;
	if (!r->plugin_dir || !r->state_dir) {
		mp_selector_registry_free(r);
		return -ENOMEM;
	}
	*ret = r;
	return 0;
}

struct mp_selector_registry *mp_selector_registry_free(struct mp_selector_registry *r)
{
	if (!r)
		return NULL;
	/* Unload in reverse order: a later plugin may rely on nothing, but be polite anyway. */
	for (size_t i = r->nr_plugins; i > 0; i--)
		mp_selector_unload(r->plugins[i - 1]);
	free(r->plugins);
	for (size_t i = 0; i < r->nr_states; i++) {
		free(r->states[i].path);
		free(r->states[i].text);
	}
	free(r->states);
	free(r->plugin_dir);
	free(r->state_dir);
	free(r);
	return NULL;
}

static struct mp_selector *registry_find(const struct mp_selector_registry *r, const char *name)
{
	for (size_t i = 0; i < r->nr_plugins; i++)
		if (streq(r->plugins[i]->name, name))
			return r->plugins[i];
	return NULL;
}

/* Give @s the registry's services, run init() and take ownership; unloads @s on failure. */
static int registry_adopt(struct mp_selector_registry *r, struct mp_selector *s)
{
	struct mp_selector **v;
	int k;

	s->host.host_data = r;
	s->host.state_load = host_state_load;
	s->host.state_save = host_state_save;
	if (r->setting)
		s->host.setting = r->setting;
	v = realloc(r->plugins, (r->nr_plugins + 1) * sizeof(*v));
	if (!v) {
		mp_selector_unload(s);
		return -ENOMEM;
	}
	r->plugins = v;
	k = s->ops->init ? s->ops->init(&s->host) : 0;
	if (k < 0) {
		log_err_errno(k, "selector plugin %s: initialization failed", s->name);
		mp_selector_unload(s);
		return k;
	}
	s->initialized = true;
	r->plugins[r->nr_plugins++] = s;
	return 0;
}

int mp_selector_registry_add_builtin(struct mp_selector_registry *r,
				     const struct mpath_selector_ops *ops)
{
	struct mp_selector *s;
	int k;

	if (!ops->name || registry_find(r, ops->name))
		return -EEXIST;
	k = mp_selector_check_ops(ops, ops->name, ops->name);
	if (k < 0)
		return k;
	s = selector_new(ops->name, NULL);
	if (!s)
		return -ENOMEM;
	s->ops = ops;
	return registry_adopt(r, s);
}

int mp_selector_registry_get(struct mp_selector_registry *r, const char *name,
			     struct mp_selector **ret)
{
	struct mp_selector *s = registry_find(r, name);
	int k;

	if (s) {
		*ret = s;
		return 0;
	}
	k = mp_selector_load(r->plugin_dir, name, &s);
	if (k < 0)
		return k;
	k = registry_adopt(r, s);
	if (k < 0)
		return k;
	*ret = s;
	return 0;
}

/* Every "<name>.so" of the plugin folder; a plugin that fails is logged and skipped. */
static void preload_plugins(struct mp_selector_registry *r)
{
	DIR *dir = opendir(r->plugin_dir);
	struct dirent *de;

	if (!dir)
		return;
	while ((de = readdir(dir))) {
		size_t n = strlen(de->d_name);
		_cleanup_free_ char *name = NULL;
		struct mp_selector *s;

		if (n <= 3 || !streq(de->d_name + n - 3, ".so") || !(name = strndup(de->d_name, n - 3)))
			continue;
		if (name_valid(name) && mp_selector_registry_get(r, name, &s) < 0)
			log_warn("selector %s: not loaded; maps that name it use the built-in grouping", name);
	}
	closedir(dir);
}

/* Every file under <state_dir>/selectors/<plugin>/. */
static void preload_states(struct mp_selector_registry *r)
{
	_cleanup_free_ char *top = NULL;
	DIR *plugins, *files;
	struct dirent *p, *f;

	if (asprintf(&top, "%s/selectors", r->state_dir) < 0)
		return;
	plugins = opendir(top);
	if (!plugins)
		return;
	while ((p = readdir(plugins))) {
		_cleanup_free_ char *sub = NULL;

		if (p->d_name[0] == '.' || asprintf(&sub, "%s/%s", top, p->d_name) < 0)
			continue;
		files = opendir(sub);
		if (!files)
			continue;
		while ((f = readdir(files))) {
			_cleanup_free_ char *path = NULL, *text = NULL;

			if (f->d_name[0] == '.' || asprintf(&path, "%s/%s", sub, f->d_name) < 0)
				continue;
			if (read_small_file(path, &text) == 0)
				(void)state_put(r, path, text, strlen(text));
			else
				log_warn("cannot read selector state file %s; ignored", path);
		}
		closedir(files);
	}
	closedir(plugins);
}

int mp_selector_registry_preload(struct mp_selector_registry *r)
{
	preload_plugins(r);
	preload_states(r);
	r->states_cached = true;
	return 0;
}

size_t mp_selector_registry_count(const struct mp_selector_registry *r)
{
	return r ? r->nr_plugins : 0;
}

struct mp_selector *mp_selector_registry_nth(const struct mp_selector_registry *r, size_t i)
{
	return r && i < r->nr_plugins ? r->plugins[i] : NULL;
}

/* How many words of @argv the verb name @name matches in full, or 0. */
static int verb_match(const char *name, char **argv, int argc)
{
	int n = 0;

	while (*name) {
		size_t len = strcspn(name, " ");

		if (n >= argc || strlen(argv[n]) != len || strncmp(argv[n], name, len) != 0)
			return 0;
		n++;
		name += len;
		name += strspn(name, " ");
	}
	return n;
}

int mp_selector_registry_find_verb(const struct mp_selector_registry *r, char **argv, int argc,
				   struct mp_selector **ret_sel,
				   const struct mpath_sel_verb **ret_verb)
{
	for (size_t i = 0; r && i < r->nr_plugins; i++) {
		const struct mpath_sel_verb *best = NULL;
		int best_n = 0;

		for (const struct mpath_sel_verb *v = r->plugins[i]->ops->verbs; v && v->name; v++) {
			int n = verb_match(v->name, argv, argc);

			if (n > best_n) {
				best = v;
				best_n = n;
			}
		}
		if (best) {
			*ret_sel = r->plugins[i];
			*ret_verb = best;
			return best_n;
		}
	}
	return -ENOENT;
}
