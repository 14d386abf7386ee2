/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Value checks for keywords whose values have structure: selectors, features, portals, failover priorities. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"
#include "strbuf.h"
#include "util.h"

#define CFG_TOKEN_MAX 255
#define CFG_WORDS_MAX 32

static const char *const kernel_selectors[] = {
	"round-robin", "queue-length", "service-time", "historical-service-time", "io-affinity",
	NULL,
};

static const char *const hw_handlers[] = { "alua", "emc", "rdac", "hp_sw", NULL };

/* multipath-tools' prioritizers; the second list is those libmpath/prio.c does not run
 * (vendor commands, NVMe ANA, random), which are accepted with a warning */
static const char *const prioritizers[] = {
	"const", "alua", "emc", "hp_sw", "rdac", "ontap", "datacore", "hds", "iet", "random",
	"weightedpath", "path_latency", "ana", "sysfs", NULL,
};
static const char *const prioritizers_not_run[] = {
	"emc", "hp_sw", "rdac", "ontap", "datacore", "hds", "iet", "random", "ana", NULL,
};

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (streq(*list, s))
			return true;
	return false;
}

/* Split @text at blanks into at most CFG_WORDS_MAX words; @buf holds them. */
static int split_words(char *buf, char *words[CFG_WORDS_MAX])
{
	char *save = NULL;
	int n = 0;

	for (char *tok = strtok_r(buf, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (n == CFG_WORDS_MAX)
			return -E2BIG;
		words[n++] = tok;
	}
	return n;
}

static bool is_count(const char *s, long *ret)
{
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	*ret = strtol(s, &end, 10);
	return errno == 0 && *end == '\0';
}

static int store_words(struct mp_item *item, char **words, int n)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;

	for (int i = 0; i < n; i++)
		if (strbuf_printf(&sb, "%s%s", i ? " " : "", words[i]) < 0)
			return -ENOMEM;
	item->str = strbuf_steal(&sb);
	return item->str ? 0 : -ENOMEM;
}

/* Split and check the "<count> <word>..." form of features and hardware_handler. */
static int split_counted(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
			 char *buf, char *words[CFG_WORDS_MAX])
{
	long count;
	int n;

	n = split_words(buf, words);
	if (n < 0)
		return cfg_error(p, "too many words in %s", kw->name);
	if (n == 0 || !is_count(words[0], &count))
		return cfg_error(p, "invalid value \"%s\" for %s: expected a count followed by that many words",
				 text, kw->name);
	if (count != n - 1)
		return cfg_error(p, "invalid value \"%s\" for %s: count %ld but %d word%s follow%s",
				 text, kw->name, count, n - 1, n == 2 ? "" : "s", n == 2 ? "s" : "");
	return n;
}

int cfg_parse_features(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
		       struct mp_item *item)
{
	_cleanup_free_ char *buf = strdup(text);
	char *words[CFG_WORDS_MAX];
	int n;

	if (!buf)
		return -ENOMEM;
	n = split_counted(p, kw, text, buf, words);
	if (n < 0)
		return n;
	for (int i = 1; i < n; i++)
		if (streq(words[i], "queue_if_no_path"))
			cfg_warn(p, "queue_if_no_path in features is deprecated; use no_path_retry queue");
	return store_words(item, words, n);
}

int cfg_parse_hwhandler(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
			struct mp_item *item)
{
	_cleanup_free_ char *buf = strdup(text);
	char *words[CFG_WORDS_MAX];
	int n;

	if (!buf)
		return -ENOMEM;
	n = split_counted(p, kw, text, buf, words);
	if (n < 0)
		return n;
	if (n > 2)
		return cfg_error(p, "invalid value \"%s\" for hardware_handler: expected \"0\" or \"1 <handler>\"",
				 text);
	if (n == 2 && !in_list(hw_handlers, words[1]))
		cfg_warn(p, "unknown hardware handler \"%s\" (known: alua, emc, rdac, hp_sw)",
			 words[1]);
	return store_words(item, words, n);
}

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.';
}

