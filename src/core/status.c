/*
 * status.c - canonical statuses and the action transition table.
 *
 * The table is written as "from which statuses, to which status": one row per
 * action, so that reading a row answers "when can the clerk do this?".
 */
#include "core/status.h"

#include <stddef.h>
#include <string.h>

#define S(x) (1u << (x))

struct action_entry {
	const char *name;
	const char *aliases[3];
	const char *label_vi;
	const char *label_en;
	unsigned from;  /* bit set of statuses */
	int to;
	bool needs_reason;
	bool destructive;
};

static const struct action_entry actions[ACTION_COUNT] = {
	[ACTION_RECEIVE] = {"receive", {"tiep-nhan"}, "Tiếp nhận", "Receive",
			    S(STATUS_NEW), STATUS_RECEIVED, false, false},
	[ACTION_REFUSE] = {"refuse", {"reject", "tu-choi"}, "Từ chối tiếp nhận", "Refuse",
			   S(STATUS_NEW), STATUS_REFUSED, true, true},
	[ACTION_REQUEST_SUPPLEMENT] = {"request-supplement", {"supplement", "bo-sung"},
				       "Yêu cầu bổ sung", "Request supplement",
				       S(STATUS_NEW) | S(STATUS_RECEIVED) | S(STATUS_PROCESSING),
				       STATUS_SUPPLEMENT, true, false},
	[ACTION_SUPPLEMENT_RECEIVED] = {"supplement-received", {"supplemented"},
					"Nhận hồ sơ bổ sung", "Supplement received",
					S(STATUS_SUPPLEMENT), STATUS_PROCESSING, false, false},
	[ACTION_FORWARD] = {"forward", {"chuyen"}, "Chuyển xử lý", "Forward",
			    S(STATUS_RECEIVED) | S(STATUS_PROCESSING) | S(STATUS_PAYMENT),
			    STATUS_PROCESSING, false, false},
	[ACTION_APPROVE] = {"approve", {"duyet"}, "Phê duyệt", "Approve",
			    S(STATUS_RECEIVED) | S(STATUS_PROCESSING) | S(STATUS_PAYMENT),
			    STATUS_DONE, false, false},
	[ACTION_REQUEST_PAYMENT] = {"request-payment", {"payment", "thu-phi"},
				    "Yêu cầu nộp phí", "Request payment",
				    S(STATUS_RECEIVED) | S(STATUS_PROCESSING), STATUS_PAYMENT,
				    false, false},
	[ACTION_STOP] = {"stop", {"dung"}, "Dừng xử lý", "Stop processing",
			 S(STATUS_RECEIVED) | S(STATUS_PROCESSING) | S(STATUS_SUPPLEMENT) |
				 S(STATUS_PAYMENT),
			 STATUS_STOPPED, true, true},
	[ACTION_RETURN_RESULT] = {"return-result", {"return", "tra-ket-qua"}, "Trả kết quả",
				  "Return result", S(STATUS_DONE), STATUS_RETURNED, false, true},
	[ACTION_WITHDRAW] = {"withdraw", {"rut"}, "Rút hồ sơ", "Withdraw",
			     S(STATUS_NEW) | S(STATUS_RECEIVED) | S(STATUS_PROCESSING) |
				     S(STATUS_SUPPLEMENT) | S(STATUS_PAYMENT),
			     STATUS_WITHDRAWN, true, true},
};

static const char *const labels_vi[STATUS_MAX + 1] = {
	"?",
	"Mới đăng ký",
	"Được tiếp nhận",
	"Không được tiếp nhận",
	"Đang xử lý",
	"Yêu cầu bổ sung giấy tờ",
	"Yêu cầu thực hiện nghĩa vụ tài chính",
	"Công dân yêu cầu rút hồ sơ",
	"Dừng xử lý",
	"Đã xử lý xong",
	"Đã trả kết quả",
};

static const char *const labels_en[STATUS_MAX + 1] = {
	"?",
	"Submitted",
	"Received",
	"Refused at reception",
	"Being processed",
	"Supplement requested",
	"Fees to pay",
	"Withdrawn by applicant",
	"Processing stopped",
	"Processed, result ready",
	"Result returned",
};

bool
status_valid(int code)
{
	return code >= STATUS_MIN && code <= STATUS_MAX;
}

bool
status_is_terminal(int code)
{
	return code == STATUS_REFUSED || code == STATUS_WITHDRAWN || code == STATUS_STOPPED ||
	       code == STATUS_RETURNED;
}

bool
status_is_finished(int code)
{
	return status_is_terminal(code) || code == STATUS_DONE;
}

const char *
status_label_vi(int code)
{
	return labels_vi[status_valid(code) ? code : 0];
}

const char *
status_label_en(int code)
{
	return labels_en[status_valid(code) ? code : 0];
}

static bool
action_valid(enum action a)
{
	return a > ACTION_NONE && a < ACTION_COUNT;
}

const char *
action_name(enum action a)
{
	return action_valid(a) ? actions[a].name : NULL;
}

enum action
action_from_name(const char *name)
{
	if (name == NULL)
		return ACTION_NONE;
	for (int a = ACTION_NONE + 1; a < ACTION_COUNT; a++) {
		if (strcmp(actions[a].name, name) == 0)
			return (enum action)a;
		for (size_t i = 0; i < 3 && actions[a].aliases[i] != NULL; i++)
			if (strcmp(actions[a].aliases[i], name) == 0)
				return (enum action)a;
	}
	return ACTION_NONE;
}

const char *
action_label_vi(enum action a)
{
	return action_valid(a) ? actions[a].label_vi : "?";
}

const char *
action_label_en(enum action a)
{
	return action_valid(a) ? actions[a].label_en : "?";
}

bool
action_needs_reason(enum action a)
{
	return action_valid(a) && actions[a].needs_reason;
}

bool
action_needs_target(enum action a)
{
	return a == ACTION_FORWARD;
}

bool
action_is_destructive(enum action a)
{
	return action_valid(a) && actions[a].destructive;
}

bool
action_allowed(enum action a, int from)
{
	return action_valid(a) && status_valid(from) && (actions[a].from & S(from)) != 0;
}

int
action_apply(enum action a, int from)
{
	return action_allowed(a, from) ? actions[a].to : STATUS_NONE;
}

int
action_allowed_list(int from, enum action *out)
{
	int n = 0;
	for (int a = ACTION_NONE + 1; a < ACTION_COUNT; a++)
		if (action_allowed((enum action)a, from))
			out[n++] = (enum action)a;
	return n;
}
