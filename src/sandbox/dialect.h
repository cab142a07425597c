/*
 * dialect.h - the five simulated systems, one file each, each speaking its
 * own dialect (doc/sandbox.md is the contract).  Every entry point gets a
 * request whose path starts with the system's prefix ("/tuphap", ...) and
 * fills the response; faults are applied around it by sandbox.c.
 *
 * The status tables are exported for unit tests and for the doc: code ->
 * the dialect's raw value, and back (-1 / NULL when unknown).
 */
#ifndef MOTCUA_SBX_DIALECT_H
#define MOTCUA_SBX_DIALECT_H

#include "sandbox/sandbox.h"

void dialect_dvcqg_handle(struct sandbox *sb, const struct sbx_request *req,
			  struct sbx_response *resp);
void dialect_tuphap_handle(struct sandbox *sb, const struct sbx_request *req,
			   struct sbx_response *resp);
void dialect_congan_handle(struct sandbox *sb, const struct sbx_request *req,
			   struct sbx_response *resp);
void dialect_nnmt_handle(struct sandbox *sb, const struct sbx_request *req,
			 struct sbx_response *resp);
void dialect_tinh_handle(struct sandbox *sb, const struct sbx_request *req,
			 struct sbx_response *resp);

/* tuphap: "processing" ... (OpenCPS-like strings). */
const char *dialect_tuphap_status(int status, uint32_t gen);
int dialect_tuphap_status_parse(const char *s);
/* congan: 100 .. 400. */
int dialect_congan_status(int status);
int dialect_congan_status_parse(int code);
/* nnmt: "IN_PROGRESS" ... */
const char *dialect_nnmt_status(int status);
int dialect_nnmt_status_parse(const char *s);
/* tinh: "Đang xử lý" ... */
const char *dialect_tinh_status(int status);
int dialect_tinh_status_parse(const char *s);

/* Dates. Each writes into buf (>= 32 bytes) and returns it; "" for t == 0 where
 * the dialect leaves dates empty. */
char *dialect_date_dvcqg(mc_time t, char *buf, size_t size);   /* 20260312093000 */
char *dialect_date_tinh(mc_time t, char *buf, size_t size);    /* 12/03/2026 09:30:00 */
char *dialect_date_utc(mc_time t, char *buf, size_t size);     /* 2026-03-12T02:30:00Z */
int dialect_parse_dvcqg_date(const char *s, mc_time *out);
int dialect_parse_tinh_date(const char *s, mc_time *out);

/* The control API (/_control/...) and the payment platform (/payment/...). */
void control_handle(struct sandbox *sb, const struct sbx_request *req, struct sbx_response *resp);
void payment_handle(struct sandbox *sb, const struct sbx_request *req, struct sbx_response *resp);

#endif