static bool is_identifier(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max || !isalnum((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_name_char(s[i]))
			return false;
	return true;
}

/* "<selector> <#args> [args...]"; a bare name gets its count of 0, as the
 * kernel table needs one. */
int cfg_parse_path_selector(struct cfg_parser *p, const struct cfg_keyword *kw,
			    const char *text, struct mp_item *item)
{
	_cleanup_free_ char *buf = strdup(text);
	char *words[CFG_WORDS_MAX];
	long count;
	int n;

	if (!buf)
		return -ENOMEM;
	n = split_words(buf, words);
	if (n <= 0 || !is_identifier(words[0], 63))
		return cfg_error(p, "invalid value \"%s\" for path_selector: expected \"<selector> <#args> [args]\"",
				 text);
	if (n >= 2 && (!is_count(words[1], &count) || count != n - 2))
		return cfg_error(p, "invalid value \"%s\" for path_selector: the argument count does not match",
				 text);
	if (!in_list(kernel_selectors, words[0]))
		cfg_warn(p, "unknown kernel path selector \"%s\"", words[0]);
	if (n == 1 && asprintf(&item->str, "%s 0", words[0]) < 0) {
		item->str = NULL;
		return -ENOMEM;
	}
	return n == 1 ? 0 : store_words(item, words, n);
}

int cfg_parse_prio(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
		   struct mp_item *item)
{
	if (!is_identifier(text, 63))
		return cfg_error(p, "invalid value \"%s\" for prio: expected a prioritizer name", text);
	if (!in_list(prioritizers, text))
		cfg_warn(p, "unknown prioritizer \"%s\"", text);
	else if (p->file && in_list(prioritizers_not_run, text))	/* the built-in table names them too */
		cfg_warn(p, "prio %s: not implemented (it sends vendor commands): its paths all get the same priority", text);
	return cfg_parse_string(p, kw, text, item);
}

int cfg_parse_checker(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
		      struct mp_item *item)
{
	int r = cfg_parse_wordint(p, kw, text, item);

	if (r == 0 && item->num >= MP_CHECKER_RDAC)
		cfg_warn(p, "path checker \"%s\" is not implemented by mpathd; tur is used", text);
	return r;
}

/* Selector plugin names become file names, so keep them to a safe alphabet. */
int cfg_parse_identifier(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
			 struct mp_item *item)
{
	if (!is_identifier(text, 63))
		return cfg_error(p, "invalid value \"%s\" for %s: expected a name of letters, digits, '-', '_' or '.'",
				 text, kw->name);
	return cfg_parse_string(p, kw, text, item);
}

/* One word without blanks or '/': wwids, aliases, udev property names. */
int cfg_parse_token(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
		    struct mp_item *item)
{
	size_t n = strlen(text);

	if (n == 0 || n > CFG_TOKEN_MAX || strpbrk(text, " \t/"))
		return cfg_error(p, "invalid value \"%s\" for %s: expected one word without '/'",
				 text, kw->name);
	return cfg_parse_string(p, kw, text, item);
}

int cfg_parse_abspath(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
		      struct mp_item *item)
{
	if (text[0] != '/' || strlen(text) >= PATH_MAX)
		return cfg_error(p, "invalid value \"%s\" for %s: expected an absolute path",
				 text, kw->name);
	return cfg_parse_string(p, kw, text, item);
}

int cfg_parse_deprecated(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
			 struct mp_item *item)
{
	cfg_warn(p, "%s is deprecated and ignored; mpathd reads the WWID from uid_attribute",
		 kw->name);
	return 1;
}

/* The kernel's rule for interface names (dev_valid_name()). */
bool cfg_ifname_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= 16 || streq(name, ".") || streq(name, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (name[i] == '/' || name[i] == ':' || isspace((unsigned char)name[i]))
			return false;
	return true;
}

int cfg_parse_ifname(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
		     struct mp_item *item)
{
	if (!cfg_ifname_valid(text))
		return cfg_error(p, "invalid value \"%s\" for %s: expected a network interface name",
				 text, kw->name);
	return cfg_parse_string(p, kw, text, item);
}

/* ---- portals ---- */

static bool parse_port(const char *s, unsigned *ret)
{
	long v;

	if (!is_count(s, &v) || v < 1 || v > 65535)
		return false;
	*ret = v;
	return true;
}

static int portal_split(const char *text, char *addr, size_t size, const char **port)
{
	const char *colon = strchr(text, ':');
	size_t n;

	*port = NULL;
	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (!close || (close[1] && close[1] != ':'))
			return -EINVAL;
		*port = close[1] ? close + 2 : NULL;
		n = close - text - 1;
		text++;
	} else if (colon && strchr(colon + 1, ':')) {
		n = strlen(text);	/* a bare IPv6 address has no port */
	} else {
		*port = colon ? colon + 1 : NULL;
		n = colon ? (size_t)(colon - text) : strlen(text);
	}
	if (n == 0 || n >= size)
		return -EINVAL;
	memcpy(addr, text, n);
	addr[n] = '\0';
	return 0;
}

