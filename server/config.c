/* keyserver configuration: an INI file (libinih) plus command-line
 * overrides. Every error names the setting ("[cluster] t", "[peer.2]
 * cert") so an operator knows what to fix. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "proto_ops.h"
#include "srv.h"

struct load {
	struct srv_config *cfg;
	int seen_peer[PROTO_MAX_NODES + 1];
	char cur_section[64];
};

static int
set_path(char *dst, size_t cap, const char *section, const char *key,
    const char *v, char *err, size_t errcap)
{
	if (lk_strlcpy(dst, cap, v) != 0) {
		snprintf(err, errcap, "[%s] %s: value too long", section, key);
		return LK_ECONFIG;
	}
	return 0;
}

static int
set_u16(uint16_t *dst, uint32_t min, uint32_t max, const char *section,
    const char *key, const char *v, char *err, size_t errcap)
{
	uint32_t x;

	if (lk_parse_u32(v, min, max, &x) != 0) {
		snprintf(err, errcap,
		    "[%s] %s: '%s' is not an integer in %u..%u", section, key,
		    v, min, max);
		return LK_ECONFIG;
	}
	*dst = (uint16_t) x;
	return 0;
}

/* [consensus] settings: name, where, range. */
static const struct {
	const char *key;
	size_t off;
	uint32_t min, max;
} cons_keys[] = {
#define CK(name, lo, hi)                                           \
	{                                                          \
#name, offsetof(struct srv_cons_cfg, name), lo, hi \
	}
	CK(tick_ms, 1, 1000),
	CK(election_ticks, 2, 100000),
	CK(heartbeat_ticks, 1, 100000),
	CK(max_batch, 1, CONS_MSG_ENTRIES),
	CK(window, 1, 64),
	CK(max_uncommitted, 1, 1u << 20),
	CK(soft_limit, 0, 4096),
	CK(hard_limit, 1, 4096),
	CK(backoff_base_ms, 0, 3600000),
	CK(backoff_max_ms, 0, 86400000),
	CK(max_sessions, 1, 1u << 16),
	CK(local_cap, 0, 1u << 30),
	CK(checkpoint_every, 1, 1u << 30),
	CK(max_pending, 1, 1u << 20),
#undef CK
};

static int
on_cons_kv(struct srv_cons_cfg *c, const char *key, const char *v, char *err,
    size_t errcap)
{
	size_t i;
	uint32_t x;

	for (i = 0; i < LK_ARRAY_LEN(cons_keys); i++) {
		if (strcmp(key, cons_keys[i].key) != 0)
			continue;
		if (lk_parse_u32(v, cons_keys[i].min, cons_keys[i].max, &x)
		    != 0) {
			snprintf(err, errcap,
			    "[consensus] %s: '%s' is not an integer in %u..%u",
			    key, v, cons_keys[i].min, cons_keys[i].max);
			return LK_ECONFIG;
		}
		memcpy((uint8_t *) c + cons_keys[i].off, &x, sizeof(x));
		return 0;
	}
	snprintf(err, errcap, "[consensus] %s: unknown setting", key);
	return LK_ECONFIG;
}

