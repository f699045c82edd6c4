/* aggregator configuration (INI). Errors name the setting. */
#include <stdio.h>
#include <string.h>

#include "agg.h"

struct load {
	struct agg_config *cfg;
	int seen[PROTO_MAX_NODES + 1];
	char cur[64];
};

static int
set_str(char *dst, size_t cap, const char *sec, const char *key, const char *v,
    char *err, size_t errcap)
{
	if (lk_strlcpy(dst, cap, v) != 0) {
		snprintf(err, errcap, "[%s] %s: value too long", sec, key);
		return LK_ECONFIG;
	}
	return 0;
}

static int
on_kv(void *user, const char *sec, const char *key, const char *v, char *err,
    size_t errcap)
{
	struct load *l = user;
	struct agg_config *c = l->cfg;
	uint32_t x;

	if (strcmp(sec, "aggregator") == 0) {
		if (strcmp(key, "listen") == 0)
			return set_str(c->listen, sizeof(c->listen), sec, key,
			    v, err, errcap);
		if (strcmp(key, "log_level") == 0) {
			if (lk_log_level_parse(v, &c->log_level) == 0)
				return 0;
			snprintf(err, errcap,
			    "[aggregator] log_level: '%s' is not error, warn, "
			    "info or debug",
			    v);
			return LK_ECONFIG;
		}
		if (strcmp(key, "max_deadline_ms") == 0) {
			if (lk_parse_u32(v, 10, 60000, &c->max_deadline_ms)
			    == 0)
				return 0;
			snprintf(err, errcap,
			    "[aggregator] max_deadline_ms: '%s' not in "
			    "10..60000",
			    v);
			return LK_ECONFIG;
		}
	} else if (strcmp(sec, "cluster") == 0) {
		if (strcmp(key, "n") == 0 || strcmp(key, "t") == 0) {
			if (lk_parse_u32(v, 1, PROTO_MAX_NODES, &x) != 0) {
				snprintf(err, errcap,
				    "[cluster] %s: '%s' is not in 1..%d", key,
				    v, PROTO_MAX_NODES);
				return LK_ECONFIG;
			}
			if (key[0] == 'n')
				c->n = (uint16_t) x;
			else
				c->t = (uint16_t) x;
			return 0;
		}
	} else if (strcmp(sec, "tls") == 0) {
		if (strcmp(key, "cert") == 0)
			return set_str(
			    c->cert, sizeof(c->cert), sec, key, v, err, errcap);
		if (strcmp(key, "key") == 0)
			return set_str(
			    c->key, sizeof(c->key), sec, key, v, err, errcap);
		if (strcmp(key, "client_cert") == 0)
			return set_str(c->client_cert, sizeof(c->client_cert),
			    sec, key, v, err, errcap);
		if (strcmp(key, "client_key") == 0)
			return set_str(c->client_key, sizeof(c->client_key),
			    sec, key, v, err, errcap);
	} else if (strncmp(sec, "server.", 7) == 0) {
		struct agg_server_cfg *s;
		if (lk_parse_u32(sec + 7, 1, PROTO_MAX_NODES, &x) != 0) {
			snprintf(err, errcap,
			    "[%s]: server sections are [server.<id>] with id "
			    "in "
			    "1..%d",
			    sec, PROTO_MAX_NODES);
			return LK_ECONFIG;
		}
		if (strcmp(l->cur, sec) != 0) {
			if (l->seen[x]) {
				snprintf(err, errcap,
				    "[%s]: duplicate server id %u", sec, x);
				return LK_ECONFIG;
			}
			l->seen[x] = 1;
			lk_strlcpy(l->cur, sizeof(l->cur), sec);
		}
		s = &c->servers[x];
		s->present = 1;
		if (strcmp(key, "addr") == 0)
			return set_str(
			    s->addr, sizeof(s->addr), sec, key, v, err, errcap);
		if (strcmp(key, "cert") == 0)
			return set_str(
			    s->cert, sizeof(s->cert), sec, key, v, err, errcap);
		if (strcmp(key, "name") == 0)
			return set_str(
			    s->name, sizeof(s->name), sec, key, v, err, errcap);
	}
	snprintf(err, errcap, "[%s] %s: unknown setting", sec, key);
	return LK_ECONFIG;
}

static int
need_file(const char *what, const char *path, char *err, size_t errcap)
{
	char why[PATH_MAX + 64];

	if (path[0] == '\0') {
		snprintf(err, errcap, "%s: missing", what);
		return AGG_ECONFIG;
	}
	if (lk_check_readable_file(path, why, sizeof(why)) != 0) {
		snprintf(err, errcap, "%s: %s", what, why);
		return AGG_ECONFIG;
	}
	return 0;
}

static int
need_url(const char *what, const char *url, char *err, size_t errcap)
{
	char tmp[AGG_URL_MAX + 8];

	if (url[0] == '\0') {
		snprintf(err, errcap, "%s: missing", what);
		return AGG_ECONFIG;
	}
	if (strncmp(url, "tls+tcp://", 10) != 0
	    || proto_url_port_add(tmp, sizeof(tmp), url, 0) != 0) {
		snprintf(err, errcap,
		    "%s: '%s' is not an address of the form "
		    "tls+tcp://host:port",
		    what, url);
		return AGG_ECONFIG;
	}
	return 0;
}

int
agg_config_check(struct agg_config *c, char *err, size_t errcap)
{
	char what[64];
	int i, rv;

	if (c->n == 0 || c->t == 0) {
		snprintf(err, errcap, "[cluster] %s: missing",
		    c->n == 0 ? "n" : "t");
		return AGG_ECONFIG;
	}
	if (c->t > c->n) {
		snprintf(err, errcap,
		    "[cluster] t: threshold %u is larger than n = %u", c->t,
		    c->n);
		return AGG_ECONFIG;
	}
	if ((rv = need_url("[aggregator] listen", c->listen, err, errcap))
	    || (rv = need_file("[tls] cert", c->cert, err, errcap))
	    || (rv = need_file("[tls] key", c->key, err, errcap))
	    || (rv
	        = need_file("[tls] client_cert", c->client_cert, err, errcap))
	    || (rv = need_file("[tls] client_key", c->client_key, err, errcap)))
		return rv;
	for (i = 1; i <= PROTO_MAX_NODES; i++) {
		struct agg_server_cfg *s = &c->servers[i];
		if (i > c->n) {
			if (s->present) {
				snprintf(err, errcap,
				    "[server.%d]: id larger than n = %u", i,
				    c->n);
				return AGG_ECONFIG;
			}
			continue;
		}
		if (!s->present) {
			snprintf(err, errcap, "[server.%d]: missing (n = %u)",
			    i, c->n);
			return AGG_ECONFIG;
		}
		snprintf(what, sizeof(what), "[server.%d] addr", i);
		if ((rv = need_url(what, s->addr, err, errcap)) != 0)
			return rv;
		snprintf(what, sizeof(what), "[server.%d] cert", i);
		if ((rv = need_file(what, s->cert, err, errcap)) != 0)
			return rv;
		if (s->name[0] == '\0')
			snprintf(s->name, sizeof(s->name), "ks%d", i);
	}
	return 0;
}

int
agg_config_load(
    struct agg_config *c, const char *path, char *err, size_t errcap)
{
	struct load l;

	memset(c, 0, sizeof(*c));
	memset(&l, 0, sizeof(l));
	c->log_level = LK_LOG_INFO;
	c->max_deadline_ms = 30000;
	l.cfg = c;
	return lk_config_load(path, on_kv, &l, err, errcap) != 0 ? AGG_ECONFIG
	                                                         : 0;
}