int mp_portal_parse(const char *text, struct mp_portal *ret)
{
	struct mp_portal portal = { 0 };
	unsigned char bin[16];
	char addr[64];
	const char *port;

	if (!text || !ret || portal_split(text, addr, sizeof(addr), &port) < 0)
		return -EINVAL;
	if (port && !parse_port(port, &portal.port))
		return -EINVAL;
	if (inet_pton(AF_INET, addr, bin) == 1 && text[0] != '[')
		portal.family = AF_INET;
	else if (inet_pton(AF_INET6, addr, bin) == 1)
		portal.family = AF_INET6;
	else
		return -EINVAL;
	if (!inet_ntop(portal.family, bin, portal.addr, sizeof(portal.addr)))
		return -EINVAL;
	*ret = portal;
	return 0;
}

static void portal_format(const struct mp_portal *portal, char *buf, size_t size)
{
	const char *open = portal->family == AF_INET6 ? "[" : "";
	const char *close = portal->family == AF_INET6 ? "]" : "";

	if (portal->port)
		snprintf(buf, size, "%s%s%s:%u", open, portal->addr, close, portal->port);
	else
		snprintf(buf, size, "%s%s%s", open, portal->addr, close);
}

int cfg_parse_portal(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
		     struct mp_item *item)
{
	char buf[64];

	if (mp_portal_parse(text, &item->portal) < 0)
		return cfg_error(p, "invalid value \"%s\" for %s: expected IPv4[:port] or [IPv6][:port]",
				 text, kw->name);
	portal_format(&item->portal, buf, sizeof(buf));
	item->str = strdup(buf);
	return item->str ? 0 : -ENOMEM;
}

/* ---- exclude and volume (iscsi section) ---- */

/* Clear the bits of @bin past @prefix; true when any was set. */
static bool clear_host_bits(unsigned char *bin, size_t len, unsigned prefix)
{
	bool had = false;

	for (size_t i = 0; i < len; i++) {
		unsigned keep = prefix >= (i + 1) * 8 ? 8 : prefix > i * 8 ? prefix - i * 8 : 0;
		unsigned char mask = keep ? (unsigned char)(0xff << (8 - keep)) : 0;

		had |= (bin[i] & ~mask) != 0;
		bin[i] &= mask;
	}
	return had;
}

/* "ADDR[/PREFIX]" into @ex; -EINVAL when it is not an address. */
static int subnet_parse(struct cfg_parser *p, const char *text, struct mp_iscsi_exclude *ex)
{
	char addr[64];
	const char *slash = strchr(text, '/');
	size_t n = slash ? (size_t)(slash - text) : strlen(text);
	unsigned char bin[16];
	long prefix;

	if (n == 0 || n >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, text, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, bin) == 1)
		ex->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, bin) == 1)
		ex->family = AF_INET6;
	else
		return -EINVAL;
	ex->prefix = ex->family == AF_INET ? 32 : 128;
	if (slash) {
		if (!is_count(slash + 1, &prefix) || prefix > (long)ex->prefix)
			return -EINVAL;
		ex->prefix = prefix;
	}
	if (clear_host_bits(bin, ex->family == AF_INET ? 4 : 16, ex->prefix))
		cfg_warn(p, "exclude %s has host bits set; the subnet is taken", text);
	return inet_ntop(ex->family, bin, ex->addr, sizeof(ex->addr)) ? 0 : -EINVAL;
}

int cfg_parse_exclude(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
		      struct mp_item *item)
{
	struct mp_iscsi_exclude *ex = &item->exclude;

	*ex = (struct mp_iscsi_exclude) { 0 };
	if (strchr(text, '/') || strchr(text, ':') || isdigit((unsigned char)text[0])) {
		if (subnet_parse(p, text, ex) < 0)
			return cfg_error(p, "invalid value \"%s\" for exclude: expected a subnet (10.0.0.0/24, fd00::/64) or a NIC name",
					 text);
		if (asprintf(&item->str, "%s/%u", ex->addr, ex->prefix) < 0)
			item->str = NULL;
		return item->str ? 0 : -ENOMEM;
	}
	if (!cfg_ifname_valid(text))
		return cfg_error(p, "invalid value \"%s\" for exclude: expected a subnet or a NIC name", text);
	snprintf(ex->nic, sizeof(ex->nic), "%s", text);
	return cfg_parse_string(p, kw, text, item);
}

