/* lkctl: account commands (register, login, session). The password comes
 * from $LK_PASSWORD, else from the first line of standard input (register
 * and login only: a session reads its commands there). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lk_common.h"
#include "lk_enc.h"
#include "lkc.h"

int lkctl_register(struct lkc *k, int argc, char **argv);
int lkctl_login(struct lkc *k, int argc, char **argv);
int lkctl_session(struct lkc *k, int argc, char **argv);

static const char *const actions[]
    = { "-", "register", "login", "logout", "check-session", "get-user-id",
	      "create-storage-key", "retrieve-storage-key", "store-secret",
	      "retrieve-secret", "export-secret", "store-blob", "retrieve-blob",
	      "delete-key", "retrieve-audit", "password-change", "unlock" };
static const char *const outcomes[] = { "-", "started", "success", "failed" };

static int
get_password(char *pw, size_t cap, int allow_stdin)
{
	const char *e = getenv("LK_PASSWORD");
	size_t n;

	if (e != NULL) {
		if (lk_strlcpy(pw, cap, e) != 0)
			return -1;
		return (int) strlen(pw);
	}
	if (!allow_stdin || fgets(pw, (int) cap, stdin) == NULL)
		return -1;
	n = strlen(pw);
	while (n > 0 && (pw[n - 1] == '\n' || pw[n - 1] == '\r'))
		pw[--n] = '\0';
	return (int) n;
}

static void
print_err(const char *what, int rv, const char *err)
{
	printf("error %d %s\n", rv, err[0] ? err : lkc_strerror(rv));
	fprintf(stderr, "lkctl: %s: %s (code %d)\n", what,
	    err[0] ? err : lkc_strerror(rv), rv);
	fflush(stdout);
}

int
lkctl_register(struct lkc *k, int argc, char **argv)
{
	char pw[1100], err[1024];
	int n, rv;

	if (argc != 1) {
		fprintf(stderr, "usage: lkctl register USER\n");
		return 2;
	}
	if ((n = get_password(pw, sizeof(pw), 1)) < 0) {
		fprintf(stderr, "lkctl: no password ($LK_PASSWORD or stdin)\n");
		return 2;
	}
	rv = lkc_register(
	    k, argv[0], (const uint8_t *) pw, (size_t) n, err, sizeof(err));
	lk_wipe(pw, sizeof(pw));
	if (rv != 0) {
		print_err("register", rv, err);
		return 1;
	}
	printf("ok registered %s\n", argv[0]);
	return 0;
}

static void
hexline(const char *label, const uint8_t *p, size_t n)
{
	static char hex[2 * 70000 + 1];

	lk_hex_encode(hex, sizeof(hex), p, n);
	printf(" %s=%s", label, hex);
	lk_wipe(hex, 2 * n);
}

int
lkctl_login(struct lkc *k, int argc, char **argv)
{
	struct lkc_session *s;
	char pw[1100], err[1024];
	uint8_t uid[16];
	int n, rv;

	if (argc != 1) {
		fprintf(stderr, "usage: lkctl login USER\n");
		return 2;
	}
	if ((n = get_password(pw, sizeof(pw), 1)) < 0) {
		fprintf(stderr, "lkctl: no password ($LK_PASSWORD or stdin)\n");
		return 2;
	}
	rv = lkc_login(
	    k, argv[0], (const uint8_t *) pw, (size_t) n, &s, err, sizeof(err));
	lk_wipe(pw, sizeof(pw));
	if (rv != 0) {
		print_err("login", rv, err);
		return 1;
	}
	rv = lkc_user_id(s, uid, err, sizeof(err));
	printf("ok login servers=%d", lkc_session_servers(s));
	if (rv == 0)
		hexline("user_id", uid, 16);
	printf("\n");
	lkc_logout(s, err, sizeof(err));
	lkc_session_free(s);
	return 0;
}

/* " text=..." when every byte is printable, else " hex=..." */
static void
print_data(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			break;
	if (i == n)
		printf(" text=%.*s", (int) n, (const char *) p);
	else
		hexline("hex", p, n);
}

static int
parse_key(uint8_t out[32], const char *arg, const uint8_t last[32])
{
	if (strcmp(arg, "LAST") == 0) {
		memcpy(out, last, 32);
		return 0;
	}
	return lk_hex_decode_exact(out, 32, arg);
}

