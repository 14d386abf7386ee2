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
/* Reload now, files read on this thread (tests); keep the running config on errors; *ret_summary says what happened. */
int daemon_reload_config(struct daemon *d, char **ret_summary);

/* typedef reload_done_t - a reload ended: its result and summary (the callee's to keep). */
typedef void (*reload_done_t)(void *userdata, int result, char *summary);

/*
 * daemon_reload_config_async() - SIGHUP and `reconfigure`: the files are read and parsed on a
 * devio worker (the loop never reads a file), then applied on the loop; @done (may be NULL)
 * gets the summary. A reload asked for while one is reading waits for it and reads again.
 * Return: 0, or -errno when it could not start (@done is then not called).
 */
int daemon_reload_config_async(struct daemon *d, reload_done_t done, void *userdata);

/* daemon_reload_cancel() - at stop: every waiting @done gets -ECANCELED. */
void daemon_reload_cancel(struct daemon *d);
/* Switch to @cfg (taken), reloading only maps whose settings or selector changed; report them in @out. */
int maps_reconfigure(struct daemon *d, struct mp_config *cfg, struct strbuf *out);