/* RFC 3720 names: iqn.YYYY-MM.domain[:id], eui.<16 hex>, naa.<hex>; stored lower-case. */
int cfg_parse_target_name(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
			  struct mp_item *item)
{
	size_t n = strlen(text);
	char *lower;

	if (n < 5 || n > 223 || (strncasecmp(text, "iqn.", 4) && strncasecmp(text, "eui.", 4) &&
				 strncasecmp(text, "naa.", 4)))
		return cfg_error(p, "invalid value \"%s\" for %s: expected an iSCSI target name (iqn., eui. or naa.)",
				 text, kw->name);
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)text[i]) && !strchr("-.:", text[i]))
			return cfg_error(p, "invalid value \"%s\" for %s: an iSCSI name has only letters, digits, '-', '.' and ':'",
					 text, kw->name);
	lower = strdup(text);
	if (!lower)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		lower[i] = (char)tolower((unsigned char)lower[i]);
	item->str = lower;
	return 0;
}

/* ---- failover_priority "<match> <n>" ---- */

static bool parse_hctl(const char *s, int hctl[4])
{
	for (int i = 0; i < 4; i++) {
		char *end;
		long v;

		if (*s == '*') {
			hctl[i] = -1;
			end = (char *)s + 1;
		} else {
			if (!isdigit((unsigned char)*s))
				return false;
			errno = 0;
			v = strtol(s, &end, 10);
			if (errno || v > INT_MAX)
				return false;
			hctl[i] = v;
		}
		if (*end != (i == 3 ? '\0' : ':'))
			return false;
		s = end + 1;
	}
	return true;
}

static void hctl_format(const int hctl[4], char *buf, size_t size)
{
	size_t n = 0;

	for (int i = 0; i < 4 && n < size; i++) {
		const char *sep = i ? ":" : "";

		if (hctl[i] < 0)
			n += snprintf(buf + n, size - n, "%s*", sep);
		else
			n += snprintf(buf + n, size - n, "%s%d", sep, hctl[i]);
	}
}

static bool parse_match(const char *m, struct mp_failover_prio *fp, char *norm, size_t size)
{
	long host;

	if (strncmp(m, "portal=", 7) == 0 && mp_portal_parse(m + 7, &fp->portal) == 0) {
		fp->match = MP_FAILOVER_MATCH_PORTAL;
		portal_format(&fp->portal, norm, size);
	} else if (strncmp(m, "iface=", 6) == 0 && cfg_ifname_valid(m + 6)) {
		fp->match = MP_FAILOVER_MATCH_IFACE;
		snprintf(fp->iface, sizeof(fp->iface), "%s", m + 6);
		snprintf(norm, size, "%s", fp->iface);
	} else if (strncmp(m, "hctl=", 5) == 0 && parse_hctl(m + 5, fp->hctl)) {
		fp->match = MP_FAILOVER_MATCH_HCTL;
		hctl_format(fp->hctl, norm, size);
	} else if (strncmp(m, "host=host", 9) == 0 && is_count(m + 9, &host) && host <= INT_MAX) {
		fp->match = MP_FAILOVER_MATCH_HOST;
		fp->host = host;
		snprintf(norm, size, "host%ld", host);
	} else {
		return false;
	}
	return true;
}

static const char *const match_names[] = {
	[MP_FAILOVER_MATCH_PORTAL] = "portal", [MP_FAILOVER_MATCH_IFACE] = "iface",
	[MP_FAILOVER_MATCH_HCTL] = "hctl", [MP_FAILOVER_MATCH_HOST] = "host",
};

int cfg_parse_failover_prio(struct cfg_parser *p, const struct cfg_keyword *kw,
			    const char *text, struct mp_item *item)
{
	_cleanup_free_ char *buf = strdup(text);
	struct mp_failover_prio *fp = &item->fprio;
	char *words[CFG_WORDS_MAX];
	char norm[64];
	long prio;
	int n;

	if (!buf)
		return -ENOMEM;
	n = split_words(buf, words);
	if (n != 2)
		return cfg_error(p, "invalid value \"%s\" for failover_priority: expected \"<match> <priority>\"",
				 text);
	if (!parse_match(words[0], fp, norm, sizeof(norm)))
		return cfg_error(p, "invalid match \"%s\" for failover_priority: expected portal=IP[:port], iface=NAME, hctl=H:C:T:L or host=hostN",
				 words[0]);
	if (!is_count(words[1], &prio) || prio < 1 || prio > MP_FAILOVER_PRIORITY_MAX)
		return cfg_error(p, "invalid priority \"%s\" for failover_priority: expected a number in 1..%d",
				 words[1], MP_FAILOVER_PRIORITY_MAX);
	fp->priority = prio;
	fp->line = p->line;
	snprintf(fp->text, sizeof(fp->text), "%s=%s %ld", match_names[fp->match], norm, prio);
	item->num = prio;
	item->str = strdup(fp->text);
	return item->str ? 0 : -ENOMEM;
}

