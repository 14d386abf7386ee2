/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Loading the configuration at start and on reloads; only maps whose settings changed are reloaded. */
#pragma once

struct daemon;
struct mp_config;
struct strbuf;

/* Load and check; @ret_diag receives every file:line message ("" for none). 0 or -errno. */
int daemon_config_load(const char *file, const char *dir, struct mp_config **ret, char **ret_diag);
/* At start: take @cfg as the running config. 0 or -ENOMEM. */
int daemon_config_set(struct daemon *d, struct mp_config *cfg);
/* SIGHUP and `reconfigure`: reload, or keep the running config on errors; *ret_summary says what happened. */
int daemon_reload_config(struct daemon *d, char **ret_summary);
/* Switch to @cfg (taken), reloading only maps whose settings or selector changed; report them in @out. */
int maps_reconfigure(struct daemon *d, struct mp_config *cfg, struct strbuf *out);