/* One command of a session; prints "ok ..." or "error CODE text". */
static int
session_cmd(struct lkc *k, struct lkc_session **sp, const char *user,
    const char *pw, char **av, int ac, uint8_t last[32])
{
	static uint8_t buf[70000];
	struct lkc_session *s = *sp;
	char err[1024] = "";
	uint8_t id[32];
	size_t len;
	int rv = 0;
	const char *c = av[0];

	if (strcmp(c, "user-id") == 0) {
		if ((rv = lkc_user_id(s, buf, err, sizeof(err))) == 0) {
			printf("ok");
			hexline("user_id", buf, 16);
			printf("\n");
		}
	} else if (strcmp(c, "check") == 0) {
		if ((rv = lkc_check_session(s, err, sizeof(err))) == 0)
			printf("ok session\n");
	} else if (strcmp(c, "logout") == 0) {
		if ((rv = lkc_logout(s, err, sizeof(err))) == 0)
			printf("ok logout\n");
	} else if (strcmp(c, "servers") == 0) {
		printf("ok servers=%d\n", lkc_session_servers(s));
	} else if (strcmp(c, "password-change") == 0 && ac == 2) {
		if ((rv = lkc_password_change(s, (const uint8_t *) av[1],
		         strlen(av[1]), err, sizeof(err)))
		    == 0)
			printf("ok password changed\n");
	} else if (strcmp(c, "answered") == 0) {
		printf("ok answered=%d\n", lkc_session_answered(s));
	} else if (strcmp(c, "storage-key") == 0) {
		if ((rv = lkc_storage_key(s, buf, err, sizeof(err))) == 0) {
			uint8_t fp[32];
			lk_sha256(fp, buf, 32);
			printf("ok");
			hexline("fingerprint", fp, 8);
			printf("\n");
			lk_wipe(buf, 32);
		}
	} else if (strcmp(c, "store-secret") == 0 && ac == 2) {
		if ((rv = lkc_secret_store(s, (const uint8_t *) av[1],
		         strlen(av[1]), last, err, sizeof(err)))
		    == 0) {
			printf("ok");
			hexline("key_id", last, 32);
			printf("\n");
		}
	} else if (strcmp(c, "generate-secret") == 0 && ac == 2) {
		size_t n = (size_t) atoi(av[1]);
		if (n < 1 || n > 1024)
			n = 32;
		if ((rv = lkc_secret_generate(
		         s, n, buf, last, err, sizeof(err)))
		    == 0) {
			printf("ok");
			hexline("key_id", last, 32);
			hexline("secret", buf, n);
			printf("\n");
		}
	} else if ((strcmp(c, "retrieve-secret") == 0
	               || strcmp(c, "export-secret") == 0)
	    && ac == 2) {
		if (parse_key(id, av[1], last) != 0) {
			printf("error 1 bad key id\n");
			return 1;
		}
		if ((rv = lkc_secret_retrieve(s, id, c[0] == 'e', buf,
		         sizeof(buf), &len, err, sizeof(err)))
		    == 0) {
			printf("ok");
			print_data(buf, len);
			printf("\n");
			lk_wipe(buf, len);
		}
	} else if ((strcmp(c, "store-blob") == 0
	               || strcmp(c, "store-blob-size") == 0)
	    && ac == 2) {
		const uint8_t *p = (const uint8_t *) av[1];
		len = strlen(av[1]);
		if (c[10] == '-') {
			len = (size_t) atol(av[1]);
			if (len > sizeof(buf))
				len = sizeof(buf);
			memset(buf, 'b', len);
			p = buf;
		}
		if ((rv = lkc_blob_store(s, p, len, last, err, sizeof(err)))
		    == 0) {
			printf("ok");
			hexline("key_id", last, 32);
			printf("\n");
		}
	} else if (strcmp(c, "retrieve-blob") == 0 && ac == 2) {
		if (parse_key(id, av[1], last) != 0) {
			printf("error 1 bad key id\n");
			return 1;
		}
		if ((rv = lkc_blob_retrieve(
		         s, id, buf, sizeof(buf), &len, err, sizeof(err)))
		    == 0) {
			printf("ok len=%zu", len);
			print_data(buf, len > 64 ? 64 : len);
			printf("\n");
		}
	} else if (strcmp(c, "delete") == 0 && ac == 2) {
		if (parse_key(id, av[1], last) != 0) {
			printf("error 1 bad key id\n");
			return 1;
		}
		if ((rv = lkc_delete(s, id, err, sizeof(err))) == 0)
			printf("ok deleted\n");
	} else if (strcmp(c, "audit") == 0) {
		static struct lkc_audit a;
		struct proto_msg_op_audit f;
		int i;
		memset(&f, 0, sizeof(f));
		for (i = 1; i < ac; i++) {
			if (strcmp(av[i], "system") == 0)
				f.type = 1;
			else if (strcmp(av[i], "key") == 0)
				f.type = 2;
			else if (strncmp(av[i], "key=", 4) == 0
			    && f.key_ids_n < PROTO_MAX_AUDIT_KEYS
			    && parse_key(f.key_ids[f.key_ids_n].key_id,
			           av[i] + 4, last)
			        == 0)
				f.key_ids_n++;
			else if (strncmp(av[i], "after=", 6) == 0)
				f.after_ms = strtoull(av[i] + 6, NULL, 10);
			else if (strncmp(av[i], "before=", 7) == 0)
				f.before_ms = strtoull(av[i] + 7, NULL, 10);
			else if (strncmp(av[i], "request=", 8) == 0
			    && lk_hex_decode_exact(f.request_id, 16, av[i] + 8)
			        == 0)
				f.has_request = 1;
		}
		if ((rv = lkc_audit(s, &f, &a, err, sizeof(err))) == 0) {
			const struct proto_msg_op_audit_resp *r
			    = &a.s[a.first].r;
			printf("ok events=%u length=%llu chains_ok=%d "
			       "events_agree=%d servers=%d\n",
			    r->events_n, (unsigned long long) r->length,
			    a.chains_ok, a.events_agree, a.nservers);
			for (i = 0; i < r->events_n; i++) {
				const uint8_t *e = r->events[i].event;
				uint16_t act = (uint16_t) (e[32] << 8 | e[33]);
				uint8_t out = e[34], hk = e[35];
				printf("event action=%s outcome=%s",
				    act < 17 ? actions[act] : "?",
				    out < 4 ? outcomes[out] : "?");
				if (hk)
					hexline("key", e + 36, 32);
				printf("\n");
			}
		}
	} else if (strcmp(c, "login") == 0) {
		/* a new session (the old one is dropped without logout) */
		struct lkc_session *n = NULL;
		if ((rv = lkc_login(k, user, (const uint8_t *) pw, strlen(pw),
		         &n, err, sizeof(err)))
		    == 0) {
			lkc_session_free(s);
			*sp = n;
			printf("ok login servers=%d\n", lkc_session_servers(n));
		}
	} else if (strncmp(c, "test-", 5) == 0) {
		struct lkc_session *b = NULL;
		int mode = strcmp(c, "test-replay") == 0 ? 1
		    : strcmp(c, "test-reorder") == 0     ? 2
		    : strcmp(c, "test-cross") == 0       ? 3
		                                         : 0;
		int rej = 0, codes[PROTO_MAX_NODES] = { 0 };
		if (mode == 3
		    && (rv = lkc_login(k, user, (const uint8_t *) pw,
		            strlen(pw), &b, err, sizeof(err)))
		        != 0) {
			print_err(c, rv, err);
			return 1;
		}
		if (mode == 0)
			rv = LK_EINVAL;
		else if ((rv = lkc_test_channel(
		              s, b, mode, &rej, codes, err, sizeof(err)))
		    == 0) {
			int i;
			printf("ok rejected=%d servers=%d codes=", rej,
			    lkc_session_servers(s));
			for (i = 0; i < rej || (i < 16 && codes[i]); i++)
				printf("%s%d", i ? "," : "", codes[i]);
			if (b != NULL) {
				/* the other session is still good */
				rv = lkc_check_session(b, err, sizeof(err));
				printf(" other_session=%s",
				    rv == 0 ? "ok" : "broken");
				rv = 0;
			}
			printf("\n");
		}
		if (b != NULL) {
			lkc_logout(b, err, sizeof(err));
			lkc_session_free(b);
		}
	} else if (strcmp(c, "sleep") == 0 && ac == 2) {
		struct timespec ts;
		long ms = atol(av[1]);
		ts.tv_sec = ms / 1000;
		ts.tv_nsec = (ms % 1000) * 1000000L;
		nanosleep(&ts, NULL);
		printf("ok slept\n");
	} else if (strcmp(c, "echo") == 0) {
		int i;
		printf("#");
		for (i = 1; i < ac; i++)
			printf(" %s", av[i]);
		printf("\n");
	} else {
		printf("error 2 unknown command or arguments: %s\n", c);
		fflush(stdout);
		return 1;
	}
	if (rv != 0)
		print_err(c, rv, err);
	fflush(stdout);
	return rv != 0;
}