/* ---- regular expression cost ----
 *
 * glibc's regcomp() copies the tree of a repeated subexpression once per
 * repetition, so "(a{99}){99}" or "a+++++..." take exponential memory (the
 * fuzzer found one using a gigabyte). Estimate the number of copied atoms:
 * each repetition multiplies the weight of what it repeats.
 */

#define REGEX_WEIGHT_MAX 4096
#define REGEX_DEPTH_MAX 32

struct regex_frame {
	long sum;	/* weight of the completed items of this group */
	long last;	/* weight of the last item, which a repetition applies to */
};

static long weight_mul(long a, long b)
{
	return a > REGEX_WEIGHT_MAX / (b ? b : 1) ? REGEX_WEIGHT_MAX + 1 : a * b;
}

static long weight_add(long a, long b)
{
	return a + b > REGEX_WEIGHT_MAX ? REGEX_WEIGHT_MAX + 1 : a + b;
}

static void frame_push(struct regex_frame *f, long w)
{
	f->sum = weight_add(f->sum, f->last);
	f->last = w;
}

/* "[...]" including "[]...]", "[^]...]" and "[:alpha:]"; returns the char after it. */
static const char *skip_bracket(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p && *p != ']') {
		if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
			const char *end = strchr(p + 2, p[1]);

			p = end && end[1] == ']' ? end + 2 : p + 1;
		} else {
			p++;
		}
	}
	return *p ? p + 1 : p;
}

/* "{n}", "{n,}" or "{n,m}": the largest count, plus one; 0 if not a bound. */
static long bound_factor(const char **pp)
{
	const char *p = *pp + 1;
	char *end;
	long n, m;

	if (!isdigit((unsigned char)*p))
		return 0;
	n = strtol(p, &end, 10);
	m = n;
	if (*end == ',') {
		end++;
		m = isdigit((unsigned char)*end) ? strtol(end, &end, 10) : n + 1;
	}
	if (*end != '}')
		return 0;
	*pp = end;
	m = n > m ? n : m;
	return m >= REGEX_WEIGHT_MAX ? REGEX_WEIGHT_MAX + 1 : m + 1;
}

static int regex_step(const char **pp, struct regex_frame *st, int *depth)
{
	const char *p = *pp;
	struct regex_frame *f = &st[*depth];
	long factor;

	switch (*p) {
	case '\\':
		frame_push(f, 1);
		p += p[1] ? 2 : 1;
		break;
	case '[':
		frame_push(f, 1);
		p = skip_bracket(p);
		break;
	case '(':
		if (++*depth >= REGEX_DEPTH_MAX)
			return -E2BIG;
		st[*depth] = (struct regex_frame) { 0, 0 };
		p++;
		break;
	case ')':
		if (*depth > 0) {
			long w = weight_add(f->sum, f->last);

			frame_push(&st[--*depth], w);
		}
		p++;
		break;
	case '|':
		frame_push(f, 0);
		p++;
		break;
	case '*': case '+': case '?':
		f->last = weight_mul(f->last ? f->last : 1, 2);
		p++;
		break;
	case '{':
		factor = bound_factor(&p);
		if (factor)
			f->last = weight_mul(f->last ? f->last : 1, factor);
		else
			frame_push(f, 1);
		p++;
		break;
	default:
		frame_push(f, 1);
		p++;
	}
	*pp = p;
	return 0;
}

bool cfg_regex_too_complex(const char *pattern)
{
	struct regex_frame st[REGEX_DEPTH_MAX] = { { 0, 0 } };
	long total = 0;
	int depth = 0;

	for (const char *p = pattern; *p;) {
		if (regex_step(&p, st, &depth) < 0)
			return true;
		if (weight_add(st[depth].sum, st[depth].last) > REGEX_WEIGHT_MAX)
			return true;
	}
	for (; depth >= 0; depth--)
		total = weight_add(total, weight_add(st[depth].sum, st[depth].last));
	return total > REGEX_WEIGHT_MAX;
}