static int
on_kv(void *user, const char *section, const char *key, const char *v,
    char *err, size_t errcap)
{
	struct load *l = user;
	struct srv_config *c = l->cfg;
	uint32_t x;

	if (strcmp(section, "node") == 0) {
		if (strcmp(key, "id") == 0)
			return set_u16(&c->id, 1, PROTO_MAX_NODES, section, key,
			    v, err, errcap);
		if (strcmp(key, "data_dir") == 0)
			return set_path(c->data_dir, sizeof(c->data_dir),
			    section, key, v, err, errcap);
		if (strcmp(key, "log_level") == 0) {
			if (lk_log_level_parse(v, &c->log_level) == 0)
				return 0;
			snprintf(err, errcap,
			    "[node] log_level: '%s' is not error, warn, info "
			    "or debug",
			    v);
			return LK_ECONFIG;
		}
		if (strcmp(key, "db_map_mb") == 0) {
			if (lk_parse_u32(v, 1, 1 << 20, &c->db_map_mb) == 0)
				return 0;
			snprintf(
			    err, errcap, "[node] db_map_mb: '%s' invalid", v);
			return LK_ECONFIG;
		}
		if (strcmp(key, "heartbeat_ms") == 0) {
			if (lk_parse_u32(v, 10, 60000, &x) == 0) {
				c->heartbeat_ms = x;
				return 0;
			}
			snprintf(err, errcap,
			    "[node] heartbeat_ms: '%s' not in 10..60000", v);
			return LK_ECONFIG;
		}
	} else if (strcmp(section, "cluster") == 0) {
		if (strcmp(key, "n") == 0)
			return set_u16(&c->n, 1, PROTO_MAX_NODES, section, key,
			    v, err, errcap);
		if (strcmp(key, "t") == 0)
			return set_u16(&c->t, 1, PROTO_MAX_NODES, section, key,
			    v, err, errcap);
	} else if (strcmp(section, "tls") == 0) {
		if (strcmp(key, "cert") == 0)
			return set_path(c->cert, sizeof(c->cert), section, key,
			    v, err, errcap);
		if (strcmp(key, "key") == 0)
			return set_path(c->key, sizeof(c->key), section, key, v,
			    err, errcap);
	} else if (strcmp(section, "listen") == 0) {
		if (strcmp(key, "agg") == 0)
			return set_path(c->listen_agg, sizeof(c->listen_agg),
			    section, key, v, err, errcap);
		if (strcmp(key, "peer") == 0)
			return set_path(c->listen_peer, sizeof(c->listen_peer),
			    section, key, v, err, errcap);
		if (strcmp(key, "admin") == 0)
			return set_path(c->listen_admin,
			    sizeof(c->listen_admin), section, key, v, err,
			    errcap);
	} else if (strcmp(section, "keys") == 0) {
		struct srv_acct_cfg *a = &c->acct;
		if (strcmp(key, "ake") == 0)
			return set_path(a->ake_key, sizeof(a->ake_key), section,
			    key, v, err, errcap);
		if (strcmp(key, "seal") == 0)
			return set_path(a->seal_key, sizeof(a->seal_key),
			    section, key, v, err, errcap);
		if (strcmp(key, "storage") == 0)
			return set_path(a->storage_key, sizeof(a->storage_key),
			    section, key, v, err, errcap);
		if (strcmp(key, "fake_seed") == 0)
			return set_path(a->fake_seed, sizeof(a->fake_seed),
			    section, key, v, err, errcap);
	} else if (strcmp(section, "accounts") == 0) {
		struct srv_acct_cfg *a = &c->acct;
		uint32_t *dst = strcmp(key, "session_idle_ms") == 0
		    ? &a->session_idle_ms
		    : strcmp(key, "session_lifetime_ms") == 0
		    ? &a->session_lifetime_ms
		    : strcmp(key, "blob_max") == 0     ? &a->blob_max
		    : strcmp(key, "max_sessions") == 0 ? &a->max_sessions
		                                       : NULL;
		if (dst != NULL) {
			if (lk_parse_u32(v, 1, UINT32_MAX, dst) == 0
			    && (dst != &a->blob_max
			        || *dst <= PROTO_MAX_OP_DATA)
			    && (dst != &a->max_sessions || *dst <= 1u << 20))
				return 0;
			snprintf(
			    err, errcap, "[accounts] %s: '%s' invalid", key, v);
			return LK_ECONFIG;
		}
	} else if (strcmp(section, "consensus") == 0) {
		return on_cons_kv(&c->cons, key, v, err, errcap);
	} else if (strcmp(section, "aggregator") == 0) {
		if (strcmp(key, "cert") == 0)
			return set_path(c->agg_cert, sizeof(c->agg_cert),
			    section, key, v, err, errcap);
	} else if (strncmp(section, "peer.", 5) == 0) {
		uint32_t pid;
		struct srv_peer_cfg *p;

		if (lk_parse_u32(section + 5, 1, PROTO_MAX_NODES, &pid) != 0) {
			snprintf(err, errcap,
			    "[%s]: peer sections are [peer.<id>] with id in "
			    "1..%d",
			    section, PROTO_MAX_NODES);
			return LK_ECONFIG;
		}
		p = &c->peers[pid];
		if (strcmp(l->cur_section, section) != 0) {
			if (l->seen_peer[pid]) {
				snprintf(err, errcap,
				    "[%s]: duplicate peer id %u", section, pid);
				return LK_ECONFIG;
			}
			l->seen_peer[pid] = 1;
			lk_strlcpy(
			    l->cur_section, sizeof(l->cur_section), section);
		}
		p->present = 1;
		if (strcmp(key, "addr") == 0)
			return set_path(p->addr, sizeof(p->addr), section, key,
			    v, err, errcap);
		if (strcmp(key, "cert") == 0)
			return set_path(p->cert, sizeof(p->cert), section, key,
			    v, err, errcap);
		if (strcmp(key, "name") == 0)
			return set_path(p->name, sizeof(p->name), section, key,
			    v, err, errcap);
	}
	snprintf(err, errcap, "[%s] %s: unknown setting", section, key);
	return LK_ECONFIG;
}

