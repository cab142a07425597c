/*
 * sign.h - signing results: the signer interface, its two implementations
 * (a PKCS#11 token through libp11, a remote CSC API v2 service), detached
 * CMS signatures over files, and their verification.
 *
 * The signer is a small table of functions (struct signer_ops), so the CMS
 * code never knows whether the private key sits on a USB token or at a
 * remote service, and tests can hand it a fake.  A signer only ever signs
 * digests: cms.c hashes each file, builds the signed attributes, hashes
 * their DER and asks the signer to sign that hash (see doc/signing.md).
 *
 * Secrets (the token PIN, the remote OTP) are asked for through a callback
 * each time they are needed, live in a struct sign_secret of whoever asked
 * (a stack frame, or the console's signing job between the clerk typing it
 * and the signer asking), and are wiped with explicit_bzero() right after use.  They
 * never go to argv, the environment or a log.
 *
 * What this module does not do: read the configuration, draw anything, talk
 * to the store or the outbox (queuing the return-result action is the
 * caller's), or keep a PIN between two signings.
 *
 * Every call is blocking: a token answers in milliseconds to seconds, and
 * the remote signer drives its own requests on the borrowed net until they
 * finish (net_run_until_done).  Not thread-safe.
 */
#ifndef MOTCUA_SIGN_H
#define MOTCUA_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "net/net.h"

/* ---- statuses and their messages --------------------------------------- */

enum sign_status {
	SIGN_OK = 0,
	SIGN_ERR_NO_MODULE,      /* the PKCS#11 module cannot be loaded */
	SIGN_ERR_NO_TOKEN,       /* no token (with that label) is plugged in */
	SIGN_ERR_PIN_INCORRECT,  /* CKR_PIN_INCORRECT */
	SIGN_ERR_PIN_LOCKED,     /* CKR_PIN_LOCKED, or the token says so before login */
	SIGN_ERR_PIN_INVALID,    /* empty, too long, or refused by the token's rules */
	SIGN_ERR_TOKEN_REMOVED,  /* the token went away during the operation */
	SIGN_ERR_NO_KEY,         /* no private key with a certificate (with that label) */
	SIGN_ERR_KEY_UNSUPPORTED,/* neither RSA nor EC, or the token refuses the mechanism */
	SIGN_ERR_DEVICE,         /* any other token failure */
	SIGN_ERR_CANCELLED,      /* no PIN/OTP given (no terminal, empty input, EOF) */
	SIGN_ERR_UNAUTHORIZED,   /* the remote service refused the access token */
	SIGN_ERR_OTP_REJECTED,   /* the remote service refused the OTP */
	SIGN_ERR_REMOTE,         /* the remote service refused or failed otherwise */
	SIGN_ERR_OFFLINE,        /* the remote service cannot be reached */
	SIGN_ERR_UNAVAILABLE,    /* it answered a server error (5xx) or "too many" (429) */
	SIGN_ERR_PROTOCOL,       /* the remote service answered something unexpected */
	SIGN_ERR_FILE,           /* reading the input or writing the output failed */
	SIGN_ERR_CRYPTO,         /* OpenSSL failed building the signature */
	SIGN_ERR_TSA,            /* no timestamp: the TSA is unreachable, refused or
	                            answered something that does not check out */
	SIGN_ERR_TRUST,          /* the signing service's or the TSA's certificate is
	                            refused (untrusted, expired, another name, pin)
	                            or its address is plain http:// off this machine */
	SIGN_STATUS_COUNT
};

/*
 * What went wrong: the status, and a short technical detail for logs and the
 * second half of a message ("CKR_PIN_INCORRECT", "HTTP 503", a file name and
 * errno text); never a secret.
 */
struct sign_error {
	enum sign_status status;
	char detail[256];
};

