/*
 * idp_device.c - the sandbox provider's side of signing in on the phone:
 * the discovery document (endpoints, grants and the sandbox's systems under
 * "motcua_systems"), the device authorization endpoint (RFC 8628 §3.1-3.2)
 * that hands out a device code and a user code, and the verification page
 * where the official approves or denies it (also idp_approve/idp_deny for
 * the control API).
 *
 * It issues no token: polling with the device code is the token endpoint's
 * job (idp_token.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sandbox/idp_int.h"

#define MAX_DEVICES 4096      /* pending device authorizations */

/* ---- discovery -------------------------------------------------------- */

static void
set_url(json_t *obj, const struct idp *idp, const char *key, const char *path)
{
	char *s = idp_url(idp, path);
	json_object_set_new(obj, key, json_string(s));
	free(s);
}


void
idp_handle_discovery(struct idp *idp, struct sbx_response *resp)
{
	json_t *doc = json_object();
	json_t *systems = json_array();

	json_object_set_new(doc, "issuer", json_string(idp->issuer));
	set_url(doc, idp, "device_authorization_endpoint", "/oidc/device_authorization");
	set_url(doc, idp, "token_endpoint", "/oidc/token");
	set_url(doc, idp, "userinfo_endpoint", "/oidc/userinfo");
	set_url(doc, idp, "revocation_endpoint", "/oidc/revoke");
	json_object_set_new(doc, "grant_types_supported",
			    json_pack("[sss]", IDP_GRANT_DEVICE, IDP_GRANT_REFRESH,
				      IDP_GRANT_EXCHANGE));
	json_object_set_new(doc, "response_types_supported", json_pack("[]"));
	json_object_set_new(doc, "subject_types_supported", json_pack("[s]", "public"));
	json_object_set_new(doc, "id_token_signing_alg_values_supported", json_pack("[s]", "HS256"));
	json_object_set_new(doc, "token_endpoint_auth_methods_supported", json_pack("[s]", "none"));
	json_object_set_new(doc, "revocation_endpoint_auth_methods_supported",
			    json_pack("[s]", "none"));
	json_object_set_new(doc, "scopes_supported",
			    json_pack("[sss]", "openid", "profile", "offline_access"));
	json_object_set_new(doc, "claims_supported",
			    json_pack("[sssssss]", "sub", "name", "TechID", "LoaiTaiKhoan",
				      "HoVaTen", "SoDinhDanh", "NgayThangNamSinh"));
	for (size_t i = 0; i < idp->n_systems; i++) {
		const struct idp_sys *s = &idp->systems[i];
		json_array_append_new(systems,
				      json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", s->name,
						"dialect", s->dialect, "title", s->title,
						"base_url", s->base_url, "audience", s->name));
	}
	json_object_set_new(doc, "motcua_systems", systems);
	sbx_response_json(resp, 200, doc);
}

/* ---- device authorization --------------------------------------------- */

void
idp_handle_device_authorization(struct idp *idp, const struct sbx_request *req,
				struct sbx_response *resp)
{
	char *client_id = sbx_form_value(req, "client_id");
	char *scope = sbx_form_value(req, "scope");
	struct idp_device *d;
	char shown[IDP_USER_CODE_LEN + 2];
	char *verify = NULL, *complete = NULL;
	size_t n;

	if (client_id == NULL || !idp_client_id_ok(client_id)) {
		idp_oauth_error(resp, 401, "invalid_client", "client_id missing or malformed");
		goto out;
	}
	if (idp->n_devices >= MAX_DEVICES)
		idp_sweep(idp, req->now, true);
	if (idp->n_devices >= MAX_DEVICES) {
		idp_oauth_error(resp, 503, "temporarily_unavailable", "too many pending sign-ins");
		goto out;
	}
	d = xcalloc(1, sizeof *d);
	d->device_code = idp_new_secret("sbx-dc-");
	idp_new_user_code(idp, d->user_code);
	d->client_id = client_id;
	client_id = NULL;
	d->scope = xstrdup(scope != NULL && scope[0] != '\0' ? scope : "openid");
	d->expires_at = req->now + idp->device_ttl;
	d->last_poll = -1;
	d->interval = idp->interval;
	d->state = IDP_DEV_PENDING;
	d->next = idp->devices;
	idp->devices = d;
	idp->n_devices++;