static int
check_url(const char *what, const char *url, char *err, size_t errcap)
{
	char tmp[SRV_URL_MAX + 8];

	if (url[0] == '\0') {
		snprintf(err, errcap, "%s: missing", what);
		return SRV_ECONFIG;
	}
	if (strncmp(url, "tls+tcp://", 10) != 0
	    || proto_url_port_add(tmp, sizeof(tmp), url, 0) != 0) {
		snprintf(err, errcap,
		    "%s: '%s' is not an address of the form "
		    "tls+tcp://host:port",
		    what, url);
		return SRV_ECONFIG;
	}
	return 0;
}

static int
check_file(const char *what, const char *path, char *err, size_t errcap)
{
	char why[PATH_MAX + 64];

	if (path[0] == '\0') {
		snprintf(err, errcap, "%s: missing", what);
		return SRV_ECONFIG;
	}
	if (lk_check_readable_file(path, why, sizeof(why)) != 0) {
		snprintf(err, errcap, "%s: %s", what, why);
		return SRV_ECONFIG;
	}
	return 0;
}

int
srv_config_check(struct srv_config *c, char *err, size_t errcap)
{
	char what[64], why[PATH_MAX + 64], tmp[SRV_URL_MAX + 8];
	int rv, i;

	if (c->n == 0) {
		snprintf(err, errcap, "[cluster] n: missing");
		return SRV_ECONFIG;
	}
	if (c->n > CONS_MAX_NODES) {
		snprintf(err, errcap,
		    "[cluster] n: consensus supports at most %d servers",
		    CONS_MAX_NODES);
		return SRV_ECONFIG;
	}
	if (c->cons.election_ticks <= c->cons.heartbeat_ticks) {
		snprintf(err, errcap,
		    "[consensus] election_ticks: %u must exceed "
		    "heartbeat_ticks (%u)",
		    c->cons.election_ticks, c->cons.heartbeat_ticks);
		return SRV_ECONFIG;
	}
	if (c->cons.soft_limit > c->cons.hard_limit) {
		snprintf(err, errcap,
		    "[consensus] soft_limit: %u is above hard_limit (%u)",
		    c->cons.soft_limit, c->cons.hard_limit);
		return SRV_ECONFIG;
	}
	if (c->t == 0) {
		snprintf(err, errcap, "[cluster] t: missing");
		return SRV_ECONFIG;
	}
	if (c->t > c->n) {
		snprintf(err, errcap,
		    "[cluster] t: threshold %u is larger than n = %u", c->t,
		    c->n);
		return SRV_ECONFIG;
	}
	if (c->id == 0 || c->id > c->n) {
		snprintf(err, errcap, "[node] id: %u is not in 1..n (n = %u)",
		    c->id, c->n);
		return SRV_ECONFIG;
	}
	if (c->data_dir[0] == '\0') {
		snprintf(err, errcap, "[node] data_dir: missing");
		return SRV_ECONFIG;
	}
	if (lk_check_writable_dir(c->data_dir, why, sizeof(why)) != 0) {
		snprintf(err, errcap, "[node] data_dir: %s", why);
		return SRV_ECONFIG;
	}
	if ((rv = check_file("[tls] cert", c->cert, err, errcap)) != 0
	    || (rv = check_file("[tls] key", c->key, err, errcap)) != 0
	    || (rv = check_file("[aggregator] cert", c->agg_cert, err, errcap))
	        != 0
	    || (rv = check_url("[listen] agg", c->listen_agg, err, errcap))
	        != 0)
		return rv;
	if (c->n > 1
	    && (rv = check_url("[listen] peer", c->listen_peer, err, errcap))
	        != 0)
		return rv;
	/* The admin socket has no TLS: it must stay on this machine. */
	if (c->listen_admin[0] != '\0'
	    && (strncmp(c->listen_admin, "ipc://", 6) != 0
	        || c->listen_admin[6] == '\0')) {
		snprintf(err, errcap,
		    "[listen] admin: '%s' must be a local ipc:///path socket",
		    c->listen_admin);
		return SRV_ECONFIG;
	}
	if (c->n > 1
	    && proto_url_port_add(tmp, sizeof(tmp), c->listen_peer, c->n)
	        != 0) {
		snprintf(err, errcap,
		    "[listen] peer: port + peer id must stay below 65536");
		return SRV_ECONFIG;
	}
	if (c->peers[c->id].present) {
		snprintf(err, errcap,
		    "[peer.%u]: this is the node's own id; list only the other "
		    "nodes",
		    c->id);
		return SRV_ECONFIG;
	}
	for (i = 1; i <= PROTO_MAX_NODES; i++) {
		struct srv_peer_cfg *p = &c->peers[i];
		if (i == c->id)
			continue;
		if (i > c->n) {
			if (p->present) {
				snprintf(err, errcap,
				    "[peer.%d]: id larger than n = %u", i,
				    c->n);
				return SRV_ECONFIG;
			}
			continue;
		}
		if (!p->present) {
			snprintf(err, errcap, "[peer.%d]: missing (n = %u)", i,
			    c->n);
			return SRV_ECONFIG;
		}
		snprintf(what, sizeof(what), "[peer.%d] addr", i);
		if ((rv = check_url(what, p->addr, err, errcap)) != 0)
			return rv;
		snprintf(what, sizeof(what), "[peer.%d] cert", i);
		if ((rv = check_file(what, p->cert, err, errcap)) != 0)
			return rv;
		if (p->name[0] == '\0')
			snprintf(p->name, sizeof(p->name), "ks%d", i);
	}
	return 0;
}