/* lkctl session USER: logs in, then runs one command per line of standard
 * input (see usage), printing one result line each. */
int
lkctl_session(struct lkc *k, int argc, char **argv)
{
	struct lkc_session *s = NULL;
	char pw[1100], err[1024], line[4096], *av[16], *save;
	uint8_t last[32] = { 0 };
	int n, rv, ac, fails = 0;

	if (argc != 1) {
		fprintf(stderr, "usage: lkctl session USER < COMMANDS\n");
		return 2;
	}
	if ((n = get_password(pw, sizeof(pw), 0)) < 0) {
		fprintf(stderr, "lkctl: session: set $LK_PASSWORD\n");
		return 2;
	}
	rv = lkc_login(
	    k, argv[0], (const uint8_t *) pw, (size_t) n, &s, err, sizeof(err));
	if (rv != 0) {
		print_err("login", rv, err);
		lk_wipe(pw, sizeof(pw));
		return 1;
	}
	printf("ok login servers=%d\n", lkc_session_servers(s));
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		char *tok = strtok_r(line, " \t\r\n", &save);
		ac = 0;
		while (tok != NULL && ac < 15) {
			av[ac++] = tok;
			tok = strtok_r(NULL, " \t\r\n", &save);
		}
		av[ac] = NULL;
		if (ac == 0 || av[0][0] == '#')
			continue;
		fails += session_cmd(k, &s, argv[0], pw, av, ac, last);
	}
	lk_wipe(pw, sizeof(pw));
	lk_wipe(line, sizeof(line));
	lkc_session_free(s);
	(void) fails;
	return 0;
}