	snprintf(shown, sizeof shown, "%.4s-%.4s", d->user_code, d->user_code + 4);
	verify = idp_url(idp, "/oidc/device");
	n = strlen(verify) + sizeof "?user_code=" + sizeof shown;
	complete = xmalloc(n);
	snprintf(complete, n, "%s?user_code=%s", verify, shown);
	sbx_response_json(resp, 200,
			  json_pack("{s:s, s:s, s:s, s:s, s:i, s:i}", "device_code",
				    d->device_code, "user_code", shown, "verification_uri", verify,
				    "verification_uri_complete", complete, "expires_in",
				    idp->device_ttl, "interval", d->interval));
	idp_no_store(resp);
out:
	free(verify);
	free(complete);
	free(client_id);
	free(scope);
}

/* ---- verification page ------------------------------------------------ */

static void
html_escape_append(char *buf, size_t size, const char *s)
{
	size_t o = strlen(buf);

	for (; *s != '\0' && o + 7 < size; s++) {
		const char *rep = NULL;
		switch (*s) {
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '&': rep = "&amp;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: break;
		}
		if (rep != NULL) {
			size_t n = strlen(rep);
			memcpy(buf + o, rep, n);
			o += n;
		} else {
			buf[o++] = *s;
		}
	}
	buf[o] = '\0';
}

static void
page(struct sbx_response *resp, int status, const char *message, const char *code)
{
	char esc_code[128] = "";
	char esc_msg[512] = "";
	char *html;
	size_t n;

	html_escape_append(esc_code, sizeof esc_code, code != NULL ? code : "");
	html_escape_append(esc_msg, sizeof esc_msg, message != NULL ? message : "");
	n = 4096;
	html = xmalloc(n);
	snprintf(html, n,
		 "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
		 "<meta name=\"viewport\" content=\"width=device-width\">"
		 "<title>Đăng nhập motcua (sandbox)</title></head><body>\n"
		 "<h1>Xác nhận đăng nhập motcua</h1>\n"
		 "<p><strong>MÔI TRƯỜNG THỬ NGHIỆM</strong> — tài khoản cán bộ giả lập: "
		 "%s</p>\n"
		 "%s%s%s"
		 "<form method=\"post\" action=\"/oidc/device\">\n"
		 "<label>Nhập mã hiển thị trên màn hình máy tính:<br>"
		 "<input name=\"user_code\" value=\"%s\" autocomplete=\"off\" "
		 "autocapitalize=\"characters\"></label><br>\n"
		 "<button name=\"action\" value=\"approve\">Đồng ý đăng nhập</button>\n"
		 "<button name=\"action\" value=\"deny\">Từ chối</button>\n"
		 "</form></body></html>\n",
		 idp_sandbox_official.ho_va_ten, esc_msg[0] != '\0' ? "<p role=\"status\">" : "",
		 esc_msg, esc_msg[0] != '\0' ? "</p>\n" : "", esc_code);
	sbx_response_text(resp, status, "text/html; charset=utf-8", html);
	sbx_response_header(resp, "Cache-Control", "no-store");
	free(html);
}

static int
decide(struct idp *idp, const char *user_code, mc_time now, enum idp_device_state to)
{
	struct idp_device *d = user_code != NULL ? idp_device_by_user_code(idp, user_code) : NULL;

	if (d == NULL || now >= d->expires_at || d->state != IDP_DEV_PENDING)
		return -1;
	d->state = to;
	return 0;
}

void
idp_handle_device_page(struct idp *idp, const struct sbx_request *req, struct sbx_response *resp)
{
	char *code = NULL, *action = NULL;

	if (strcmp(req->method, "GET") == 0) {
		page(resp, 200, NULL, sbx_request_arg(req, "user_code"));
		return;
	}
	code = sbx_form_value(req, "user_code");
	action = sbx_form_value(req, "action");
	if (code == NULL || action == NULL ||
	    (strcmp(action, "approve") != 0 && strcmp(action, "deny") != 0)) {
		page(resp, 400, "Thiếu mã hoặc lựa chọn (Đồng ý / Từ chối).", code);
		goto out;
	}
	if (decide(idp, code, req->now, strcmp(action, "approve") == 0 ? IDP_DEV_APPROVED
								       : IDP_DEV_DENIED) != 0) {
		page(resp, 400, "Mã không đúng, đã hết hạn hoặc đã được dùng. Hãy kiểm tra "
				"lại mã trên màn hình.", code);
		goto out;
	}
	page(resp, 200, strcmp(action, "approve") == 0
			? "Đã đồng ý. Bạn có thể quay lại máy tính."
			: "Đã từ chối yêu cầu đăng nhập.", NULL);
out:
	free(code);
	free(action);
}

int
idp_approve(struct idp *idp, const char *user_code, mc_time now)
{
	return decide(idp, user_code, now, IDP_DEV_APPROVED);
}

int
idp_deny(struct idp *idp, const char *user_code, mc_time now)
{
	return decide(idp, user_code, now, IDP_DEV_DENIED);
}