int
srv_config_load(
    struct srv_config *c, const char *path, char *err, size_t errcap)
{
	struct load l;

	memset(c, 0, sizeof(*c));
	memset(&l, 0, sizeof(l));
	c->log_level = LK_LOG_INFO;
	c->db_map_mb = 1024;
	c->heartbeat_ms = 200;
	c->cons.tick_ms = 10;
	c->cons.election_ticks = 30;
	c->cons.heartbeat_ticks = 5;
	c->cons.max_batch = 64;
	c->cons.window = 8;
	c->cons.max_uncommitted = 8192;
	c->cons.soft_limit = 5;
	c->cons.hard_limit = 10;
	c->cons.backoff_base_ms = 1000;
	c->cons.backoff_max_ms = 60000;
	c->cons.max_sessions = 256;
	c->cons.local_cap = 0;
	c->cons.checkpoint_every = 10000;
	c->cons.max_pending = 4096;
	c->acct.session_idle_ms = 15 * 60 * 1000;
	c->acct.session_lifetime_ms = 12 * 3600 * 1000;
	c->acct.blob_max = 16384;
	c->acct.max_sessions = 4096;
	l.cfg = c;
	if (lk_config_load(path, on_kv, &l, err, errcap) != 0)
		return SRV_ECONFIG;
	return 0;
}