/* Set err (may be NULL) and return -1, for `return sign_fail(...)`. */
int sign_fail(struct sign_error *err, enum sign_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Map a PKCS#11 return value (CK_RV) to a status; its name for details. */
enum sign_status sign_ckr_status(unsigned long ckr);
const char *sign_ckr_name(unsigned long ckr);

/* ---- secrets ----------------------------------------------------------- */

#define SIGN_SECRET_MAX 4096 /* room for an access token (a JWT) too */

struct sign_secret {
	char value[SIGN_SECRET_MAX]; /* NUL-terminated */
	size_t len;
};

/* explicit_bzero the whole struct. */
void sign_secret_wipe(struct sign_secret *secret);

enum sign_secret_kind { SIGN_SECRET_PIN, SIGN_SECRET_OTP };

/*
 * Ask for a secret.  `prompt` names what is asked ("PIN của token
 * motcua-test"); fill *out and return 0, or -1 when none can be had (the
 * signer then reports SIGN_ERR_CANCELLED).  The signer wipes *out.
 */
typedef int sign_ask_fn(void *arg, enum sign_secret_kind kind, const char *prompt,
			struct sign_secret *out);

/*
 * Read one secret line (up to a newline or EOF, without it) from fd, or from
 * /dev/tty with echo off after writing `prompt` there when fd < 0.
 * Returns 0, or -1 (no terminal, read error, empty, longer than
 * SIGN_SECRET_MAX - 1).  *out is wiped on failure.
 */
int sign_read_secret(int fd, const char *prompt, struct sign_secret *out);

/* ---- the signer interface ---------------------------------------------- */

enum sign_key_type { SIGN_KEY_RSA, SIGN_KEY_EC };

/* The algorithms cms.c asks for: RSA keys sign with PSS, EC keys with ECDSA. */
enum sign_alg {
	SIGN_ALG_RSA_PSS_SHA256,  /* RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32 */
	SIGN_ALG_ECDSA_SHA256,    /* signature as DER ECDSA-Sig-Value */
};

/* A key that can sign, with its certificate.  Owned by the signer. */
struct sign_key {
	char *id;          /* token: CKA_ID in hex; remote: the credentialID */
	char *label;       /* token: CKA_LABEL; remote: the description; may be "" */
	enum sign_key_type type;
	int bits;
	X509 *cert;        /* the signer certificate */
	STACK_OF(X509) *chain; /* more certificates to include; may be NULL */
};

/* A SHA-256 digest to sign and the signature that comes back. */
struct sign_digest {
	unsigned char md[32];
};
struct sign_blob {
	unsigned char *data;   /* malloc'd by the signer; the caller frees */
	size_t len;
};

struct signer;

struct signer_ops {
	const char *name; /* "pkcs11", "csc" */
	/* Reach the token or service and log in (asking for the PIN). 0 or -1. */
	int (*open)(struct signer *s, struct sign_error *err);
	/* The keys that have a certificate; borrowed until close.  0 or -1. */
	int (*list_keys)(struct signer *s, const struct sign_key **keys, size_t *n_keys,
			 struct sign_error *err);
	/*
	 * Sign n digests with one key, in order, asking for at most one
	 * second factor for the whole batch (CSC binds one authorization to
	 * every hash it covers).  sigs[i] is filled for i < *n_done; on a
	 * failure part-way, *n_done says how many are good and err why the
	 * rest failed.  Returns 0 when all n were signed, else -1.
	 */
	int (*sign_digests)(struct signer *s, const struct sign_key *key, enum sign_alg alg,
			    const struct sign_digest *digests, size_t n, struct sign_blob *sigs,
			    size_t *n_done, struct sign_error *err);
	/* Log out, wipe and free everything, the signer included.  NULL is fine. */
	void (*close)(struct signer *s);
	/*
	 * Before signing n digests with key: which second factors
	 * sign_digests() will ask for (SIGNER_ASKS_*), and for a service that
	 * sends its OTP on request, send it now, so the clerk can type it in
	 * a dialog that does not block anything.  May be NULL (asks 0).
	 */
	int (*prepare)(struct signer *s, const struct sign_key *key, size_t n, unsigned *asks,
		       struct sign_error *err);
};

enum signer_asks {
	SIGNER_ASKS_PIN = 1 << 0,
	SIGNER_ASKS_OTP = 1 << 1,
};

/* Every implementation starts with this. */
struct signer {
	const struct signer_ops *ops;
};

/* Wrappers that read better at call sites. */
int signer_open(struct signer *s, struct sign_error *err);
int signer_list_keys(struct signer *s, const struct sign_key **keys, size_t *n_keys,
		     struct sign_error *err);
void signer_close(struct signer *s);
/* ops->prepare, or 0 asks when the signer has none.  0 or -1. */
int signer_prepare(struct signer *s, const struct sign_key *key, size_t n, unsigned *asks,
		   struct sign_error *err);

/*
 * The key with this label or id (hex or credentialID), or the only key when
 * want is NULL.  Returns 0 and *key, or -1 with SIGN_ERR_NO_KEY (none, or
 * several and no choice given: the detail lists them).
 */
int signer_pick_key(struct signer *s, const char *want, const struct sign_key **key,
		    struct sign_error *err);

/* The algorithm for a key: PSS for RSA, ECDSA for EC. */
enum sign_alg sign_alg_for_key(const struct sign_key *key);

/* ---- PKCS#11 token ----------------------------------------------------- */

struct sign_pkcs11_config {
	const char *module;      /* path of the PKCS#11 module (.so) */
	const char *token_label; /* NULL: the first token present */
	sign_ask_fn *ask;        /* asked for the PIN at open */
	void *ask_arg;
};

/* Nothing is loaded until signer_open().  Strings are copied.  Never NULL. */
struct signer *sign_pkcs11_new(const struct sign_pkcs11_config *cfg);

/* ---- remote signing (CSC API v2) --------------------------------------- */

struct sign_remote_config {
	const char *base_url;     /* ".../csc/v2" (no trailing /) */
	const char *access_token; /* Bearer token for the service; copied, wiped at close */
	struct net *net;          /* borrowed; must outlive the signer */
	sign_ask_fn *ask;         /* asked for the OTP at each batch */
	void *ask_arg;
};

struct signer *sign_remote_new(const struct sign_remote_config *cfg);

/* ---- detached CMS over files ------------------------------------------- */

/* One file to sign, and how it went. */
struct sign_job {
	const char *path;      /* the file to sign (borrowed) */
	const char *out_path;  /* where the DER .p7s goes (borrowed) */
	enum sign_status status;
	char detail[256];
};

/*
 * Sign every job's file with key: SHA-256, detached SignedData with the
 * signer certificate (and chain), signed attributes contentType,
 * signingTime (= now), messageDigest and ESS signingCertificateV2.  All
 * digests go to the signer in one batch (one PIN/OTP).  Each output is
 * written to a temporary file beside it and renamed into place, so a
 * failure never leaves a partial or stale-looking .p7s.  Returns the number
 * of jobs signed; each job's status and detail say how it went.
 */
size_t sign_files(struct signer *s, const struct sign_key *key, struct sign_job *jobs,
		  size_t n_jobs, time_t now);

/* ---- RFC 3161 timestamps ----------------------------------------------- */

/* A time-stamping authority, spoken to over HTTP (RFC 3161 section 3.4). */
struct sign_tsa {
	const char *url;  /* where to POST application/timestamp-query (borrowed) */
	struct net *net;  /* borrowed; the requests run to completion on it */
};

/*
 * sign_files(), and when tsa is not NULL a timestamp token for each
 * signature: SHA-256 of the SignerInfo's signature value is sent to the TSA
 * (with a random nonce and certReq), the reply is checked (granted, the
 * same imprint and nonce, the token's signature verifies with the TSA
 * certificate inside it) and the token goes into the SignerInfo as the
 * unsigned attribute id-aa-timeStampToken (1.2.840.113549.1.9.16.2.14).
 * The TSA is asked for all tokens at once, after the signer has signed.  A
 * job whose token cannot be had fails with SIGN_ERR_TSA and nothing is
 * written for it (the clerk asked for timestamps; signing without one is
 * their explicit choice, `motcua sign --no-timestamp`).  tsa NULL: exactly
 * sign_files().  Returns the number of jobs signed and written.
 */
size_t sign_files_ts(struct signer *s, const struct sign_key *key, struct sign_job *jobs,
		     size_t n_jobs, time_t now, const struct sign_tsa *tsa);

/* ---- verification ------------------------------------------------------ */

enum sign_verdict {
	SIGN_VALID,            /* signature good and the signer chains to a trusted CA */
	SIGN_VALID_UNTRUSTED,  /* signature good, the signer is not trusted */
	SIGN_TAMPERED,         /* the file differs from what was signed */
	SIGN_INVALID,          /* the signature itself does not verify */
	SIGN_MALFORMED,        /* not a detached CMS signature we can read */
};

struct sign_verify_result {
	enum sign_verdict verdict;
	char signer_cn[256];   /* subject CN (or the whole subject) of the signer */
	char signer_subject[512];
	bool has_time;
	time_t signing_time;   /* from the signingTime attribute */
	char reason[256];      /* why not valid / not trusted; "" when valid */
	/* The RFC 3161 timestamp (unsigned attribute id-aa-timeStampToken). */
	bool has_timestamp;
	bool timestamp_valid;  /* token signature, imprint and TSA trust all hold */
	time_t timestamp_time; /* the token's genTime */
	char tsa_name[256];    /* CN of the TSA certificate; "" when unknown */
	char timestamp_reason[256]; /* why the timestamp is not valid; "" when it is */
};

/* The signer's name on key's certificate (its CN, else the whole subject)
 * into buf; "" when the key has no certificate. */
void sign_key_signer_name(const struct sign_key *key, char *buf, size_t size);

/* Short English verdict word ("valid", "untrusted", "tampered", ...); static. */
const char *sign_verdict_name(enum sign_verdict verdict);

/*
 * Verify the detached DER (or PEM) CMS signature sig_path over content_path.
 * ca_file: PEM trust anchors; NULL: the system's default trust store.  A
 * timestamp, when present, must match the signature value and verify
 * (else SIGN_INVALID, the reason naming the timestamp) and its TSA must
 * chain to the same anchors (else SIGN_VALID_UNTRUSTED).
 * Fills *res; returns 0 when the verdict is SIGN_VALID, else -1.
 */
int sign_verify_file(const char *content_path, const char *sig_path, const char *ca_file,
		     struct sign_verify_result *res);

#endif
